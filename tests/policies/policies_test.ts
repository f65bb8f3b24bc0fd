import assert from "node:assert/strict";
import { IDLE, instanceFromMatrix, scoreSchedule } from "../../lib/env/mod.ts";
import {
  baselineNames,
  EarliestFinishPullPolicy,
  GlobalSjfPolicy,
  GreedyMatchingPolicy,
  GreedySjfPolicy,
  HungarianPolicy,
  LptPolicy,
  makeBaseline,
  mapInstance,
  MAX_MIN,
  MCT,
  MET,
  MIN_MIN,
  OLB,
  PlannedPolicy,
  RandomPolicy,
  ShuffledFcfsPolicy,
  SUFFERAGE,
} from "../../lib/policies/mod.ts";
import { handDecision } from "./decision.ts";

Deno.test("GreedySjfPolicy takes the task shortest on the requester", () => {
  const rows = [[5, 1], [2, 9], [3, 3]];
  assert.equal(new GreedySjfPolicy().act(handDecision(rows, { node: 0 })), 1);
  assert.equal(new GreedySjfPolicy().act(handDecision(rows, { node: 1 })), 0);
});

Deno.test("GlobalSjfPolicy and LptPolicy order tasks by their mean over all nodes", () => {
  const rows = [[5, 1], [2, 9], [2, 2]]; // means 3, 5.5, 2
  assert.equal(new GlobalSjfPolicy().act(handDecision(rows, { node: 0 })), 2);
  assert.equal(new LptPolicy().act(handDecision(rows, { node: 0 })), 1);
});

Deno.test("GreedyMatchingPolicy and HungarianPolicy differ where greedy matching is myopic", () => {
  // Greedy takes (node 0, task 0) = 1 first, leaving node 1 the 10 s task; the min-sum
  // matching gives node 0 task 1 (1.5) and node 1 task 0 (2).
  const rows = [[1, 2], [1.5, 10]];
  assert.equal(new GreedyMatchingPolicy().act(handDecision(rows, { node: 1, others: [0] })), 1);
  assert.equal(new HungarianPolicy().act(handDecision(rows, { node: 1, others: [0] })), 0);
  assert.equal(new HungarianPolicy().act(handDecision(rows, { node: 0, others: [1] })), 1);
  // More free nodes than tasks: the requester is left out, so it waits (or must take one).
  const one = [[1, 5, 5]];
  assert.equal(new HungarianPolicy().act(handDecision(one, { node: 1, others: [0, 2] })), IDLE);
  assert.equal(new GreedyMatchingPolicy().act(handDecision(one, { node: 1, others: [0] })), IDLE);
  assert.equal(
    new HungarianPolicy().act(handDecision(one, { node: 1, others: [0], canIdle: false })),
    0,
  );
});

Deno.test("EarliestFinishPullPolicy declines a task that finishes sooner elsewhere", () => {
  const rows = [[100, 10], [4, 2]]; // node 0 is slow on task 0
  // Node 1 is busy until 30: task 0 still finishes there at 40 < 100, so node 0 takes task 1.
  const policy = new EarliestFinishPullPolicy();
  assert.equal(policy.act(handDecision(rows, { node: 0, freeAt: [0, 30] })), 1);
  // With node 1 busy until 95, task 0 (the longest) finishes first on node 0.
  assert.equal(policy.act(handDecision(rows, { node: 0, freeAt: [0, 95] })), 0);
  // Only task 0 pending and node 1 soon free: node 0 waits.
  assert.equal(policy.act(handDecision(rows, { node: 0, candidates: [0], freeAt: [0, 5] })), IDLE);
  assert.equal(policy.act(handDecision(rows, { node: 0, candidates: [0], canIdle: false })), 0);
});

Deno.test("batch mappers map a hand-checked instance as their rules say", () => {
  const instance = instanceFromMatrix("hand", Float64Array.from([1, 3, 2, 2, 4, 1]), {
    taskCount: 3,
    nodeCount: 2,
  });
  const expected: [typeof MCT, number[][], number][] = [
    [MCT, [[0], [1, 2]], 3],
    [MET, [[0, 1], [2]], 3],
    [OLB, [[0, 2], [1]], 5],
    [MIN_MIN, [[0, 1], [2]], 3],
    [MAX_MIN, [[1, 0], [2]], 3],
    [SUFFERAGE, [[0, 1], [2]], 3],
  ];
  for (const [mapper, schedule, makespan] of expected) {
    const mapped = mapInstance(mapper, instance);
    assert.deepEqual(mapped, schedule, mapper.name);
    assert.equal(scoreSchedule(instance, mapped).makespan, makespan, mapper.name);
  }
});

Deno.test("PlannedPolicy gives the requester its first planned task, else waits", () => {
  const rows = [[1, 3], [2, 2], [4, 1]];
  // Min-Min plans task 0 then 1 on node 0, task 2 on node 1.
  assert.equal(new PlannedPolicy(MIN_MIN).act(handDecision(rows, { node: 0 })), 0);
  assert.equal(new PlannedPolicy(MIN_MIN).act(handDecision(rows, { node: 1 })), 2);
  // MET never plans anything for node 1 when only tasks 0 and 1 wait.
  assert.equal(
    new PlannedPolicy(MET).act(handDecision(rows, { node: 1, candidates: [0, 1] })),
    IDLE,
  );
});

Deno.test("RandomPolicy and ShuffledFcfsPolicy are seeded", () => {
  const rows = Array.from({ length: 12 }, () => [1, 1]);
  for (const make of [() => new RandomPolicy(), () => new ShuffledFcfsPolicy()]) {
    const picks = (seed: number) => {
      const policy = make();
      policy.reset(seed);
      return Array.from({ length: 6 }, () => policy.act(handDecision(rows, { node: 0 })));
    };
    assert.deepEqual(picks(1), picks(1));
    assert.ok(picks(1).every((slot) => slot >= 0 && slot < 12));
  }
});

Deno.test("makeBaseline() builds every registered baseline and rejects unknown names", () => {
  for (const name of baselineNames()) assert.equal(makeBaseline(name).name, name);
  assert.ok(baselineNames().length >= 14);
  assert.throws(() => makeBaseline("oracle"), /policy to be one of .*"oracle"/);
});
