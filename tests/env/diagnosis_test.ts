import assert from "node:assert/strict";
import fc from "fast-check";
import { diagnoseSchedule, instanceFromMatrix, SchedulingEnv } from "../../lib/env/mod.ts";
import { makeBaseline, runEpisode } from "../../lib/policies/mod.ts";

Deno.test("diagnoseSchedule() of a hand schedule: the longest task's slowdown, idle while tasks wait", () => {
  // Task 0 takes 10 s on node 0 and 20 s on node 1; tasks 1 and 2 take 2 s and 3 s anywhere.
  const instance = instanceFromMatrix("hand", Float64Array.from([10, 20, 2, 2, 3, 3]), {
    taskCount: 3,
    nodeCount: 2,
  });
  // Node 1 runs task 0 (0-20); node 0 runs task 1 (0-2), idles 2-5 while task 2 waits, then it.
  const diagnosis = diagnoseSchedule(instance, {
    assignedNode: Int32Array.from([1, 0, 0]),
    start: Float64Array.from([0, 0, 5]),
    completion: Float64Array.from([20, 2, 8]),
  });
  assert.equal(diagnosis.longestSlowdown, 2);
  assert.equal(diagnosis.idleWhileWaiting, 3 / (2 * 20));
});

Deno.test("diagnoseSchedule(): a batch run by a rule that never idles leaves no node idle while tasks wait", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      (taskCount, nodeCount, seed) => {
        const etc = Float64Array.from(
          { length: taskCount * nodeCount },
          (_, k) => 1 + ((seed + 7919 * k) % 97),
        );
        const instance = instanceFromMatrix("random", etc, { taskCount, nodeCount });
        const env = new SchedulingEnv({ window: taskCount, timeScale: 1 });
        const info = runEpisode(env, makeBaseline("greedy-sjf"), { seed, instance });
        const diagnosis = diagnoseSchedule(instance, info);
        assert.ok(Math.abs(diagnosis.idleWhileWaiting) < 1e-12, `${diagnosis.idleWhileWaiting}`);
        assert.ok(diagnosis.longestSlowdown >= 1);
      },
    ),
    { numRuns: 50 },
  );
});
