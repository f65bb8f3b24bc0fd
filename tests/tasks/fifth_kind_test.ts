/**
 * A fifth task kind, defined only here, goes through everything a kind goes through: the
 * registry, the duration model, the simulator under a baseline, both decision encoders, the
 * profiler's grid and calibration, and an executor's warm-up (what a live agent runs first).
 * Nothing in lib/ names it.
 */
import assert from "node:assert/strict";
import { LIVE_CLUSTER } from "../../lib/cluster/mod.ts";
import { DurationModel, SEED_CALIBRATION } from "../../lib/duration/mod.ts";
import { embedding } from "../../lib/embedding/mod.ts";
import { buildInstance, generateTasks, IDLE, SchedulingEnv } from "../../lib/env/mod.ts";
import { LiveState, parseLiveTask } from "../../lib/live/mod.ts";
import { makeBaseline } from "../../lib/policies/mod.ts";
import { calibrate, profile, profilePlan } from "../../lib/profile/mod.ts";
import { Rng } from "../../lib/random/mod.ts";
import {
  Executor,
  kindSpec,
  registerTaskKind,
  runWorkload,
  TASK_KINDS,
  type WorkloadContext,
} from "../../lib/tasks/mod.ts";

/** A synthetic workload: `steps` rounds of an integer hash, linear in its parameter. */
function hashChain(steps: number, { rng }: WorkloadContext) {
  let h = Math.floor(rng.next() * 0x7fffffff) | 1;
  for (let i = 0; i < steps; i++) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    h = Math.imul(h ^ (h >>> 12), 0x297a2d39) ^ i;
  }
  return { checksum: h >>> 0, bytesRead: 0, bytesWritten: 0 };
}

const HASH = registerTaskKind({
  name: "hash",
  module: import.meta.url,
  parameterName: "hash rounds",
  min: 1_000_000,
  max: 50_000_000,
  defaultParameter: 10_000_000,
  resource: "single-core integer",
  profile: { coreDemand: 0.25, cpuIntensity: 1, memoryIntensity: 0, ioIntensity: 0 },
  threaded: false,
  capacity: (node) => node.cpuSpeed * Math.min(1, node.cores),
  seedLaw: { scale: 2e-9, exponent: 1 },
  statedGrowth: 1,
  run: (parameter, context) => hashChain(Math.round(parameter), context),
  // From about 5 to 80 ms of work: long enough to time on a loaded machine.
  profiling: { min: 2_000_000, max: 32_000_000, variants: [{ threads: 1, storage: "-" }] },
  warmUpParameter: 1000,
});

Deno.test("registerTaskKind() adds the kind at the end of the one-hot order", () => {
  assert.deepEqual(TASK_KINDS, ["matmul", "primes", "sort", "fileio", "hash"]);
  assert.equal(kindSpec("hash").index, 4);
  assert.equal(HASH.index, 4);
  assert.equal(registerTaskKind({ ...HASH }), HASH, "registering the same module again");
  assert.throws(
    () => registerTaskKind({ ...HASH, module: "file:///elsewhere.ts" }),
    /"hash" is already registered/,
  );
  assert.deepEqual(parseLiveTask({ id: "h-1", kind: "hash", parameter: 2_000_000 }), {
    id: "h-1",
    kind: "hash",
    parameter: 2_000_000,
  });
  assert.throws(
    () => parseLiveTask({ id: "h-2", kind: "hash", parameter: 10 }),
    /Expected hash hash rounds to be in \[1000000, 50000000\] but found 10/,
  );
  const out = new Float32Array(6);
  embedding("seed").encode("hash", 50_000_000, out, 0);
  assert.deepEqual([...out], [0, 0, 0, 0, 1, 1]);
});

Deno.test("the duration model scales the kind's seed law by each node's capacity", () => {
  assert.deepEqual(SEED_CALIBRATION.kinds.hash, { scale: 2e-9, exponent: 1 });
  const model = new DurationModel(SEED_CALIBRATION, LIVE_CLUSTER.nodes, { noise: 0 });
  LIVE_CLUSTER.nodes.forEach((node, i) => {
    const expected = 2e-9 * 10_000_000 / (node.cpuSpeed * Math.min(1, node.cores));
    assert.ok(Math.abs(model.mean("hash", 10_000_000, i) / expected - 1) < 1e-12, node.name);
  });
});

Deno.test("the simulator schedules the kind under max-min; both encoders agree at every decision", () => {
  const window = 6, timeScale = 10, seedEmbedding = embedding("seed");
  const model = new DurationModel(SEED_CALIBRATION, LIVE_CLUSTER.nodes, { noise: 0 });
  const tasks = generateTasks({
    minTasks: 24,
    maxTasks: 24,
    kinds: ["hash", "primes", "sort"],
    split: "all",
    bins: 10,
    arrivals: { type: "batch" },
  }, new Rng(5));
  assert.ok(tasks.filter((task) => task.kind === "hash").length >= 4);
  const instance = buildInstance(tasks, model, { noiseSeed: 0 });
  const env = new SchedulingEnv({ window, timeScale, embedding: seedEmbedding });
  const live = new LiveState({
    cluster: LIVE_CLUSTER,
    model,
    window,
    timeScale,
    embedding: seedEmbedding,
  });
  assert.equal(env.encoder.nodeStateSize, 6);
  assert.equal(live.encoder.nodeStateSize, env.encoder.nodeStateSize);
  const epoch = 1_000_000, id = (task: number) => `t-${task}`;
  for (const task of tasks) live.submit({ ...task, id: id(task.id) }, epoch);
  const policy = makeBaseline("max-min");
  policy.reset(0);
  const started = new Map<number, { node: number; end: number }>();
  let decision = env.reset({ seed: 0, instance }), decisions = 0, hashRan = 0;
  for (;;) {
    // The live state learns what completed by now, as results would tell it.
    for (const [task, { node, end }] of started) {
      if (end <= decision.now + 1e-9) {
        live.complete(id(task), LIVE_CLUSTER.nodes[node]!.name);
        started.delete(task);
      }
    }
    const seen = live.decision(
      LIVE_CLUSTER.nodes[decision.node]!.name,
      epoch + decision.now * 1000,
    );
    assert.deepEqual(seen.features, decision.features, `features at decision ${decisions}`);
    assert.deepEqual(seen.mask, decision.mask, `mask at decision ${decisions}`);
    assert.deepEqual(
      [...seen.candidates.subarray(0, seen.candidateCount)],
      [...decision.candidates.subarray(0, decision.candidateCount)],
    );
    seen.state.forEach((value, k) =>
      assert.ok(Math.abs(value - decision.state[k]!) < 1e-5, `state[${k}] at ${decisions}`)
    );
    const action = policy.act(decision);
    if (action !== IDLE) {
      const task = decision.candidates[action]!;
      const end = decision.now + instance.expected[task * instance.nodeCount + decision.node]!;
      started.set(task, { node: decision.node, end });
      live.assign(id(task), {
        node: LIVE_CLUSTER.nodes[decision.node]!.name,
        assignedAt: epoch + decision.now * 1000,
      });
      if (tasks[task]!.kind === "hash") hashRan++;
    }
    decisions++;
    const { observation, terminated, info } = env.step(action);
    if (terminated) {
      assert.equal(info!.completion.filter(Number.isFinite).length, tasks.length);
      break;
    }
    decision = observation;
  }
  assert.equal(hashRan, tasks.filter((task) => task.kind === "hash").length);
  assert.ok(decisions >= tasks.length);
});

Deno.test("the profiler runs the kind over its grid in a worker and calibrate() fits its law", async () => {
  const plan = profilePlan({ points: 4, kinds: ["hash"] });
  assert.deepEqual(plan.map((entry) => entry.parameter), [
    2_000_000,
    5_039_684,
    12_699_208,
    32_000_000,
  ]);
  const dir = await Deno.makeTempDir();
  try {
    const { samples, complete } = await profile({
      out: `${dir}/profile.csv`,
      budgetSeconds: 120,
      repetitions: 3,
      seed: 1,
      points: 4,
      kinds: ["hash"],
    });
    assert.ok(complete);
    assert.equal(samples.length, 12);
    const csv = await Deno.readTextFile(`${dir}/profile.csv`);
    assert.equal(csv.trim().split("\n").length, 13);
    const { calibration } = calibrate(samples, { name: "hash-only", source: "test" });
    assert.deepEqual(Object.keys(calibration.kinds), ["hash"]);
    // Work linear in the parameter: the fitted exponent is near 1 even on a busy machine.
    const law = calibration.kinds.hash!;
    assert.ok(law.exponent > 0.6 && law.exponent < 1.4, `exponent ${law.exponent}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an executor's warm-up (a live agent's first step) runs the kind on its worker", async () => {
  const executor = new Executor();
  try {
    const warmed = await executor.warmUp();
    assert.deepEqual(warmed.map((run) => run.kind), TASK_KINDS);
    const run = await executor.run({ kind: "hash", parameter: 100_000, seed: 7 });
    assert.equal(run.checksum, (await runWorkload("hash", 100_000, { seed: 7 })).checksum);
  } finally {
    executor.close();
  }
});
