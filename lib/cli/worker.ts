/**
 * `./schedlab worker --redis URL [--concurrency C] [--stall-seconds S]`: a sweep worker on this
 * host; it trains and evaluates the runs it takes with this repository's code and returns them
 * through Redis. Ctrl-C stops it (its running runs go back to the queue). `--attached` (used by
 * `./schedlab sweep` for its local workers) also stops it when its stdin closes.
 *
 * @module
 */
import { startSweepWorker } from "../sweep/mod.ts";
import { integerFlag, parseFlags, runCommand, stopSignal, UsageError } from "./common.ts";

const USAGE =
  "./schedlab worker --redis redis://[:PASS@]HOST:PORT [--concurrency C] [--stall-seconds S]";

/** Resolves when stdin reaches its end (the sweep that started this worker is gone). */
async function stdinClosed(): Promise<void> {
  const buffer = new Uint8Array(64);
  while (await Deno.stdin.read(buffer) !== null) { /* nothing is written */ }
}

if (import.meta.main) {
  await runCommand("worker", USAGE, async (args) => {
    const flags = parseFlags(args, {
      redis: { type: "string" },
      concurrency: { type: "string" },
      "stall-seconds": { type: "string" },
      attached: { type: "boolean" },
    });
    if (flags.redis === undefined) throw new UsageError("--redis is required");
    const worker = await startSweepWorker({
      redis: flags.redis,
      concurrency: integerFlag("concurrency", flags.concurrency, 1, 1),
      stallSeconds: integerFlag("stall-seconds", flags["stall-seconds"], 30, 1),
    });
    const signal = stopSignal();
    await Promise.race([
      new Promise((resolve) => signal.addEventListener("abort", resolve)),
      ...(flags.attached ? [stdinClosed()] : []),
    ]);
    console.error(`worker ${worker.name}: stopping`);
    await worker.close();
    Deno.exit(0);
  });
}
