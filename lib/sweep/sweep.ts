/**
 * Running a sweep: one BullMQ job per (arm, seed) whose id derives from the run's config, seed,
 * evaluation and commit, so that submitting a sweep again runs nothing twice; a wait with
 * progress (done, running, failed, ETA); every finished run gathered from Redis into
 * `<out>/runs/<arm>/seed-K/`; then the summary table and figure. Without a broker URL, a
 * private `redis-server` (append-only, in `<out>/.sweep/`) and local worker processes serve the
 * sweep and stop at the end. A run that fails is reported with its error and the others go on;
 * an owner killed mid-sweep resumes from the same folder and keeps the finished runs.
 *
 * @module
 */
import * as dfd from "danfojs";
import { Queue } from "bullmq";
import { connectRedis, type Redis, startRedisServer } from "../live/redis.ts";
import { ResultsFolder } from "../report/results.ts";
import {
  codeVersion,
  jobId,
  resolveRuns,
  type RunSpec,
  type Sweep,
  type SweepFile,
  type SweepOverrides,
} from "./spec.ts";
import { type ArmSummary, runRatios, summariseArms, summaryFigure } from "./summary.ts";
import { fetchFolder } from "./transfer.ts";
import { type JobData, type JobResult, SWEEP_KEYS, SWEEP_QUEUE } from "./worker.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

/**
 * The command line of a worker process, `./schedlab worker` run by this Deno (its permissions:
 * BullMQ asks the host name; runs are child processes).
 *
 * @param url the broker
 * @param options stall time in seconds; whether the worker stops when its stdin closes
 * @returns the executable and its arguments, to run in the repository's root
 */
export function workerCommand(
  url: string,
  options: { stallSeconds: number; attached: boolean },
): [string, string[]] {
  return [Deno.execPath(), [
    "run",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-net",
    "--allow-sys=hostname",
    "--allow-run",
    new URL("../cli/worker.ts", import.meta.url).pathname,
    "--redis",
    url,
    "--stall-seconds",
    String(options.stallSeconds),
    ...(options.attached ? ["--attached"] : []),
  ]];
}

/** Progress of a sweep's runs. */
export interface SweepProgress {
  /** Runs of the sweep. */
  readonly total: number;
  /** Finished (including those kept from before). */
  readonly done: number;
  /** Being run by a worker now. */
  readonly running: number;
  /** Failed. */
  readonly failed: number;
  /** Seconds left at the pace so far, when known. */
  readonly etaSeconds: number | null;
}

/** How one run ended. */
export interface RunOutcome {
  /** The arm. */
  readonly arm: string;
  /** The seed's index. */
  readonly seedIndex: number;
  /** Its job id (null for an arm whose config is invalid). */
  readonly jobId: string | null;
  /** Finished or failed. */
  readonly status: "done" | "failed";
  /** Why it failed. */
  readonly error?: string;
  /** Its folder (when done). */
  readonly dir: string;
  /** Whether it was already in the folder (not run by this call). */
  readonly kept: boolean;
}

/** Options of {@linkcode runSweep}. */
export interface SweepOptions {
  /** Results folder (default `results/<sweep name>`). */
  out?: string;
  /** A shared broker; default a private redis-server with local workers. */
  redis?: string;
  /** Local worker processes (default: the machine's cores without `redis`, none with it). */
  workers?: number;
  /** Stall time of local workers, seconds (default 30). */
  stallSeconds?: number;
  /** Budget changes. */
  overrides?: SweepOverrides;
  /** The commit runs are submitted from (default the repository's, see {@linkcode codeVersion}). */
  commit?: string;
  /** Write the figure (PNG via Chromium; default true). */
  figure?: boolean;
  /** Called about twice a second while runs are pending. */
  onProgress?: (progress: SweepProgress) => void;
  /** Stops waiting (finished runs are kept; the sweep can be resumed). */
  signal?: AbortSignal;
}

/** What {@linkcode runSweep} returns. */
export interface SweepResult {
  /** The results folder. */
  readonly out: string;
  /** Every run, arm by arm. */
  readonly runs: readonly RunOutcome[];
  /** The summary, one row per arm. */
  readonly arms: readonly ArmSummary[];
  /** The summary as a markdown table. */
  readonly table: string;
  /** The figure's PNG, when written. */
  readonly figure: string | null;
}

/** A run still to gather. */
interface Pending {
  readonly run: RunSpec;
  readonly id: string;
  readonly dir: string;
}

/** The broker of a sweep: its URL and how to stop it (nothing for a shared one). */
interface Broker {
  readonly url: string;
  stop(): Promise<void>;
}

/** The private broker in `dir`: the one a killed owner left running, else a new one (AOF kept). */
async function privateBroker(dir: string): Promise<Broker> {
  const info = `${dir}/server.json`;
  try {
    const { url } = JSON.parse(await Deno.readTextFile(info)) as { url: string };
    const probe = await connectRedis(url, "schedlab-sweep-probe");
    probe.disconnect();
    return {
      url,
      async stop() {
        const client = await connectRedis(url, "schedlab-sweep-stop");
        await client.call("SHUTDOWN", "NOSAVE").catch(() => {});
        client.disconnect();
      },
    };
  } catch {
    const server = await startRedisServer({ dir });
    await Deno.writeTextFile(info, JSON.stringify({ url: server.url, pid: server.pid }));
    return server;
  }
}

/** A local worker process: `lib/cli/worker.ts`, which exits when its stdin closes. */
function spawnWorker(url: string, stallSeconds: number, log: string): Deno.ChildProcess {
  const file = Deno.openSync(log, { create: true, append: true });
  const [command, args] = workerCommand(url, { stallSeconds, attached: true });
  const child = new Deno.Command(command, {
    args,
    cwd: ROOT,
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  child.stderr.pipeTo(file.writable).catch(() => {});
  return child;
}

/** Closes a local worker's stdin and waits for it (SIGKILL after 15 s). */
async function stopWorker(child: Deno.ChildProcess): Promise<void> {
  await child.stdin.close().catch(() => {});
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
  }, 15_000);
  await child.status;
  clearTimeout(timer);
}

/** Whether `dir` holds the gathered run of this job. */
async function gathered(dir: string, id: string): Promise<boolean> {
  try {
    return JSON.parse(await Deno.readTextFile(`${dir}/sweep.json`)).jobId === id;
  } catch {
    return false;
  }
}

/** Writes a finished job's files into its run folder (via a sibling, renamed at the end). */
async function gather(redis: Redis, pending: Pending, result: JobResult, commit: string) {
  const partial = `${pending.dir}.partial`;
  await Deno.remove(partial, { recursive: true }).catch(() => {});
  await fetchFolder(redis, SWEEP_KEYS.files(pending.id), result.files, partial);
  await Deno.writeTextFile(
    `${partial}/sweep.json`,
    JSON.stringify(
      {
        jobId: pending.id,
        arm: pending.run.arm,
        seedIndex: pending.run.seedIndex,
        commit,
        worker: result.worker,
        seconds: result.seconds,
      },
      null,
      2,
    ) + "\n",
  );
  await Deno.remove(pending.dir, { recursive: true }).catch(() => {});
  await Deno.rename(partial, pending.dir);
}

/** Submits the pending runs and waits for them, gathering each as it finishes. */
async function submitAndWait(
  url: string,
  pending: Pending[],
  options: SweepOptions & { commit: string; done: number; total: number },
): Promise<RunOutcome[]> {
  const queue = new Queue<JobData, JobResult>(SWEEP_QUEUE, { connection: { url } });
  const redis = await connectRedis(url, "schedlab-sweep-owner");
  const outcomes: RunOutcome[] = [];
  // A worker that stops mid-run gives its job back (attempts); failed runs are final.
  const submit = (p: Pending) =>
    queue.add(p.run.arm, { run: p.run, commit: options.commit }, { jobId: p.id, attempts: 3 });
  try {
    for (const p of pending) {
      const job = await queue.getJob(p.id);
      if (job && await job.getState() === "failed") await job.retry("failed");
      else if (!job) await submit(p);
    }
    const started = performance.now();
    let finishedHere = 0, failed = 0;
    const waiting = new Map(pending.map((p) => [p.id, p]));
    while (waiting.size) {
      if (options.signal?.aborted) throw new Error("sweep interrupted: run it again to resume");
      let running = 0;
      for (const p of [...waiting.values()]) {
        const state = await queue.getJobState(p.id);
        const base = { arm: p.run.arm, seedIndex: p.run.seedIndex, jobId: p.id, dir: p.dir };
        if (state === "completed") {
          const job = await queue.getJob(p.id);
          try {
            await gather(redis, p, job!.returnvalue, options.commit);
            outcomes.push({ ...base, status: "done", kept: false });
            finishedHere++;
          } catch (error) {
            outcomes.push({
              ...base,
              status: "failed",
              error: (error as Error).message,
              kept: false,
            });
            failed++;
          }
          waiting.delete(p.id);
        } else if (state === "failed") {
          const job = await queue.getJob(p.id);
          outcomes.push({
            ...base,
            status: "failed",
            error: job?.failedReason ?? "?",
            kept: false,
          });
          failed++;
          waiting.delete(p.id);
        } else if (state === "active") running++;
        else if (state === "unknown") {
          // Removed from Redis behind our back (e.g. the queue was cleaned): submit it again.
          await submit(p);
        }
      }
      const elapsed = (performance.now() - started) / 1000;
      options.onProgress?.({
        total: options.total,
        done: options.done + finishedHere,
        running,
        failed,
        etaSeconds: finishedHere ? (elapsed / (finishedHere + failed)) * waiting.size : null,
      });
      if (waiting.size) await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    redis.disconnect();
    await queue.close();
  }
  return outcomes;
}

/**
 * Runs a sweep (or resumes it) and summarises it.
 *
 * @param sweep the loaded sweep file
 * @param options folder, broker, workers, budget changes, progress
 * @returns every run's outcome and the summary
 */
export async function runSweep(sweep: Sweep, options: SweepOptions = {}): Promise<SweepResult> {
  const { file } = sweep;
  const out = options.out ?? `results/${file.name}`;
  const commit = options.commit ?? await codeVersion();
  const { runs, invalid } = resolveRuns(sweep, options.overrides);
  const seeds = options.overrides?.seeds ?? file.seeds;
  const outcomes: RunOutcome[] = invalid.flatMap(({ arm, error }) =>
    Array.from({ length: seeds }, (_, seedIndex) => ({
      arm,
      seedIndex,
      jobId: null,
      status: "failed" as const,
      error,
      dir: `${out}/runs/${arm}/seed-${seedIndex}`,
      kept: false,
    }))
  );
  const pending: Pending[] = [];
  for (const run of runs) {
    const id = await jobId(run, commit);
    const dir = `${out}/runs/${run.arm}/seed-${run.seedIndex}`;
    if (await gathered(dir, id)) {
      outcomes.push({
        arm: run.arm,
        seedIndex: run.seedIndex,
        jobId: id,
        status: "done",
        dir,
        kept: true,
      });
    } else pending.push({ run, id, dir });
  }
  const workers = options.workers ?? (options.redis ? 0 : navigator.hardwareConcurrency);
  const results = await ResultsFolder.open(out, {
    run: `sweep ${file.name}`,
    parameters: { sweep: file, overrides: options.overrides ?? {}, workers, commit },
    seed: file.evaluation.seed,
  });
  if (pending.length) {
    await results.time("runSeconds", async () =>
      outcomes.push(
        ...await runPending(pending, `${out}/.sweep`, {
          ...options,
          workers,
          commit,
          done: outcomes.filter((o) => o.status === "done").length,
          total: outcomes.length + pending.length,
        }),
      ));
  }
  return await summariseSweep(file, results, outcomes, options.figure ?? true);
}

/**
 * Runs the pending runs: the broker (private in `work`, unless given) and the local workers,
 * stopped at the end; `work` is removed when every run finished.
 */
async function runPending(
  pending: Pending[],
  work: string,
  options: SweepOptions & { workers: number; commit: string; done: number; total: number },
): Promise<RunOutcome[]> {
  await Deno.mkdir(work, { recursive: true });
  const broker: Broker = options.redis
    ? { url: options.redis, stop: () => Promise.resolve() }
    : await privateBroker(`${work}/redis`);
  const workers = Array.from(
    { length: options.workers },
    (_, i) => spawnWorker(broker.url, options.stallSeconds ?? 30, `${work}/worker-${i}.log`),
  );
  let outcomes: RunOutcome[] | undefined;
  try {
    outcomes = await submitAndWait(broker.url, pending, options);
  } finally {
    await Promise.all(workers.map(stopWorker));
    await broker.stop();
    if (outcomes?.every((o) => o.status === "done")) {
      await Deno.remove(work, { recursive: true });
    }
  }
  return outcomes;
}

/** Writes the summary (table, figure, runs.json, manifest) of a sweep's outcomes. */
async function summariseSweep(
  file: SweepFile,
  results: ResultsFolder,
  outcomes: RunOutcome[],
  figure: boolean,
): Promise<SweepResult> {
  const order = (o: RunOutcome) =>
    file.arms.findIndex((arm) => arm.name === o.arm) * 1e6 + o.seedIndex;
  const sorted = [...outcomes].sort((a, b) => order(a) - order(b));
  const arms = [...new Set(sorted.map((o) => o.arm))];
  const rows = summariseArms(
    await Promise.all(arms.map(async (arm) => {
      const mine = sorted.filter((o) => o.arm === arm);
      const done = mine.filter((o) => o.status === "done");
      return {
        arm,
        ratios: await Promise.all(done.map((o) => runRatios(o.dir))),
        failed: mine.length - done.length,
      };
    })),
    file.evaluation.seed,
  );
  await results.json("runs", sorted);
  const table = await results.table("summary", new dfd.DataFrame(rows.map((row) => ({ ...row }))));
  const png = figure ? await results.figure("summary", summaryFigure(file.name, rows)) : null;
  await results.finish();
  return { out: results.dir, runs: sorted, arms: rows, table, figure: png };
}
