/**
 * The scheduling objective as a scenario field: makespan and energy scalarised with a weight,
 * each over a per-scenario reference scale, plus an optional fairness term,
 *
 *   cost = (1 − w) · makespan / T_ref + w · energy / E_ref + φ · (1 − Jain),
 *
 * so that w ∈ [0, 1] moves from the fastest schedule to the most frugal one on comparable
 * terms. T_ref and E_ref default to the mean makespan and energy of the earliest-finish pull
 * rule on the scenario's first episodes ({@linkcode resolveObjective} in scenario.ts). The per-step reward of PPO is minus the same cost,
 * accrued as the simulator advances time and commits joules.
 *
 * @module
 */
import { z } from "zod";
import type { ScheduleMetrics } from "../env/mod.ts";

/** Schema of a scenario's `objective` field. */
export const objectiveSchema = z.object({
  /** Weight w of energy against makespan, in [0, 1] (0: makespan only). */
  energyWeight: z.number().min(0).max(1).default(0),
  /** Weight φ of unfairness (1 − Jain's index over tenants), charged at the episode's end. */
  fairnessWeight: z.number().min(0).default(0),
  /** Seconds of makespan that cost 1 (default: the reference rule's mean makespan). */
  timeRef: z.number().positive().optional(),
  /** Joules that cost 1 (default: the reference rule's mean energy). */
  energyRef: z.number().positive().optional(),
});

/** An objective with its scales resolved. */
export interface Objective {
  /** Weight w of energy. */
  readonly energyWeight: number;
  /** Weight φ of unfairness. */
  readonly fairnessWeight: number;
  /** Seconds that cost 1. */
  readonly timeRef: number;
  /** Joules that cost 1. */
  readonly energyRef: number;
}

/** Cost of `seconds` of elapsed time and `joules` under the objective (its time-energy part). */
export function stepCost(objective: Objective, seconds: number, joules: number): number {
  const w = objective.energyWeight;
  return (1 - w) * (seconds / objective.timeRef) + (w > 0 ? w * (joules / objective.energyRef) : 0);
}

/** Cost of a finished schedule under the objective. */
export function scheduleCost(objective: Objective, metrics: ScheduleMetrics): number {
  const fairness = objective.fairnessWeight > 0 ? objective.fairnessWeight * (1 - metrics.jain) : 0;
  return stepCost(objective, metrics.makespan, metrics.energy) + fairness;
}
