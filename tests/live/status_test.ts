import assert from "node:assert/strict";
import { SEED_CLUSTER } from "../../lib/cluster/mod.ts";
import { energyLine, liveEnergy, type NodeStatus } from "../../lib/live/mod.ts";

const node = (
  name: string,
  power: { idleW: number; busyW: number } | undefined,
  running?: string,
): NodeStatus => ({
  name,
  alive: true,
  heartbeatAgeMs: 10,
  registration: {
    name,
    spec: { ...SEED_CLUSTER.nodes[0]!, name, power },
    threads: 1,
    slowdown: 1,
    host: "h",
    pid: 1,
    startedAt: 0,
  },
  running,
  waiting: false,
});

Deno.test("liveEnergy() estimates the joules of the live schedule from the nodes' power", () => {
  // a: 2 W idle, 10 W busy; b: 1 W idle, 4 W busy. Epoch 0; a ran 0-3 s and runs from 5 s; b ran 1-2 s.
  const nodes = [node("a", { idleW: 2, busyW: 10 }, "t3"), node("b", { idleW: 1, busyW: 4 })];
  const gantt = [
    { task: "t1", kind: "sort", node: "a", start: 0, end: 3000 },
    { task: "t2", kind: "sort", node: "b", start: 1000, end: 2000 },
    { task: "t3", kind: "sort", node: "a", start: 5000, end: undefined },
  ];
  // Now 6 s: a busy 4 s (40 J) idle 2 s (4 J); b busy 1 s (4 J) idle 5 s (5 J).
  const energy = liveEnergy(nodes, gantt, { epoch: 0, now: 6000 })!;
  assert.equal(energy.joules, 40 + 4 + 4 + 5);
  assert.equal(energy.idleJoules, 9);
  assert.equal(energy.watts, 10 + 1);
  assert.match(energyLine(energy), /53 J so far \(9 J idle\), drawing 11\.0 W now/);
  assert.equal(liveEnergy([node("a", undefined)], gantt, { epoch: 0, now: 6000 }), undefined);
  assert.equal(liveEnergy(nodes, [], { epoch: undefined, now: 6000 })!.joules, 0);
});
