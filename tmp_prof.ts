import * as tf from "@tensorflow/tfjs";
import {
  collectRollout,
  criticInputs,
  LearnedPolicy,
  parseTrainConfig,
  ppoLoss,
  Trainer,
} from "./lib/agent/mod.ts";
import { Rng } from "./lib/random/mod.ts";
import { makeEnv, resolveScenario } from "./lib/experiment/mod.ts";
const config = parseTrainConfig(JSON.parse(await Deno.readTextFile("experiments/headline.json")));
const trainer = await Trainer.create(config);
const envs = Array.from({ length: 8 }, () => makeEnv(resolveScenario(config.train)));
const actor = new LearnedPolicy(trainer.shape, trainer.networks.snapshot(), { mode: "sample" });
const rollout = collectRollout(envs, actor, {
  shape: trainer.shape,
  episodesPerEnv: 4,
  episodeSeed: (e, k) => e * 100 + k,
  rng: new Rng(1),
  reward: "elapsed",
  rewardScale: 100,
});
console.log("steps", rollout.size);
const n = 190;
const batch = {
  size: n,
  node: rollout.node.slice(0, n),
  state: rollout.state.slice(0, n * 45),
  features: rollout.features.slice(0, n * 24 * 5),
  mask: rollout.mask.slice(0, n * 25),
};
const vars = [...trainer.networks.variables.values()];
const opt = tf.train.adam(1e-3);
const time = (label: string, f: () => void, reps = 20) => {
  f();
  const t = performance.now();
  for (let i = 0; i < reps; i++) f();
  console.log(label, ((performance.now() - t) / reps).toFixed(2), "ms");
};
time("scores fwd", () =>
  tf.tidy(() => {
    trainer.networks.scores(batch).dataSync();
  }));
time("values fwd", () =>
  tf.tidy(() => {
    trainer.networks.values(criticInputs(trainer.shape, batch), n).dataSync();
  }));
const inputs = () => ({
  scores: trainer.networks.scores(batch),
  values: trainer.networks.values(criticInputs(trainer.shape, batch), n),
  actions: rollout.action.slice(0, n),
  oldLogProbabilities: rollout.logProbability.slice(0, n),
  advantages: new Float32Array(n).fill(0.1),
  returns: new Float32Array(n),
  oldValues: new Float32Array(n),
});
time("loss fwd", () =>
  tf.tidy(() => {
    ppoLoss(inputs(), config).total.dataSync();
  }));
time("grads", () =>
  tf.tidy(() => {
    const g = tf.variableGrads(() => ppoLoss(inputs(), config).total, vars);
    Object.values(g.grads)[0]!.dataSync();
  }));
time("grads+apply", () =>
  tf.tidy(() => {
    const g = tf.variableGrads(() => ppoLoss(inputs(), config).total, vars);
    opt.applyGradients(g.grads);
    Object.values(g.grads)[0]!.dataSync();
  }));
