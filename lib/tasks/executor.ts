/**
 * An executor runs real workloads on a worker thread, one at a time, so that the caller's
 * event loop (heartbeats, I/O) stays responsive while a task computes.
 *
 * @module
 */
import type { TaskKind } from "./kinds.ts";

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

/** The first message to the worker: how many threads the matrix product uses. */
export interface ExecutorSetup {
  /** Worker threads for the matrix product (1 = on the executor's own thread). */
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

  /** @param options matrix-product threads (default 1) */
  constructor(options: { threads?: number } = {}) {
    const threads = options.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(`Expected threads to be an integer >= 1 but found ${threads}`);
    }
    this.#worker = new Worker(new URL("./executor_worker.ts", import.meta.url), {
      type: "module",
    });
    this.#worker.postMessage({ threads } satisfies ExecutorSetup);
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

  /** Stops the worker (and its matrix threads). */
  close(): void {
    this.#worker.terminate();
  }
}
