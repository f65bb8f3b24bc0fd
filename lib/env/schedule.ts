/**
 * Scoring a complete schedule of a static instance: each node runs its list of tasks in
 * order, each starting when both the node is free and the task has arrived.
 *
 * @module
 */
import { energyOf } from "../cluster/mod.ts";
import { jainIndex, slowdownOf, tenantSlowdowns } from "./fairness.ts";
import type { Instance } from "./instance.ts";

/** A complete schedule: for each node, the ids of the tasks it runs, in order. */
export type Schedule = readonly (readonly number[])[];

/** What a schedule achieves. */
export interface ScheduleMetrics {
  /** Completion time of the last task, seconds. */
  readonly makespan: number;
  /** Sum of the tasks' completion times, seconds. */
  readonly sumCompletion: number;
  /** Mean completion time, seconds. */
  readonly meanCompletion: number;
  /** Mean flow time (completion - arrival), seconds. */
  readonly meanFlowTime: number;
  /** Mean slowdown: flow time over the task's shortest expected duration (lib/env/fairness.ts). */
  readonly meanSlowdown: number;
  /** Per node, busy time divided by the makespan. */
  readonly utilisation: readonly number[];
  /** Joules the nodes drew over the makespan (NaN when the instance has no power model). */
  readonly energy: number;
  /** Of which idle, awake nodes drew (NaN without a power model). */
  readonly idleEnergy: number;
  /** Per tenant, mean slowdown of its tasks (NaN for a tenant without tasks). */
  readonly tenantSlowdown: readonly number[];
  /** Jain's index over the tenants' mean slowdowns (1 with one tenant). */
  readonly jain: number;
}

/** Metrics from per-task completion times and per-node busy times (energy, fairness included). */
export function metricsOf(
  instance: Instance,
  completion: Float64Array,
  busy: Float64Array,
): ScheduleMetrics {
  let makespan = 0, sumCompletion = 0, sumFlow = 0, sumSlowdown = 0;
  const slowdowns: number[] = [];
  for (let task = 0; task < instance.taskCount; task++) {
    const done = completion[task]!;
    if (done > makespan) makespan = done;
    sumCompletion += done;
    sumFlow += done - instance.arrival[task]!;
    const slowdown = slowdownOf(instance, task, done);
    slowdowns.push(slowdown);
    sumSlowdown += slowdown;
  }
  const n = instance.taskCount;
  const energy = instance.power
    ? energyOf(instance.power, busy, makespan)
    : { energy: NaN, idleEnergy: NaN };
  const tenantSlowdown = tenantSlowdowns(instance, slowdowns);
  // A loop, not Array.from(busy, ...): a callback per node costs more than the division.
  const utilisation: number[] = [];
  for (let i = 0; i < busy.length; i++) utilisation.push(makespan > 0 ? busy[i]! / makespan : 0);
  return {
    makespan,
    sumCompletion,
    meanCompletion: sumCompletion / n,
    meanFlowTime: sumFlow / n,
    meanSlowdown: sumSlowdown / n,
    utilisation,
    ...energy,
    tenantSlowdown,
    jain: jainIndex(tenantSlowdown),
  };
}

/**
 * Scores a schedule against the given durations.
 *
 * @param instance the instance
 * @param schedule per node, its tasks in order; every task exactly once
 * @param durations n x m durations, task-major; default the instance's expected ones
 * @returns the schedule's metrics
 */
export function scoreSchedule(
  instance: Instance,
  schedule: Schedule,
  durations: Float64Array = instance.expected,
): ScheduleMetrics {
  const { taskCount, nodeCount } = instance;
  if (schedule.length !== nodeCount) {
    throw new RangeError(`Expected a schedule of ${nodeCount} nodes but found ${schedule.length}`);
  }
  const completion = new Float64Array(taskCount).fill(NaN);
  const busy = new Float64Array(nodeCount);
  schedule.forEach((tasks, node) => {
    let clock = 0;
    for (const task of tasks) {
      if (!(task >= 0 && task < taskCount) || !Number.isInteger(task)) {
        throw new RangeError(
          `Expected task ids in [0, ${taskCount}) but found ${task} on node ${node}`,
        );
      }
      if (!Number.isNaN(completion[task]!)) {
        throw new RangeError(`Expected task ${task} to be scheduled once but found it twice`);
      }
      const duration = durations[task * nodeCount + node]!;
      clock = Math.max(clock, instance.arrival[task]!) + duration;
      completion[task] = clock;
      busy[node]! += duration;
    }
  });
  const missing = completion.findIndex(Number.isNaN);
  if (missing >= 0) {
    throw new RangeError(`Expected every task scheduled but task ${missing} is not`);
  }
  return metricsOf(instance, completion, busy);
}
