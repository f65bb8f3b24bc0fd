import assert from "node:assert/strict";
import { emulatedCluster, emulationOf, LIVE_CLUSTER, SEED_CLUSTER } from "../../lib/cluster/mod.ts";
import { DurationModel, SEED_CALIBRATION } from "../../lib/duration/mod.ts";
import { embedding } from "../../lib/embedding/mod.ts";
import { IDLE, SchedulingEnv } from "../../lib/env/mod.ts";
import { LiveState, parseLiveTask, shortWorkload } from "../../lib/live/mod.ts";
import { makeBaseline, type Policy } from "../../lib/policies/mod.ts";
import { TASK_KINDS } from "../../lib/tasks/mod.ts";

const model = new DurationModel(SEED_CALIBRATION, LIVE_CLUSTER.nodes, { noise: 0 });
const options = {
  cluster: LIVE_CLUSTER,
  model,
  window: 4,
  timeScale: 10,
  embedding: embedding("seed"),
};

Deno.test("parseLiveTask() accepts only known kinds with parameters inside their range", () => {
  assert.deepEqual(parseLiveTask({ id: "a-1", kind: "primes", parameter: "300000" }), {
    id: "a-1",
    kind: "primes",
    parameter: 300000,
  });
  assert.throws(
    () => parseLiveTask({ id: "x", kind: "matmul", parameter: 100_000 }),
    /parameter: Expected matmul matrix size n to be in \[250, 5000\] but found 100000/,
  );
  assert.throws(
    () => parseLiveTask({ id: "x", kind: "rm -rf /", parameter: 1 }),
    /kind: Expected task kind to be one of .* but found "rm -rf \/"/,
  );
  assert.throws(
    () => parseLiveTask({ id: "x", kind: "sort", parameter: 6e5 + 0.5 }),
    /parameter: must be an integer/,
  );
  assert.throws(() => parseLiveTask({ id: "no spaces", kind: "sort", parameter: 6e5 }), /id:/);
  assert.throws(() => parseLiveTask({ id: "x", kind: "sort" }), /parameter/);
});

Deno.test("emulatedCluster() gives each node 1 / slowdown of the reference per thread", () => {
  const live = emulatedCluster(SEED_CLUSTER, 2);
  const reference = new DurationModel(SEED_CALIBRATION, [{ ...LIVE_CLUSTER.nodes[3]!, cores: 1 }]);
  const emulated = new DurationModel(SEED_CALIBRATION, live.nodes);
  SEED_CLUSTER.nodes.forEach((node, i) => {
    const { threads, slowdown } = emulationOf(node, 2);
    for (const kind of TASK_KINDS) {
      const ratio = emulated.mean(kind, 1000, i) / reference.mean(kind, 1000, 0);
      const expected = kind === "matmul" ? slowdown / threads : slowdown;
      assert.ok(Math.abs(ratio / expected - 1) < 1e-12, `${node.name} ${kind}: ${ratio}`);
    }
  });
  assert.deepEqual(emulationOf(SEED_CLUSTER.nodes[0]!, 2), { threads: 2, slowdown: 1 / 0.32 });
  assert.deepEqual(emulationOf(SEED_CLUSTER.nodes[5]!, 2), { threads: 1, slowdown: 2 });
  // Emulating the emulated cluster changes nothing: agents derive their flags from it.
  live.nodes.forEach((node, i) =>
    assert.deepEqual(emulationOf(node, 2), emulationOf(SEED_CLUSTER.nodes[i]!, 2))
  );
});

Deno.test("LiveState.decision() shows the simulator's view of the same situation", () => {
  const workload = shortWorkload({ count: 6, seed: 4 });
  const state = new LiveState(options);
  const epoch = 1_000_000;
  workload.tasks.forEach((task) => state.submit(task, epoch));
  // The simulator with the same tasks, all nodes idle at time 0.
  const env = new SchedulingEnv(options);
  const instance = (state.decision("pi5", epoch)).instance;
  const first = env.reset({ seed: 0, instance });
  const live = state.decision(LIVE_CLUSTER.nodes[first.node]!.name, epoch);
  assert.deepEqual(live.features, first.features);
  assert.deepEqual(live.mask, first.mask);
  assert.deepEqual(live.state, first.state);
  assert.equal(live.canIdle, false);
  // Start a task on the first requester and look 50 ms later from another node.
  state.assign(workload.tasks[0]!.id, {
    node: LIVE_CLUSTER.nodes[first.node]!.name,
    assignedAt: epoch,
  });
  const later = state.decision("laptop-fast", epoch + 50);
  const base = first.node * state.encoder.nodeStateSize;
  const expected = model.mean(workload.tasks[0]!.kind, workload.tasks[0]!.parameter, first.node);
  assert.ok(
    Math.abs(later.state[base + state.encoder.nodeStateSize - 1]! - (expected - 0.05) / 10) < 1e-6,
  );
  assert.equal(later.state[base + TASK_KINDS.indexOf(workload.tasks[0]!.kind)], 1);
  assert.equal(later.candidateCount, 4);
  assert.equal(later.pendingCount, 5);
  assert.equal(later.canIdle, true);
  assert.ok(Math.abs(later.freeAt[first.node]! - expected) < 1e-9);
  assert.ok(expected > 0.05, `a task long enough to be still running: ${expected} s`);
});

Deno.test("LiveState asks a waiting node again after idleTimeout", () => {
  const state = new LiveState({ ...options, idleTimeout: 2 });
  const [a, b] = shortWorkload({ count: 2, seed: 1 }).tasks;
  state.submit(a!, 0);
  state.submit(b!, 0);
  state.assign(a!.id, { node: "laptop-fast", assignedAt: 0 });
  state.request("pi5", 0);
  const waiter: Policy = { name: "wait", description: "", reset() {}, act: () => IDLE };
  assert.deepEqual(state.decide(waiter, "pi5", 1000), { wait: true });
  assert.deepEqual(state.askable(2999), [], "not before the timeout");
  assert.deepEqual(state.askable(3000), ["pi5"], "asked again 2 s after it was told to wait");
});

Deno.test("LiveState tracks requeues, duplicates and declined nodes", () => {
  const state = new LiveState(options);
  const [a, b] = shortWorkload({ count: 2, seed: 1 }).tasks;
  assert.ok(state.submit(a!, 0));
  assert.ok(!state.submit(a!, 5), "a known id is ignored");
  state.submit(b!, 0);
  state.request("pi5", 1);
  state.request("pi4-1", 2);
  state.request("pi5", 3);
  assert.deepEqual(state.waiting, ["pi5", "pi4-1"]);
  state.assign(a!.id, { node: "pi5", assignedAt: 10 });
  assert.deepEqual(state.pending, [b!.id]);
  state.requeue(a!.id);
  assert.deepEqual(state.pending, [a!.id, b!.id], "back in submission order");
  state.assign(a!.id, { node: "laptop-fast", assignedAt: 20 });
  assert.ok(state.complete(a!.id, "pi5"), "the first result counts, from wherever it came");
  assert.ok(!state.complete(a!.id, "laptop-fast"), "the second is a duplicate");
  assert.equal(state.counts.running, 0);
  // A policy that waits is not asked again before the next event.
  const waiter: Policy = { name: "wait", description: "", reset() {}, act: () => IDLE };
  state.assign(b!.id, { node: "laptop-medium", assignedAt: 30 });
  const [c] = shortWorkload({ count: 1, seed: 2, idPrefix: "c" }).tasks;
  state.submit(c!, 40);
  assert.deepEqual(state.decide(waiter, "pi4-1", 50), { wait: true });
  assert.deepEqual(state.askable(1e9), []);
  state.complete(b!.id, "laptop-medium");
  assert.deepEqual(state.askable(60), ["pi4-1"]);
  // With nothing running a node may not wait: a policy that tries is an error.
  assert.throws(() => state.decide(waiter, "pi4-1", 60), /answered slot -1 of 1/);
  assert.deepEqual(state.decide(makeBaseline("greedy-sjf"), "pi4-1", 60), { task: c!.id });
});
