/**
 * Simulator throughput: one iteration is one 20-task episode on the seed's 9 nodes, i.e. 20
 * scheduling decisions (greedy SJF never idles), so decisions per second = 20 / time per
 * iteration. Run with `./schedlab bench`.
 */
import { drawInstance, makeEnv, resolveScenario } from "../lib/experiment/mod.ts";
import { GreedySjfPolicy, makeBaseline, runEpisode } from "../lib/policies/mod.ts";

const scenario = resolveScenario({
  name: "bench-20",
  workload: { minTasks: 20, maxTasks: 20 },
});
const env = makeEnv(scenario);
const instances = Array.from({ length: 64 }, (_, seed) => drawInstance(scenario, seed));
const greedy = new GreedySjfPolicy();
let episode = 0;

Deno.bench("greedy-sjf, 20 decisions, instance drawn beforehand", {
  group: "episode",
  baseline: true,
}, () => {
  const seed = episode++;
  runEpisode(env, greedy, { seed, instance: instances[seed & 63]! });
});

Deno.bench("greedy-sjf, 20 decisions, instance drawn in reset", { group: "episode" }, () => {
  runEpisode(env, greedy, { seed: episode++ });
});

for (
  const name of [
    "random",
    "greedy-matching",
    "hungarian",
    "earliest-finish-pull",
    "min-min",
    "sufferage",
  ]
) {
  const policy = makeBaseline(name);
  Deno.bench(`${name}, 20 tasks, instance drawn beforehand`, { group: "episode" }, () => {
    const seed = episode++;
    runEpisode(env, policy, { seed, instance: instances[seed & 63]! });
  });
}
