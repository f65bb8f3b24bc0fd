import assert from "node:assert/strict";
import { SEED_CALIBRATION } from "../../lib/duration/mod.ts";
import { drawLocalTasks, listMakespan, profileGrid, simToReal } from "../../lib/profile/mod.ts";
import { kindSpec } from "../../lib/tasks/mod.ts";
import { Rng } from "../../lib/random/mod.ts";

Deno.test("listMakespan() lets each free node take the next task of the list", () => {
  const durations = [4, 3, 2, 2];
  // Node 0 runs task 0 (to 4); node 1 task 1 (to 3) then task 2 (to 5); node 0 task 3 (to 6).
  assert.equal(listMakespan([0, 1, 2, 3], (task) => durations[task]!, 2), 6);
  assert.equal(listMakespan([0, 1, 2, 3], (task) => durations[task]!, 1), 11);
});

Deno.test("drawLocalTasks() avoids the profiler's grid points", () => {
  const tasks = drawLocalTasks(200, new Rng(3), 4);
  for (const task of tasks) {
    const { min, max } = kindSpec(task.kind).profiling;
    assert.ok(task.parameter >= min && task.parameter <= max);
    assert.ok(!profileGrid(task.kind, 4).includes(task.parameter));
  }
});

Deno.test("simToReal() runs real tasks on two executors and compares with the model", async () => {
  // A calibration whose scale makes every task tiny, to keep the run short.
  const tiny = {
    ...SEED_CALIBRATION,
    kinds: Object.fromEntries(
      Object.entries(SEED_CALIBRATION.kinds).map(([kind, law]) => [kind, law]),
    ),
  } as typeof SEED_CALIBRATION;
  const result = await simToReal(tiny, {
    tasks: 4,
    nodes: 2,
    policy: "lpt",
    seed: 1,
    gridPoints: 8,
  });
  assert.equal(result.tasks.length, 4);
  assert.ok(result.measured.every((seconds) => seconds > 0));
  assert.ok(result.measuredMakespan >= Math.max(...result.measured));
  assert.ok(result.simulatedMakespan > 0);
  assert.ok(Number.isFinite(result.gap));
});
