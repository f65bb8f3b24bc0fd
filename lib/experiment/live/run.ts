/**
 * One live run: a coordinator with a given policy in this process, a workload submitted to
 * it, and the wait until every task has a recorded result; returns what was measured.
 *
 * @module
 */
import {
  connectRedis,
  Coordinator,
  type CoordinatorOptions,
  type CoordinatorStats,
  LiveKeys,
  type LiveResult,
  type LiveTask,
  submitTasks,
  waitForResults,
} from "../../live/mod.ts";

/** What a live run measured. */
export interface LiveRunResult {
  /** The policy's name. */
  readonly policy: string;
  /** The tasks, in submission order. */
  readonly tasks: readonly LiveTask[];
  /** The recorded result of each task, in submission order. */
  readonly results: readonly LiveResult[];
  /** When the first task was submitted, ms since the Unix epoch (Redis's clock). */
  readonly epoch: number;
  /** Seconds from the first submission to the last completion. */
  readonly makespan: number;
  /** Results reported in all (more than the tasks when some ran twice). */
  readonly reports: number;
  /** The coordinator's counters and request-to-assignment latencies. */
  readonly stats: CoordinatorStats;
  /** Wall-clock seconds of the whole run. */
  readonly wallSeconds: number;
}

/**
 * Runs a workload live: starts a coordinator (with `options`' policy) in this process,
 * submits the tasks, waits for all results, stops the coordinator.
 *
 * @param tasks the workload (ids new to this namespace)
 * @param options the coordinator's options, and a time limit (default 10 minutes)
 * @returns per-task results, makespan and the coordinator's statistics
 */
export async function runLive(
  tasks: readonly LiveTask[],
  options: CoordinatorOptions & { timeoutMs?: number },
): Promise<LiveRunResult> {
  const redis = await connectRedis(options.redisUrl, "live-run");
  const coordinator = new Coordinator(options);
  const stop = new AbortController();
  const started = performance.now();
  const running = coordinator.run(stop.signal);
  try {
    await submitTasks(redis, tasks, options.prefix);
    await Promise.race([
      waitForResults(redis, {
        ids: tasks.map((task) => task.id),
        prefix: options.prefix,
        timeoutMs: options.timeoutMs ?? 600_000,
      }),
      running.then(() => {
        throw new Error("the coordinator stopped before the run ended");
      }),
    ]);
  } finally {
    stop.abort();
    await running.catch(() => {});
  }
  const wallSeconds = (performance.now() - started) / 1000;
  try {
    const keys = new LiveKeys(options.prefix);
    const [done, reports, epoch] = await Promise.all([
      redis.hgetall(keys.done),
      redis.xlen(keys.results),
      redis.hget(keys.meta, "epoch"),
    ]);
    const results = tasks.map((task) => JSON.parse(done[task.id]!) as LiveResult);
    const last = Math.max(...results.map((result) => result.finishedAt));
    return {
      policy: options.policy.name,
      tasks,
      results,
      epoch: Number(epoch),
      makespan: (last - Number(epoch)) / 1000,
      reports,
      stats: coordinator.stats,
      wallSeconds,
    };
  } finally {
    redis.disconnect();
  }
}
