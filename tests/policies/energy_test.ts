import assert from "node:assert/strict";
import { clusterPower } from "../../lib/cluster/mod.ts";
import { IDLE } from "../../lib/env/mod.ts";
import { drawInstance, makeEnv, resolveScenario } from "../../lib/experiment/mod.ts";
import {
  energyAwareFinish,
  energyBaselineNames,
  makeBaseline,
  minEnergy,
  runEpisode,
} from "../../lib/policies/mod.ts";
import { handDecision } from "./decision.ts";

// Node 0 is fast and hungry (20 W busy), node 1 slow and frugal (2 W busy); both sleep idle.
const powered = (node: number, rows: number[][], freeAt?: number[]) => {
  const decision = handDecision(rows, { node, ...(freeAt ? { freeAt } : {}) });
  return {
    ...decision,
    instance: {
      ...decision.instance,
      power: clusterPower([{ idleW: 0, busyW: 20 }, { idleW: 0, busyW: 2 }], "sleep"),
    },
  };
};

Deno.test("min-energy takes only tasks it runs on the fewest joules; else it waits", () => {
  // Task 0: 1 s on node 0 (20 J), 4 s on node 1 (8 J). Task 1: 1 s (20 J) vs 20 s (40 J).
  const rows = [[1, 4], [1, 20]];
  assert.equal(minEnergy().act(powered(1, rows)), 0);
  assert.equal(minEnergy().act(powered(0, rows)), 1);
  assert.equal(minEnergy().act(powered(0, [[1, 4]])), IDLE);
});

Deno.test("energy-aware-finish moves from earliest finish (w = 0) to least energy (w = 1)", () => {
  // Task 0 finishes first on node 0 (1 s vs 4 s) but costs fewer joules on node 1 (8 J vs 20 J).
  const rows = [[1, 4]];
  assert.equal(energyAwareFinish(0).act(powered(0, rows)), 0);
  assert.equal(energyAwareFinish(0).act(powered(1, rows)), IDLE);
  assert.equal(energyAwareFinish(1).act(powered(1, rows)), 0);
  // w = 0.5: node 1 costs 0.5·4 + 0.5·1 = 2.5 vs node 0's 0.5·1 + 0.5·2.5 = 1.75: node 0.
  assert.equal(energyAwareFinish(0.5).act(powered(1, rows)), IDLE);
  assert.throws(() => energyAwareFinish(1.5), /weight/);
  const bare = handDecision(rows, { node: 0 });
  assert.throws(() => minEnergy().act(bare), /power model/);
});

Deno.test("energy-aware-finish at w = 0 schedules as earliest-finish-pull; the energy rules save energy", () => {
  const scenario = resolveScenario({
    name: "sleep",
    workload: { minTasks: 12, maxTasks: 16 },
    idleNodes: "sleep",
  });
  const env = makeEnv(scenario);
  let eft = 0, frugal = 0;
  for (let e = 0; e < 8; e++) {
    const instance = drawInstance(scenario, e);
    const a = runEpisode(env, makeBaseline("earliest-finish-pull"), { seed: e, instance });
    const b = runEpisode(env, energyAwareFinish(0), { seed: e, instance });
    assert.equal(a.makespan, b.makespan);
    assert.deepEqual(a.assignedNode, b.assignedNode);
    eft += a.energy;
    frugal += runEpisode(env, minEnergy(), { seed: e, instance }).energy;
  }
  assert.ok(frugal < 0.9 * eft, `min-energy ${frugal} J vs earliest finish ${eft} J`);
  for (const name of energyBaselineNames()) assert.equal(makeBaseline(name).name, name);
});
