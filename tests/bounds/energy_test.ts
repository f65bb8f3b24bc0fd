import assert from "node:assert/strict";
import fc from "fast-check";
import { makespanOptimum, weightedOptimum } from "../../lib/bounds/mod.ts";
import { clusterPower } from "../../lib/cluster/mod.ts";
import { instanceFromMatrix, scoreSchedule } from "../../lib/env/mod.ts";
import { Rng } from "../../lib/random/mod.ts";

Deno.test("weightedOptimum() equals the brute-force optimum of the weighted objective (fast-check)", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 1e6 }),
      fc.constantFrom(0, 0.3, 0.7, 1),
      fc.constantFrom("on" as const, "sleep" as const),
      async (seed, w, idle) => {
        const rng = new Rng(seed);
        const n = 2 + rng.int(4), m = 2 + rng.int(2);
        const etc = Float64Array.from({ length: n * m }, () => rng.uniform(0.5, 20));
        const power = clusterPower(
          Array.from({ length: m }, () => {
            const idleW = rng.uniform(0, 5);
            return { idleW, busyW: idleW + rng.uniform(0.5, 30) };
          }),
          idle,
        );
        const instance = { ...instanceFromMatrix("p", etc, { taskCount: n, nodeCount: m }), power };
        const weighting = { energyWeight: w, timeRef: 20, energyRef: 300 };
        const cost = (makespan: number, energy: number) =>
          (1 - w) * makespan / weighting.timeRef + w * energy / weighting.energyRef;
        let best = Infinity;
        for (let code = 0; code < m ** n; code++) {
          const schedule = Array.from({ length: m }, () => [] as number[]);
          for (let j = 0, c = code; j < n; j++, c = Math.floor(c / m)) schedule[c % m]!.push(j);
          const metrics = scoreSchedule(instance, schedule);
          best = Math.min(best, cost(metrics.makespan, metrics.energy));
        }
        const optimum = await weightedOptimum(instance, weighting);
        assert.ok(optimum.optimal);
        assert.ok(
          Math.abs(optimum.cost - best) < 1e-6 * Math.max(1, best),
          `${optimum.cost} vs ${best}`,
        );
        const own = cost(optimum.metrics.makespan, optimum.metrics.energy);
        assert.ok(Math.abs(optimum.cost - own) < 1e-12 * own);
        if (w === 0) {
          const makespan = await makespanOptimum(instance);
          assert.ok(Math.abs(optimum.metrics.makespan - makespan.makespan) < 1e-6);
        }
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("weightedOptimum() needs a power model", async () => {
  const instance = instanceFromMatrix("p", Float64Array.from([1, 2]), {
    taskCount: 1,
    nodeCount: 2,
  });
  await assert.rejects(
    () => weightedOptimum(instance, { energyWeight: 0.5, timeRef: 1, energyRef: 1 }),
    /power model/,
  );
});
