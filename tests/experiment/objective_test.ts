import assert from "node:assert/strict";
import {
  makeEnv,
  resolveObjective,
  resolveScenario,
  scheduleCost,
  stepCost,
} from "../../lib/experiment/mod.ts";
import { makeBaseline } from "../../lib/policies/mod.ts";

Deno.test("the objective's step costs sum to the schedule's cost; scales default to the reference rule", () => {
  const scenario = resolveScenario({
    name: "o",
    workload: { minTasks: 10, maxTasks: 14, tenants: { count: 2 } },
    objective: { energyWeight: 0.4, fairnessWeight: 0.5 },
  });
  const objective = resolveObjective(scenario);
  assert.equal(objective.energyWeight, 0.4);
  assert.ok(objective.timeRef > 10 && objective.energyRef > 100, JSON.stringify(objective));
  assert.equal(resolveObjective(scenario, 0.9).energyWeight, 0.9);
  const fixed = resolveScenario({
    ...scenario.config,
    objective: { energyWeight: 1, timeRef: 50, energyRef: 2000 },
  });
  assert.deepEqual(resolveObjective(fixed), {
    energyWeight: 1,
    fairnessWeight: 0,
    timeRef: 50,
    energyRef: 2000,
  });
  const env = makeEnv(scenario);
  const policy = makeBaseline("sufferage");
  let decision = env.reset({ seed: 5 });
  policy.reset(0);
  let total = 0;
  for (;;) {
    const result = env.step(policy.act(decision));
    total += stepCost(objective, -result.reward, result.energy);
    if (result.info) {
      const expected = scheduleCost(objective, result.info) - 0.5 * (1 - result.info.jain);
      assert.ok(Math.abs(total - expected) < 1e-9, `${total} vs ${expected}`);
      assert.ok(result.info.jain > 0 && result.info.jain <= 1);
      break;
    }
    decision = result.observation;
  }
  assert.throws(
    () => resolveScenario({ ...scenario.config, objective: { energyWeight: 2 } }),
    /objective\.energyWeight/,
  );
});
