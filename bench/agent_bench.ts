/**
 * The learned allocators' speed on the seed's 9 nodes (window 24, 5-d embedding): acting with
 * the Float32Array fast paths (the seed scorer and the attention allocator of
 * experiments/attention.json) vs the seed scorer through TensorFlow.js-wasm on the same 256
 * decisions, experience collection (environment steps per iteration = the rollout's size,
 * printed), and one training update of each network. Before the benches it prints the PPO
 * update of the headline config on the array path (ArrayLearner) beside the TensorFlow.js
 * reference (TfjsLearner), measured alternately on the same rollouts, their ratio, and the
 * update's share of a training iteration (collection + update); then the same side by side for
 * the attention allocator of experiments/attention.json. Run with `./schedlab bench`.
 */
import * as tf from "@tensorflow/tfjs";
import {
  AgentNetworks,
  arrayLearner,
  collectRollout,
  FastScorer,
  initialParameters,
  initTensorflow,
  LearnedPolicy,
  makeScorer,
  parseTrainConfig,
  type Rollout,
  tfjsLearner,
  Trainer,
} from "../lib/agent/mod.ts";
import { sampleDecisions } from "../lib/env/mod.ts";
import { makeEnv, resolveScenario } from "../lib/experiment/mod.ts";
import { Rng } from "../lib/random/mod.ts";

await initTensorflow();
const config = parseTrainConfig(
  JSON.parse(await Deno.readTextFile(new URL("../experiments/headline.json", import.meta.url))),
);
const trainer = await Trainer.create({ ...config, evalEvery: 0 });
const attentionConfig = parseTrainConfig(
  JSON.parse(await Deno.readTextFile(new URL("../experiments/attention.json", import.meta.url))),
);
const attentionTrainer = await Trainer.create({ ...attentionConfig, evalEvery: 0 });
const shape = trainer.shape;
const env = makeEnv(resolveScenario(config.train));
const decisions = sampleDecisions(env, 256, { seed: 1, firstEpisode: 1, idleProbability: 0.2 });
const networks = new AgentNetworks(shape, initialParameters(shape, new Rng(2)));
const fast = new FastScorer(shape, networks.snapshot());
const scores = new Float64Array(shape.window + 1);

Deno.bench("act: fast path, 256 decisions", { group: "act", baseline: true }, () => {
  for (const d of decisions) fast.score(d, scores);
});

const attention = makeScorer(attentionTrainer.shape, attentionTrainer.learner.snapshot());

Deno.bench("act: attention fast path, 256 decisions", { group: "act" }, () => {
  for (const d of decisions) attention.score(d, scores);
});

Deno.bench("act: tfjs-wasm, 256 decisions one at a time", { group: "act" }, () => {
  for (const d of decisions) {
    tf.tidy(() =>
      networks.scores({
        size: 1,
        node: Int32Array.of(d.node),
        state: d.state,
        features: d.features,
        mask: d.mask,
      }).dataSync()
    );
  }
});

const envs = Array.from({ length: config.envs }, () => makeEnv(resolveScenario(config.train)));
const actor = new LearnedPolicy(shape, trainer.learner.snapshot(), { mode: "sample" });
let seed = 0;
const probe = collectRollout(envs, actor, {
  shape,
  episodesPerEnv: config.episodesPerEnv,
  episodeSeed: (e, k) => e * 1000 + k,
  rng: new Rng(0),
  reward: "elapsed",
  rewardScale: 100,
});
console.log(
  `collection: one iteration = ${config.envs} envs x ${config.episodesPerEnv} episodes ≈ ${probe.size} environment steps`,
);

Deno.bench(
  `collect: ${config.envs} envs x ${config.episodesPerEnv} episodes (≈${probe.size} steps)`,
  { group: "train" },
  () => {
    seed++;
    collectRollout(envs, actor, {
      shape,
      episodesPerEnv: config.episodesPerEnv,
      episodeSeed: (e, k) => seed * 100_000 + e * 1000 + k,
      rng: new Rng(seed),
      reward: "elapsed",
      rewardScale: 100,
    });
  },
);

// The update, side by side: both paths from the same weights on the same rollouts, alternately.
// Iteration k's rollout; negative k warm collection up first, as the update's first run warms
// it up: a training run collects 1800 times, and its first collections run unoptimised code.
const collectIteration = (k: number) =>
  collectRollout(envs, actor, {
    shape,
    episodesPerEnv: config.episodesPerEnv,
    episodeSeed: (e, episode) => 7_000_000 + k * 1000 + e * 100 + episode,
    rng: new Rng(100 + k),
    reward: "elapsed",
    rewardScale: 100,
  });
const COLLECTION_WARM_UP = 20;
for (let k = -COLLECTION_WARM_UP; k < 0; k++) collectIteration(k);
const iterations = Array.from({ length: 6 }, (_, k) => {
  const started = performance.now();
  const rollout = collectIteration(k);
  return { rollout, collectMs: performance.now() - started };
});
/**
 * Mean update time (ms) of the array path and of the tfjs reference, both from the session's
 * weights, on the same rollouts, alternately; the first update of each warms it up.
 */
function compareUpdates(session: Trainer, rollouts: readonly Rollout[]): [number, number] {
  const weights = session.learner.snapshot(), sessionConfig = session.config;
  const learners = [arrayLearner, tfjsLearner].map((make) =>
    make(session.shape, { parameters: weights, learningRate: sessionConfig.learningRate })
  );
  const totals = [0, 0];
  rollouts.forEach((rollout, k) => {
    learners.forEach((learner, path) => {
      const started = performance.now();
      learner.update(rollout, { config: sessionConfig, rng: new Rng(k) });
      if (k > 0) totals[path]! += performance.now() - started;
    });
  });
  learners.forEach((learner) => learner.dispose());
  return totals.map((ms) => ms / (rollouts.length - 1)) as [number, number];
}

const counted = iterations.length - 1;
const [fastMs, referenceMs] = compareUpdates(trainer, iterations.map((it) => it.rollout));
const collectMs = iterations.slice(1).reduce((sum, it) => sum + it.collectMs, 0) / counted;
const steps = iterations.reduce((sum, it) => sum + it.rollout.size, 0) / iterations.length;
console.log(
  [
    `PPO update of the headline config (≈${
      Math.round(steps)
    } steps, ${config.epochs} epochs x ${config.minibatches} minibatches), mean of ${counted}:`,
    `  array path (ArrayLearner)        ${fastMs.toFixed(1)} ms`,
    `  tfjs reference (TfjsLearner)   ${referenceMs.toFixed(1)} ms`,
    `  ratio                          ${(referenceMs / fastMs).toFixed(2)}x`,
    `  collection                     ${collectMs.toFixed(1)} ms (${
      Math.round(steps / collectMs)
    }k steps/s, after ${COLLECTION_WARM_UP} warm-up collections)`,
    `  update share of an iteration   ${(100 * fastMs / (fastMs + collectMs)).toFixed(0)}% (${
      (100 * referenceMs / (referenceMs + collectMs)).toFixed(0)
    }% with the reference)`,
  ].join("\n"),
);

// The attention allocator's update, side by side, on rollouts of its sampling policy.
const attentionEnvs = Array.from(
  { length: attentionConfig.envs },
  () => makeEnv(resolveScenario(attentionConfig.train)),
);
const attentionActor = new LearnedPolicy(
  attentionTrainer.shape,
  attentionTrainer.learner.snapshot(),
  { mode: "sample" },
);
const attentionIterations = Array.from({ length: 4 }, (_, k) => {
  const started = performance.now();
  const rollout = collectRollout(attentionEnvs, attentionActor, {
    shape: attentionTrainer.shape,
    episodesPerEnv: attentionConfig.episodesPerEnv,
    episodeSeed: (e, episode) => 9_000_000 + k * 1000 + e * 100 + episode,
    rng: new Rng(200 + k),
    reward: "elapsed",
    rewardScale: 100,
  });
  return { rollout, collectMs: performance.now() - started };
});
const attentionRollouts = attentionIterations.map((it) => it.rollout);
const attentionCollectMs = attentionIterations.slice(1).reduce((sum, it) => sum + it.collectMs, 0) /
  (attentionIterations.length - 1);
const [attentionFastMs, attentionReferenceMs] = compareUpdates(attentionTrainer, attentionRollouts);
const attentionSteps = attentionRollouts.reduce((sum, r) => sum + r.size, 0) /
  attentionRollouts.length;
console.log(
  [
    `PPO update of the attention allocator (experiments/attention.json, ≈${
      Math.round(attentionSteps)
    } steps, ${attentionConfig.epochs} epochs x ${attentionConfig.minibatches} minibatches), mean of ${
      attentionRollouts.length - 1
    }:`,
    `  array path (ArrayLearner)      ${attentionFastMs.toFixed(1)} ms`,
    `  tfjs reference (TfjsLearner)   ${attentionReferenceMs.toFixed(1)} ms`,
    `  ratio                          ${(attentionReferenceMs / attentionFastMs).toFixed(2)}x`,
    `  collection                     ${attentionCollectMs.toFixed(1)} ms`,
    `  update share of an iteration   ${
      (100 * attentionFastMs / (attentionFastMs + attentionCollectMs)).toFixed(0)
    }% (${
      (100 * attentionReferenceMs / (attentionReferenceMs + attentionCollectMs)).toFixed(0)
    }% with the reference)`,
  ].join("\n"),
);

Deno.bench("one training update: collection + PPO update (4 epochs x 4 minibatches)", {
  group: "train",
  n: 10,
}, () => {
  trainer.step();
});

Deno.bench("one training update of the attention allocator (experiments/attention.json)", {
  group: "train",
  n: 10,
}, () => {
  attentionTrainer.step();
});

// Decisions per second of each fast path, printed (Deno.bench reports time per 256).
for (const [name, scorer] of [["seed scorer", fast], ["attention", attention]] as const) {
  for (const d of decisions) scorer.score(d, scores);
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < 1000) {
    for (const d of decisions) scorer.score(d, scores);
    count += decisions.length;
  }
  console.log(
    `acting, ${name}: ${
      Math.round(count / ((performance.now() - start) / 1000))
    } decisions/s (seed cluster, window 24)`,
  );
}
