import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  Adam,
  type AgentShape,
  agentShape,
  FlatAdam,
  initialParameters,
  initTensorflow,
  knotSuffix,
  LearnedPolicy,
  MlpGradient,
  parseTrainConfig,
  PREFERENCE_KNOTS,
  preferenceSize,
  type Rollout,
  scorerInputSize,
  type SparseInputs,
  type TrainConfig,
} from "../../lib/agent/mod.ts";
import { resolveScenario } from "../../lib/experiment/mod.ts";
import { Rng } from "../../lib/random/mod.ts";
import { loadSweep, resolveRuns } from "../../lib/sweep/mod.ts";
import { assertGradientMatches, assertSameUpdates, twoEpisodes } from "../helpers/learners.ts";

await initTensorflow();

const HEADLINE = parseTrainConfig(
  JSON.parse(
    await Deno.readTextFile(new URL("../../experiments/headline.json", import.meta.url)),
  ),
);

const ENERGY = parseTrainConfig(
  JSON.parse(await Deno.readTextFile(new URL("../../experiments/energy.json", import.meta.url))),
);

/**
 * Parameters whose scores and values are far from zero, so that every term matters; with
 * preference, every knot's heads differ.
 */
function parameters(shape: AgentShape, seed: number): Map<string, Float32Array> {
  const values = initialParameters(shape, new Rng(seed));
  const knots = shape.preference ? PREFERENCE_KNOTS.length : 1;
  for (let k = 0; k < knots; k++) {
    const at = knotSuffix(k);
    values.get(`scorer/wOut${at}`)!.forEach((_, i, a) => (a[i] = 0.3 * Math.sin(i + seed + k)));
    values.get(`scorer/idle${at}`)![0] = 0.4 - 0.2 * k;
    values.get(`critic/bOut${at}`)![0] = -0.5 + 0.3 * k;
  }
  return values;
}

/** A real rollout of a scenario under the greedy policy of `values`. */
function rollout(
  shape: AgentShape,
  scenario: TrainConfig["train"],
  values: Map<string, Float32Array>,
): Rollout {
  return twoEpisodes(shape, resolveScenario(scenario), new LearnedPolicy(shape, values));
}

/** The embedding ablation's arms (every embedding, learned sizes, none), then deeper scorers. */
const ARMS = resolveRuns(
  await loadSweep(
    new URL("../../experiments/sweeps/embedding-ablation.json", import.meta.url).pathname,
  ),
  { seeds: 1, updates: 1 },
).runs;
const CASES = [
  ...ARMS.map(({ arm, config }) => ({ arm, config, scorerHidden: [128] })),
  { ...ARMS.find(({ config }) => config.learnedEmbedding === undefined)!, scorerHidden: [128, 64] },
  { ...ARMS.find(({ config }) => config.learnedEmbedding === 4)!, scorerHidden: [32, 32] },
];

for (const { arm, config: armConfig, scorerHidden } of CASES) {
  for (const clipValueLoss of [true, false]) {
    Deno.test(`MlpGradient equals TensorFlow.js's gradient of ppoLoss within 1e-5 (${arm}, scorer ${scorerHidden.join("-")}, clipped value loss ${clipValueLoss})`, () => {
      const config = { ...armConfig, clipValueLoss };
      const shape = { ...agentShape(config), scorerHidden };
      const values = parameters(shape, 3);
      const steps = rollout(
        shape,
        { ...HEADLINE.train, embedding: config.train.embedding },
        values,
      );
      assertGradientMatches(new MlpGradient(shape), { shape, config, values, steps });
    });
  }
}

// Energy weights at the knots (0, 1/2, 1) and between them, cycled over the rollout's steps.
const WEIGHTS = [0, 1, 0.1, 0.25, 0.5, 0.6, 0.9, 0.37, 1, 0.75, 0.83, 0];

for (const scorerHidden of [[128], [128, 64]]) {
  Deno.test(`MlpGradient equals TensorFlow.js's gradient of ppoLoss within 1e-5 with preference (experiments/energy.json, scorer ${scorerHidden.join("-")})`, () => {
    const shape = { ...agentShape(ENERGY), scorerHidden };
    assert.ok(shape.preference);
    const values = parameters(shape, 4);
    const collected = rollout(shape, ENERGY.train, values);
    const steps = {
      ...collected,
      preference: Float32Array.from(
        { length: collected.size },
        (_, i) => WEIGHTS[i % WEIGHTS.length]!,
      ),
    };
    const gradients = assertGradientMatches(new MlpGradient(shape), {
      shape,
      config: ENERGY,
      values,
      steps,
    });
    // Every knot's heads and the conditioning rows take part (and so were compared).
    const largest = (a: Float64Array) => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    for (let k = 0; k < PREFERENCE_KNOTS.length; k++) {
      for (const head of ["scorer/wOut", "scorer/idle", "critic/wOut"]) {
        const name = `${head}${knotSuffix(k)}`;
        assert.ok(largest(gradients.get(name)!) > 1e-4, `${name} has no gradient`);
      }
    }
    const width = scorerHidden[0]!, conditioning = preferenceSize(shape);
    const rows = gradients.get("scorer/w0")!.subarray(
      (scorerInputSize(shape) - conditioning) * width,
    );
    assert.equal(rows.length, conditioning * width);
    assert.ok(largest(rows) > 1e-4, "the conditioning rows have no gradient");
  });
}

Deno.test("six whole updates of the headline config on the wasm-SIMD path stay within 1e-5 of TensorFlow.js's", async () => {
  await assertSameUpdates(HEADLINE, 1e-5, 6);
});

Deno.test("FlatAdam takes the steps of the tfjs Adam within 1e-6 and round-trips its state", () => {
  const lengths = [6, 3], rng = new Rng(9);
  const initial = Float32Array.from({ length: 9 }, () => rng.normal());
  const variables = [
    tf.variable(tf.tensor(initial.slice(0, 6), [2, 3])),
    tf.variable(tf.tensor(initial.slice(6))),
  ];
  const reference = new Adam(variables, { learningRate: 0.01 });
  const flat = new FlatAdam(lengths, { learningRate: 0.01 });
  const params = initial.slice();
  for (let step = 0; step < 5; step++) {
    const gradient = Float64Array.from({ length: 9 }, () => rng.normal());
    const scale = step === 2 ? 0.5 : 1;
    tf.tidy(() =>
      reference.apply([
        tf.tensor(Float32Array.from(gradient.subarray(0, 6)), [2, 3]).mul(scale),
        tf.tensor(Float32Array.from(gradient.subarray(6))).mul(scale),
      ])
    );
    flat.apply(params, gradient, scale);
  }
  const expected = [...variables[0]!.dataSync(), ...variables[1]!.dataSync()];
  expected.forEach((x, k) => assert.ok(Math.abs(params[k]! - x) < 1e-6, `parameter ${k}`));
  const state = flat.state();
  const moments = reference.state();
  state.m.forEach((m, i) => m.forEach((x, k) => assert.ok(Math.abs(x - moments.m[i]![k]!) < 1e-6)));
  const copy = new FlatAdam(lengths, { learningRate: 0.01 });
  copy.restore(state);
  assert.deepEqual(copy.state(), state);
  assert.throws(
    () => copy.restore({ step: 1, m: [new Float32Array(6)], v: [] }),
    /lengths \[6,3\]/,
  );
  tf.dispose(variables);
  reference.dispose();
});

/** Offsets of consecutive runs of the given lengths: [0, l0, l0 + l1, ...]. */
function starts(lengths: number[]): Int32Array {
  return Int32Array.from([
    0,
    ...lengths.map((_, k) => lengths.slice(0, k + 1).reduce((a, b) => a + b)),
  ]);
}

/**
 * Sparse inputs made by hand from their non-zero counts (the values do not matter to a count):
 * per decision its state's and critic input's non-zeros and its allowed slots as [slot, features].
 */
function handInputs(
  decisions: { state: number; critic: number; slots: [number, number][] }[],
): SparseInputs {
  const slots = decisions.flatMap((d) => d.slots), n = decisions.length;
  const state = starts(decisions.map((d) => d.state)),
    critic = starts(decisions.map((d) => d.critic));
  const features = starts(slots.map(([, count]) => count));
  return {
    size: n,
    node: new Int32Array(n),
    stateStart: state,
    stateIndex: new Int32Array(state.at(-1)!),
    stateValue: new Float32Array(state.at(-1)!),
    slotStart: starts(decisions.map((d) => d.slots.length)),
    slot: Int32Array.from(slots.map(([slot]) => slot)),
    featureStart: features,
    featureIndex: new Int32Array(features.at(-1)!),
    featureValue: new Float32Array(features.at(-1)!),
    criticStart: critic,
    criticIndex: new Int32Array(critic.at(-1)!),
    criticValue: new Float32Array(critic.at(-1)!),
    preference: new Float32Array(n),
  };
}

// 2 nodes of 1 state number, 2-d features, window 2 (the idle slot is 2), scorer 6→4→1,
// critic 9→3→2→1.
const TINY: AgentShape = {
  nodeCount: 2,
  nodeStateSize: 1,
  embeddingDim: 2,
  window: 2,
  scorerHidden: [4],
  criticHidden: [3, 2],
};
// Decision 0: 1 state and 4 critic non-zeros, task slot 0 with 2 features (fused passes), idle.
// Decision 1: no state and 3 critic non-zeros, task slot 1 with 3 features (general passes), idle.
const TWO_DECISIONS = handInputs([
  { state: 1, critic: 4, slots: [[0, 2], [2, 0]] },
  { state: 0, critic: 3, slots: [[1, 3], [2, 0]] },
]);

/** Zero parameters in an engine's flat layout, and the targets of a minibatch of every decision of `inputs` choosing its last allowed slot. */
function zeroMinibatch(engine: MlpGradient, inputs: SparseInputs) {
  const n = inputs.size, indices = Array.from({ length: n }, (_, i) => i);
  const params = new Float32Array(engine.layout.size);
  return {
    params,
    run: () =>
      engine.minibatch(params, inputs, {
        indices,
        advantages: new Float32Array(n).fill(1),
        targets: {
          action: Int32Array.from(indices, (i) => inputs.slot[inputs.slotStart[i + 1]! - 1]!),
          oldLogProbability: new Float32Array(n),
          oldValue: new Float32Array(n),
          returns: new Float32Array(n).fill(1),
        },
        config: { ...HEADLINE, clipValueLoss: false },
      }),
  };
}

Deno.test("MlpGradient.multiplyAdds counts the kernels' rows of a hand-computed update", () => {
  // Padded widths: critic 3 -> 4 and 2 -> 4, scorer 4. Critic forward: 9 list entries (each
  // decision's bias and non-zeros: 5 + 4)·4, the dense layer 2·4·4, the head 2·4.
  const criticForward = 9 * 4 + 32 + 8;
  // Backward: the head twice, the dense layer twice (weights, input), the list entries again.
  const criticBackward = 2 * 8 + 2 * 32 + 9 * 4;
  // Scorer forward: shared terms (bias, node, state: 3 + 2 entries)·4, the slots' task rows
  // (2 + 3)·4, the head over 4 slots·4; backward: the head twice, the slots' and shared rows.
  const scorerForward = 5 * 4 + 5 * 4 + 16, scorerBackward = 2 * 16 + 5 * 4 + 5 * 4;
  const engine = new MlpGradient(TINY), { params, run } = zeroMinibatch(engine, TWO_DECISIONS);
  engine.values(params, TWO_DECISIONS, new Float32Array(2));
  assert.equal(engine.multiplyAdds, criticForward);
  run();
  assert.equal(
    engine.multiplyAdds,
    2 * criticForward + criticBackward + scorerForward + scorerBackward,
  );
});

Deno.test("MlpGradient.multiplyAdds counts a learned embedding's rows", () => {
  const one = handInputs([{ state: 1, critic: 4, slots: [[0, 2], [2, 0]] }]);
  // A 3-d learned embedding: slot 0's values from 2 features (2·3, forward and backward), its
  // 3 rows·4 forward, and twice backward (the rows' gradients and the values'); the critic of
  // one decision: (5·4 + 16 + 4) forward, (8 + 32 + 20) backward.
  const critic = 40 + 60, embedding = 2 * 6;
  const scorer = (3 * 4 + 3 * 4 + 8) + (16 + 2 * 3 * 4 + 3 * 4);
  const engine = new MlpGradient({ ...TINY, learnedDim: 3 });
  const { run } = zeroMinibatch(engine, one);
  run();
  assert.equal(engine.multiplyAdds, critic + embedding + scorer);
});
