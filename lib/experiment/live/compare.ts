/**
 * The live experiment: the same workloads of real tasks run live on the emulated cluster under
 * several policies, each next to what the calibrated simulator predicts for that workload
 * under that policy — the sim-to-real gap per policy — and next to the live schedule replayed
 * on shared cores, which tells how much of the gap core sharing explains.
 *
 * @module
 */
import { emulationOf, LIVE_CLUSTER } from "../../cluster/mod.ts";
import { DurationModel, loadCalibrationSync } from "../../duration/mod.ts";
import { buildInstance, type EpisodeInfo, SchedulingEnv } from "../../env/mod.ts";
import { type LiveTask, shortWorkload } from "../../live/mod.ts";
import type { LivePolicy } from "../../live/policy.ts";
import { runEpisode } from "../../policies/mod.ts";
import { kindSpec, makeTask } from "../../tasks/mod.ts";
import { calibrationPath } from "../scenario.ts";
import type { LiveRunResult } from "./run.ts";
import { runLiveSeries } from "./series.ts";
import { type ReplayTask, sharedCoreMakespan } from "./shared_cores.ts";

/** Options of {@linkcode compareLiveWithSimulation}. */
export interface LiveComparisonOptions {
  /** The policies, each with its view. */
  policies: readonly LivePolicy[];
  /** Tasks per workload. */
  tasks: number;
  /** Number of workloads (seeds seed, seed + 1, ...). */
  workloads: number;
  /** First workload seed. */
  seed: number;
  /** Scratch folder for Redis and the agents' logs. */
  dir: string;
  /** Calibration of the simulator (name or path); default `this-machine`. */
  calibration?: string;
  /** Time limit of one run, ms; default 5 minutes. */
  timeoutMs?: number;
  /** Called after each run. */
  onRun?: (row: LiveComparisonRow) => void;
}

/** One policy on one workload, live and simulated. */
export interface LiveComparisonRow {
  /** Policy name. */
  readonly policy: string;
  /** Workload seed. */
  readonly workload: number;
  /** Makespan measured live, seconds. */
  readonly measured: number;
  /** Makespan the simulator predicts, seconds. */
  readonly simulated: number;
  /** (simulated - measured) / measured. */
  readonly gap: number;
  /** Mean completion time measured live, seconds after the first submission. */
  readonly measuredMeanCompletion: number;
  /** Mean completion time simulated. */
  readonly simulatedMeanCompletion: number;
  /**
   * Seconds the workloads computed live (before emulated slowdown) over the seconds the model
   * predicts for them on the nodes that ran them: above 1 when tasks shared the machine's cores
   * (or the calibration is off).
   */
  readonly computeInflation: number;
  /**
   * The live schedule replayed with the model's durations on nodes sharing this machine's
   * cores ({@linkcode sharedCoreMakespan}), seconds.
   */
  readonly sharedCores: number;
  /** (sharedCores - measured) / measured: what core sharing leaves of the gap. */
  readonly sharedCoresGap: number;
  /** Results reported (more than the tasks when some ran twice). */
  readonly reports: number;
}

/** Everything the comparison produced. */
export interface LiveComparison {
  /** One row per policy and workload. */
  readonly rows: readonly LiveComparisonRow[];
  /** The live runs, in the same order. */
  readonly runs: readonly LiveRunResult[];
  /** The simulated episodes, in the same order. */
  readonly simulations: readonly EpisodeInfo[];
}

/**
 * The simulator's episode of a live workload under a policy (no noise: the calibrated means).
 *
 * @param tasks the workload
 * @param live the policy and its view
 * @param model the duration model of the live nodes
 */
export function simulateLive(
  tasks: readonly LiveTask[],
  live: LivePolicy,
  model: DurationModel,
): EpisodeInfo {
  const instance = buildInstance(
    tasks.map((task, id) => makeTask(task.kind, task.parameter, { id })),
    model,
    { name: "live-workload", noiseSeed: 0 },
  );
  const env = new SchedulingEnv({
    window: live.window,
    timeScale: live.timeScale,
    ...(live.embedding ? { embedding: live.embedding } : {}),
    ...(live.idleTimeout === undefined ? {} : { idleTimeout: live.idleTimeout }),
  });
  return runEpisode(env, live.policy, { seed: 0, instance });
}

/** The tasks of a live run as the replay needs them, with where and when they ran. */
function replayTasks(
  run: LiveRunResult,
  model: DurationModel,
): (ReplayTask & { node: string; startedAt: number })[] {
  return run.results.map((result, i) => {
    const index = LIVE_CLUSTER.nodes.findIndex((spec) => spec.name === result.node);
    const { threads, slowdown } = emulationOf(
      LIVE_CLUSTER.nodes[index]!,
      navigator.hardwareConcurrency,
    );
    const task = run.tasks[i]!;
    return {
      node: result.node,
      startedAt: result.startedAt,
      compute: model.mean(task.kind, task.parameter, index) / slowdown,
      demand: kindSpec(task.kind).threaded ? threads : 1,
      slowdown,
    };
  });
}

/**
 * Runs every policy on every workload live (a fresh set of 9 agents per run, one Redis) and
 * in the simulator.
 */
export async function compareLiveWithSimulation(
  options: LiveComparisonOptions,
): Promise<LiveComparison> {
  const calibration = loadCalibrationSync(calibrationPath(options.calibration ?? "this-machine"));
  const model = new DurationModel(calibration, LIVE_CLUSTER.nodes, { noise: 0 });
  const rows: LiveComparisonRow[] = [];
  const runs: LiveRunResult[] = [];
  const simulations: EpisodeInfo[] = [];
  await runLiveSeries({
    policies: options.policies,
    workloads: Array.from({ length: options.workloads }, (_, w) => {
      const seed = options.seed + w;
      return { seed, tasks: shortWorkload({ count: options.tasks, seed }).tasks };
    }),
    dir: options.dir,
    calibration: options.calibration,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    onRun: ({ workload, live, run }) => {
      const simulation = simulateLive(run.tasks, live, model);
      const completions = run.results.map((result) => (result.finishedAt - run.epoch) / 1000);
      const computed = run.results.reduce((sum, result) => sum + result.computeSeconds, 0);
      const replay = replayTasks(run, model);
      const predicted = replay.reduce((sum, task) => sum + task.compute, 0);
      const sharedCores = sharedCoreMakespan(
        LIVE_CLUSTER.nodes.map((node) =>
          replay.filter((task) => task.node === node.name)
            .sort((a, b) => a.startedAt - b.startedAt)
        ),
        navigator.hardwareConcurrency,
      );
      const row: LiveComparisonRow = {
        policy: live.policy.name,
        workload,
        measured: run.makespan,
        simulated: simulation.makespan,
        gap: (simulation.makespan - run.makespan) / run.makespan,
        measuredMeanCompletion: completions.reduce((sum, t) => sum + t, 0) / completions.length,
        simulatedMeanCompletion: simulation.meanCompletion,
        computeInflation: computed / predicted,
        sharedCores,
        sharedCoresGap: (sharedCores - run.makespan) / run.makespan,
        reports: run.reports,
      };
      rows.push(row);
      runs.push(run);
      simulations.push(simulation);
      options.onRun?.(row);
    },
  });
  return { rows, runs, simulations };
}
