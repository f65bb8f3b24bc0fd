/**
 * A sweep worker: takes runs from the BullMQ queue `schedlab-sweep`, trains and evaluates each
 * in a child process ({@linkcode runJob} of job.ts, so that the worker keeps renewing the job's
 * lock while the run computes), and returns the run folder through Redis. It refuses a run
 * submitted from another commit than its own, naming both. A worker killed mid-run leaves its
 * job locked; BullMQ's stalled-job check gives it to another worker once the lock expires.
 *
 * @module
 */
import { type Job, UnrecoverableError, Worker } from "bullmq";
import { connectRedis } from "../live/redis.ts";
import { codeVersion, type RunSpec } from "./spec.ts";
import { type StoredFile, storeFolder } from "./transfer.ts";

/** The queue of every sweep's runs. */
export const SWEEP_QUEUE = "schedlab-sweep";

/** The Redis keys of a sweep's side data (run folders, starts per job). */
export const SWEEP_KEYS = {
  /** Hash of a run folder's chunks. */
  files: (id: string) => `schedlab:sweep:files:${id}`,
  /** Hash: job id → how many times a worker started it. */
  starts: "schedlab:sweep:starts",
} as const;

/** The data of a run's job. */
export interface JobData {
  /** The run. */
  readonly run: RunSpec;
  /** The commit the sweep was submitted from. */
  readonly commit: string;
}

/** What a finished job returns. */
export interface JobResult {
  /** The run folder's files (in {@linkcode SWEEP_KEYS}.files). */
  readonly files: StoredFile[];
  /** The worker that ran it. */
  readonly worker: string;
  /** Wall seconds of the child process. */
  readonly seconds: number;
}

/** Options of {@linkcode startSweepWorker}. */
export interface SweepWorkerOptions {
  /** The broker, `redis://[:password@]host:port`. */
  redis: string;
  /** Runs at the same time (default 1). */
  concurrency?: number;
  /** Seconds after which a silent worker's run goes to another worker (default 30). */
  stallSeconds?: number;
  /** This worker's commit (default: the repository's, see {@linkcode codeVersion}). */
  commit?: string;
  /** Where progress lines go (default stderr). */
  log?: (line: string) => void;
}

/** A running worker. */
export interface SweepWorker {
  /** Its name (host and process id). */
  readonly name: string;
  /** Stops it: running children are killed and their jobs go back to the queue. */
  close(): Promise<void>;
}

const ROOT = new URL("../../", import.meta.url).pathname;
const JOB_SCRIPT = new URL("./job.ts", import.meta.url).pathname;

/** Deno permissions of a run's child process (training writes its folder; git gives the commit). */
const CHILD_PERMISSIONS = ["--allow-read", "--allow-write", "--allow-env", "--allow-run=git"];

/** The last lines of a text. */
function tail(text: string, lines = 12): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

/**
 * Starts a worker on the sweep queue.
 *
 * @param options broker, concurrency, stall time, commit
 * @returns the worker, to close
 */
export async function startSweepWorker(options: SweepWorkerOptions): Promise<SweepWorker> {
  const commit = options.commit ?? await codeVersion();
  const log = options.log ?? ((line: string) => console.error(line));
  const name = `${Deno.hostname()}:${Deno.pid}`;
  const redis = await connectRedis(options.redis, `schedlab-sweep-worker ${name}`);
  const children = new Set<Deno.ChildProcess>();
  let closing = false;
  const stallMs = (options.stallSeconds ?? 30) * 1000;

  const processRun = async (job: Job<JobData>): Promise<JobResult> => {
    const { run } = job.data;
    const label = `${run.sweep} ${run.arm} seed-${run.seedIndex}`;
    if (job.data.commit !== commit) {
      throw new UnrecoverableError(
        `worker ${name} refused ${label}: the sweep is at commit ${job.data.commit} but this worker is at ${commit}`,
      );
    }
    await redis.hincrby(SWEEP_KEYS.starts, job.id!, 1);
    const dir = await Deno.makeTempDir({ prefix: "schedlab-sweep-" });
    try {
      await Deno.writeTextFile(`${dir}/run.json`, JSON.stringify(run));
      const started = performance.now();
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", ...CHILD_PERMISSIONS, JOB_SCRIPT, `${dir}/run.json`, `${dir}/run`],
        cwd: ROOT,
        stdin: "piped",
        stdout: "null",
        stderr: "piped",
      }).spawn();
      children.add(child);
      log(`worker ${name}: ${job.id} ${label} started (pid ${child.pid})`);
      const [status, stderr] = await Promise.all([
        child.status,
        new Response(child.stderr).text(),
      ]).finally(() => children.delete(child));
      const seconds = (performance.now() - started) / 1000;
      if (closing) throw new Error(`worker ${name} stopped during ${label}`);
      if (!status.success) {
        log(`worker ${name}: ${job.id} ${label} failed (exit code ${status.code})`);
        throw new UnrecoverableError(`${label} failed on ${name}: ${tail(stderr)}`);
      }
      const files = await storeFolder(redis, SWEEP_KEYS.files(job.id!), `${dir}/run`);
      log(`worker ${name}: ${job.id} ${label} done in ${seconds.toFixed(1)} s`);
      return { files, worker: name, seconds };
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  };

  const worker = new Worker<JobData, JobResult>(SWEEP_QUEUE, processRun, {
    connection: { url: options.redis },
    name,
    concurrency: options.concurrency ?? 1,
    lockDuration: stallMs,
    stalledInterval: stallMs,
    maxStalledCount: 2,
  });
  worker.on("error", (error) => log(`worker ${name}: ${error.message}`));
  await worker.waitUntilReady();
  log(`worker ${name}: waiting for runs on ${SWEEP_QUEUE} (commit ${commit})`);
  return {
    name,
    async close() {
      closing = true;
      for (const child of children) {
        try {
          child.kill("SIGKILL");
        } catch { /* exited */ }
      }
      await worker.close();
      redis.disconnect();
    },
  };
}
