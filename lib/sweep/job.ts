/**
 * One run of a sweep, with the project's own training and evaluation: trains the arm's config
 * at its seed, evaluates the greedy policy on the held-out scenario's episodes, and writes the
 * run folder: `config.json`, `learning_curve.csv`, `checkpoint/`, `evaluation.json`,
 * `evaluation.md` and `manifest.json`. Run as a script, it is the child process a worker starts
 * per job (`child.ts RUN.json OUT`), which exits when its parent's pipe closes.
 *
 * @module
 */
import { trainRun } from "../agent/mod.ts";
import { evaluateScenario, reportTable, resolveScenario } from "../experiment/mod.ts";
import { ResultsFolder } from "../report/results.ts";
import type { RunSpec } from "./spec.ts";

/** Files of a run folder that are the same, byte for byte, whenever the run is repeated. */
export const DETERMINISTIC_FILES = [
  "config.json",
  "checkpoint/weights.bin",
  "evaluation.json",
] as const;

/**
 * Trains and evaluates one run into `out`.
 *
 * @param run the run
 * @param out the run folder (created)
 */
export async function runJob(run: RunSpec, out: string): Promise<void> {
  const results = await ResultsFolder.open(out, {
    run: `sweep ${run.sweep}: ${run.arm} seed-${run.seedIndex}`,
    parameters: run,
    seed: run.config.seed,
  });
  const { policy } = await results.time(
    "trainSeconds",
    () => trainRun(run.config, { out, evaluate: false }),
  );
  for (const file of ["config.json", "learning_curve.csv", "checkpoint/checkpoint.json"]) {
    results.track(file);
  }
  results.track("checkpoint/weights.bin");
  const report = await results.time(
    "evaluateSeconds",
    () =>
      evaluateScenario(resolveScenario(run.config.evaluate), {
        policies: [policy],
        episodes: run.evaluation.episodes,
        seed: run.evaluation.seed,
      }),
  );
  const { seconds: _, ...result } = report.results[0]!;
  const { seconds: __, ...bounds } = report.bounds;
  await results.json("evaluation", { ...report, results: [result], bounds });
  await results.text(
    "evaluation.md",
    `# ${run.arm} seed-${run.seedIndex}: held-out parameters\n\n${reportTable(report)}\n`,
  );
  await results.finish();
}

/**
 * Resolves when stdin reaches its end: the parent that holds the other end of the pipe (and
 * writes nothing) has exited, even by SIGKILL.
 */
export async function stdinClosed(): Promise<void> {
  const buffer = new Uint8Array(64);
  while (await Deno.stdin.read(buffer) !== null) { /* the parent writes nothing */ }
}

if (import.meta.main) {
  const [specPath, out] = Deno.args;
  stdinClosed().then(() => Deno.exit(137));
  try {
    await runJob(JSON.parse(await Deno.readTextFile(specPath!)) as RunSpec, out!);
    Deno.exit(0);
  } catch (error) {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
    Deno.exit(1);
  }
}
