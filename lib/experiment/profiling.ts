/**
 * The price of profiling: duration-aware heuristics fed durations estimated from k profiled
 * runs of each (kind, node) pair, each run charged its simulated node-seconds, against
 * learned policies that never profile. With k = 0 there is no run of a kind at all: its
 * durations come from a regression on its embedding fitted to the other kinds.
 *
 * @module
 */
import { type DurationModel, fitPowerLaw } from "../duration/mod.ts";
import { embedding as embeddingByName } from "../embedding/mod.ts";
import { hashedNormal, type Instance } from "../env/mod.ts";
import {
  type DurationEstimate,
  EstimatedDurationsPolicy,
  makeBaseline,
  type Policy,
} from "../policies/mod.ts";
import { hashInts, Rng } from "../random/mod.ts";
import { kindSpec, TASK_KINDS, type TaskKind } from "../tasks/mod.ts";
import { evaluateScenario } from "./evaluate.ts";
import { interquartileMean, stratifiedBootstrap } from "./robust.ts";
import type { Scenario } from "./scenario.ts";

/** One profiled run: a kind at a parameter on a node, and the seconds it took. */
export interface ProfiledRun {
  readonly kind: TaskKind;
  readonly node: number;
  readonly parameter: number;
  readonly seconds: number;
}

/** Expected seconds of (kind, parameter) on a node, as some scheduler believes them. */
export type DurationEstimator = (kind: TaskKind, parameter: number, node: number) => number;

/** The k profiling parameters of a kind: the centres of k equal slices of its range. */
export function profileGrid(kind: TaskKind, k: number): number[] {
  const { min, max } = kindSpec(kind);
  return Array.from({ length: k }, (_, i) => min + ((max - min) * (i + 0.5)) / k);
}

/**
 * Profiles `k` runs of every (kind, node) pair of `kinds`: each run takes the model's noisy
 * duration (a pure function of seed, kind, run and node).
 */
export function profileRuns(
  model: DurationModel,
  kinds: readonly TaskKind[],
  k: number,
  seed: number,
): ProfiledRun[] {
  const runs: ProfiledRun[] = [];
  for (const kind of kinds) {
    profileGrid(kind, k).forEach((parameter, i) => {
      for (let node = 0; node < model.nodeCount; node++) {
        const z = hashedNormal(hashInts(seed, kindSpec(kind).index), i, node);
        runs.push({
          kind,
          node,
          parameter,
          seconds: model.sample(model.mean(kind, parameter, node), z),
        });
      }
    });
  }
  return runs;
}

/**
 * Power laws fitted to profiled runs, per (kind, node) pair: on a pair's runs by least
 * squares in log space, or, with a single parameter value, through that run with the kind's
 * stated growth exponent.
 */
export function fitProfiles(runs: readonly ProfiledRun[]): DurationEstimator {
  const laws = new Map<string, { scale: number; exponent: number }>();
  const groups = Map.groupBy(runs, (run) => `${run.kind}/${run.node}`);
  for (const [key, group] of groups) {
    const kind = group[0]!.kind;
    const distinct = new Set(group.map((run) => run.parameter)).size;
    if (distinct >= 2) {
      laws.set(key, fitPowerLaw(group.map((r) => r.parameter), group.map((r) => r.seconds)));
    } else {
      const exponent = kindSpec(kind).statedGrowth;
      const logScale = group.reduce(
        (sum, r) => sum + Math.log(r.seconds) - exponent * Math.log(r.parameter),
        0,
      ) / group.length;
      laws.set(key, { scale: Math.exp(logScale), exponent });
    }
  }
  return (kind, parameter, node) => {
    const law = laws.get(`${kind}/${node}`);
    if (!law) throw new RangeError(`No profiled run of ${kind} on node ${node}`);
    return law.scale * Math.pow(parameter, law.exponent);
  };
}

/** Solves the symmetric positive definite system A x = b (Gaussian elimination). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    for (let row = col + 1; row < n; row++) {
      const factor = m[row]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[row]![c]! -= factor * m[col]![c]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = m[row]![n]!;
    for (let c = row + 1; c < n; c++) sum -= m[row]![c]! * x[c]!;
    x[row] = sum / m[row]![row]!;
  }
  return x;
}

/**
 * k = 0: per node, a ridge regression of log seconds on a kind's embedding, its pairwise
 * products (the parameter's slope depends on the kind) and an intercept, fitted to `known`'s durations of the `kinds` at `points` parameters each.
 * It predicts any kind, a never-profiled one included, from its embedding alone.
 */
export function embeddingRegression(
  embeddingName: string,
  kinds: readonly TaskKind[],
  known: DurationEstimator,
  options: { nodeCount: number; points?: number; ridge?: number },
): DurationEstimator {
  const encoder = embeddingByName(embeddingName), e = encoder.dimension;
  const ridge = options.ridge ?? 0.1;
  const features = (kind: TaskKind, parameter: number) => {
    const x = new Float32Array(e);
    encoder.encode(kind, parameter, x, 0);
    const out = [...x];
    for (let i = 0; i < e; i++) for (let j = i; j < e; j++) out.push(x[i]! * x[j]!);
    out.push(1);
    return out;
  };
  const d = e + (e * (e + 1)) / 2 + 1;
  const samples = kinds.flatMap((kind) =>
    profileGrid(kind, options.points ?? 10).map((parameter) => ({ kind, parameter }))
  );
  const weights = Array.from({ length: options.nodeCount }, (_, node) => {
    const a = Array.from(
      { length: d },
      (_, i) => Array.from({ length: d }, (_, j) => i === j && i < d - 1 ? ridge : 0),
    );
    const b = new Array<number>(d).fill(0);
    for (const { kind, parameter } of samples) {
      const x = features(kind, parameter), y = Math.log(known(kind, parameter, node));
      for (let i = 0; i < d; i++) {
        b[i]! += x[i]! * y;
        for (let j = 0; j < d; j++) a[i]![j]! += x[i]! * x[j]!;
      }
    }
    return solve(a, b);
  });
  return (kind, parameter, node) => {
    const x = features(kind, parameter), w = weights[node]!;
    return Math.exp(x.reduce((sum, value, i) => sum + value * w[i]!, 0));
  };
}

/** The estimated `expected` matrix of an instance (its tasks' kinds and parameters needed). */
export function estimateDurations(estimator: DurationEstimator): DurationEstimate {
  return (instance: Instance) => {
    if (!instance.tasks) throw new TypeError(`Instance ${instance.name} has no task kinds`);
    const m = instance.nodeCount, out = new Float64Array(instance.taskCount * m);
    instance.tasks.forEach((task, j) => {
      for (let node = 0; node < m; node++) {
        out[j * m + node] = estimator(task.kind, task.parameter, node);
      }
    });
    return out;
  };
}

/** Options of {@linkcode priceOfProfiling}. */
export interface ProfilingStudyOptions {
  /** The duration-aware heuristics (registry names). */
  heuristics: readonly string[];
  /** Profiled runs per (kind, node) pair; 0 needs `withheld`. */
  runsPerPair: readonly number[];
  /** Independent profiles (noise draws) per k. */
  profileSeeds: number;
  /** Evaluation episodes. */
  episodes: number;
  /** Evaluation seed (episodes) and base of the profile seeds. */
  seed: number;
  /** Policies that never profile (points at zero node-hours). */
  learned: readonly Policy[];
  /** Only this kind is unprofiled (the others known exactly); else every kind is. */
  withheld?: TaskKind;
  /** The embedding of the k = 0 regression. */
  regressionEmbedding: string;
  /** Called after each episode. */
  onProgress?: (done: number, total: number) => void;
}

/** Where a point's durations come from. */
export type PointSource = "profiled" | "exact" | "learned";

/** One point of the profiling-cost curve: per profile seed, the ratio of every episode. */
export interface ProfilingPoint {
  /** Heuristic or learned policy. */
  readonly policy: string;
  /** Durations from profiled runs, exact (known for free), or none needed (learned). */
  readonly source: PointSource;
  /** Profiled runs per pair (null unless profiled). */
  readonly runsPerPair: number | null;
  /** Mean profiling cost over the profile seeds, node-hours. */
  readonly nodeHours: number;
  /** Makespan / optimum, per profile seed, per episode. */
  readonly ratios: readonly (readonly number[])[];
}

/**
 * Evaluates every heuristic at every k (on `profileSeeds` independent profiles), with exact
 * durations, and the learned policies, on the same episodes against their optima.
 */
export async function priceOfProfiling(
  scenario: Scenario,
  options: ProfilingStudyOptions,
): Promise<ProfilingPoint[]> {
  const { model } = scenario, m = model.nodeCount;
  const truth: DurationEstimator = (kind, parameter, node) => model.mean(kind, parameter, node);
  const unprofiled = options.withheld ? [options.withheld] : [...TASK_KINDS];
  const profiled = TASK_KINDS.filter((kind) => !unprofiled.includes(kind));
  if (options.runsPerPair.includes(0) && profiled.length === 0) {
    throw new RangeError(
      "Expected runsPerPair without 0 when every kind is unprofiled (k = 0 needs a withheld kind)",
    );
  }
  const cells: {
    policy: Policy;
    name: string;
    source: PointSource;
    k: number | null;
    hours: number;
  }[] = [];
  for (const k of options.runsPerPair) {
    for (let r = 0; r < options.profileSeeds; r++) {
      const runs = profileRuns(model, unprofiled, k, hashInts(options.seed, 0x9f0, k, r));
      const estimated = k === 0
        ? embeddingRegression(options.regressionEmbedding, profiled, truth, { nodeCount: m })
        : fitProfiles(runs);
      const estimator: DurationEstimator = (kind, parameter, node) =>
        unprofiled.includes(kind) ? estimated(kind, parameter, node) : truth(kind, parameter, node);
      const hours = runs.reduce((sum, run) => sum + run.seconds, 0) / 3600;
      for (const name of options.heuristics) {
        cells.push({
          policy: new EstimatedDurationsPolicy(
            makeBaseline(name),
            estimateDurations(estimator),
            `${name} k=${k} #${r}`,
          ),
          name,
          source: "profiled",
          k,
          hours,
        });
      }
    }
  }
  for (const name of options.heuristics) {
    cells.push({ policy: makeBaseline(name), name, source: "exact", k: null, hours: 0 });
  }
  for (const policy of options.learned) {
    cells.push({ policy, name: policy.name, source: "learned", k: null, hours: 0 });
  }
  const report = await evaluateScenario(scenario, {
    policies: cells.map((cell) => cell.policy),
    episodes: options.episodes,
    seed: options.seed,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const points = new Map<string, ProfilingPoint & { ratios: number[][]; hoursSum: number }>();
  cells.forEach((cell, i) => {
    const key = `${cell.name}|${cell.source}|${cell.k}`;
    const point = points.get(key) ?? {
      policy: cell.name,
      source: cell.source,
      runsPerPair: cell.k,
      nodeHours: 0,
      hoursSum: 0,
      ratios: [],
    };
    point.hoursSum += cell.hours;
    point.ratios.push([...report.results[i]!.perEpisode.makespanRatio]);
    points.set(key, point);
  });
  return [...points.values()].map(({ hoursSum, ...point }) => ({
    ...point,
    nodeHours: hoursSum / point.ratios.length,
  }));
}

/** A point summarised: mean and IQM of the ratio, the IQM's stratified-bootstrap 95% CI. */
export interface ProfilingSummary {
  readonly policy: string;
  readonly source: PointSource;
  readonly runsPerPair: number | null;
  readonly nodeHours: number;
  readonly mean: number;
  readonly iqm: number;
  readonly iqmLow: number;
  readonly iqmHigh: number;
}

/** Summarises the points (profile seeds are the bootstrap's strata). */
export function summariseProfiling(
  points: readonly ProfilingPoint[],
  seed: number,
): ProfilingSummary[] {
  const rng = new Rng(seed);
  return points.map((point) => {
    const all = point.ratios.flat();
    const iqm = stratifiedBootstrap(point.ratios, interquartileMean, { rng });
    return {
      policy: point.policy,
      source: point.source,
      runsPerPair: point.runsPerPair,
      nodeHours: point.nodeHours,
      mean: all.reduce((s, v) => s + v, 0) / all.length,
      iqm: iqm.estimate,
      iqmLow: iqm.lower,
      iqmHigh: iqm.upper,
    };
  });
}

/**
 * The crossover per heuristic: the fewest profiled runs per pair (and their node-hours) with
 * which its mean ratio is below the reference's (a learned policy), or null if none is.
 */
export function profilingCrossover(
  summaries: readonly ProfilingSummary[],
  reference: number,
): { heuristic: string; runsPerPair: number | null; nodeHours: number | null }[] {
  const heuristics = [
    ...new Set(summaries.filter((s) => s.runsPerPair !== null).map((s) => s.policy)),
  ];
  return heuristics.map((heuristic) => {
    const beating = summaries
      .filter((s) => s.policy === heuristic && s.runsPerPair !== null && s.mean < reference)
      .sort((a, b) => a.runsPerPair! - b.runsPerPair!)[0];
    return {
      heuristic,
      runsPerPair: beating?.runsPerPair ?? null,
      nodeHours: beating?.nodeHours ?? null,
    };
  });
}
