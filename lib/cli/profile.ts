/**
 * `./schedlab profile [--budget SECONDS] [--out FILE] [--points N] [--repetitions N]
 * [--kinds a,b] [--seed S]`: times the real workloads over a parameter grid, appending every
 * sample to a CSV; the budget, or Ctrl-C, stops it and keeps what was measured. The CSV's
 * folder gets a `manifest.json` of the call.
 *
 * @module
 */
import { basename, dirname } from "node:path";
import { profile } from "../profile/mod.ts";
import { ResultsFolder } from "../report/results.ts";
import { isTaskKind, TASK_KINDS, type TaskKind } from "../tasks/mod.ts";
import { integerFlag, parseFlags, runCommand, UsageError } from "./common.ts";

const USAGE =
  "./schedlab profile [--budget SECONDS] [--out FILE] [--points N] [--repetitions N] [--kinds a,b] [--seed S]";

if (import.meta.main) {
  await runCommand("profile", USAGE, async (args) => {
    const flags = parseFlags(args, {
      budget: { type: "string", arg: "SECONDS", help: "time budget (default 300)" },
      out: {
        type: "string",
        arg: "FILE",
        help: "the CSV to append to (default results/profile/profile.csv)",
      },
      points: { type: "string", arg: "N", help: "grid points per kind, at least 3 (default 8)" },
      repetitions: { type: "string", arg: "N", help: "repetitions per point (default 3)" },
      kinds: { type: "string", arg: "a,b", help: "comma-separated task kinds (default: all)" },
      seed: { type: "string", arg: "S", help: "seed of the workloads' inputs (default 0)" },
    });
    const kinds = flags.kinds?.split(",").map((kind) => {
      if (!isTaskKind(kind)) {
        throw new UsageError(
          `Expected --kinds to be task kinds (${TASK_KINDS.join(", ")}) but found "${kind}"`,
        );
      }
      return kind as TaskKind;
    });
    const out = flags.out ?? "results/profile/profile.csv";
    const options = {
      budgetSeconds: integerFlag("budget", flags.budget, 300, 1),
      points: integerFlag("points", flags.points, 8, 3),
      repetitions: integerFlag("repetitions", flags.repetitions, 3, 1),
      seed: integerFlag("seed", flags.seed, 0),
      kinds: kinds ?? [...TASK_KINDS],
    };
    const results = await ResultsFolder.open(dirname(out), {
      run: "profile",
      parameters: { ...options, out },
      seed: options.seed,
    });
    const controller = new AbortController();
    const interrupt = () => {
      console.error("\nschedlab profile: interrupted; the samples measured so far are kept");
      controller.abort();
    };
    Deno.addSignalListener("SIGINT", interrupt);
    const started = performance.now();
    const { samples, complete } = await results.time("profile", () =>
      profile({
        out,
        ...options,
        signal: controller.signal,
        onSample: (sample, done, total) => {
          const elapsed = ((performance.now() - started) / 1000).toFixed(0);
          console.error(
            `[${done}/${total}] ${sample.kind} ${sample.parameter} (threads ${sample.threads}, ${sample.storage}) ${
              sample.wallSeconds.toFixed(3)
            } s | ${elapsed} s`,
          );
        },
      }));
    Deno.removeSignalListener("SIGINT", interrupt);
    // The manifest of the folder: this call's parameters, and the CSV as it now stands.
    results.track(basename(out));
    await results.finish();
    console.log(
      `${samples.length} samples appended to ${out}${
        complete ? "" : " (stopped early: budget or interrupt)"
      }`,
    );
    if (controller.signal.aborted) Deno.exit(130);
  });
}
