/// <reference lib="deno.worker" />
/**
 * The worker behind {@linkcode Executor}: runs each workload it is sent, off the caller's
 * thread, and posts back how long it took. The first message names the kinds' modules and
 * the threads of threaded kinds.
 *
 * @module
 */
import type { ExecutorJob, ExecutorSetup } from "./executor.ts";
import { loadKindModules, runWorkload } from "./workloads.ts";

let setup: Promise<number> | undefined;

self.onmessage = async (event: MessageEvent<ExecutorJob | ExecutorSetup>) => {
  const message = event.data;
  if ("modules" in message) {
    setup = loadKindModules(message.modules).then(() => message.threads);
    return;
  }
  try {
    const threads = await setup!;
    const start = performance.now();
    const result = await runWorkload(message.kind, message.parameter, {
      seed: message.seed,
      threads,
      ...(message.tempDir ? { tempDir: message.tempDir } : {}),
    });
    self.postMessage({ seconds: (performance.now() - start) / 1000, checksum: result.checksum });
  } catch (error) {
    self.postMessage({ error: (error as Error).message });
  }
};
