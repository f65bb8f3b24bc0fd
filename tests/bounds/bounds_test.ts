import assert from "node:assert/strict";
import fc from "fast-check";
import {
  makespanLowerBound,
  makespanOptimum,
  minSumCompletion,
  quickMakespanBound,
  slotAssignment,
  solveAssignment,
} from "../../lib/bounds/mod.ts";
import { instanceFromMatrix, scoreSchedule } from "../../lib/env/mod.ts";
import { Rng } from "../../lib/random/mod.ts";

function permutations(items: number[], size: number): number[][] {
  if (size === 0) return [[]];
  return items.flatMap((item) =>
    permutations(items.filter((other) => other !== item), size - 1).map((rest) => [item, ...rest])
  );
}

function assignments(n: number, m: number): number[][] {
  if (n === 0) return [[]];
  return assignments(n - 1, m).flatMap((rest) => Array.from({ length: m }, (_, i) => [...rest, i]));
}

function randomInstance(seed: number, n: number, m: number) {
  const rng = new Rng(seed);
  const etc = Float64Array.from({ length: n * m }, () => Math.round(rng.uniform(1, 20)));
  return instanceFromMatrix("random", etc, { taskCount: n, nodeCount: m });
}

Deno.test("solveAssignment() matches brute force on random small matrices", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 0, max: 2 }),
      fc.integer(),
      (rows, extra, seed) => {
        const cols = rows + extra;
        const rng = new Rng(seed);
        const cost = Float64Array.from({ length: rows * cols }, () => rng.uniform(-5, 20));
        const { columnOf, cost: total } = solveAssignment(cost, { rows, cols });
        let best = Infinity;
        for (const perm of permutations(Array.from({ length: cols }, (_, j) => j), rows)) {
          best = Math.min(best, perm.reduce((s, col, row) => s + cost[row * cols + col]!, 0));
        }
        assert.ok(Math.abs(total - best) < 1e-9);
        assert.equal(new Set(columnOf).size, rows);
        assert.ok(
          Math.abs(
            Array.from(columnOf).reduce((s, col, row) => s + cost[row * cols + col]!, 0) - total,
          ) < 1e-9,
        );
      },
    ),
    { numRuns: 200 },
  );
  assert.throws(() => solveAssignment(new Float64Array(6), { rows: 3, cols: 2 }), /rows <= cols/);
});

Deno.test("minSumCompletion() matches brute force and attains its value", () => {
  for (let seed = 0; seed < 40; seed++) {
    const n = 1 + (seed % 6), m = 1 + (seed % 3);
    const instance = randomInstance(seed, n, m);
    let best = Infinity;
    for (const nodeOf of assignments(n, m)) {
      let total = 0;
      for (let i = 0; i < m; i++) {
        const times = nodeOf.flatMap((
          node,
          j,
        ) => (node === i ? [instance.expected[j * m + i]!] : []))
          .sort((a, b) => a - b);
        let clock = 0;
        for (const time of times) total += clock += time;
      }
      best = Math.min(best, total);
    }
    const optimum = minSumCompletion(instance);
    assert.ok(Math.abs(optimum.sumCompletion - best) < 1e-9, `seed ${seed}`);
    assert.ok(Math.abs(scoreSchedule(instance, optimum.schedule).sumCompletion - best) < 1e-9);
    assert.equal(
      minSumCompletion(instance, { upperBound: best }).sumCompletion,
      optimum.sumCompletion,
    );
  }
});

Deno.test("slotAssignment() gives the dense Hungarian's assignment and cost, bit for bit", () => {
  for (let seed = 0; seed < 30; seed++) {
    // Integer durations make ties frequent; some caps leave few spare slots.
    const n = 5 + (seed % 40), m = 1 + (seed % 7), rng = new Rng(500 + seed);
    const durations = Float64Array.from({ length: n * m }, () => Math.round(rng.uniform(1, 6)));
    const slots = Int32Array.from({ length: m }, () => n);
    if (seed % 2) slots.forEach((_, i) => (slots[i] = Math.max(1, Math.ceil(n / m) + (i % 2))));
    const columns = [...slots].flatMap((count, node) =>
      Array.from({ length: count }, (_, k) => ({ node, k: k + 1 }))
    );
    const cost = new Float64Array(n * columns.length);
    for (let task = 0; task < n; task++) {
      columns.forEach((
        { node, k },
        c,
      ) => (cost[task * columns.length + c] = k * durations[task * m + node]!));
    }
    const dense = solveAssignment(cost, { rows: n, cols: columns.length });
    const lazy = slotAssignment(durations, { tasks: n, slots });
    assert.equal(lazy.cost, dense.cost, `seed ${seed}`);
    dense.columnOf.forEach((c, task) => {
      assert.equal(lazy.slotOf.node[task], columns[c]!.node, `seed ${seed}, task ${task}`);
      assert.equal(lazy.slotOf.k[task], columns[c]!.k, `seed ${seed}, task ${task}`);
    });
  }
});

Deno.test("makespanOptimum() matches brute force; the LP bound lies below it", async () => {
  for (let seed = 0; seed < 12; seed++) {
    const n = 2 + (seed % 5), m = 1 + (seed % 3);
    const instance = randomInstance(100 + seed, n, m);
    let best = Infinity;
    for (const nodeOf of assignments(n, m)) {
      const load = new Array(m).fill(0);
      nodeOf.forEach((node, j) => (load[node] += instance.expected[j * m + node]!));
      best = Math.min(best, Math.max(...load));
    }
    const exact = await makespanOptimum(instance);
    assert.ok(exact.optimal);
    assert.ok(Math.abs(exact.makespan - best) < 1e-6, `seed ${seed}: ${exact.makespan} vs ${best}`);
    const lower = await makespanLowerBound(instance);
    assert.ok(lower <= best + 1e-9);
    assert.ok(quickMakespanBound(instance) <= lower + 1e-9, `seed ${seed}: quick above the LP's`);
  }
});

Deno.test("quickMakespanBound(): the longest fastest task, or the fastest work spread evenly", () => {
  // Fastest durations 2, 1, 5: the 5-second task bounds two nodes' makespan, not the 8 s of work.
  const shape = { taskCount: 3, nodeCount: 2 };
  const long = instanceFromMatrix("long", Float64Array.from([2, 4, 3, 1, 5, 5]), shape);
  assert.equal(quickMakespanBound(long), 5);
  // Three 2-second tasks on two nodes: 6 s of work over 2 nodes.
  const even = instanceFromMatrix("even", Float64Array.from([2, 2, 2, 2, 2, 2]), shape);
  assert.equal(quickMakespanBound(even), 3);
  // A task released at 10 s ends no sooner than 10 s plus its fastest duration.
  const late = { ...long, arrival: Float64Array.from([0, 10, 0]) };
  assert.equal(quickMakespanBound(late), 11);
});

Deno.test("bounds refuse instances with release times where they assume a batch", async () => {
  const base = randomInstance(1, 3, 2);
  const released = { ...base, arrival: Float64Array.from([0, 1, 2]) };
  assert.throws(() => minSumCompletion(released), /released at 0/);
  await assert.rejects(() => makespanOptimum(released), /released at 0/);
  assert.ok((await makespanLowerBound(released)) >= 2);
});
