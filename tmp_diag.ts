import { LearnedPolicy, meanMakespan, parseTrainConfig, Trainer } from "./lib/agent/mod.ts";
import { makeEnv, resolveScenario } from "./lib/experiment/mod.ts";
import { makeBaseline } from "./lib/policies/mod.ts";
const config = parseTrainConfig(JSON.parse(await Deno.readTextFile("experiments/headline.json")));
const overrides = JSON.parse(Deno.args[1] ?? "{}");
const trainer = await Trainer.create({
  ...config,
  updates: Number(Deno.args[0]),
  evalEvery: 0,
  ...overrides,
});
for (let u = 0; u < trainer.config.updates; u++) trainer.step();
const seeds = Array.from({ length: 64 }, (_, i) => 1000 + i);
for (const split of ["train", "evaluate"] as const) {
  const env = makeEnv(resolveScenario(trainer.config[split]));
  const greedy = trainer.policy();
  const sample = new LearnedPolicy(trainer.shape, trainer.networks.snapshot(), { mode: "sample" });
  console.log(
    split,
    "greedy",
    meanMakespan(env, greedy, seeds).toFixed(1),
    "sample",
    meanMakespan(env, sample, seeds).toFixed(1),
    "max-min",
    meanMakespan(env, makeBaseline("max-min"), seeds).toFixed(1),
    "efp",
    meanMakespan(env, makeBaseline("earliest-finish-pull"), seeds).toFixed(1),
    "gsjf",
    meanMakespan(env, makeBaseline("greedy-sjf"), seeds).toFixed(1),
  );
}
