import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  AgentNetworks,
  type AgentShape,
  criticInputs,
  criticInputSize,
  FastScorer,
  initialParameters,
  initTensorflow,
  knotWeights,
  LearnedPolicy,
  parseTrainConfig,
  scorerInputSize,
  Trainer,
  widenForPreference,
} from "../../lib/agent/mod.ts";
import { type Decision, sampleDecisions } from "../../lib/env/mod.ts";
import { makeEnv, resolveScenario } from "../../lib/experiment/mod.ts";
import { runEpisode } from "../../lib/policies/mod.ts";
import { Rng } from "../../lib/random/mod.ts";
import { assertSameUpdates } from "../helpers/learners.ts";

await initTensorflow();

const SHAPE: AgentShape = {
  nodeCount: 9,
  nodeStateSize: 5,
  embeddingDim: 5,
  window: 24,
  scorerHidden: [64],
  criticHidden: [32, 32],
};
const CONDITIONED: AgentShape = { ...SHAPE, preference: true };

function decisions(count: number): Decision[] {
  const env = makeEnv(
    resolveScenario({ name: "s", window: 24, workload: { minTasks: 16, maxTasks: 24 } }),
  );
  return sampleDecisions(env, count, { seed: 5, firstEpisode: 1 });
}

const batchOf = (list: Decision[], weights: number[]) => ({
  size: list.length,
  node: Int32Array.from(list, (d) => d.node),
  state: Float32Array.from(list.flatMap((d) => Array.from(d.state))),
  features: Float32Array.from(list.flatMap((d) => Array.from(d.features))),
  mask: Uint8Array.from(list.flatMap((d) => Array.from(d.mask))),
  preference: Float32Array.from(weights),
});

Deno.test("a conditioned scorer reads [w, w·node one-hot]: FastScorer equals TensorFlow.js", () => {
  assert.equal(scorerInputSize(CONDITIONED), scorerInputSize(SHAPE) + 10);
  assert.equal(criticInputSize(CONDITIONED), criticInputSize(SHAPE) + 10);
  const parameters = initialParameters(CONDITIONED, new Rng(2));
  parameters.get("scorer/wOut")!.forEach((_, i, a) => (a[i] = Math.cos(i)));
  const networks = new AgentNetworks(CONDITIONED, parameters);
  const fast = new FastScorer(CONDITIONED, networks.snapshot());
  const list = decisions(30);
  const weights = list.map((_, i) => (i % 5) / 4);
  const reference = tf.tidy(() => networks.scores(batchOf(list, weights)).arraySync());
  const out = new Float64Array(25);
  let moved = 0;
  list.forEach((decision, i) => {
    fast.score(decision, out, weights[i]!);
    out.forEach((score, slot) => {
      if (decision.mask[slot]) assert.ok(Math.abs(score - reference[i]![slot]!) < 1e-5);
    });
    const at0 = new Float64Array(25);
    fast.score(decision, at0, 0);
    if (weights[i]! > 0 && at0.some((s, slot) => decision.mask[slot] && s !== out[slot])) moved++;
  });
  assert.ok(moved > 10, "w changes the scores");
  // The critic's row ends with the conditioning vector.
  const rows = criticInputs(CONDITIONED, batchOf(list.slice(0, 2), [0.5, 0.25]));
  const width = criticInputSize(CONDITIONED);
  assert.equal(rows[width - 10], 0.5);
  assert.equal(rows[width - 9 + list[0]!.node], 0.5);
  assert.equal(rows[2 * width - 10], 0.25);
  networks.dispose();
});

Deno.test("knotWeights() interpolates the knots' heads piecewise-linearly in w", () => {
  const out = new Float64Array(5);
  knotWeights(0.3, out);
  assert.deepEqual(Array.from(out, (x) => Math.round(x * 1e9) / 1e9), [0, 0.8, 0.2, 0, 0]);
  knotWeights(1, out);
  assert.deepEqual(Array.from(out), [0, 0, 0, 0, 1]);
  knotWeights(0, out);
  assert.deepEqual(Array.from(out), [1, 0, 0, 0, 0]);
  knotWeights(0.5, out);
  assert.deepEqual(Array.from(out), [0, 0, 1, 0, 0]);
});

Deno.test("widenForPreference() starts the conditioned networks as the original at every w", () => {
  const original = initialParameters(SHAPE, new Rng(4));
  const widened = widenForPreference(original, SHAPE, CONDITIONED);
  const a = new FastScorer(SHAPE, original), b = new FastScorer(CONDITIONED, widened);
  const x = new Float64Array(25), y = new Float64Array(25);
  for (const decision of decisions(10)) {
    a.score(decision, x);
    for (const w of [0, 0.5, 1]) {
      b.score(decision, y, w);
      y.forEach((score, slot) => assert.ok(Math.abs(score - x[slot]!) < 1e-6 || score === x[slot]));
    }
  }
  assert.throws(() => widenForPreference(original, CONDITIONED, CONDITIONED), /without preference/);
});

// Two nodes that truly trade: "fast" twice as fast as "frugal" but draws 10x the watts; idle
// nodes sleep. Makespan wants both busy; energy wants the frugal one only.
const cluster = {
  name: "fast-and-frugal",
  nodes: [
    {
      name: "fast",
      arch: "x86",
      cores: 1,
      cpuSpeed: 1,
      ramGiB: 4,
      diskMBps: 500,
      power: { idleW: 1, busyW: 20 },
    },
    {
      name: "frugal",
      arch: "arm",
      cores: 1,
      cpuSpeed: 0.5,
      ramGiB: 4,
      diskMBps: 250,
      power: { idleW: 0.5, busyW: 2 },
    },
  ],
};
const scenario = (split: string) => ({
  name: `toy-energy-${split}`,
  cluster,
  workload: { minTasks: 4, maxTasks: 6, kinds: ["primes", "sort"], split },
  window: 6,
  timeScale: 50,
  idleNodes: "sleep",
});
const TOY_ENERGY = parseTrainConfig({
  name: "toy-energy",
  seed: 3,
  train: scenario("train"),
  evaluate: scenario("heldout"),
  scorerHidden: [32],
  criticHidden: [32],
  learningRate: 0.003,
  reward: "objective",
  preference: { min: 0, max: 1 },
  updates: 200,
  envs: 4,
  episodesPerEnv: 4,
  evalEvery: 0,
});

Deno.test("the array and tfjs learners make the same conditioned update within 1e-4", async () => {
  await assertSameUpdates(TOY_ENERGY, 1e-4);
});

Deno.test("one conditioned policy learns both ends of the front on a toy that trades", async () => {
  const trainer = await Trainer.create(TOY_ENERGY);
  for (let u = 0; u < TOY_ENERGY.updates; u++) trainer.step();
  const env = makeEnv(resolveScenario(TOY_ENERGY.evaluate));
  const policy = trainer.policy() as LearnedPolicy;
  const mean = (w: number) => {
    policy.preference = w;
    let makespan = 0, energy = 0;
    for (let e = 0; e < 40; e++) {
      const info = runEpisode(env, policy, { seed: 1000 + e });
      makespan += info.makespan / 40;
      energy += info.energy / 40;
    }
    return { makespan, energy };
  };
  const fast = mean(0), frugal = mean(1);
  assert.ok(trainer.objective!.timeRef > 0 && trainer.objective!.energyRef > 0);
  // Earliest finish: about 18 s and 350 J; least energy: about 38 s and 190 J.
  assert.ok(fast.makespan < 0.7 * frugal.makespan, JSON.stringify({ fast, frugal }));
  assert.ok(frugal.energy < 0.75 * fast.energy, JSON.stringify({ fast, frugal }));
  trainer.dispose();
});

Deno.test("parseTrainConfig() refuses preference without the objective reward", () => {
  assert.throws(
    () => parseTrainConfig({ ...TOY_ENERGY, reward: "elapsed" }),
    /preference: preference needs reward "objective"/,
  );
  assert.throws(
    () => parseTrainConfig({ ...TOY_ENERGY, preference: { min: 0.8, max: 0.2 } }),
    /preference\.max/,
  );
});
