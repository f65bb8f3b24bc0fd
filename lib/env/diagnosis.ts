/**
 * Where a finished schedule lost time, read from the schedule alone: how much slower than on
 * its best node the longest task ran, and how long nodes stood idle while released tasks
 * waited. These two account for most of a learned allocator's excess over the optimum on the
 * seed's cluster (results/09_attention/design_search.md): a long task taken by a slow node
 * while a fast one was free, and the whole cluster declining work while one task runs.
 *
 * @module
 */
import { actualDuration, type Instance } from "./instance.ts";

/** A schedule's per-task placement and timing (an episode's EpisodeInfo has them). */
export interface Placement {
  /** Per task: the node that ran it. */
  readonly assignedNode: Int32Array;
  /** Per task: start time. */
  readonly start: Float64Array;
  /** Per task: completion time. */
  readonly completion: Float64Array;
}

/** Two causes of a schedule's excess over what its instance allows. */
export interface ScheduleDiagnosis {
  /**
   * The longest task (by its shortest actual duration over the nodes): its duration where it
   * ran over that shortest one (1 when it ran on its best node).
   */
  readonly longestSlowdown: number;
  /** Node-seconds idle while some released task had not started, over nodes × makespan. */
  readonly idleWhileWaiting: number;
}

/**
 * Diagnoses a finished schedule of an instance.
 *
 * @param instance the instance it ran
 * @param placement each task's node, start and completion
 * @returns the longest task's slowdown and the idle-while-waiting share
 */
export function diagnoseSchedule(instance: Instance, placement: Placement): ScheduleDiagnosis {
  const { taskCount: n, nodeCount: m, arrival } = instance;
  const { assignedNode, start, completion } = placement;
  let longest = 0, longestBest = -Infinity, makespan = 0;
  for (let task = 0; task < n; task++) {
    let best = Infinity;
    for (let node = 0; node < m; node++) {
      best = Math.min(best, actualDuration(instance, task, node));
    }
    if (best > longestBest) [longest, longestBest] = [task, best];
    makespan = Math.max(makespan, completion[task]!);
  }
  const ran = actualDuration(instance, longest, assignedNode[longest]!);
  // Between consecutive events nothing changes: count the idle nodes where a task waits.
  const times = [...new Set([...arrival, ...start, ...completion])].sort((a, b) => a - b);
  let idle = 0;
  for (let k = 0; k + 1 < times.length; k++) {
    const now = times[k]!;
    let waiting = false, running = 0;
    for (let task = 0; task < n; task++) {
      if (arrival[task]! <= now && start[task]! > now) waiting = true;
      else if (start[task]! <= now && completion[task]! > now) running++;
    }
    if (waiting) idle += (m - running) * (times[k + 1]! - now);
  }
  return {
    longestSlowdown: longestBest > 0 ? ran / longestBest : 1,
    idleWhileWaiting: makespan > 0 ? idle / (m * makespan) : 0,
  };
}
