/**
 * `./schedlab sweep FILE [--workers N] [--redis URL] [--updates N] [--seeds N] [--episodes N]
 * [--arms A,B] [--out DIR]`: runs a sweep file's grid of training runs as BullMQ jobs, with a
 * progress bar, then prints the summary. Without `--redis`, a private Redis and N local workers
 * (default: the cores) serve it. Run it again to resume: finished runs are kept.
 *
 * @module
 */
import { loadSweep, runSweep, type SweepProgress } from "../sweep/mod.ts";
import { integerFlag, parseCommandLine, runCommand, stopSignal, UsageError } from "./common.ts";

const USAGE =
  "./schedlab sweep experiments/sweeps/NAME.json [--workers N] [--redis URL] [--updates N] [--seeds N] [--episodes N] [--arms A,B] [--out DIR]";

/** A progress line: a bar of done runs, then done / running / failed and the ETA. */
function progressLine(): (progress: SweepProgress) => void {
  const terminal = Deno.stderr.isTerminal();
  const encoder = new TextEncoder();
  let last = "";
  return ({ total, done, running, failed, etaSeconds }) => {
    const width = 30;
    const filled = Math.round(((done + failed) / total) * width);
    const eta = etaSeconds === null ? "?" : `${Math.round(etaSeconds)} s`;
    const line = `runs [${"#".repeat(filled)}${
      ".".repeat(width - filled)
    }] ${done}/${total} done, ${running} running, ${failed} failed, ETA ${eta}`;
    if (terminal) Deno.stderr.writeSync(encoder.encode(`\r${line}\x1b[K`));
    else if (line.replace(/ETA.*/, "") !== last.replace(/ETA.*/, "")) console.error(line);
    last = line;
  };
}

if (import.meta.main) {
  await runCommand("sweep", USAGE, async (args) => {
    const { flags, positionals } = parseCommandLine(args, {
      workers: {
        type: "string",
        arg: "N",
        help: "local worker processes (default: the cores; none with --redis)",
      },
      redis: {
        type: "string",
        arg: "URL",
        help: "a shared broker whose workers run the sweep (default: a private one)",
      },
      updates: { type: "string", arg: "N", help: "PPO updates of every run (default: the file's)" },
      seeds: { type: "string", arg: "N", help: "training seeds per arm (default: the file's)" },
      episodes: {
        type: "string",
        arg: "N",
        help: "evaluation episodes of every run (default: the file's)",
      },
      arms: { type: "string", arg: "A,B", help: "only these arms (default: all)" },
      out: { type: "string", arg: "DIR", help: "the results folder (default results/NAME)" },
    }, { positionals: true });
    if (positionals.length !== 1) {
      throw new UsageError(`expected one sweep file but found ${positionals.length} arguments`);
    }
    const file = positionals[0]!;
    const optional = (name: string, value: string | undefined) =>
      value === undefined ? {} : { [name]: integerFlag(name, value, 0, 1) };
    const sweep = await loadSweep(file);
    const started = performance.now();
    const result = await runSweep(sweep, {
      ...(flags.redis ? { redis: flags.redis } : {}),
      ...(flags.out ? { out: flags.out } : {}),
      ...(flags.workers === undefined ? {} : { workers: integerFlag("workers", flags.workers, 0) }),
      overrides: {
        ...optional("updates", flags.updates),
        ...optional("seeds", flags.seeds),
        ...optional("episodes", flags.episodes),
        ...(flags.arms ? { arms: flags.arms.split(",") } : {}),
      },
      onProgress: progressLine(),
      signal: stopSignal(),
    });
    if (Deno.stderr.isTerminal()) console.error("");
    const failed = result.runs.filter((run) => run.status === "failed");
    for (const run of failed) {
      console.error(`FAILED ${run.arm} seed-${run.seedIndex}: ${run.error}`);
    }
    console.log(result.table);
    const kept = result.runs.filter((run) => run.kept).length;
    console.log(
      `\n${
        result.runs.length - failed.length
      } runs done (${kept} kept from before), ${failed.length} failed, in ${
        ((performance.now() - started) / 1000).toFixed(0)
      } s; results in ${result.out}`,
    );
    if (failed.length) Deno.exit(1);
  });
}
