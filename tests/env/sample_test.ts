import assert from "node:assert/strict";
import { sampleDecisions } from "../../lib/env/mod.ts";
import { makeEnv, resolveScenario } from "../../lib/experiment/mod.ts";

const scenario = resolveScenario({ name: "s", window: 8, workload: { minTasks: 6, maxTasks: 10 } });

Deno.test("sampleDecisions() returns copies that outlive the environment's buffers", () => {
  const decisions = sampleDecisions(makeEnv(scenario), 60, { seed: 3, firstEpisode: 1 });
  assert.equal(decisions.length, 60);
  assert.notEqual(decisions[0]!.state, decisions[1]!.state);
  assert.notEqual(decisions[0]!.features, decisions[1]!.features);
  // The same draw again, from a fresh environment: every copy is intact and equal.
  const again = sampleDecisions(makeEnv(scenario), 60, { seed: 3, firstEpisode: 1 });
  for (const [i, decision] of decisions.entries()) {
    assert.equal(decision.node, again[i]!.node);
    assert.deepEqual(decision.state, again[i]!.state);
    assert.deepEqual(decision.features, again[i]!.features);
    assert.deepEqual(decision.mask, again[i]!.mask);
  }
  // More than one episode was played (time restarts at a reset).
  assert.ok(decisions.some((d, i) => i > 0 && d.now < decisions[i - 1]!.now));
});
