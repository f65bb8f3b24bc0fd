/// <reference lib="deno.worker" />
/**
 * A profiling worker: runs one workload a number of times (after one unmeasured warm-up run)
 * in isolation from the profiler's own thread and posts each measurement back.
 *
 * @module
 */
import { cpuUsage } from "node:process";
import { loadKindModules, runWorkload, type TaskKind } from "../tasks/mod.ts";

/** What the profiler asks a worker to run. */
export interface ProfileJob {
  kind: TaskKind;
  parameter: number;
  threads: number;
  repetitions: number;
  seed: number;
  /** Modules that register the kinds (see `kindModules`). */
  modules: string[];
  tempDir?: string;
}

self.onmessage = async (event: MessageEvent<ProfileJob>) => {
  const job = event.data;
  await loadKindModules(job.modules);
  // The warm-up run also pays for starting a threaded kind's workers.
  const options = { threads: job.threads, ...(job.tempDir ? { tempDir: job.tempDir } : {}) };
  await runWorkload(job.kind, job.parameter, { ...options, seed: job.seed });
  for (let repetition = 0; repetition < job.repetitions; repetition++) {
    const cpuBefore = cpuUsage();
    const start = performance.now();
    const result = await runWorkload(job.kind, job.parameter, {
      ...options,
      seed: job.seed + repetition + 1,
    });
    const wallSeconds = (performance.now() - start) / 1000;
    const cpu = cpuUsage(cpuBefore);
    self.postMessage({
      repetition,
      wallSeconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      bytesRead: result.bytesRead,
      bytesWritten: result.bytesWritten,
    });
  }
  self.postMessage("done");
};
