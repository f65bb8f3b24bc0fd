/**
 * The exact optimum of the weighted makespan-energy objective for small batch instances, by
 * the assignment MILP of lib/bounds/makespan.ts with another objective:
 *
 *   min (1 − w)·C / T + w·(Σ_ij e_ij x_ij + P_idle·C) / E
 *
 * where e_ij are the joules task j adds on node i beyond idling and P_idle the cluster's idle
 * draw while nodes stay on (0 when they sleep). A tiny weight on C remains at w = 1 so that
 * among the least-energy assignments the fastest is returned.
 *
 * @module
 */
import { idleWatts, taskEnergy } from "../cluster/mod.ts";
import { type Instance, type ScheduleMetrics, scoreSchedule } from "../env/mod.ts";
import { solveAssignmentProgram } from "./makespan.ts";

/** The weighted objective's weight and scales. */
export interface EnergyWeighting {
  /** Weight w of energy, in [0, 1]. */
  readonly energyWeight: number;
  /** Seconds of makespan that cost 1. */
  readonly timeRef: number;
  /** Joules that cost 1. */
  readonly energyRef: number;
}

/** The optimum of the weighted objective: its schedule's metrics and value. */
export interface WeightedOptimum {
  /** Whether proved optimal within the time limit. */
  readonly optimal: boolean;
  /** The objective's value. */
  readonly cost: number;
  /** Node of each task. */
  readonly nodeOf: Int32Array;
  /** The schedule's metrics (makespan, energy, ...) on the given durations. */
  readonly metrics: ScheduleMetrics;
}

/**
 * The schedule that minimises the weighted makespan-energy objective of a batch instance.
 *
 * @param instance a batch instance with a power model
 * @param options the weighting, durations (default expected), time limit (default 30 s)
 */
export async function weightedOptimum(
  instance: Instance,
  options: EnergyWeighting & { durations?: Float64Array; timeLimit?: number },
): Promise<WeightedOptimum> {
  const power = instance.power;
  if (!power) throw new TypeError(`weightedOptimum needs instance ${instance.name}'s power model`);
  const w = options.energyWeight;
  if (!(w >= 0 && w <= 1)) throw new RangeError(`Expected energyWeight in [0, 1] but found ${w}`);
  const durations = options.durations ?? instance.expected;
  const { taskCount: n, nodeCount: m } = instance;
  const assignment = new Float64Array(n * m);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) {
      assignment[j * m + i] = (w * taskEnergy(power, i, durations[j * m + i]!)) / options.energyRef;
    }
  }
  const makespan = Math.max(
    (1 - w) / options.timeRef + (w * idleWatts(power)) / options.energyRef,
    1e-6 / options.timeRef,
  );
  const solved = await solveAssignmentProgram(instance, {
    durations,
    timeLimit: options.timeLimit ?? 30,
    costs: { makespan, assignment },
  });
  const schedule = Array.from({ length: m }, () => [] as number[]);
  solved.nodeOf.forEach((node, task) => schedule[node]!.push(task));
  const metrics = scoreSchedule(instance, schedule, durations);
  const cost = (1 - w) * (metrics.makespan / options.timeRef) +
    w * (metrics.energy / options.energyRef);
  return { optimal: solved.optimal, cost, nodeOf: solved.nodeOf, metrics };
}
