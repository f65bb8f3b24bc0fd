import assert from "node:assert/strict";
import {
  drawTenants,
  instanceFromMatrix,
  jainIndex,
  scoreSchedule,
  tenantSlowdowns,
  workloadSchema,
} from "../../lib/env/mod.ts";
import { drawInstance, meanTenantSlowdown, resolveScenario } from "../../lib/experiment/mod.ts";
import { Rng } from "../../lib/random/mod.ts";

Deno.test("jainIndex() is (Σx)²/(kΣx²), skipping absent tenants", () => {
  assert.equal(jainIndex([1, 3]), 16 / 20);
  assert.equal(jainIndex([2, 2, 2]), 1);
  assert.equal(jainIndex([1, NaN, 3]), 16 / 20);
  assert.ok(Number.isNaN(jainIndex([NaN])));
  assert.ok(Math.abs(jainIndex([1, 0, 0, 0]) - 0.25) < 1e-12);
});

Deno.test("tenantSlowdowns() sizes by the workload's tenants and marks absent ones NaN", () => {
  // Two tasks on one node, shortest times 2 s and 4 s; tenant 0 owns both, tenants 1-2 none.
  const base = instanceFromMatrix("t", Float64Array.from([2, 3, 4, 5]), {
    taskCount: 2,
    nodeCount: 2,
  });
  const instance = { ...base, tenants: { count: 3, of: Int32Array.from([0, 0]) } };
  const metrics = scoreSchedule(instance, [[0, 1], []]); // completions 2, 6
  assert.equal(metrics.tenantSlowdown.length, 3);
  assert.equal(metrics.tenantSlowdown[0], (2 / 2 + 6 / 4) / 2);
  assert.ok(Number.isNaN(metrics.tenantSlowdown[1]!) && Number.isNaN(metrics.tenantSlowdown[2]!));
  assert.equal(metrics.jain, 1);
  const split = { ...base, tenants: { count: 2, of: Int32Array.from([0, 1]) } };
  assert.deepEqual(tenantSlowdowns(split, [2 / 2, 6 / 4]), [1, 1.5]);
  assert.equal(scoreSchedule(split, [[0, 1], []]).jain, jainIndex([1, 1.5]));
  // Aggregated over episodes, a tenant counts only where it has tasks.
  assert.deepEqual(meanTenantSlowdown([[1, NaN], [3, 2]]), [2, 2]);
  assert.ok(Number.isNaN(meanTenantSlowdown([[1, NaN]])[1]!));
});

Deno.test("drawTenants() follows the mix and leaves the tasks unchanged", () => {
  const spec = workloadSchema.parse({
    minTasks: 4,
    maxTasks: 4,
    tenants: { count: 3, mix: [6, 3, 1] },
  });
  const tenants = drawTenants(spec, 10_000, new Rng(1))!;
  const counts = [0, 0, 0];
  for (const t of tenants.of) counts[t]!++;
  assert.ok(
    Math.abs(counts[0]! / 10_000 - 0.6) < 0.03 && Math.abs(counts[2]! / 10_000 - 0.1) < 0.02,
  );
  assert.throws(
    () => workloadSchema.parse({ minTasks: 1, maxTasks: 2, tenants: { count: 3, mix: [1] } }),
    /mix/,
  );
  const plain = resolveScenario("seed-9");
  const withTenants = resolveScenario({
    ...plain.config,
    workload: { ...plain.config.workload, tenants: { count: 4 } },
  });
  const a = drawInstance(plain, 7), b = drawInstance(withTenants, 7);
  assert.deepEqual(a.expected, b.expected);
  assert.equal(a.tenants, undefined);
  assert.equal(b.tenants!.count, 4);
});
