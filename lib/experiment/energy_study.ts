/**
 * The makespan-energy study: one preference-conditioned policy per training seed, evaluated at
 * several energy weights, against policies trained at fixed weights, every heuristic and the
 * MILP optimum of the weighted objective, all on the same held-out episodes. It reports the
 * points, each seed's hypervolume ratio (conditioned over fixed-weight front), the heuristic
 * points that dominate a point of the conditioned front, the frugal end's saving, and the
 * fairness of each policy across tenants.
 *
 * @module
 */
import type { Policy } from "../policies/mod.ts";
import { Rng } from "../random/mod.ts";
import {
  dominates,
  type FrontPoint,
  hypervolume,
  milpPoints,
  type PolicyPoint,
  policyPoint,
} from "./front.ts";
import { meanTenantSlowdown } from "./evaluate.ts";
import type { Objective } from "./objective.ts";
import { interquartileMean, stratifiedBootstrap } from "./robust.ts";
import type { Scenario } from "./scenario.ts";

/** A policy whose energy weight can be set (the conditioned learned policy). */
export interface ConditionedPolicy extends Policy {
  /** The energy weight w it acts for. */
  preference: number;
}

/** One point of the study. */
export interface StudyPoint extends FrontPoint {
  /** "conditioned", "fixed", "heuristic" or "milp". */
  readonly family: "conditioned" | "fixed" | "heuristic" | "milp";
  /** Training seed index (learned policies), else null. */
  readonly seed: number | null;
  /** Energy weight (conditioned, fixed, MILP), else null. */
  readonly weight: number | null;
  /** Mean Jain's index over tenants (null for MILP points). */
  readonly jain: number | null;
}

/** A row of the fairness table. */
export interface FairnessRow {
  /** Policy (learned ones with their weight, over seeds). */
  readonly policy: string;
  /** Mean makespan, seconds. */
  readonly makespan: number;
  /** Mean Jain's index over the tenants' mean slowdowns. */
  readonly jain: number;
  /** Per tenant, mean slowdown over the episodes where it has tasks. */
  readonly tenantSlowdown: readonly number[];
}

/** What the study reports. */
export interface EnergyStudyReport {
  /** Every point. */
  readonly points: readonly StudyPoint[];
  /** Per seed: hypervolumes of the conditioned and the fixed-weight fronts, and their ratio. */
  readonly hypervolume: {
    /** The reference (worse) corner: 1.1 x the worst makespan and energy of any learned point. */
    readonly reference: { makespan: number; energy: number };
    readonly perSeed: readonly {
      seed: number;
      conditioned: number;
      fixed: number;
      ratio: number;
    }[];
    /** IQM of the ratios over seeds with its 95% bootstrap interval. */
    readonly ratio: { estimate: number; lower: number; upper: number };
  };
  /** Per heuristic, the weights at which it dominates the conditioned front (mean over seeds). */
  readonly dominatedBy: readonly { heuristic: string; weights: readonly number[] }[];
  /** The frugal end (highest weight) against the fastest end (lowest), as fractions. */
  readonly frugalEnd: {
    readonly conditioned: { energySaving: number; makespanIncrease: number };
    readonly milp: { energySaving: number; makespanIncrease: number } | null;
  };
  /** Fairness across tenants. */
  readonly fairness: readonly FairnessRow[];
}

/** Options of {@linkcode energyFrontStudy}. */
export interface EnergyStudyOptions {
  /** The conditioned policy of each training seed. */
  conditioned: readonly ConditionedPolicy[];
  /** Policies trained at fixed weights: per weight, one per seed (in the same seed order). */
  fixed: readonly { weight: number; policies: readonly Policy[] }[];
  /** The heuristics. */
  heuristics: readonly Policy[];
  /** Weights the conditioned policies are evaluated at (ascending). */
  weights: readonly number[];
  /** Weights of the MILP points, ascending (none: no MILP). */
  milpWeights: readonly number[];
  /** MILP time limit per instance, seconds. */
  milpTimeLimit: number;
  /** The objective's scales. */
  objective: Objective;
  /** Evaluation episodes. */
  episodes: number;
  /** Seed of the evaluation episodes and the bootstrap. */
  seed: number;
  /** Called after each evaluated point. */
  onProgress?: (label: string) => void;
}

const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

function saving(fast: FrontPoint, frugal: FrontPoint) {
  return {
    energySaving: 1 - frugal.energy / fast.energy,
    makespanIncrease: frugal.makespan / fast.makespan - 1,
  };
}

/**
 * Runs the study on a scenario's episodes (episode e has seed hash(seed, e) for every policy).
 *
 * @param scenario the evaluation scenario (held-out parameters)
 * @param options the policies, weights, MILP budget, episodes and seed
 */
export async function energyFrontStudy(
  scenario: Scenario,
  options: EnergyStudyOptions,
): Promise<EnergyStudyReport> {
  const { episodes, seed } = options;
  const points: StudyPoint[] = [];
  const raw = new Map<string, PolicyPoint[]>(); // fairness rows, by policy label
  const add = (
    family: StudyPoint["family"],
    policy: Policy,
    extra: { seed: number | null; weight: number | null; group: string },
  ) => {
    const point = policyPoint(scenario, policy, { episodes, seed });
    const label = `${extra.group}${extra.seed === null ? "" : ` seed ${extra.seed}`}`;
    points.push({
      family,
      label,
      seed: extra.seed,
      weight: extra.weight,
      makespan: point.makespan,
      energy: point.energy,
      jain: mean(point.jain),
    });
    raw.set(extra.group, [...(raw.get(extra.group) ?? []), point]);
    options.onProgress?.(label);
  };
  options.conditioned.forEach((policy, k) => {
    for (const weight of options.weights) {
      policy.preference = weight;
      add("conditioned", policy, { seed: k, weight, group: `conditioned w=${weight}` });
    }
  });
  for (const { weight, policies } of options.fixed) {
    policies.forEach((policy, k) =>
      add("fixed", policy, { seed: k, weight, group: `fixed w=${weight}` })
    );
  }
  for (const policy of options.heuristics) {
    add("heuristic", policy, { seed: null, weight: null, group: policy.name });
  }
  const milp = options.milpWeights.length === 0 ? [] : await milpPoints(scenario, {
    weights: options.milpWeights,
    objective: options.objective,
    episodes,
    seed,
    timeLimit: options.milpTimeLimit,
  });
  for (const point of milp) {
    points.push({ ...point, family: "milp", seed: null, jain: null });
  }

  const learned = points.filter((p) => p.family === "conditioned" || p.family === "fixed");
  const reference = {
    makespan: 1.1 * Math.max(...learned.map((p) => p.makespan)),
    energy: 1.1 * Math.max(...learned.map((p) => p.energy)),
  };
  const perSeed = options.conditioned.map((_, k) => {
    const own = (family: string) => points.filter((p) => p.family === family && p.seed === k);
    const conditioned = hypervolume(own("conditioned"), reference, options.objective);
    const fixed = hypervolume(own("fixed"), reference, options.objective);
    return { seed: k, conditioned, fixed, ratio: conditioned / fixed };
  });
  const ratios = perSeed.map((s) => s.ratio);
  const ratio = stratifiedBootstrap([ratios], interquartileMean, { rng: new Rng(seed) });

  const meanFront = options.weights.map((weight) => {
    const atWeight = points.filter((p) => p.family === "conditioned" && p.weight === weight);
    return {
      label: `conditioned w=${weight}`,
      weight,
      makespan: mean(atWeight.map((p) => p.makespan)),
      energy: mean(atWeight.map((p) => p.energy)),
    };
  });
  const dominatedBy = points.filter((p) => p.family === "heuristic").map((h) => ({
    heuristic: h.label,
    weights: meanFront.filter((c) => dominates(h, c)).map((c) => c.weight),
  })).filter((row) => row.weights.length > 0);

  const fairness: FairnessRow[] = [...raw].map(([policy, runs]) => ({
    policy,
    makespan: mean(runs.map((r) => r.makespan)),
    jain: mean(runs.flatMap((r) => r.jain)),
    tenantSlowdown: meanTenantSlowdown(runs.flatMap((r) => r.tenantSlowdown)),
  }));
  return {
    points,
    hypervolume: { reference, perSeed, ratio },
    dominatedBy,
    frugalEnd: {
      conditioned: saving(meanFront[0]!, meanFront.at(-1)!),
      milp: milp.length > 1 ? saving(milp[0]!, milp.at(-1)!) : null,
    },
    fairness: fairness.sort((a, b) => b.jain - a.jain),
  };
}
