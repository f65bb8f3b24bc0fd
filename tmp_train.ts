import { parseTrainConfig, Trainer } from "./lib/agent/mod.ts";
const config = parseTrainConfig(JSON.parse(await Deno.readTextFile("experiments/headline.json")));
const overrides = JSON.parse(Deno.args[1] ?? "{}");
const trainer = await Trainer.create({
  ...config,
  updates: Number(Deno.args[0] ?? 20),
  ...overrides,
});
const t0 = performance.now();
for (let u = 0; u < trainer.config.updates; u++) {
  const r = trainer.step();
  console.log(
    r.update,
    r.steps,
    r.trainMakespan.toFixed(1),
    r.evalMakespan.toFixed(1),
    r.bestBaselineMakespan.toFixed(1),
    "kl",
    r.approxKl.toFixed(4),
    "clip",
    r.clipFraction.toFixed(3),
    "ev",
    r.explainedVariance.toFixed(3),
    "H",
    r.entropy.toFixed(3),
    "sps",
    r.stepsPerSecond.toFixed(0),
    "upd ms",
    r.updateMs.toFixed(0),
    "pl",
    r.policyLoss.toExponential(2),
    "vl",
    r.valueLoss.toExponential(2),
    "gn",
    r.gradientNorm.toExponential(2),
    "t",
    ((performance.now() - t0) / 1000).toFixed(0),
  );
}
