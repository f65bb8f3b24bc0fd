/**
 * The exact minimum of the total completion time, R||ΣC_j, for tasks all released at 0: an
 * assignment problem in which task j in the k-th-from-last slot of node i costs k * p_ij
 * (Horn 1973; Bruno, Coffman and Sethi 1974).
 *
 * @module
 */
import type { Instance, Schedule } from "../env/mod.ts";
import { augment, shiftPotentials } from "./assignment.ts";

/** The optimum and a schedule that attains it. */
export interface CompletionOptimum {
  /** Minimum sum of completion times. */
  readonly sumCompletion: number;
  /** An optimal schedule (each node runs its tasks shortest first). */
  readonly schedule: Schedule;
}

/**
 * Solves R||ΣC_j exactly.
 *
 * Slots that no optimal schedule can use are left out: a node i holding k tasks costs at
 * least min_j p_ij * k(k+1)/2, so k is capped where that exceeds `upperBound`. The assignment
 * is solved by {@linkcode slotAssignment}, which never builds the n × slots cost matrix.
 *
 * @param instance a batch instance (every arrival 0)
 * @param options durations (default the expected ones) and a known upper bound on the optimum
 * @returns the optimum and its schedule
 */
export function minSumCompletion(
  instance: Instance,
  options: { durations?: Float64Array; upperBound?: number } = {},
): CompletionOptimum {
  const { taskCount: n, nodeCount: m } = instance;
  const durations = options.durations ?? instance.expected;
  if (instance.arrival.some((release) => release !== 0)) {
    throw new RangeError("minSumCompletion needs every task released at 0 (R||ΣC_j)");
  }
  const upperBound = options.upperBound ?? Infinity;
  const slots = new Int32Array(m);
  for (let node = 0; node < m; node++) {
    let fastest = Infinity;
    for (let task = 0; task < n; task++) fastest = Math.min(fastest, durations[task * m + node]!);
    let k = 1;
    while (k < n && fastest * ((k + 1) * (k + 2)) / 2 <= upperBound * (1 + 1e-12)) k++;
    slots[node] = k;
  }
  const total = slots.reduce((a, b) => a + b, 0);
  if (total < n) {
    throw new RangeError(`upperBound ${upperBound} leaves ${total} slots for ${n} tasks`);
  }
  const { slotOf, cost: sumCompletion } = slotAssignment(durations, { tasks: n, slots });
  const byNode: { task: number; k: number }[][] = Array.from({ length: m }, () => []);
  for (let task = 0; task < n; task++) {
    byNode[slotOf.node[task]!]!.push({ task, k: slotOf.k[task]! });
  }
  const schedule = byNode.map((entries) => entries.sort((a, b) => b.k - a.k).map((e) => e.task));
  return { sumCompletion, schedule };
}

/**
 * The assignment of tasks to (node, k-th-from-last) slots at cost k * p_ij, by the Hungarian
 * algorithm of `solveAssignment` (assignment.ts) run on only the columns it can use. The columns are
 * ordered node by node, k ascending. A free column keeps its potential at 0, so among a node's
 * free slots the lowest k always has the least reduced cost (k * p_ij grows with k for every
 * task) and comes first in column order: no phase can end at, or be steered by, a higher free
 * slot. Matched slots thus stay k = 1..c_i on each node, and the algorithm needs only those and
 * slot c_i + 1: O(n^2 (n + m)) instead of O(n^2 · Σ slots), with the same arithmetic in the
 * same order, hence the same assignment as the full problem.
 *
 * @param durations p_ij, task-major (`tasks * nodes`)
 * @param shape task count and the slots of each node (its cap on k)
 */
export function slotAssignment(
  durations: Float64Array,
  shape: { tasks: number; slots: Int32Array },
): { slotOf: { node: Int32Array; k: Int32Array }; cost: number } {
  const { tasks: rows, slots } = shape, m = slots.length;
  const base = new Int32Array(m + 1);
  for (let node = 0; node < m; node++) base[node + 1] = base[node]! + slots[node]!;
  const cols = base[m]!;
  // 1-based potentials and matching, column 0 is the virtual start (as in solveAssignment).
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(cols + 1);
  const rowOf = new Int32Array(cols + 1);
  const way = new Int32Array(cols + 1);
  const minv = new Float64Array(cols + 1);
  const used = new Uint8Array(cols + 1);
  const matched = new Int32Array(m);
  const nodeOf = new Int32Array(cols + 1);
  const state = { u, v, minv, used, rowOf };
  for (let node = 0; node < m; node++) nodeOf.fill(node, base[node]! + 1, base[node + 1]! + 1);
  for (let row = 1; row <= rows; row++) {
    rowOf[0] = row;
    let j0 = 0;
    for (let node = 0; node < m; node++) {
      const from = base[node]! + 1, to = base[node]! + Math.min(slots[node]!, matched[node]! + 1);
      minv.fill(Infinity, from, to + 1);
      used.fill(0, from, to + 1);
    }
    used[0] = 0;
    do {
      used[j0] = 1;
      const i0 = rowOf[j0]!;
      const taskBase = (i0 - 1) * m;
      const ui0 = u[i0]!;
      let delta = Infinity, j1 = 0;
      for (let node = 0; node < m; node++) {
        const p = durations[taskBase + node]!, first = base[node]!;
        const top = Math.min(slots[node]!, matched[node]! + 1);
        for (let k = 1; k <= top; k++) {
          const j = first + k;
          if (used[j]) continue;
          const reduced = k * p - ui0 - v[j]!;
          if (reduced < minv[j]!) {
            minv[j] = reduced;
            way[j] = j0;
          }
          if (minv[j]! < delta) {
            delta = minv[j]!;
            j1 = j;
          }
        }
      }
      shiftPotentials(state, delta, 0, 0);
      for (let node = 0; node < m; node++) {
        const first = base[node]!, top = Math.min(slots[node]!, matched[node]! + 1);
        shiftPotentials(state, delta, first + 1, first + top);
      }
      j0 = j1;
    } while (rowOf[j0] !== 0);
    matched[nodeOf[j0]!]!++;
    augment(rowOf, way, j0);
  }
  const node = new Int32Array(rows), k = new Int32Array(rows);
  let total = 0;
  for (let j = 1; j <= cols; j++) {
    const row = rowOf[j]!;
    if (row > 0) {
      node[row - 1] = nodeOf[j]!;
      k[row - 1] = j - base[nodeOf[j]!]!;
      total += k[row - 1]! * durations[(row - 1) * m + nodeOf[j]!]!;
    }
  }
  return { slotOf: { node, k }, cost: total };
}
