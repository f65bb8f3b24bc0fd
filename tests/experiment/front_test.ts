import assert from "node:assert/strict";
import type { Decision } from "../../lib/env/mod.ts";
import {
  type ConditionedPolicy,
  dominates,
  energyFrontStudy,
  hypervolume,
  nonDominated,
  resolveObjective,
  resolveScenario,
} from "../../lib/experiment/mod.ts";
import { energyAwareFinish, makeBaseline, minEnergy } from "../../lib/policies/mod.ts";

const p = (makespan: number, energy: number) => ({
  label: `${makespan},${energy}`,
  makespan,
  energy,
});

Deno.test("hypervolume() is the dominated area up to the reference corner", () => {
  const reference = { makespan: 4, energy: 4 };
  assert.equal(hypervolume([p(1, 3), p(2, 1)], reference), 3 * 1 + 2 * 2 + 0);
  // (1,3): 3 x 1; (2,1): 2 x (3 - 1): dominated and out-of-bounds points add nothing.
  assert.equal(hypervolume([p(1, 3), p(2, 1), p(3, 3), p(5, 0)], reference), 7);
  assert.equal(hypervolume([p(1, 3)], reference, { timeRef: 2, energyRef: 0.5 }), 3);
  assert.ok(dominates(p(1, 1), p(1, 2)) && !dominates(p(1, 2), p(1, 2)));
  assert.deepEqual(nonDominated([p(3, 3), p(2, 1), p(1, 3)]).map((x) => x.label), ["1,3", "2,1"]);
});

/** Earliest finish below w = 1/2, least energy from there: a stand-in for a learned policy. */
class Switching implements ConditionedPolicy {
  readonly name = "switching";
  readonly description = "earliest finish below w = 1/2, least energy above";
  preference = 0;
  readonly #fast = makeBaseline("earliest-finish-pull");
  readonly #frugal = minEnergy();
  reset(): void {}
  act(decision: Decision): number {
    return (this.preference < 0.5 ? this.#fast : this.#frugal).act(decision);
  }
}

Deno.test("energyFrontStudy() compares fronts, finds dominating heuristics, sizes tenants", async () => {
  const scenario = resolveScenario({
    name: "study",
    workload: { minTasks: 6, maxTasks: 8, tenants: { count: 4, mix: [5, 5, 5, 0.01] } },
    idleNodes: "sleep",
  });
  const objective = resolveObjective(scenario);
  const report = await energyFrontStudy(scenario, {
    conditioned: [new Switching(), new Switching()],
    fixed: [
      {
        weight: 0,
        policies: [makeBaseline("earliest-finish-pull"), makeBaseline("earliest-finish-pull")],
      },
      { weight: 1, policies: [minEnergy(), minEnergy()] },
    ],
    heuristics: [makeBaseline("sufferage"), energyAwareFinish(0.5), makeBaseline("random")],
    weights: [0, 1],
    milpWeights: [0, 1],
    milpTimeLimit: 5,
    objective,
    episodes: 6,
    seed: 3,
  });
  // The conditioned fronts are the fixed ones point for point: ratio 1 on every seed.
  for (const seed of report.hypervolume.perSeed) assert.ok(Math.abs(seed.ratio - 1) < 1e-12);
  assert.ok(Math.abs(report.hypervolume.ratio.estimate - 1) < 1e-12);
  assert.ok(report.frugalEnd.conditioned.energySaving > 0);
  assert.ok(report.frugalEnd.milp!.energySaving >= 0);
  const milp = report.points.filter((x) => x.family === "milp");
  assert.equal(milp.length, 2);
  // Whatever dominates a conditioned point really does.
  for (const row of report.dominatedBy) {
    const h = report.points.find((x) => x.label === row.heuristic)!;
    assert.notEqual(row.heuristic, "random");
    assert.ok(row.weights.length > 0 && h.family === "heuristic");
  }
  // Four tenants, the last one rare: its slowdown is averaged where present, or NaN.
  for (const row of report.fairness) {
    assert.equal(row.tenantSlowdown.length, 4);
    assert.ok(row.tenantSlowdown.slice(0, 3).every((x) => x > 0.5));
    assert.ok(row.jain > 0 && row.jain <= 1);
  }
});
