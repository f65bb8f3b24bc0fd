import assert from "node:assert/strict";
import { sharedCoreMakespan } from "../../../lib/experiment/live/mod.ts";

const task = (compute: number, demand = 1, slowdown = 1) => ({
  node: 0,
  compute,
  demand,
  slowdown,
});

Deno.test("sharedCoreMakespan() stretches by the slowdown and shares cores among computing tasks", () => {
  // Alone: 2 s of work, then (3 - 1) x 2 s asleep.
  assert.equal(sharedCoreMakespan([[task(2, 1, 3)]], 2), 6);
  // Three single-thread tasks on 2 cores: each at 2/3 speed.
  assert.ok(Math.abs(sharedCoreMakespan([[task(1)], [task(1)], [task(1)]], 2) - 1.5) < 1e-12);
  // A 2-thread task and a 1-thread task ask for 3 cores of 2.
  assert.ok(Math.abs(sharedCoreMakespan([[task(1, 2)], [task(1)]], 2) - 1.5) < 1e-12);
  // A node's tasks run back to back; nodes without tasks do not count.
  assert.equal(sharedCoreMakespan([[task(1), task(1)], []], 1), 2);
});

Deno.test("sharedCoreMakespan(): a sleeping (slowed-down) node leaves its core to the others", () => {
  // Both compute at half speed until 2; A then sleeps 2 s (its slowdown 2 x measured 2 s)
  // while B's second task has the core alone, from 2 to 3.
  const makespan = sharedCoreMakespan([[task(1, 1, 2)], [task(1), task(1)]], 1);
  assert.ok(Math.abs(makespan - 4) < 1e-12, `${makespan}`);
});
