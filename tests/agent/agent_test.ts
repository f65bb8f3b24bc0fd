import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  AgentNetworks,
  type AgentShape,
  collectRollout,
  FastScorer,
  generalisedAdvantages,
  initialParameters,
  initTensorflow,
  LearnedPolicy,
  liveTensors,
  loadCheckpoint,
  orthogonal,
  parseTrainConfig,
  ppoLoss,
  scorerInputSize,
  tfjsLearner,
  Trainer,
} from "../../lib/agent/mod.ts";
import { quickMakespanBound } from "../../lib/bounds/mod.ts";
import { type Decision, IDLE, sampleDecisions } from "../../lib/env/mod.ts";
import { drawInstance, makeEnv, resolveScenario } from "../../lib/experiment/mod.ts";
import { Rng } from "../../lib/random/mod.ts";
import { assertSameUpdates } from "../helpers/learners.ts";

await initTensorflow();

const TOY = parseTrainConfig(
  JSON.parse(await Deno.readTextFile(new URL("../../experiments/toy.json", import.meta.url))),
);
const SEED_SHAPE: AgentShape = {
  nodeCount: 9,
  nodeStateSize: 5,
  embeddingDim: 5,
  window: 24,
  scorerHidden: [128],
  criticHidden: [64, 64],
};

function seedDecisions(count: number): Decision[] {
  const env = makeEnv(
    resolveScenario({ name: "s", window: 24, workload: { minTasks: 16, maxTasks: 24 } }),
  );
  return sampleDecisions(env, count, { seed: 3, firstEpisode: 1 });
}

Deno.test("the seed's scorer has 59 inputs and 128 hidden units", () => {
  assert.equal(scorerInputSize(SEED_SHAPE), 59);
  const parameters = initialParameters(SEED_SHAPE, new Rng(0));
  assert.equal(parameters.get("scorer/w0")!.length, 59 * 128);
  assert.equal(parameters.get("scorer/wOut")!.length, 128);
});

Deno.test("orthogonal() gives orthonormal columns times the gain", () => {
  const w = orthogonal({ rows: 6, cols: 3 }, { gain: 2, rng: new Rng(1) });
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      let dot = 0;
      for (let r = 0; r < 6; r++) dot += w[r * 3 + a]! * w[r * 3 + b]!;
      assert.ok(Math.abs(dot - (a === b ? 4 : 0)) < 1e-5);
    }
  }
});

for (
  const [scorerHidden, learnedDim] of [[[128], undefined], [[128, 128], undefined], [
    [128],
    8,
  ]] as const
) {
  Deno.test(`FastScorer equals the TensorFlow.js forward within 1e-5 (scorer ${scorerHidden.join("-")}, learned embedding ${learnedDim ?? "none"})`, () => {
    const shape: AgentShape = { ...SEED_SHAPE, scorerHidden, learnedDim };
    const parameters = initialParameters(shape, new Rng(7));
    // Larger output weights so that the scores are not all near zero.
    parameters.get("scorer/wOut")!.forEach((_, i, a) => (a[i] = Math.sin(i)));
    parameters.get("scorer/idle")![0] = 0.3;
    const networks = new AgentNetworks(shape, parameters);
    const fast = new FastScorer(shape, networks.snapshot());
    const decisions = seedDecisions(40);
    const batch = {
      size: decisions.length,
      node: Int32Array.from(decisions, (d) => d.node),
      state: Float32Array.from(decisions.flatMap((d) => Array.from(d.state))),
      features: Float32Array.from(decisions.flatMap((d) => Array.from(d.features))),
      mask: Uint8Array.from(decisions.flatMap((d) => Array.from(d.mask))),
    };
    const reference = tf.tidy(() => networks.scores(batch).arraySync());
    const out = new Float64Array(25);
    decisions.forEach((decision, i) => {
      fast.score(decision, out);
      out.forEach((score, slot) => {
        if (decision.mask[slot]) {
          assert.ok(
            Math.abs(score - reference[i]![slot]!) < 1e-5,
            `${score} vs ${reference[i]![slot]}`,
          );
        } else assert.equal(score, -Infinity);
      });
    });
    networks.dispose();
  });
}

Deno.test("LearnedPolicy's greedy mode idles only when the policy's idle probability exceeds 1/2", () => {
  const shape = SEED_SHAPE;
  const parameters = initialParameters(shape, new Rng(2));
  const decision = seedDecisions(3).find((d) => d.canIdle)!;
  for (const [bias, idles] of [[5, true], [-5, false]] as const) {
    parameters.get("scorer/idle")![0] = bias;
    const policy = new LearnedPolicy(shape, parameters);
    assert.equal(policy.act(decision) === IDLE, idles);
  }
});

Deno.test("generalisedAdvantages() equals the direct sum of discounted TD errors", () => {
  // Two interleaved episodes: steps 0, 2, 3 and steps 1, 4.
  const reward = Float32Array.from([-1, -2, -0.5, -3, 1]);
  const value = Float32Array.from([0.5, -1, 0.2, 0.1, 0.3]);
  const next = Int32Array.from([2, 4, 3, -1, -1]);
  const gamma = 0.9, lambda = 0.8;
  const { advantages, returns } = generalisedAdvantages(reward, value, next, { gamma, lambda });
  const direct = (episode: number[]) =>
    episode.map((_, k) => {
      let sum = 0;
      for (let l = k; l < episode.length; l++) {
        const t = episode[l]!, following = episode[l + 1];
        const delta = reward[t]! + gamma * (following === undefined ? 0 : value[following]!) -
          value[t]!;
        sum += (gamma * lambda) ** (l - k) * delta;
      }
      return sum;
    });
  const expected = new Map<number, number>();
  for (const episode of [[0, 2, 3], [1, 4]]) {
    direct(episode).forEach((a, k) => expected.set(episode[k]!, a));
  }
  for (let t = 0; t < 5; t++) {
    assert.ok(Math.abs(advantages[t]! - expected.get(t)!) < 1e-6, `step ${t}`);
    assert.ok(Math.abs(returns[t]! - (expected.get(t)! + value[t]!)) < 1e-6);
  }
});

Deno.test("ppoLoss() matches hand-computed clipped objectives, value loss and entropy", () => {
  const terms = tf.tidy(() => {
    // Two decisions, three slots; the second's last slot is masked.
    const scores = tf.tensor2d([[0, Math.log(3), 0], [0, 0, -1e9]]);
    const loss = ppoLoss({
      scores,
      values: tf.tensor1d([1, 0]),
      actions: Int32Array.from([1, 0]),
      // New probabilities are 0.6 and 0.5; old ones 0.4 and 0.5: ratios 1.5 and 1.
      oldLogProbabilities: Float32Array.from([Math.log(0.4), Math.log(0.5)]),
      advantages: Float32Array.from([2, -1]),
      returns: Float32Array.from([2, 1]),
      oldValues: Float32Array.from([0.5, 0.5]),
    }, { clip: 0.2, clipValueLoss: true, entropyCoef: 0.1, valueCoef: 0.5 });
    return Object.fromEntries(Object.entries(loss).map(([k, t]) => [k, t.dataSync()[0]!]));
  });
  // Policy: mean(max(-2*1.5, -2*1.2), max(1*1, 1*1)) = mean(-2.4, 1) = -0.7.
  assert.ok(Math.abs(terms.policy! + 0.7) < 1e-5, `policy ${terms.policy}`);
  // Value: clipped values 0.7 and 0.3; max((1-2)², (0.7-2)²) = 1.69, max((0-1)², (0.3-1)²) = 1.
  assert.ok(Math.abs(terms.value! - 0.5 * (1.69 + 1) / 2) < 1e-5, `value ${terms.value}`);
  const entropy = (-(0.2 * Math.log(0.2) * 2 + 0.6 * Math.log(0.6)) + Math.log(2)) / 2;
  assert.ok(Math.abs(terms.entropy! - entropy) < 1e-5, `entropy ${terms.entropy}`);
  assert.ok(Math.abs(terms.clipFraction! - 0.5) < 1e-6);
  assert.ok(Math.abs(terms.approxKl! - (0.5 - Math.log(1.5)) / 2) < 1e-5);
  assert.ok(Math.abs(terms.total! - (-0.7 - 0.1 * entropy + 0.5 * terms.value!)) < 1e-5);
});

Deno.test("checkpoints round-trip, resume exactly, and refuse another shape or a corrupted file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const config = { ...TOY, updates: 4, evalEvery: 0 };
    const straight = await Trainer.create(config);
    for (let u = 0; u < 4; u++) straight.step();
    const interrupted = await Trainer.create(config);
    interrupted.step();
    interrupted.step();
    await interrupted.save(dir);
    const saved = interrupted.learner.snapshot();
    interrupted.dispose();
    const loaded = await loadCheckpoint(dir);
    assert.equal(loaded.update, 2);
    for (const [name, values] of saved) assert.deepEqual(loaded.parameters.get(name), values, name);
    assert.equal(loaded.optimizer.step, 2 * TOY.epochs * TOY.minibatches);
    const resumed = await Trainer.resume(dir, { config, history: interrupted.history });
    resumed.step();
    resumed.step();
    const a = straight.learner.snapshot(), b = resumed.learner.snapshot();
    for (const [name, values] of a) assert.deepEqual(b.get(name), values, `${name} after resume`);
    assert.deepEqual(
      resumed.history.map((r) => [r.update, r.steps, r.episodes, r.trainMakespan]),
      straight.history.map((r) => [r.update, r.steps, r.episodes, r.trainMakespan]),
    );
    const json = JSON.parse(await Deno.readTextFile(`${dir}/checkpoint.json`));
    assert.equal(json.format, "schedlab-checkpoint/2");
    assert.equal(json.history, undefined);
    // Format /1 held the learning curve instead of the progress: it still loads.
    const { progress, ...rest } = json;
    const old = { ...rest, format: "schedlab-checkpoint/1", history: interrupted.history };
    await Deno.writeTextFile(`${dir}/checkpoint.json`, JSON.stringify(old));
    assert.deepEqual((await loadCheckpoint(dir)).progress, progress);
    await Deno.writeTextFile(`${dir}/checkpoint.json`, JSON.stringify({ ...json, format: "x/9" }));
    await assert.rejects(() => loadCheckpoint(dir), /format/);
    await Deno.writeTextFile(`${dir}/checkpoint.json`, JSON.stringify(json));
    straight.dispose();
    resumed.dispose();
    await assert.rejects(
      () => Trainer.resume(dir, { config: { ...config, scorerHidden: [16] } }),
      /scorerHidden is \[32\] in the checkpoint but \[16\] in the config/,
    );
    const bytes = await Deno.readFile(`${dir}/weights.bin`);
    bytes[0] = bytes[0]! ^ 0xff;
    await Deno.writeFile(`${dir}/weights.bin`, bytes);
    await assert.rejects(() => loadCheckpoint(dir), /does not match the SHA-256/);
    await assert.rejects(() => loadCheckpoint(`${dir}/missing`), /cannot read checkpoint\.json/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("training on the tfjs reference path leaks no tensors across updates", async () => {
  const trainer = await Trainer.create({ ...TOY, updates: 6, evalEvery: 0 }, tfjsLearner);
  trainer.step();
  const before = liveTensors();
  for (let u = 0; u < 4; u++) trainer.step();
  assert.equal(liveTensors(), before);
  trainer.dispose();
});

Deno.test("the same config and seed give the same learning curve", async () => {
  const curve = async () => {
    const trainer = await Trainer.create({ ...TOY, updates: 3, evalEvery: 0 });
    for (let u = 0; u < 3; u++) trainer.step();
    trainer.dispose();
    return trainer.history.map((row) => [row.trainMakespan, row.policyLoss, row.valueLoss]);
  };
  assert.deepEqual(await curve(), await curve());
});

Deno.test("the array and tfjs learners make the same update within 1e-4", async () => {
  await assertSameUpdates(TOY, 1e-4);
});

Deno.test("parseTrainConfig() names bad fields", () => {
  assert.throws(() => parseTrainConfig({ ...TOY, updates: -1 }), /updates/);
  assert.throws(() => parseTrainConfig({ ...TOY, reward: "bonus" }), /reward/);
  assert.throws(() => parseTrainConfig({ ...TOY, train: { name: "x" } }), /train\.workload/);
});

Deno.test('collectRollout() with reward "relative" returns minus each makespan over its bound', () => {
  const scenario = resolveScenario({
    name: "r",
    window: 24,
    workload: { minTasks: 16, maxTasks: 24 },
  });
  const seeds = [3, 4, 5];
  const rollout = collectRollout(
    [makeEnv(scenario)],
    new LearnedPolicy(SEED_SHAPE, initialParameters(SEED_SHAPE, new Rng(1))),
    {
      shape: SEED_SHAPE,
      episodesPerEnv: seeds.length,
      episodeSeed: (_, episode) => seeds[episode]!,
      rng: new Rng(2),
      reward: "relative",
      rewardScale: 100,
    },
  );
  seeds.forEach((seed, e) => {
    const expected = -rollout.makespans[e]! / quickMakespanBound(drawInstance(scenario, seed));
    assert.ok(Math.abs(rollout.returns[e]! - expected) < 1e-5, `episode ${e}`);
    assert.ok(expected < -1); // a random policy stays above the bound
  });
});
