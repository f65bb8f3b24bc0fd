/**
 * The live experiments' one loop: for every workload and every policy, a fresh local cluster
 * of emulated agents on one private Redis, the workload run live under that policy, the
 * cluster stopped. The comparison with the simulator and the load test are this loop plus
 * what they measure.
 *
 * @module
 */
import { type LiveTask, LocalCluster, startRedisServer } from "../../live/mod.ts";
import { coordinatorOptions, type LivePolicy } from "../../live/policy.ts";
import { type LiveRunResult, runLive } from "./run.ts";

/** A workload of a series: its seed (its name in key prefixes) and its tasks. */
export interface SeriesWorkload {
  /** The seed it was drawn with. */
  readonly seed: number;
  /** Its tasks, ids unique within it. */
  readonly tasks: readonly LiveTask[];
}

/** Options of {@linkcode runLiveSeries}. */
export interface LiveSeriesOptions {
  /** The policies, each with its view. */
  policies: readonly LivePolicy[];
  /** The workloads, each run under every policy. */
  workloads: readonly SeriesWorkload[];
  /** Scratch folder for Redis and the agents' logs. */
  dir: string;
  /** The coordinator's calibration (name or path); default its own default. */
  calibration?: string | undefined;
  /** Time limit of one run, ms; default 5 minutes. */
  timeoutMs?: number;
  /** Called after each run. */
  onRun?: (run: SeriesRun) => void;
}

/** One policy on one workload, run live. */
export interface SeriesRun {
  /** The workload's seed. */
  readonly workload: number;
  /** The policy and its view. */
  readonly live: LivePolicy;
  /** What the run measured. */
  readonly run: LiveRunResult;
}

/** Runs every workload under every policy, live; returns the runs in that order. */
export async function runLiveSeries(options: LiveSeriesOptions): Promise<SeriesRun[]> {
  const redis = await startRedisServer({ dir: `${options.dir}/redis` });
  const runs: SeriesRun[] = [];
  try {
    for (const workload of options.workloads) {
      for (const live of options.policies) {
        const prefix = `w${workload.seed}-${live.policy.name}`;
        const local = await LocalCluster.start({ dir: `${options.dir}/${prefix}`, redis, prefix });
        try {
          const run = await runLive(workload.tasks, {
            ...coordinatorOptions(live, {
              redisUrl: redis.url,
              prefix,
              calibration: options.calibration,
            }),
            timeoutMs: options.timeoutMs ?? 300_000,
          });
          const entry = { workload: workload.seed, live, run };
          runs.push(entry);
          options.onRun?.(entry);
        } finally {
          await local.stop();
        }
      }
    }
  } finally {
    await redis.stop();
  }
  return runs;
}
