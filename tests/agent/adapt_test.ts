import assert from "node:assert/strict";
import {
  fineTune,
  initTensorflow,
  kindShares,
  loadCheckpoint,
  parseTrainConfig,
  pretrainConfig,
  Trainer,
  trainRun,
  updatesToWithin,
} from "../../lib/agent/mod.ts";

await initTensorflow();

const TOY = parseTrainConfig(
  JSON.parse(await Deno.readTextFile(new URL("../../experiments/toy.json", import.meta.url))),
);
const HEADLINE = parseTrainConfig(
  JSON.parse(await Deno.readTextFile(new URL("../../experiments/headline.json", import.meta.url))),
);

Deno.test("Trainer.resume restores Adam's moments unless told to start it anew", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const trainer = await Trainer.create({ ...TOY, updates: 2, evalEvery: 0 });
    trainer.step();
    await trainer.save(dir);
    trainer.dispose();
    const saved = (await loadCheckpoint(dir)).optimizer;
    assert.ok(saved.step > 0);
    for (const fresh of [false, true]) {
      const resumed = await Trainer.resume(dir, {
        config: { ...TOY, updates: 2 },
        freshOptimizer: fresh,
      });
      const out = `${dir}/resumed-${fresh}`;
      await resumed.save(out);
      resumed.dispose();
      const state = (await loadCheckpoint(out)).optimizer;
      assert.equal(state.step, fresh ? 0 : saved.step);
      assert.equal(state.m.every((m) => m.every((v) => v === 0)), fresh);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kindShares: a quarter of the tasks each, but the matrix product is most of the work", () => {
  const shares = kindShares(HEADLINE, 200);
  assert.deepEqual(shares.map((s) => s.kind), ["matmul", "primes", "sort", "fileio"]);
  assert.ok(Math.abs(shares.reduce((s, k) => s + k.workShare, 0) - 1) < 1e-9);
  for (const share of shares) assert.ok(Math.abs(share.taskShare - 0.25) < 0.05, share.kind);
  const matmul = shares[0]!;
  assert.ok(shares.every((s) => s === matmul || s.workShare < matmul.workShare));
});

Deno.test("fineTune: a policy pretrained without a kind is measured with and without it, then fine-tuned", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const pretrain = pretrainConfig(TOY, {
      withheld: "fileio",
      embedding: "character",
      seed: 3,
      updates: 2,
    });
    assert.ok(
      !(pretrain.train as { workload: { kinds: string[] } }).workload.kinds.includes(
        "fileio",
      ),
    );
    await trainRun(pretrain, { out: dir, evaluate: false });
    const run = await fineTune(dir, {
      withheld: "fileio",
      fineTuning: { name: "x3", newKindWeight: 3, freshOptimizer: true },
      maxMin: 1e9,
      adaptUpdates: 3,
      evalEvery: 2,
      evalEpisodes: 2,
    });
    assert.equal(run.embedding, "character");
    assert.equal(run.seed, 3);
    assert.deepEqual(run.curve.updates, [0, 2, 3]);
    assert.equal(run.curve.entropy.length, 3);
    assert.equal(run.curve.updatesToWithin5, 0); // Max-Min at 1e9 s is beaten at once
    assert.ok(run.ratioWith > 0 && run.ratioWithout > 0);
    assert.ok(run.pretrainFinalLearningRate < pretrain.learningRate); // annealed
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("updatesToWithin() gives the first evaluated update at or under the target, else null", () => {
  const curve = { updates: [0, 10, 20, 30], makespan: [120, 104, 106, 99] };
  assert.equal(updatesToWithin(curve, 105), 10);
  assert.equal(updatesToWithin(curve, 104), 10);
  assert.equal(updatesToWithin(curve, 100), 30);
  assert.equal(updatesToWithin(curve, 98), null);
});
