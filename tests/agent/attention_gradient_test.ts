import assert from "node:assert/strict";
import {
  type AgentShape,
  AttentionGradient,
  type AttentionShape,
  initialParameters,
  initTensorflow,
  LearnedPolicy,
  parseTrainConfig,
  type Rollout,
} from "../../lib/agent/mod.ts";
import { nodeStateSize } from "../../lib/env/mod.ts";
import { embedding } from "../../lib/embedding/mod.ts";
import { resolveScenario } from "../../lib/experiment/mod.ts";
import { Rng } from "../../lib/random/mod.ts";
import { seed18Cluster } from "../helpers/clusters.ts";
import { assertGradientMatches, assertSameUpdates, twoEpisodes } from "../helpers/learners.ts";

await initTensorflow();

const ATTENTION = parseTrainConfig(
  JSON.parse(await Deno.readTextFile(new URL("../../experiments/attention.json", import.meta.url))),
);

/** The scenario of a design: the seed's cluster, or it twice over. */
function scenarioOf(nodes: 9 | 18, embeddingName: string) {
  const cluster = nodes === 18 ? seed18Cluster() : "seed-9";
  return resolveScenario({
    name: "s",
    cluster,
    window: 24,
    embedding: embeddingName,
    workload: { minTasks: 16, maxTasks: nodes === 18 ? 40 : 24 },
  });
}

/** Parameters with every bias and the idle key non-zero, so that no term hides. */
function parametersOf(shape: AgentShape, seed: number): Map<string, Float32Array> {
  const parameters = initialParameters(shape, new Rng(seed));
  for (const [name, values] of parameters) {
    if (values.length === shape.attention!.width || /\/b\d*$|bOut$/.test(name)) {
      values.forEach((_, i, a) => (a[i] = 0.3 * Math.sin(i + name.length + seed)));
    }
  }
  return parameters;
}

/** A rollout of two episodes of the sampling policy. */
function rolloutOf(
  shape: AgentShape,
  nodes: 9 | 18,
  embeddingName: string,
  values: Map<string, Float32Array>,
): Rollout {
  return twoEpisodes(
    shape,
    scenarioOf(nodes, embeddingName),
    new LearnedPolicy(shape, values, { mode: "sample" }),
  );
}

const DESIGNS: { attention: AttentionShape; nodes: 9 | 18; embedding: string }[] = [
  {
    attention: { width: 16, heads: 1, layers: 1, clip: 10, pairwise: true },
    nodes: 9,
    embedding: "seed",
  },
  {
    attention: { width: 16, heads: 4, layers: 2, clip: 10, pairwise: false },
    nodes: 9,
    embedding: "seed",
  },
  {
    attention: { width: 16, heads: 4, layers: 1, clip: 10, pairwise: true },
    nodes: 18,
    embedding: "seed",
  },
  {
    attention: { width: 16, heads: 1, layers: 2, clip: 10, pairwise: false },
    nodes: 18,
    embedding: "seed",
  },
  {
    attention: { width: 16, heads: 2, layers: 1, clip: 10, pairwise: true },
    nodes: 9,
    embedding: "none",
  },
  {
    attention: { width: 32, heads: 1, layers: 1, clip: 10, pairwise: true },
    nodes: 9,
    embedding: "seed",
  },
  {
    attention: { width: 16, heads: 2, layers: 1, clip: 10, pairwise: true, pairs: 8 },
    nodes: 9,
    embedding: "seed",
  },
  {
    attention: { width: 16, heads: 1, layers: 2, clip: 10, pairwise: false, pairs: 4 },
    nodes: 18,
    embedding: "seed",
  },
];

for (const { attention, nodes, embedding: embeddingName } of DESIGNS) {
  for (const clipValueLoss of [true, false]) {
    Deno.test(`AttentionGradient equals TensorFlow.js's gradient of ppoLoss within 1e-5 (width ${attention.width}, ${attention.heads} head(s), ${attention.layers} layer(s), pairwise ${attention.pairwise}, pairs ${attention.pairs ?? 0}, ${nodes} nodes, embedding ${embeddingName}, clipped value loss ${clipValueLoss})`, () => {
      const shape: AgentShape = {
        nodeCount: nodes,
        nodeStateSize: nodeStateSize(),
        embeddingDim: embedding(embeddingName).dimension,
        window: 24,
        scorerHidden: [1],
        criticHidden: [16, 8],
        attention,
      };
      const values = parametersOf(shape, 3);
      const steps = rolloutOf(shape, nodes, embeddingName, values);
      const gradients = assertGradientMatches(new AttentionGradient(shape), {
        shape,
        config: { ...ATTENTION, clipValueLoss },
        values,
        steps,
      });
      // Every parameter takes part (and so was compared).
      for (const [name, gradient] of gradients) {
        const largest = gradient.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
        assert.ok(largest > 1e-6, `${name} has no gradient`);
      }
    });
  }
}

for (const pairs of [0, 8]) {
  Deno.test(`the array learner's attention updates equal the TensorFlow.js reference's within 1e-4 (experiments/attention.json, pairs ${pairs}, no imitation)`, async () => {
    await assertSameUpdates({
      ...ATTENTION,
      attention: { ...ATTENTION.attention!, pairs },
      imitation: undefined,
      envs: 2,
      episodesPerEnv: 2,
      evalEvery: 0,
    }, 1e-4);
  });
}

Deno.test("after an imitation phase on TensorFlow.js, the array learner takes its weights and its updates equal the reference's within 1e-4", async () => {
  await assertSameUpdates({
    ...ATTENTION,
    envs: 2,
    episodesPerEnv: 2,
    imitation: {
      ...ATTENTION.imitation!,
      rounds: 2,
      episodes: 8,
      daggerEpisodes: 8,
      epochs: 1,
      minibatchSize: 64,
    },
  }, 1e-4);
});
