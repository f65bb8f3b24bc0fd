/**
 * `./schedlab worker --redis URL [--concurrency C] [--stall-seconds S]`: a sweep worker on this
 * host; it trains and evaluates the runs it takes with this repository's code and returns them
 * through Redis. Ctrl-C stops it (its running runs go back to the queue). `--attached` (used by
 * `./schedlab sweep` for its local workers) also stops it when its stdin closes.
 *
 * @module
 */
import { startSweepWorker, stdinClosed } from "../sweep/mod.ts";
import { integerFlag, parseFlags, runCommand, stopSignal, UsageError } from "./common.ts";

const USAGE =
  "./schedlab worker --redis redis://[:PASS@]HOST:PORT [--concurrency C] [--stall-seconds S]";

if (import.meta.main) {
  await runCommand("worker", USAGE, async (args) => {
    const flags = parseFlags(args, {
      redis: { type: "string", arg: "URL", help: "the sweep's broker (required)" },
      concurrency: { type: "string", arg: "C", help: "runs at the same time (default 1)" },
      "stall-seconds": {
        type: "string",
        arg: "S",
        help: "after S seconds without news, a dead worker's run goes to another (default 30)",
      },
      attached: {
        type: "boolean",
        help: "also stop when stdin closes (the local workers of ./schedlab sweep)",
      },
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
