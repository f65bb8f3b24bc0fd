/// <reference lib="deno.worker" />
/**
 * The worker behind {@linkcode Executor}: runs each workload it is sent, off the caller's
 * thread, and posts back how long it took. The first message sets its matrix-product threads.
 *
 * @module
 */
import type { ExecutorJob, ExecutorSetup } from "./executor.ts";
import { MatmulPool, runWorkload } from "./workloads.ts";

let pool: MatmulPool | undefined;

self.onmessage = async (event: MessageEvent<ExecutorJob | ExecutorSetup>) => {
  const message = event.data;
  if ("threads" in message) {
    if (message.threads > 1) pool = new MatmulPool(message.threads);
    return;
  }
  try {
    const start = performance.now();
    const result = await runWorkload(message.kind, message.parameter, {
      seed: message.seed,
      ...(message.tempDir ? { tempDir: message.tempDir } : {}),
      ...(pool ? { pool } : {}),
    });
    self.postMessage({ seconds: (performance.now() - start) / 1000, checksum: result.checksum });
  } catch (error) {
    self.postMessage({ error: (error as Error).message });
  }
};
