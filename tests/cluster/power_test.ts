import assert from "node:assert/strict";
import {
  clusterPower,
  containerPower,
  energyOf,
  LAPTOP_HOST,
  parseCluster,
  powerOfNodes,
  SEED_CLUSTER,
} from "../../lib/cluster/mod.ts";
import {
  IDLE,
  type Instance,
  instanceFromMatrix,
  SchedulingEnv,
  scoreSchedule,
} from "../../lib/env/mod.ts";

// Node 0 draws 2 W idle, 5 W busy; node 1 draws 1 W idle, 10 W busy.
// Tasks: 0 takes 4 s on node 0, 1 takes 3 s on node 1, 2 takes 2 s on node 0 (8 s elsewhere).
const handInstance = (idle: "on" | "sleep"): Instance => ({
  ...instanceFromMatrix("hand", Float64Array.from([4, 8, 8, 3, 2, 8]), {
    taskCount: 3,
    nodeCount: 2,
  }),
  power: clusterPower([{ idleW: 2, busyW: 5 }, { idleW: 1, busyW: 10 }], idle),
});

Deno.test("energyOf() equals the hand-computed joules of a hand-built schedule", () => {
  // Node 0 runs tasks 0 then 2 (busy 6 s); node 1 runs task 1 (busy 3 s, then idle 3 s).
  // On: 5·6 + 10·3 + 1·3 = 63 J, 3 J of them idle. Sleeping: 5·6 + 10·3 = 60 J.
  const on = scoreSchedule(handInstance("on"), [[0, 2], [1]]);
  assert.equal(on.makespan, 6);
  assert.equal(on.energy, 63);
  assert.equal(on.idleEnergy, 3);
  const sleep = scoreSchedule(handInstance("sleep"), [[0, 2], [1]]);
  assert.equal(sleep.energy, 60);
  assert.equal(sleep.idleEnergy, 0);
  // All on node 0 (busy 14 s); node 1 idle all along: 5·14 + 1·14 = 84 J.
  assert.equal(scoreSchedule(handInstance("on"), [[0, 1, 2], []]).energy, 5 * 14 + 14);
  assert.ok(
    Number.isNaN(scoreSchedule({ ...handInstance("on"), power: undefined }, [[0, 2], [1]]).energy),
  );
});

Deno.test("SchedulingEnv steps report joules that sum to the episode's energy", () => {
  for (const idle of ["on", "sleep"] as const) {
    const instance = handInstance(idle);
    const env = new SchedulingEnv({ window: 4, timeScale: 10 });
    let decision = env.reset({ seed: 3, instance });
    let joules = 0;
    for (;;) {
      // Node 0 takes tasks 0 and 2, node 1 task 1; idle otherwise.
      const want = decision.node === 0 ? [0, 2] : [1];
      let slot = -1;
      for (let k = 0; k < decision.candidateCount; k++) {
        if (want.includes(decision.candidates[k]!)) slot = k;
      }
      const result = env.step(slot >= 0 ? slot : IDLE);
      joules += result.energy;
      if (result.info) {
        assert.equal(result.info.makespan, 6);
        assert.equal(result.info.energy, idle === "on" ? 63 : 60);
        assert.ok(Math.abs(joules - result.info.energy) < 1e-9, `${idle}: ${joules}`);
        break;
      }
      decision = result.observation;
    }
  }
});

Deno.test("parseCluster() names the bad power field", () => {
  const node = SEED_CLUSTER.nodes[0]!;
  assert.throws(
    () => parseCluster({ name: "c", nodes: [{ ...node, power: { idleW: 5, busyW: 3 } }] }),
    /nodes\.0\.power\.busyW: busyW must be >= idleW/,
  );
  assert.throws(
    () => parseCluster({ name: "c", nodes: [{ ...node, power: { idleW: -1, busyW: 3 } }] }),
    /nodes\.0\.power\.idleW/,
  );
  assert.throws(
    () => parseCluster({ name: "c", nodes: [node, { ...node, name: "b", power: { idleW: 1 } }] }),
    /nodes\.1\.power\.busyW/,
  );
  const parsed = parseCluster({ name: "c", nodes: [node] });
  assert.deepEqual(parsed.nodes[0]!.power, node.power);
});

Deno.test("the seed's nodes all have power; containers share the host's by their CPUs", () => {
  const power = powerOfNodes(SEED_CLUSTER.nodes, "on")!;
  assert.equal(power.busyW.length, 9);
  const containers = SEED_CLUSTER.nodes.filter((node) => node.arch === "x86");
  const cpus = containers.reduce((sum, node) => sum + node.cores, 0);
  const busy = containers.reduce((sum, node) => sum + node.power!.busyW, 0);
  assert.ok(Math.abs(busy - (LAPTOP_HOST.busyW * cpus) / LAPTOP_HOST.cores) < 1e-9);
  assert.deepEqual(containerPower(2), { idleW: 4, busyW: 20 });
  assert.equal(powerOfNodes([{ name: "x" }], "on"), undefined);
  assert.equal(
    energyOf(power, new Float64Array(9), 10).idleEnergy,
    10 * power.idleW.reduce((a, b) => a + b),
  );
});
