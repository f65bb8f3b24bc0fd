/**
 * The learned allocators' speed on the seed's 9 nodes (window 24, 5-d embedding): acting with
 * the Float32Array fast paths (the seed scorer and the attention allocator of
 * experiments/attention.json) vs the seed scorer through TensorFlow.js-wasm on the same 256
 * decisions, experience collection (environment steps per iteration = the rollout's size,
 * printed), and one training update of each network. Before the benches it prints the PPO
 * update of the headline config on the array path (ArrayLearner) beside the TensorFlow.js
 * reference (TfjsLearner), measured alternately on the same rollouts, their ratio, and the
 * update's share of a training iteration (collection + update), and its arithmetic: the
 * multiply-adds it performs, their rate, and the update time and share that the dense peak of
 * this core (a wasm-SIMD matrix product) would allow; then the update side by side for the
 * preference-conditioned networks of experiments/energy.json and the attention allocator of
 * experiments/attention.json. Run with `./schedlab bench`.
 */
import * as tf from "@tensorflow/tfjs";
import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import {
  AgentNetworks,
  ArrayLearner,
  collectRollout,
  FastScorer,
  initialParameters,
  initTensorflow,
  LearnedPolicy,
  makeScorer,
  MlpGradient,
  parseTrainConfig,
  type Rollout,
  TfjsLearner,
  Trainer,
} from "../lib/agent/mod.ts";
import { sampleDecisions } from "../lib/env/mod.ts";
import { makeEnv, resolveScenario } from "../lib/experiment/mod.ts";
import { Rng } from "../lib/random/mod.ts";

await initTensorflow();
/** A training session of an experiment config (no evaluations). */
async function session(name: string): Promise<Trainer> {
  const file = new URL(`../experiments/${name}.json`, import.meta.url);
  const parsed = parseTrainConfig(JSON.parse(await Deno.readTextFile(file)));
  return await Trainer.create({ ...parsed, evalEvery: 0 });
}
const trainer = await session("headline"), config = trainer.config;
const attentionTrainer = await session("attention");
/** The committed attention recipe: the same allocator with the pair network (acting only). */
const pairsTrainer = await session("attention-drawn-pairs");
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

const attentionPairs = makeScorer(pairsTrainer.shape, pairsTrainer.learner.snapshot());

Deno.bench(
  "act: attention fast path with the pair network, 256 decisions",
  { group: "act" },
  () => {
    for (const d of decisions) attentionPairs.score(d, scores);
  },
);

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

/**
 * A collector of a session's config with its sampling policy: iteration k's rollout (episode
 * seeds from `base`).
 */
function collector(session: Trainer, base: number): (k: number) => Rollout {
  const c = session.config;
  const envs = Array.from({ length: c.envs }, () => makeEnv(resolveScenario(c.train)));
  const actor = new LearnedPolicy(session.shape, session.learner.snapshot(), { mode: "sample" });
  return (k) =>
    collectRollout(envs, actor, {
      shape: session.shape,
      episodesPerEnv: c.episodesPerEnv,
      episodeSeed: (e, episode) => base + k * 1000 + e * 100 + episode,
      rng: new Rng(base + k),
      reward: c.reward,
      rewardScale: c.rewardScale,
      objective: session.objective,
      weights: c.preference ? [c.preference.min, c.preference.max] : undefined,
      weightRng: new Rng(base + 500_000 + k),
    });
}

const collectHeadline = collector(trainer, 0);
let iteration = 0;
const probe = collectHeadline(iteration);
console.log(
  `collection: one iteration = ${config.envs} envs x ${config.episodesPerEnv} episodes ≈ ${probe.size} environment steps`,
);

Deno.bench(
  `collect: ${config.envs} envs x ${config.episodesPerEnv} episodes (≈${probe.size} steps)`,
  { group: "train" },
  () => {
    collectHeadline(++iteration);
  },
);

/** Mean times (ms) of the updates on both paths, and the array path's multiply-adds. */
interface UpdateTimes {
  /** Array path (ArrayLearner). */
  readonly arrayMs: number;
  /** TensorFlow.js reference (TfjsLearner). */
  readonly referenceMs: number;
  /** Multiply-adds of an array-path update (MlpGradient's networks only, else NaN). */
  readonly multiplyAdds: number;
}

/**
 * The update on the array path and on the tfjs reference, both from the session's weights, on
 * the same rollouts, alternately; the first update of each warms it up. For the MLP networks,
 * the multiply-adds the array path performed, counted outside the timed spans.
 */
function compareUpdates(session: Trainer, rollouts: readonly Rollout[]): UpdateTimes {
  const sessionConfig = session.config,
    init = {
      parameters: session.learner.snapshot(),
      learningRate: sessionConfig.learningRate,
    };
  const array = new ArrayLearner(session.shape, init);
  const reference = new TfjsLearner(session.shape, init);
  const engine = array.engine instanceof MlpGradient ? array.engine : undefined;
  const totals = [0, 0];
  let multiplyAdds = 0;
  rollouts.forEach((rollout, k) => {
    const before = engine?.multiplyAdds ?? 0;
    [array, reference].forEach((learner, path) => {
      const started = performance.now();
      learner.update(rollout, { config: sessionConfig, rng: new Rng(k) });
      if (k > 0) totals[path]! += performance.now() - started;
    });
    if (k > 0 && engine) multiplyAdds += engine.multiplyAdds - before;
  });
  reference.dispose();
  const counted = rollouts.length - 1;
  return {
    arrayMs: totals[0]! / counted,
    referenceMs: totals[1]! / counted,
    multiplyAdds: engine ? multiplyAdds / counted : NaN,
  };
}

/** Untimed collections before the timed ones: a training run's first collections run unoptimised code. */
const COLLECTION_WARM_UP = 20;

/**
 * Prints a session's PPO update on both paths side by side, on the rollouts of 6 timed
 * collections (after the warm-up), and the update's share of a training iteration; returns
 * the array path's update and the collection's mean times (ms).
 */
function compareIterations(
  label: string,
  session: Trainer,
  base: number,
): UpdateTimes & { collectMs: number } {
  const collect = collector(session, base), c = session.config;
  for (let k = -COLLECTION_WARM_UP; k < 0; k++) collect(k);
  const iterations = Array.from({ length: 6 }, (_, k) => {
    const started = performance.now();
    const rollout = collect(k);
    return { rollout, collectMs: performance.now() - started };
  });
  const counted = iterations.length - 1;
  const times = compareUpdates(session, iterations.map((it) => it.rollout));
  const { arrayMs: fastMs, referenceMs } = times;
  const collectMs = iterations.slice(1).reduce((sum, it) => sum + it.collectMs, 0) / counted;
  const steps = iterations.reduce((sum, it) => sum + it.rollout.size, 0) / iterations.length;
  console.log(
    [
      `PPO update of ${label} (≈${
        Math.round(steps)
      } steps, ${c.epochs} epochs x ${c.minibatches} minibatches), mean of ${counted}:`,
      `  array path (ArrayLearner)      ${fastMs.toFixed(1)} ms`,
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
  return { ...times, collectMs };
}

/**
 * GFLOP/s of TensorFlow.js's wasm backend (XNNPACK) multiplying two 512x512 float32 matrices:
 * the best of 8 products after 2 warm-ups.
 */
function matMulPeak(): number {
  const n = 512, a = tf.randomUniform([n, n], -1, 1, "float32", 1);
  const b = tf.randomUniform([n, n], -1, 1, "float32", 2);
  let best = Infinity;
  for (let k = 0; k < 10; k++) {
    const started = performance.now();
    const product = tf.matMul(a, b);
    product.dataSync();
    if (k >= 2) best = Math.min(best, performance.now() - started);
    product.dispose();
  }
  tf.dispose([a, b]);
  return 2 * n ** 3 / best / 1e6;
}

/**
 * GFLOP/s of the array path's inner loop before its kernels moved to wasm SIMD, in plain JS: a
 * Float64Array of width 128 += x · a row of a Float32Array, over the 64 rows of a matrix in turn,
 * for ≈ 200 ms.
 */
function axpyRate(): number {
  const width = 128, rows = 64, weights = new Float32Array(rows * width).fill(0.5);
  const out = new Float64Array(width);
  let passes = 0;
  const started = performance.now();
  while (performance.now() - started < 200 || passes < 100) {
    for (let r = 0; r < rows; r++) {
      const x = 1e-3 * (r + 1), row = r * width;
      for (let j = 0; j < width; j++) out[j]! += x * weights[row + j]!;
    }
    passes++;
  }
  return 2 * passes * rows * width / (performance.now() - started) / 1e6;
}

/**
 * Prints an update's arithmetic: its multiply-adds, their rate, this core's dense peak (a
 * wasm-SIMD matrix product), the update time and share of an iteration that peak allows, and
 * the rate an update share of 50% needs (the update as fast as the collection).
 */
function printArithmetic(times: UpdateTimes & { collectMs: number }, epochs: number): void {
  const { arrayMs, collectMs, multiplyAdds } = times, flops = 2 * multiplyAdds;
  const peak = matMulPeak(), atPeakMs = flops / peak / 1e6, needed = flops / collectMs / 1e6;
  console.log(
    [
      `  multiply-adds of an update     ${(multiplyAdds / 1e6).toFixed(1)} M (the kernels' ` +
      `a += x·y, padded widths: values pass + ${epochs} epochs, MlpGradient.multiplyAdds)`,
      `  achieved rate                  ${(flops / arrayMs / 1e6).toFixed(2)} GFLOP/s ` +
      `(2 flops per multiply-add; plain JS axpy, width 128: ${axpyRate().toFixed(2)} GFLOP/s)`,
      `  dense peak of this core        ${peak.toFixed(1)} GFLOP/s (tf.matMul 512x512 float32, ` +
      `wasm SIMD ${simd ? "on" : "off"}, ${getThreadsCount()} thread, best of 8)`,
      `  update at that peak            ${atPeakMs.toFixed(1)} ms vs collection ${
        collectMs.toFixed(1)
      } ms: update share ≥ ${(100 * atPeakMs / (atPeakMs + collectMs)).toFixed(0)}%`,
      `  a 50% share needs              ${needed.toFixed(1)} GFLOP/s (the update as fast as the ` +
      `collection: ${(100 * needed / peak).toFixed(0)}% of that peak)`,
    ].join("\n"),
  );
}

const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
printArithmetic(compareIterations("the headline config", trainer, 7_000_000), config.epochs);
compareIterations(
  "the energy config (experiments/energy.json: preference, w drawn in its range)",
  await session("energy"),
  8_000_000,
);
compareIterations(
  "the attention allocator (experiments/attention.json)",
  attentionTrainer,
  9_000_000,
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
for (
  const [name, scorer] of [
    ["seed scorer", fast],
    ["attention (experiments/attention.json)", attention],
    ["attention, pair network (experiments/attention-drawn-pairs.json)", attentionPairs],
  ] as const
) {
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
