/**
 * Trains a config on the array path (its default learner) and on the TensorFlow.js reference
 * side by side, for the tests that compare the two.
 *
 * @module
 */
import assert from "node:assert/strict";
import { tfjsLearner, type TrainConfig, Trainer } from "../../lib/agent/mod.ts";

/**
 * Asserts that two updates of `config` on the default learner and on the tfjs learner report
 * the same losses and leave the same parameters, each within `tolerance`.
 */
export async function assertSameUpdates(config: TrainConfig, tolerance: number): Promise<void> {
  const short = { ...config, updates: 3, evalEvery: 0 };
  const fast = await Trainer.create(short);
  const reference = await Trainer.create(short, tfjsLearner);
  assert.notEqual(fast.learner.constructor, reference.learner.constructor);
  for (let u = 0; u < 2; u++) {
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
