import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  Adam,
  AgentNetworks,
  type AgentShape,
  agentShape,
  collectRollout,
  FlatAdam,
  flatLayout,
  initialParameters,
  initTensorflow,
  LearnedPolicy,
  MlpGradient,
  parseTrainConfig,
  ppoLoss,
  type Rollout,
  sparseInputs,
} from "../../lib/agent/mod.ts";
import { makeEnv, resolveScenario } from "../../lib/experiment/mod.ts";
import { Rng } from "../../lib/random/mod.ts";
import { loadSweep, resolveRuns } from "../../lib/sweep/mod.ts";

await initTensorflow();

const HEADLINE = parseTrainConfig(
  JSON.parse(
    await Deno.readTextFile(new URL("../../experiments/headline.json", import.meta.url)),
  ),
);

/** Parameters whose scores and values are far from zero, so that every term matters. */
function parameters(shape: AgentShape, seed: number): Map<string, Float32Array> {
  const values = initialParameters(shape, new Rng(seed));
  values.get("scorer/wOut")!.forEach((_, i, a) => (a[i] = 0.3 * Math.sin(i + seed)));
  values.get("scorer/idle")![0] = 0.4;
  values.get("critic/bOut")![0] = -0.5;
  return values;
}

/** A real rollout of the headline scenario under a random policy. */
function rollout(shape: AgentShape, embedding: string, values: Map<string, Float32Array>): Rollout {
  const scenario = resolveScenario({ ...HEADLINE.train, embedding });
  return collectRollout([makeEnv(scenario), makeEnv(scenario)], new LearnedPolicy(shape, values), {
    shape,
    episodesPerEnv: 1,
    episodeSeed: (env, episode) => 100 * env + episode + 7,
    rng: new Rng(11),
    reward: "elapsed",
    rewardScale: 100,
  });
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
      const embedding = config.train.embedding;
      const values = parameters(shape, 3);
      const steps = rollout(shape, embedding, values);
      const rng = new Rng(5);
      // A minibatch of 40 decisions, with targets that make ratios and values clip.
      const indices = rng.shuffle(Array.from({ length: steps.size }, (_, i) => i)).slice(0, 40);
      const n = steps.size;
      const oldLogProbability = steps.logProbability.map((x) => x + 0.4 * rng.normal());
      const oldValue = Float32Array.from({ length: n }, () => rng.normal());
      const returns = Float32Array.from({ length: n }, () => 2 * rng.normal());
      const advantages = Float32Array.from(indices, () => rng.normal());
      const action = steps.action;
      const networks = new AgentNetworks(shape, values);
      const pick = (a: Float32Array) => Float32Array.from(indices, (i) => a[i]!);
      const slots = shape.window + 1, d = shape.embeddingDim, stateSize = 45;
      const batch = {
        size: indices.length,
        node: Int32Array.from(indices, (i) => steps.node[i]!),
        state: Float32Array.from(
          indices.flatMap((i) =>
            Array.from(steps.state.subarray(i * stateSize, (i + 1) * stateSize))
          ),
        ),
        features: Float32Array.from(
          indices.flatMap((i) =>
            Array.from(steps.features.subarray(i * shape.window * d, (i + 1) * shape.window * d))
          ),
        ),
        mask: Uint8Array.from(
          indices.flatMap((i) => Array.from(steps.mask.subarray(i * slots, (i + 1) * slots))),
        ),
      };
      const reference = { terms: [] as number[], grads: new Map<string, Float32Array>() };
      tf.tidy(() => {
        let terms: number[] = [];
        const { grads } = tf.variableGrads(() => {
          const loss = ppoLoss({
            scores: networks.scores(batch),
            values: networks.values(batch),
            actions: Int32Array.from(indices, (i) => action[i]!),
            oldLogProbabilities: pick(oldLogProbability),
            advantages,
            returns: pick(returns),
            oldValues: pick(oldValue),
          }, config);
          terms = [loss.policy, loss.value, loss.entropy, loss.approxKl, loss.clipFraction].map(
            (t) => t.dataSync()[0]!,
          );
          return loss.total;
        }, [...networks.variables.values()]);
        reference.terms = terms;
        for (const [name, v] of networks.variables) {
          reference.grads.set(name, grads[v.name]!.dataSync() as Float32Array);
        }
      });
      networks.dispose();
      const engine = new MlpGradient(shape);
      const layout = flatLayout(shape);
      const flat = new Float32Array(layout.size);
      for (const name of layout.names) flat.set(values.get(name)!, layout.offsets.get(name)!);
      const loss = engine.minibatch(flat, sparseInputs(shape, steps), {
        indices,
        advantages,
        targets: { action, oldLogProbability, oldValue, returns },
        config,
      });
      const ours = [loss.policy, loss.value, loss.entropy, loss.approxKl, loss.clipFraction];
      ours.forEach((x, k) =>
        assert.ok(
          Math.abs(x - reference.terms[k]!) < 1e-5,
          `term ${k}: ${x} vs ${reference.terms[k]}`,
        )
      );
      // The targets make both branches of both maxima occur.
      assert.ok(
        loss.clipFraction > 0 && loss.clipFraction < 1,
        `clip fraction ${loss.clipFraction}`,
      );
      let largest = 0;
      layout.names.forEach((name, p) => {
        const offset = layout.offsets.get(name)!, expected = reference.grads.get(name)!;
        for (let k = 0; k < layout.lengths[p]!; k++) {
          const difference = Math.abs(engine.gradient[offset + k]! - expected[k]!);
          assert.ok(
            difference < 1e-5,
            `${name}[${k}]: ${engine.gradient[offset + k]} vs ${expected[k]}`,
          );
          largest = Math.max(largest, Math.abs(expected[k]!));
        }
      });
      assert.ok(largest > 1e-2, `gradients too small to compare (${largest})`);
    });
  }
}

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
