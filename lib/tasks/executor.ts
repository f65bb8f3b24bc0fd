/**
 * An executor runs real workloads on a worker thread, one at a time, so that the caller's
 * event loop (heartbeats, I/O) stays responsive while a task computes. The worker knows every
 * kind registered when the executor was made.
 *
 * @module
 */
import { type TaskKind, taskKinds } from "./kind.ts";
import { kindModules } from "./workloads.ts";

/** A workload to run. */
export interface ExecutorJob {
  /** The task kind. */
  kind: TaskKind;
  /** Its parameter. */
  parameter: number;
  /** Seed of the workload's random data. */
  seed: number;
  /** Folder for file I/O (default the system's temporary folder). */
  tempDir?: string;
}

/** The first message to the worker: the kinds' modules and the threads of threaded kinds. */
export interface ExecutorSetup {
  /** Modules that register the kinds (see `kindModules`). */
  modules: string[];
  /** Worker threads of a threaded kind (1 = on the executor's own thread). */
  threads: number;
}

/** What a run measured. */
export interface ExecutorRun {
  /** Wall-clock seconds of the workload. */
  readonly seconds: number;
  /** The workload's checksum. */
  readonly checksum: number;
}

/** One worker thread that runs workloads in turn. */
export class Executor {
  readonly #worker: Worker;
  #busy = false;

  /** @param options threads of threaded kinds such as the matrix product (default 1) */
  constructor(options: { threads?: number } = {}) {
    const threads = options.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(`Expected threads to be an integer >= 1 but found ${threads}`);
    }
    this.#worker = new Worker(new URL("./executor_worker.ts", import.meta.url), {
      type: "module",
    });
    this.#worker.postMessage({ modules: kindModules(), threads } satisfies ExecutorSetup);
  }

  /**
   * Runs a workload on the worker.
   *
   * @param job kind, parameter, seed, temporary folder
   * @returns the measured seconds and the checksum
   */
  run(job: ExecutorJob): Promise<ExecutorRun> {
    if (this.#busy) throw new Error("Executor.run called while a job is running");
    this.#busy = true;
    return new Promise<ExecutorRun>((resolve, reject) => {
      this.#worker.onmessage = (event: MessageEvent<ExecutorRun | { error: string }>) => {
        const data = event.data;
        if ("error" in data) reject(new Error(`${job.kind} ${job.parameter}: ${data.error}`));
        else resolve(data);
      };
      this.#worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`${job.kind} ${job.parameter} failed: ${event.message}`));
      };
      this.#worker.postMessage(job);
    }).finally(() => this.#busy = false);
  }

  /**
   * Runs every kind's warm-up parameter once, so that the first real task does not pay for
   * loading and compiling its workload (or starting its threads).
   *
   * @returns the kinds warmed up, in one-hot order, with the seconds each took
   */
  async warmUp(tempDir?: string): Promise<{ kind: TaskKind; seconds: number }[]> {
    const runs = [];
    for (const spec of taskKinds()) {
      const { seconds } = await this.run({
        kind: spec.name,
        parameter: spec.warmUpParameter,
        seed: 0,
        ...(tempDir ? { tempDir } : {}),
      });
      runs.push({ kind: spec.name, seconds });
    }
    return runs;
  }

  /** Stops the worker (and its threads). */
  close(): void {
    this.#worker.terminate();
  }
}
