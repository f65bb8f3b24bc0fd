import assert from "node:assert/strict";
import {
  agentShape,
  criticInputs,
  criticInputSize,
  initialParameters,
  parameterLayout,
  parseTrainConfig,
} from "../../lib/agent/mod.ts";
import { type Decision, sampleDecisions } from "../../lib/env/mod.ts";
import { makeEnv, resolveScenario } from "../../lib/experiment/mod.ts";
import { Rng } from "../../lib/random/mod.ts";
import { loadSweep, resolveRuns } from "../../lib/sweep/mod.ts";

const HEADLINE = parseTrainConfig(
  JSON.parse(
    await Deno.readTextFile(new URL("../../experiments/headline.json", import.meta.url)),
  ),
);

/** Copies of the decisions of a few random episodes, some with part of the window empty. */
function decisions(embedding: string, count: number): Decision[] {
  const env = makeEnv(resolveScenario({ ...HEADLINE.train, embedding }));
  return sampleDecisions(env, count, { seed: 5, firstEpisode: 3 });
}

/** A critic row written out by hand: node one-hot, state, mean and max of the candidates, fill. */
function expectedRow(decision: Decision, d: number, window: number): number[] {
  const nodeCount = decision.state.length / 5;
  const oneHot = Array.from({ length: nodeCount }, (_, i) => (i === decision.node ? 1 : 0));
  const candidates: number[][] = [];
  for (let slot = 0; slot < window; slot++) {
    if (decision.mask[slot]) {
      candidates.push(Array.from(decision.features.subarray(slot * d, (slot + 1) * d)));
    }
  }
  const column = (k: number) => candidates.map((c) => c[k]!);
  const mean = Array.from(
    { length: d },
    (_, k) => column(k).reduce((s, x) => s + x, 0) / Math.max(1, candidates.length),
  );
  const max = Array.from({ length: d }, (_, k) => candidates.length ? Math.max(...column(k)) : 0);
  return [...oneHot, ...decision.state, ...mean, ...max, candidates.length / window];
}

/** The embedding ablation's arms (every embedding, learned sizes, none). */
const ABLATION = resolveRuns(
  await loadSweep(
    new URL("../../experiments/sweeps/embedding-ablation.json", import.meta.url).pathname,
  ),
  { seeds: 1, updates: 1 },
).runs;

for (const { arm, config } of ABLATION) {
  Deno.test(`criticInputs() lays out every row as criticInputSize() says (${arm})`, () => {
    const shape = agentShape(config);
    const sample = decisions(config.train.embedding, 60);
    assert.ok(sample.some((d) => d.mask.subarray(0, shape.window).includes(0)));
    const batch = {
      size: sample.length,
      node: Int32Array.from(sample, (d) => d.node),
      state: Float32Array.from(sample.flatMap((d) => Array.from(d.state))),
      features: Float32Array.from(sample.flatMap((d) => Array.from(d.features))),
      mask: Uint8Array.from(sample.flatMap((d) => Array.from(d.mask))),
    };
    const inputs = criticInputs(shape, batch);
    const width = criticInputSize(shape);
    assert.equal(inputs.length, sample.length * width);
    sample.forEach((decision, i) => {
      const expected = expectedRow(decision, shape.embeddingDim, shape.window);
      assert.equal(width, expected.length, "row width");
      const row = Array.from(inputs.subarray(i * width, (i + 1) * width));
      expected.forEach((x, k) => assert.ok(Math.abs(row[k]! - x) < 1e-6, `row ${i}, column ${k}`));
    });
    const first = parameterLayout(shape).find((spec) => spec.name === "critic/w0")!;
    assert.equal(first.shape[0], width);
    assert.equal(initialParameters(shape, new Rng(0)).get("critic/w0")!.length, width * 64);
  });
}
