/**
 * A check of the sim-to-real gap's cause: a live schedule replayed with the model's durations
 * on nodes that share the machine's cores (processor sharing), as the emulated agents do.
 * Each node runs its tasks back to back in the order it ran them live; a task computes for its
 * uncontended time at a rate cut by sharing — when the running tasks ask for more cores than
 * the machine has, each gets `cores / demand` of what it asks — then sleeps its emulated
 * slowdown's share (slowdown - 1 times its measured compute time), using no core.
 *
 * @module
 */

/** One task of the replay. */
export interface ReplayTask {
  /** Seconds it computes on an idle machine. */
  readonly compute: number;
  /** Cores it keeps busy while computing (matrix threads, else 1). */
  readonly demand: number;
  /** Its node's slowdown factor (>= 1). */
  readonly slowdown: number;
}

/**
 * The makespan of per-node task sequences on a machine of `cores` shared cores.
 *
 * @param sequences per node, its tasks in execution order
 * @param cores the machine's cores
 * @returns seconds until the last task ends
 */
export function sharedCoreMakespan(
  sequences: readonly (readonly ReplayTask[])[],
  cores: number,
): number {
  if (!(cores > 0)) throw new RangeError(`Expected cores > 0 but found ${cores}`);
  const next = sequences.map(() => 0); // index of each node's current task
  // Per node: remaining uncontended compute, or the end of its sleep, or idle when done.
  const remaining = sequences.map((tasks) => tasks[0]?.compute ?? NaN);
  const computeStart = sequences.map(() => 0);
  const sleepUntil = sequences.map(() => NaN);
  let now = 0;
  const begin = (node: number) => {
    const task = sequences[node]![next[node]!];
    remaining[node] = task ? task.compute : NaN;
    computeStart[node] = now;
    sleepUntil[node] = NaN;
  };
  for (;;) {
    const computing = sequences.map((_, node) => node).filter((node) => remaining[node]! >= 0);
    const sleeping = sequences.map((_, node) => node).filter((node) => sleepUntil[node]! >= now);
    if (computing.length === 0 && sleeping.length === 0) return now;
    const demand = computing.reduce((sum, node) => sum + sequences[node]![next[node]!]!.demand, 0);
    const rate = Math.min(1, cores / demand);
    let step = Infinity;
    for (const node of computing) step = Math.min(step, remaining[node]! / rate);
    for (const node of sleeping) step = Math.min(step, sleepUntil[node]! - now);
    now += step;
    for (const node of computing) {
      remaining[node] = remaining[node]! - step * rate;
      if (remaining[node]! <= 1e-12) {
        const task = sequences[node]![next[node]!]!;
        remaining[node] = NaN;
        sleepUntil[node] = now + (task.slowdown - 1) * (now - computeStart[node]!);
      }
    }
    for (const node of sequences.keys()) {
      if (sleepUntil[node]! <= now && Number.isNaN(remaining[node]!)) {
        next[node]!++;
        begin(node);
      }
    }
  }
}
