/// <reference lib="deno.worker" />
/**
 * An executor: a worker that stands for one node of a real cluster on this machine, running
 * each workload it is sent and posting back how long it took.
 *
 * @module
 */
import { runWorkload, type TaskKind } from "../tasks/mod.ts";

/** A task to run. */
export interface ExecutorJob {
  kind: TaskKind;
  parameter: number;
  seed: number;
  tempDir?: string;
}

self.onmessage = async (event: MessageEvent<ExecutorJob>) => {
  const job = event.data;
  const start = performance.now();
  await runWorkload(job.kind, job.parameter, {
    seed: job.seed,
    ...(job.tempDir ? { tempDir: job.tempDir } : {}),
  });
  self.postMessage({ seconds: (performance.now() - start) / 1000 });
};
