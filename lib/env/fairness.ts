/**
 * Fairness across the tenants of a workload: each tenant's mean slowdown and Jain's index
 * over them.
 *
 * The slowdown of a task is its flow time (completion − arrival) over its shortest expected
 * duration on any node: 1 means it ran at once on its best node. Jain's index of values x_1..x_k
 * is (Σx)² / (k·Σx²): 1 when every tenant suffers the same slowdown, 1/k when one tenant
 * takes all of it.
 *
 * @module
 */
import type { Instance } from "./instance.ts";

/** Jain's fairness index of the finite values (NaN entries, absent tenants, are skipped). */
export function jainIndex(values: ArrayLike<number>): number {
  let sum = 0, squares = 0, count = 0;
  for (let k = 0; k < values.length; k++) {
    const x = values[k]!;
    if (Number.isNaN(x)) continue;
    sum += x;
    squares += x * x;
    count++;
  }
  if (count === 0) return NaN;
  return squares === 0 ? 1 : (sum * sum) / (count * squares);
}

/** Slowdown of `task` completed at `completion`: flow time over its shortest expected duration. */
export function slowdownOf(instance: Instance, task: number, completion: number): number {
  const m = instance.nodeCount;
  let fastest = Infinity;
  for (let i = 0; i < m; i++) fastest = Math.min(fastest, instance.expected[task * m + i]!);
  const flow = completion - instance.arrival[task]!;
  return fastest > 0 ? flow / fastest : 1;
}

/**
 * Mean slowdown of each of the instance's tenants (one tenant when it has none), NaN for a
 * tenant without a task in this instance.
 *
 * @param instance the instance (its `tenants` size the result)
 * @param slowdowns per task, its slowdown ({@linkcode slowdownOf})
 */
export function tenantSlowdowns(instance: Instance, slowdowns: ArrayLike<number>): number[] {
  const count = instance.tenants?.count ?? 1;
  // Plain arrays: allocating a typed array costs more than this function's work (every episode).
  const means: number[] = [], tasks: number[] = [];
  for (let k = 0; k < count; k++) {
    means.push(0);
    tasks.push(0);
  }
  for (let j = 0; j < instance.taskCount; j++) {
    const tenant = instance.tenants?.of[j] ?? 0;
    means[tenant]! += slowdowns[j]!;
    tasks[tenant]!++;
  }
  for (let k = 0; k < count; k++) means[k] = tasks[k]! > 0 ? means[k]! / tasks[k]! : NaN;
  return means;
}
