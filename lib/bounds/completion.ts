/**
 * The exact minimum of the total completion time, R||ΣC_j, for tasks all released at 0: an
 * assignment problem in which task j in the k-th-from-last slot of node i costs k * p_ij
 * (Horn 1973; Bruno, Coffman and Sethi 1974).
 *
 * @module
 */
import type { Instance, Schedule } from "../env/mod.ts";
import { solveAssignment } from "./assignment.ts";

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
 * least min_j p_ij * k(k+1)/2, so k is capped where that exceeds `upperBound`.
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
  const slots: number[] = [];
  for (let node = 0; node < m; node++) {
    let fastest = Infinity;
    for (let task = 0; task < n; task++) fastest = Math.min(fastest, durations[task * m + node]!);
    let k = 1;
    while (k < n && fastest * ((k + 1) * (k + 2)) / 2 <= upperBound * (1 + 1e-12)) k++;
    slots.push(k);
  }
  const columns: { node: number; k: number }[] = [];
  slots.forEach((count, node) => {
    for (let k = 1; k <= count; k++) columns.push({ node, k });
  });
  if (columns.length < n) {
    throw new RangeError(`upperBound ${upperBound} leaves ${columns.length} slots for ${n} tasks`);
  }
  const cols = columns.length;
  const cost = new Float64Array(n * cols);
  for (let task = 0; task < n; task++) {
    for (let c = 0; c < cols; c++) {
      const { node, k } = columns[c]!;
      cost[task * cols + c] = k * durations[task * m + node]!;
    }
  }
  const { columnOf, cost: sumCompletion } = solveAssignment(cost, { rows: n, cols });
  const byNode: { task: number; k: number }[][] = Array.from({ length: m }, () => []);
  columnOf.forEach((c, task) => {
    const { node, k } = columns[c]!;
    byNode[node]!.push({ task, k });
  });
  const schedule = byNode.map((entries) => entries.sort((a, b) => b.k - a.k).map((e) => e.task));
  return { sumCompletion, schedule };
}
