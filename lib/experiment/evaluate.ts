/**
 * Evaluating policies side by side: on a scenario's episodes (every policy on the same drawn
 * instances, the same node order and the same realised durations), or on one static instance
 * such as an ETC matrix; each reported against the bounds of lib/bounds.
 *
 * @module
 */
import { makespanLowerBound, makespanOptimum, minSumCompletion } from "../bounds/mod.ts";
import { actualDurations, type Instance, SchedulingEnv, scoreSchedule } from "../env/mod.ts";
import type { EpisodeInfo, ScheduleMetrics } from "../env/mod.ts";
import { mapInstance, PlannedPolicy, type Policy, runEpisode } from "../policies/mod.ts";
import { hashInts } from "../random/mod.ts";
import { drawInstance, makeEnv, type Scenario } from "./scenario.ts";
import { summarise, type Summary } from "./stats.ts";

/** One policy's results. */
export interface PolicyResult {
  /** Policy name. */
  readonly policy: string;
  /** The longest idle its episodes ran under, seconds (absent: until the next event). */
  readonly idleTimeout?: number;
  /** Mean makespan, seconds. */
  readonly makespan: number;
  /** Mean sum of completion times, seconds. */
  readonly sumCompletion: number;
  /** Makespan across episodes. */
  readonly makespanSummary: Summary;
  /** Sum of completion times across episodes. */
  readonly sumCompletionSummary: Summary;
  /** Mean completion time across episodes. */
  readonly meanCompletionSummary: Summary;
  /** Mean flow time (completion - release) across episodes. */
  readonly meanFlowTimeSummary: Summary;
  /** Mean slowdown (flow time / run time) across episodes. */
  readonly meanSlowdownSummary: Summary;
  /** Makespan divided by the episode's makespan bound (the optimum where proved). */
  readonly makespanRatio: Summary;
  /** Sum of completions divided by its exact optimum, where computed. */
  readonly sumCompletionRatio: Summary | null;
  /** Energy (joules) across episodes, or null when the cluster has no power model. */
  readonly energySummary: Summary | null;
  /** Jain's index over the tenants' mean slowdowns, across episodes. */
  readonly jainSummary: Summary;
  /** Per tenant of the workload: mean slowdown over the episodes where it has tasks. */
  readonly tenantSlowdown: readonly number[];
  /** Wall-clock seconds the policy took over all episodes. */
  readonly seconds: number;
  /** Per episode, in episode order: makespan, its ratio to the episode's bound, energy. */
  readonly perEpisode: {
    readonly makespan: readonly number[];
    readonly makespanRatio: readonly number[];
    readonly meanFlowTime: readonly number[];
    readonly energy: readonly number[];
  };
}

/**
 * Per tenant, the mean of its per-episode mean slowdowns over the episodes where it has
 * tasks (NaN entries mark its absence); NaN for a tenant absent from every episode.
 */
export function meanTenantSlowdown(episodes: readonly (readonly number[])[]): number[] {
  const count = Math.max(0, ...episodes.map((slowdowns) => slowdowns.length));
  return Array.from({ length: count }, (_, k) => {
    const present = episodes.map((slowdowns) => slowdowns[k] ?? NaN).filter((x) => !isNaN(x));
    return present.length ? present.reduce((sum, x) => sum + x, 0) / present.length : NaN;
  });
}

/** The bounds, averaged over episodes. */
export interface BoundsReport {
  /** Mean LP lower bound on the makespan. */
  readonly makespanLowerBound: number;
  /** Mean exact makespan optimum, when every episode's MILP was solved to optimality. */
  readonly makespanOptimum: number | null;
  /** Episodes whose MILP was proved optimal. */
  readonly makespanOptimalEpisodes: number;
  /** Per episode: the makespan bound the ratios use (the optimum where proved, else the LP bound). */
  readonly makespanBounds: readonly number[];
  /** Mean exact optimum of the sum of completion times (batch instances only). */
  readonly sumCompletionOptimum: number | null;
  /** Wall-clock seconds spent on bounds. */
  readonly seconds: number;
}

/** The report `./schedlab baselines --json` prints. */
export interface EvaluationReport {
  /** Scenario or instance name. */
  readonly instance: string;
  /** Episodes evaluated. */
  readonly episodes: number;
  /** Base seed. */
  readonly seed: number;
  /** One entry per policy, in the order given. */
  readonly results: readonly PolicyResult[];
  /** The bounds. */
  readonly bounds: BoundsReport;
}

/** Options of the evaluations. */
export interface EvaluationOptions {
  /** The policies to compare. */
  policies: readonly Policy[];
  /** Solve the makespan MILP per episode (default: when an instance has at most 30 tasks). */
  exactMakespan?: boolean;
  /** Time limit of each MILP, seconds (default 30). */
  milpTimeLimit?: number;
  /** Called after each episode. */
  onProgress?: (done: number, total: number) => void;
  /** Called after each episode of a scenario with its instance and each policy's run, in order. */
  onEpisode?: (instance: Instance, runs: readonly EpisodeInfo[]) => void;
}

interface EpisodeBounds {
  lower: number;
  optimum: number | null;
  sumCompletion: number | null;
}

async function boundsOf(
  instance: Instance,
  sumCompletionUpperBound: number,
  options: EvaluationOptions,
): Promise<EpisodeBounds> {
  const durations = actualDurations(instance);
  const batch = instance.arrival.every((release) => release === 0);
  const lower = await makespanLowerBound(instance, durations);
  const exact = batch && (options.exactMakespan ?? instance.taskCount <= 30);
  let optimum: number | null = null;
  if (exact) {
    const milp = await makespanOptimum(instance, {
      durations,
      timeLimit: options.milpTimeLimit ?? 30,
    });
    if (milp.optimal) optimum = milp.makespan;
  }
  const sumCompletion = batch
    ? minSumCompletion(instance, { durations, upperBound: sumCompletionUpperBound }).sumCompletion
    : null;
  return { lower, optimum, sumCompletion };
}

function report(
  name: string,
  seed: number,
  policies: readonly Policy[],
  runs: ScheduleMetrics[][],
  seconds: number[],
  bounds: EpisodeBounds[],
  boundSeconds: number,
  idleTimeouts: readonly (number | undefined)[] = [],
): EvaluationReport {
  const results = policies.map((policy, p) => {
    const own = runs.map((episode) => episode[p]!);
    const makespanSummary = summarise(own.map((r) => r.makespan));
    const ratios = own.map((r, e) => r.makespan / (bounds[e]!.optimum ?? bounds[e]!.lower));
    const sumCompletionSummary = summarise(own.map((r) => r.sumCompletion));
    const sumRatios = own.flatMap((r, e) => {
      const optimum = bounds[e]!.sumCompletion;
      return optimum === null ? [] : [r.sumCompletion / optimum];
    });
    const idleTimeout = idleTimeouts[p];
    return {
      policy: policy.name,
      ...(idleTimeout === undefined ? {} : { idleTimeout }),
      makespan: makespanSummary.mean,
      sumCompletion: sumCompletionSummary.mean,
      makespanSummary,
      sumCompletionSummary,
      meanCompletionSummary: summarise(own.map((r) => r.meanCompletion)),
      meanFlowTimeSummary: summarise(own.map((r) => r.meanFlowTime)),
      meanSlowdownSummary: summarise(own.map((r) => r.meanSlowdown)),
      makespanRatio: summarise(ratios),
      sumCompletionRatio: sumRatios.length ? summarise(sumRatios) : null,
      energySummary: own.some((r) => isNaN(r.energy)) ? null : summarise(own.map((r) => r.energy)),
      jainSummary: summarise(own.map((r) => r.jain)),
      tenantSlowdown: meanTenantSlowdown(own.map((r) => r.tenantSlowdown)),
      seconds: seconds[p]!,
      perEpisode: {
        makespan: own.map((r) => r.makespan),
        makespanRatio: ratios,
        meanFlowTime: own.map((r) => r.meanFlowTime),
        energy: own.map((r) => r.energy),
      },
    };
  });
  const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  const optima = bounds.flatMap((b) => (b.optimum === null ? [] : [b.optimum]));
  const sums = bounds.flatMap((b) => (b.sumCompletion === null ? [] : [b.sumCompletion]));
  return {
    instance: name,
    episodes: runs.length,
    seed,
    results,
    bounds: {
      makespanLowerBound: mean(bounds.map((b) => b.lower)),
      makespanOptimum: optima.length === bounds.length ? mean(optima) : null,
      makespanOptimalEpisodes: optima.length,
      makespanBounds: bounds.map((b) => b.optimum ?? b.lower),
      sumCompletionOptimum: sums.length === bounds.length ? mean(sums) : null,
      seconds: boundSeconds,
    },
  };
}

/**
 * Evaluates policies on a scenario's episodes; episode e uses seed hash(seed, e).
 *
 * @param scenario the scenario
 * @param options policies, episode count, seed, bounds and progress
 * @returns the report
 */
export async function evaluateScenario(
  scenario: Scenario,
  options: EvaluationOptions & {
    episodes: number;
    seed: number;
    /**
     * Per policy name, the idle timeout its episodes run under instead of the scenario's (a
     * checkpoint's own, from its training scenario).
     */
    idleTimeouts?: ReadonlyMap<string, number>;
  },
): Promise<EvaluationReport> {
  const timeouts = options.policies.map((policy) =>
    options.idleTimeouts?.get(policy.name) ?? scenario.config.idleTimeout
  );
  const envs = new Map<number | undefined, SchedulingEnv>();
  const envOf = timeouts.map((timeout) => {
    let env = envs.get(timeout);
    if (!env) envs.set(timeout, env = makeEnv(scenario, timeout));
    return env;
  });
  const runs: ScheduleMetrics[][] = [];
  const bounds: EpisodeBounds[] = [];
  const seconds = options.policies.map(() => 0);
  let boundSeconds = 0;
  for (let episode = 0; episode < options.episodes; episode++) {
    const seed = hashInts(options.seed, episode);
    const instance = drawInstance(scenario, seed);
    const results = options.policies.map((policy, p) => {
      const start = performance.now();
      const info = runEpisode(envOf[p]!, policy, { seed, instance });
      seconds[p]! += (performance.now() - start) / 1000;
      return info;
    });
    const start = performance.now();
    bounds.push(
      await boundsOf(instance, Math.min(...results.map((r) => r.sumCompletion)), options),
    );
    boundSeconds += (performance.now() - start) / 1000;
    runs.push(results);
    options.onEpisode?.(instance, results);
    options.onProgress?.(episode + 1, options.episodes);
  }
  return report(
    scenario.config.name,
    options.seed,
    options.policies,
    runs,
    seconds,
    bounds,
    boundSeconds,
    timeouts,
  );
}

/**
 * Evaluates policies on one static instance (durations exact): batch mappers map it whole,
 * as published; pull policies run in the simulator with every task in the window.
 *
 * @param instance the instance, e.g. from an ETC file
 * @param options policies and bounds
 * @returns the report (one episode)
 */
export async function evaluateInstance(
  instance: Instance,
  options: EvaluationOptions,
): Promise<EvaluationReport> {
  const env = new SchedulingEnv({ window: instance.taskCount, timeScale: 1 });
  const seconds = options.policies.map(() => 0);
  const results = options.policies.map((policy, p) => {
    const start = performance.now();
    const metrics = policy instanceof PlannedPolicy
      ? scoreSchedule(instance, mapInstance(policy.mapper, instance))
      : runEpisode(env, policy, { seed: 0, instance });
    seconds[p] = (performance.now() - start) / 1000;
    options.onProgress?.(p + 1, options.policies.length);
    return metrics;
  });
  const start = performance.now();
  const bounds = await boundsOf(
    instance,
    Math.min(...results.map((r) => r.sumCompletion)),
    options,
  );
  const boundSeconds = (performance.now() - start) / 1000;
  return report(instance.name, 0, options.policies, [results], seconds, [bounds], boundSeconds);
}
