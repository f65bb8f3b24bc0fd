/**
 * The array path against the TensorFlow.js reference, for the tests that compare the two: one
 * minibatch's gradient, and whole updates of a config side by side.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  AgentNetworks,
  type AgentShape,
  collectRollout,
  type FlatGradient,
  gather,
  ppoLoss,
  type Rollout,
  tfjsLearner,
  type TrainConfig,
  Trainer,
} from "../../lib/agent/mod.ts";
import { makeEnv, type Scenario } from "../../lib/experiment/mod.ts";
import { Rng } from "../../lib/random/mod.ts";

/** A rollout of one episode on each of two environments of `scenario`, acting with `actor`. */
export function twoEpisodes(
  shape: AgentShape,
  scenario: Scenario,
  actor: Parameters<typeof collectRollout>[1],
): Rollout {
  return collectRollout([makeEnv(scenario), makeEnv(scenario)], actor, {
    shape,
    episodesPerEnv: 1,
    episodeSeed: (env, episode) => 100 * env + episode + 7,
    rng: new Rng(11),
    reward: "elapsed",
    rewardScale: 100,
  });
}

/**
 * Asserts that a gradient engine's loss terms and gradient on a minibatch of 40 of the
 * rollout's decisions equal TensorFlow.js's gradient of ppoLoss within `tolerance` (default
 * 1e-5), with targets that make ratios and values clip; and that it rejects an action that
 * is not one of its decision's allowed slots, naming both. Returns the gradient by name.
 */
export function assertGradientMatches<I>(
  engine: FlatGradient<I>,
  options: {
    shape: AgentShape;
    config: TrainConfig;
    values: Map<string, Float32Array>;
    steps: Rollout;
    tolerance?: number;
  },
): Map<string, Float64Array> {
  const { shape, config, values, steps } = options, tolerance = options.tolerance ?? 1e-5;
  const rng = new Rng(5);
  const indices = rng.shuffle(Array.from({ length: steps.size }, (_, i) => i)).slice(0, 40);
  const n = steps.size;
  const oldLogProbability = steps.logProbability.map((x) => x + 0.4 * rng.normal());
  const oldValue = Float32Array.from({ length: n }, () => rng.normal());
  const returns = Float32Array.from({ length: n }, () => 2 * rng.normal());
  const advantages = Float32Array.from(indices, () => rng.normal());
  const action = steps.action;
  const networks = new AgentNetworks(shape, values);
  const pick = (a: Float32Array) => Float32Array.from(indices, (i) => a[i]!);
  const batch = gather(steps, indices);
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
  const layout = engine.layout;
  const flat = new Float32Array(layout.size);
  for (const name of layout.names) flat.set(values.get(name)!, layout.offsets.get(name)!);
  const inputs = engine.inputs(steps);
  const loss = engine.minibatch(flat, inputs, {
    indices,
    advantages,
    targets: { action, oldLogProbability, oldValue, returns },
    config,
  });
  const ours = [loss.policy, loss.value, loss.entropy, loss.approxKl, loss.clipFraction];
  ours.forEach((x, k) =>
    assert.ok(
      Math.abs(x - reference.terms[k]!) < tolerance,
      `term ${k}: ${x} vs ${reference.terms[k]}`,
    )
  );
  // The targets make both branches of both maxima occur.
  assert.ok(
    loss.clipFraction > 0 && loss.clipFraction < 1,
    `clip fraction ${loss.clipFraction}`,
  );
  let largest = 0;
  const gradients = new Map<string, Float64Array>();
  layout.names.forEach((name, p) => {
    const offset = layout.offsets.get(name)!, expected = reference.grads.get(name)!;
    gradients.set(name, engine.gradient.slice(offset, offset + layout.lengths[p]!));
    for (let k = 0; k < layout.lengths[p]!; k++) {
      const difference = Math.abs(engine.gradient[offset + k]! - expected[k]!);
      assert.ok(
        difference < tolerance,
        `${name}[${k}]: ${engine.gradient[offset + k]} vs ${expected[k]}`,
      );
      largest = Math.max(largest, Math.abs(expected[k]!));
    }
  });
  assert.ok(largest > 1e-2, `gradients too small to compare (${largest})`);
  const slots = steps.mask.length / n;
  const masked = steps.mask.findIndex((allowed) => !allowed);
  const i = Math.floor(masked / slots), forbidden = Int32Array.from(action);
  forbidden[i] = masked % slots;
  assert.throws(
    () =>
      engine.minibatch(flat, inputs, {
        indices: [i],
        advantages: new Float32Array(1),
        targets: { action: forbidden, oldLogProbability, oldValue, returns },
        config,
      }),
    new RegExp(`^RangeError: Expected decision ${i}'s action ${masked % slots} to be one of`),
  );
  return gradients;
}

/**
 * Asserts that `steps` updates (default 2) of `config` on the default learner and on the tfjs
 * learner report the same losses and leave the same parameters, each within `tolerance`. With an
 * imitation phase, both run it first (on TensorFlow.js) and must hold the same weights after it.
 */
export async function assertSameUpdates(
  config: TrainConfig,
  tolerance: number,
  steps = 2,
): Promise<void> {
  const short = { ...config, updates: steps + 1, evalEvery: 0 };
  const fast = await Trainer.create(short);
  const reference = await Trainer.create(short, tfjsLearner);
  if (config.imitation) {
    fast.imitate();
    reference.imitate();
    const expected = reference.learner.snapshot();
    for (const [name, values] of fast.learner.snapshot()) {
      assert.deepEqual(values, expected.get(name), `${name} after imitation`);
    }
  }
  assert.notEqual(fast.learner.constructor, reference.learner.constructor);
  for (let u = 0; u < steps; u++) {
    const a = fast.step(), b = reference.step();
    for (const key of ["policyLoss", "valueLoss", "entropy", "approxKl", "gradientNorm"] as const) {
      assert.ok(
        Math.abs(a[key] - b[key]) < tolerance,
        `update ${u}: ${key} ${a[key]} vs ${b[key]}`,
      );
    }
  }
  const expected = reference.learner.snapshot();
  let largest = 0;
  for (const [name, values] of fast.learner.snapshot()) {
    values.forEach((x, k) => (largest = Math.max(largest, Math.abs(x - expected.get(name)![k]!))));
  }
  assert.ok(largest < tolerance, `largest parameter difference ${largest}`);
  fast.dispose();
  reference.dispose();
}
