/**
 * The makespan-energy front: points (mean makespan, mean energy) of policies on a scenario's
 * episodes, the MILP optimum of the weighted objective at several weights, Pareto dominance,
 * and the 2-D hypervolume that compares fronts.
 *
 * @module
 */
import { weightedOptimum } from "../bounds/mod.ts";
import { actualDurations } from "../env/mod.ts";
import { type Policy, runEpisode } from "../policies/mod.ts";
import { hashInts } from "../random/mod.ts";
import type { Objective } from "./objective.ts";
import { drawInstance, makeEnv, type Scenario } from "./scenario.ts";

/** A point of the plane: makespan (s) and energy (J), both to be minimised. */
export interface FrontPoint {
  /** What produced it, e.g. "sufferage" or "ppo-conditioned seed 0 w=0.5". */
  readonly label: string;
  /** Mean makespan, seconds. */
  readonly makespan: number;
  /** Mean energy, joules. */
  readonly energy: number;
}

/** Whether `a` Pareto-dominates `b`: no worse on both, better on one. */
export function dominates(a: FrontPoint, b: FrontPoint): boolean {
  return a.makespan <= b.makespan && a.energy <= b.energy &&
    (a.makespan < b.makespan || a.energy < b.energy);
}

/** The points no other point dominates, by makespan. */
export function nonDominated<T extends FrontPoint>(points: readonly T[]): T[] {
  return points.filter((p) => !points.some((q) => dominates(q, p)))
    .sort((a, b) => a.makespan - b.makespan);
}

/**
 * The area dominated by the points and bounded by the reference point, in units of
 * `scale` (the objective's T_ref x E_ref): the 2-D hypervolume of a minimisation front.
 *
 * @param points the points (dominated ones add nothing)
 * @param reference the worse corner; points beyond it add nothing
 * @param scale seconds and joules per unit (default 1)
 */
export function hypervolume(
  points: readonly FrontPoint[],
  reference: { makespan: number; energy: number },
  scale: { timeRef: number; energyRef: number } = { timeRef: 1, energyRef: 1 },
): number {
  const front = nonDominated(
    points.filter((p) => p.makespan < reference.makespan && p.energy < reference.energy),
  );
  let area = 0, ceiling = reference.energy;
  for (const point of front) {
    area += (reference.makespan - point.makespan) * (ceiling - point.energy);
    ceiling = point.energy;
  }
  return area / (scale.timeRef * scale.energyRef);
}

/** Per-episode makespans and energies of a policy, with their means. */
export interface PolicyPoint extends FrontPoint {
  /** Makespan of each episode. */
  readonly makespans: readonly number[];
  /** Energy of each episode. */
  readonly energies: readonly number[];
  /** Jain's index of each episode. */
  readonly jain: readonly number[];
  /** Per tenant, per episode: mean slowdown (NaN where the tenant has no task). */
  readonly tenantSlowdown: readonly (readonly number[])[];
}

const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/**
 * A policy's point on the scenario's episodes: episode e has seed hash(seed, e), the same for
 * every policy.
 *
 * @param scenario the scenario
 * @param policy the policy
 * @param options label, episodes, seed
 */
export function policyPoint(
  scenario: Scenario,
  policy: Policy,
  options: { label?: string; episodes: number; seed: number },
): PolicyPoint {
  const env = makeEnv(scenario);
  const makespans: number[] = [], energies: number[] = [], jain: number[] = [];
  const tenantSlowdown: number[][] = [];
  for (let e = 0; e < options.episodes; e++) {
    const seed = hashInts(options.seed, e);
    const info = runEpisode(env, policy, { seed, instance: drawInstance(scenario, seed) });
    makespans.push(info.makespan);
    energies.push(info.energy);
    jain.push(info.jain);
    tenantSlowdown.push([...info.tenantSlowdown]);
  }
  return {
    label: options.label ?? policy.name,
    makespan: mean(makespans),
    energy: mean(energies),
    makespans,
    energies,
    jain,
    tenantSlowdown,
  };
}

/** A MILP point: the mean over episodes of the weighted optimum's makespan and energy. */
export interface MilpPoint extends FrontPoint {
  /** The energy weight. */
  readonly weight: number;
  /** Episodes whose MILP was proved optimal in the time limit. */
  readonly optimal: number;
  /** Episodes. */
  readonly episodes: number;
}

/**
 * The weighted objective's MILP optimum at each weight, on the realised durations of the same
 * episodes as {@linkcode policyPoint} (batch workloads only).
 *
 * @param scenario the scenario
 * @param options weights, the objective's scales, episodes, seed, MILP time limit (s)
 */
export async function milpPoints(
  scenario: Scenario,
  options: {
    weights: readonly number[];
    objective: Objective;
    episodes: number;
    seed: number;
    timeLimit: number;
  },
): Promise<MilpPoint[]> {
  const instances = Array.from({ length: options.episodes }, (_, e) => {
    const instance = drawInstance(scenario, hashInts(options.seed, e));
    return { instance, durations: actualDurations(instance) };
  });
  const points: MilpPoint[] = [];
  for (const weight of options.weights) {
    let makespan = 0, energy = 0, optimal = 0;
    for (const { instance, durations } of instances) {
      const solved = await weightedOptimum(instance, {
        energyWeight: weight,
        timeRef: options.objective.timeRef,
        energyRef: options.objective.energyRef,
        durations,
        timeLimit: options.timeLimit,
      });
      makespan += solved.metrics.makespan / instances.length;
      energy += solved.metrics.energy / instances.length;
      if (solved.optimal) optimal++;
    }
    points.push({
      label: `milp w=${weight}`,
      weight,
      makespan,
      energy,
      optimal,
      episodes: instances.length,
    });
  }
  return points;
}
