import assert from "node:assert/strict";
import fc from "fast-check";
import * as tf from "@tensorflow/tfjs";
import {
  AgentNetworks,
  type AgentShape,
  arrayLearner,
  assertRunsOn,
  type AttentionShape,
  BestHeuristicTeacher,
  FastAttention,
  initialParameters,
  initTensorflow,
  LearnedPolicy,
  liveTensors,
  loadCheckpoint,
  loadLearnedPolicy,
  parseTrainConfig,
  tfjsLearner,
  Trainer,
  writeContext,
  writeNodeTokens,
} from "../../lib/agent/mod.ts";
import { CONTEXT_SIZE, nodeTokenSize } from "../../lib/agent/tokens.ts";
import { type Decision, type Instance, sampleDecisions } from "../../lib/env/mod.ts";
import { drawInstance, makeEnv, resolveScenario } from "../../lib/experiment/mod.ts";
import { makeBaseline, runEpisode } from "../../lib/policies/mod.ts";
import { Rng } from "../../lib/random/mod.ts";
import { seed18Cluster } from "../helpers/clusters.ts";

await initTensorflow();

const TOY = parseTrainConfig(
  JSON.parse(await Deno.readTextFile(new URL("../../experiments/toy.json", import.meta.url))),
);

function shapeOf(attention: AttentionShape, embeddingDim = 5): AgentShape {
  return {
    nodeCount: 9,
    nodeStateSize: 5,
    embeddingDim,
    window: 24,
    scorerHidden: [1],
    criticHidden: [16],
    attention,
  };
}

const DESIGNS: AttentionShape[] = [
  { width: 16, heads: 1, layers: 1, clip: 10, pairwise: true },
  { width: 16, heads: 4, layers: 2, clip: 10, pairwise: false },
  { width: 16, heads: 2, layers: 1, clip: 10, pairwise: true, pairs: 8 },
];

/** Copies of decisions of random play on a cluster (the seed's, or it twice over). */
function decisions(count: number, options: { doubled?: boolean; embedding?: string } = {}) {
  const cluster = options.doubled ? seed18Cluster() : "seed-9";
  const env = makeEnv(resolveScenario({
    name: "s",
    cluster,
    window: 24,
    embedding: options.embedding ?? "seed",
    workload: { minTasks: 16, maxTasks: options.doubled ? 40 : 24 },
  }));
  return sampleDecisions(env, count, { seed: 3, firstEpisode: 1 });
}

/** Parameters with every bias and the idle key non-zero, so that no term hides. */
function parametersOf(shape: AgentShape, seed: number) {
  const parameters = initialParameters(shape, new Rng(seed));
  for (const [name, values] of parameters) {
    if (values.length === shape.attention!.width || name.endsWith("/b")) {
      values.forEach((_, i, a) => (a[i] = 0.3 * Math.sin(i + name.length)));
    }
  }
  return parameters;
}

function batchOf(list: Decision[]) {
  const m = list[0]!.instance.nodeCount;
  const tokens = m * nodeTokenSize(list[0]!.state.length / m);
  const nodeTokens = new Float32Array(list.length * tokens);
  const context = new Float32Array(list.length * CONTEXT_SIZE);
  list.forEach((d, i) => {
    writeNodeTokens(d, nodeTokens, i * tokens);
    writeContext(d, context, i * CONTEXT_SIZE);
  });
  return {
    size: list.length,
    node: Int32Array.from(list, (d) => d.node),
    state: Float32Array.from(list.flatMap((d) => Array.from(d.state))),
    features: Float32Array.from(list.flatMap((d) => Array.from(d.features))),
    mask: Uint8Array.from(list.flatMap((d) => Array.from(d.mask))),
    nodeTokens,
    context,
  };
}

for (const design of DESIGNS) {
  for (const doubled of [false, true]) {
    Deno.test(`FastAttention equals the TensorFlow.js forward within 1e-5 (width ${design.width}, ${design.heads} head(s), ${design.layers} layer(s), pairs ${design.pairs ?? 0}, ${doubled ? 18 : 9} nodes)`, () => {
      const shape = shapeOf(design);
      const networks = new AgentNetworks(shape, parametersOf(shape, 7));
      const fast = new FastAttention(shape, networks.snapshot());
      const list = decisions(40, { doubled });
      const reference = tf.tidy(() => networks.scores(batchOf(list)).arraySync());
      const out = new Float64Array(25);
      let spread = 0;
      list.forEach((decision, i) => {
        fast.score(decision, out);
        out.forEach((score, slot) => {
          if (!decision.mask[slot]) return assert.equal(score, -Infinity);
          assert.ok(
            Math.abs(score - reference[i]![slot]!) < 1e-5,
            `${score} vs ${reference[i]![slot]}`,
          );
          spread = Math.max(spread, Math.abs(score - out[0]!));
        });
      });
      assert.ok(spread > 0.1, `scores should differ between slots (spread ${spread})`);
      networks.dispose();
    });
  }
}

for (const design of [DESIGNS[1]!, DESIGNS[2]!]) {
  Deno.test(`property: FastAttention's scores of a decision do not depend on what it scored before (its node cache; ${design.heads} heads, ${design.layers} layer(s), pairs ${design.pairs ?? 0})`, () => {
    const shape = shapeOf(design);
    const values = new AgentNetworks(shape, parametersOf(shape, 5));
    const pool = [...decisions(30), ...decisions(30, { doubled: true })];
    const alone = pool.map((decision) => {
      const out = new Float64Array(25);
      new FastAttention(shape, values.snapshot()).score(decision, out);
      return out;
    });
    const shared = new FastAttention(shape, values.snapshot());
    fc.assert(
      fc.property(fc.array(fc.nat(pool.length - 1), { minLength: 1, maxLength: 40 }), (order) => {
        const out = new Float64Array(25);
        for (const k of order) {
          shared.score(pool[k]!, out);
          assert.deepEqual(out, alone[k]);
        }
      }),
      { numRuns: 60 },
    );
    values.dispose();
  });
}

Deno.test("the attention allocator runs without an embedding (width-0 task features)", () => {
  const shape = shapeOf(DESIGNS[0]!, 0);
  const networks = new AgentNetworks(shape, parametersOf(shape, 3));
  const fast = new FastAttention(shape, networks.snapshot());
  const list = decisions(10, { embedding: "none" });
  const reference = tf.tidy(() => networks.scores(batchOf(list)).arraySync());
  const out = new Float64Array(25);
  list.forEach((decision, i) => {
    fast.score(decision, out);
    for (let slot = 0; slot < 25; slot++) {
      if (decision.mask[slot]) assert.ok(Math.abs(out[slot]! - reference[i]![slot]!) < 1e-5);
    }
  });
  networks.dispose();
});

/** The decision with its nodes reordered by `nodes` and its candidates by `slots`. */
function permuted(decision: Decision, nodes: number[], slots: number[]): Decision {
  const m = decision.instance.nodeCount,
    size = 5,
    d = decision.features.length / (decision.mask.length - 1);
  const instance: Instance = {
    ...decision.instance,
    nodes: nodes.map((i) => decision.instance.nodes![i]!),
  };
  const state = new Float32Array(decision.state.length);
  nodes.forEach((old, k) =>
    state.set(decision.state.subarray(old * size, (old + 1) * size), k * size)
  );
  const features = decision.features.slice();
  slots.forEach((old, k) =>
    features.set(decision.features.subarray(old * d, (old + 1) * d), k * d)
  );
  const otherWaiting = Int32Array.from(
    decision.otherWaiting.subarray(0, decision.otherWaitingCount),
    (old) => nodes.indexOf(old),
  );
  assert.equal(instance.nodes!.length, m);
  return {
    ...decision,
    instance,
    node: nodes.indexOf(decision.node),
    state,
    features,
    otherWaiting,
  };
}

for (const design of DESIGNS) {
  Deno.test(`property: scores are equivariant under any order of the nodes and the candidates (${design.heads} head(s), ${design.layers} layer(s), pairs ${design.pairs ?? 0})`, () => {
    const shape = shapeOf(design);
    const fast = new FastAttention(shape, parametersOf(shape, 11));
    const rng = new Rng(5);
    const original = new Float64Array(25), shuffled = new Float64Array(25);
    let checked = 0;
    for (const decision of decisions(60)) {
      for (let trial = 0; trial < 4; trial++) {
        const nodes = rng.shuffle(Array.from({ length: 9 }, (_, i) => i));
        const slots = rng.shuffle(Array.from({ length: decision.candidateCount }, (_, i) => i));
        fast.score(decision, original);
        fast.score(permuted(decision, nodes, slots), shuffled);
        slots.forEach((old, k) =>
          assert.ok(Math.abs(shuffled[k]! - original[old]!) < 1e-9, `slot ${k}`)
        );
        if (decision.canIdle) assert.ok(Math.abs(shuffled[24]! - original[24]!) < 1e-9, "idle");
        else assert.equal(shuffled[24], -Infinity);
        checked++;
      }
    }
    assert.equal(checked, 240);
  });
}

const ATTENTION_TOY = {
  ...TOY,
  attention: { width: 16, heads: 2, layers: 1, clip: 10, pairwise: true, pairs: 4 },
  evalEvery: 0,
};

Deno.test("an attention checkpoint round-trips, resumes exactly and refuses another shape", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const config = { ...ATTENTION_TOY, updates: 4 };
    const straight = await Trainer.create(config);
    for (let u = 0; u < 4; u++) straight.step();
    const interrupted = await Trainer.create(config);
    interrupted.step();
    interrupted.step();
    await interrupted.save(dir);
    const saved = interrupted.learner.snapshot();
    interrupted.dispose();
    const loaded = await loadCheckpoint(dir);
    assert.deepEqual(loaded.shape.attention, config.attention);
    for (const [name, values] of saved) assert.deepEqual(loaded.parameters.get(name), values, name);
    const resumed = await Trainer.resume(dir, { config, history: interrupted.history });
    resumed.step();
    resumed.step();
    const a = straight.learner.snapshot(), b = resumed.learner.snapshot();
    for (const [name, values] of a) assert.deepEqual(b.get(name), values, `${name} after resume`);
    straight.dispose();
    resumed.dispose();
    // The loaded policy acts like the saved weights.
    const { policy } = await loadLearnedPolicy(dir);
    const direct = new LearnedPolicy(loaded.shape, saved);
    const env = makeEnv(resolveScenario(config.train));
    let decision = env.reset({ seed: 4 });
    for (let step = 0; step < 5; step++) {
      assert.deepEqual(policy.logProbabilities(decision), direct.logProbabilities(decision));
      const result = env.step(policy.act(decision));
      if (result.info) break;
      decision = result.observation;
    }
    await assert.rejects(
      () =>
        Trainer.resume(dir, {
          config: { ...config, attention: { ...config.attention, width: 8 } },
        }),
      /attention is .*"width":16.* in the checkpoint but .*"width":8/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("attention training leaks no tensors and its critic learns", async () => {
  const trainer = await Trainer.create({ ...ATTENTION_TOY, updates: 6 });
  trainer.step();
  const before = liveTensors();
  for (let u = 0; u < 4; u++) trainer.step();
  assert.equal(liveTensors(), before);
  assert.ok(trainer.history.every((row) => Number.isFinite(row.policyLoss)));
  assert.ok(trainer.history.at(-1)!.valueLoss < trainer.history[0]!.valueLoss);
  trainer.dispose();
});

Deno.test("a checkpoint that cannot run on a scenario fails naming the mismatch", () => {
  const seedShape: AgentShape = {
    ...shapeOf(DESIGNS[0]!),
    attention: undefined,
    scorerHidden: [128],
  };
  const bigger = resolveScenario({
    name: "seed-18",
    cluster: seed18Cluster(),
    window: 48,
    workload: { minTasks: 30, maxTasks: 40 },
  });
  assert.throws(
    () => assertRunsOn(seedShape, bigger, "seed"),
    /seed scorer cannot run on scenario seed-18: nodeCount is 9 in the checkpoint but the scenario's cluster has 18 nodes; window is 24 in the checkpoint but 48 in the scenario/,
  );
  assertRunsOn(shapeOf(DESIGNS[0]!), bigger, "seed");
  assert.throws(
    () =>
      assertRunsOn(
        shapeOf(DESIGNS[0]!),
        resolveScenario({ ...bigger.config, embedding: "profile" }),
        "profile",
      ),
    /attention allocator cannot run on scenario seed-18: embeddingDim is 5 in the checkpoint but the scenario's embedding "profile" has 6/,
  );
  assert.throws(
    () => assertRunsOn(shapeOf(DESIGNS[0]!), bigger, "log"),
    /the embedding is "log" in the checkpoint but "seed" in the scenario/,
  );
});

Deno.test("the best-heuristic teacher follows, per instance, the heuristic with the best makespan", () => {
  const names = ["max-min", "sufferage", "earliest-finish-pull", "min-min"];
  const teacher = new BestHeuristicTeacher(names);
  const scenario = resolveScenario({
    name: "s",
    window: 24,
    noise: 0,
    workload: { minTasks: 16, maxTasks: 24 },
  });
  const env = makeEnv(scenario);
  for (let seed = 0; seed < 6; seed++) {
    const instance = drawInstance(scenario, seed);
    const best = Math.min(
      ...names.map((name) => runEpisode(env, makeBaseline(name), { seed: 0, instance }).makespan),
    );
    assert.equal(runEpisode(env, teacher, { seed: 0, instance }).makespan, best);
  }
});

Deno.test("imitation: behaviour cloning then DAgger raises the student's agreement with the teacher", async () => {
  const trainer = await Trainer.create({
    ...ATTENTION_TOY,
    imitation: {
      teachers: ["max-min", "earliest-finish-pull"],
      rounds: 3,
      episodes: 64,
      epochs: 4,
      minibatchSize: 64,
      learningRate: 1e-3,
      valueCoef: 0.5,
    },
  });
  const rows = trainer.imitate();
  assert.equal(rows.length, 3);
  assert.ok(rows[1]!.decisions > rows[0]!.decisions, "DAgger aggregates the data");
  assert.ok(
    rows[2]!.agreement > rows[0]!.agreement + 0.1,
    `agreement ${rows.map((r) => r.agreement)}`,
  );
  assert.ok(rows[2]!.crossEntropy < rows[0]!.crossEntropy);
  trainer.dispose();
});

for (const [name, factory] of [["array", arrayLearner], ["TensorFlow.js", tfjsLearner]] as const) {
  Deno.test(`imitation: an exception in the phase leaves the session's ${name} learner in place and leaks no tensor`, async () => {
    const trainer = await Trainer.create({
      ...ATTENTION_TOY,
      imitation: {
        teachers: ["max-min"],
        rounds: 2,
        episodes: 8,
        epochs: 1,
        minibatchSize: 64,
        learningRate: 1e-3,
        valueCoef: 0.5,
      },
    }, factory);
    const learner = trainer.learner, before = learner.snapshot(), tensors = liveTensors();
    assert.throws(() =>
      trainer.imitate(() => {
        throw new Error("stopped after a round");
      }), /stopped after a round/);
    assert.equal(trainer.learner, learner);
    // The array learner's weights are untouched; the TensorFlow.js one trained in place.
    if (name === "array") assert.deepEqual(trainer.learner.snapshot(), before);
    assert.equal(liveTensors(), tensors);
    trainer.dispose();
  });
}
