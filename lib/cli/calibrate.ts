/**
 * `./schedlab calibrate --profile FILE [--name NAME] [--out FILE] [--json]`: fits the duration
 * model to a profile, reports per kind the exponent, R², held-out MAPE and noise, and writes
 * the calibration file a scenario can name.
 *
 * @module
 */
import { SEED_CLUSTER } from "../cluster/mod.ts";
import { fitCalibration, parseOriginalCsv, saveCalibration } from "../duration/mod.ts";
import { markdownTable } from "../experiment/mod.ts";
import { calibrate, parseProfile } from "../profile/mod.ts";
import { TASK_KINDS, type TaskKind } from "../tasks/mod.ts";
import { parseFlags, runCommand, UsageError } from "./common.ts";

const USAGE =
  "./schedlab calibrate --profile FILE [--name NAME] [--out FILE] [--reference CSV] [--json]";

/** The original system's measurements on its reference node, for the exponents' comparison. */
const ORIGINAL_CSV = "../shared/benchmarks/seed-cluster/benchmark_results_laptop-fast.csv";

async function originalExponents(path: string): Promise<Record<TaskKind, number> | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return null;
  }
  const fitted = fitCalibration(parseOriginalCsv(text, SEED_CLUSTER.nodes, path), {
    name: "original",
    source: path,
  });
  return Object.fromEntries(
    TASK_KINDS.map((kind) => [kind, fitted.kinds[kind].exponent]),
  ) as Record<TaskKind, number>;
}

if (import.meta.main) {
  await runCommand("calibrate", USAGE, async (args) => {
    const flags = parseFlags(args, {
      profile: { type: "string", arg: "FILE", help: "the profile CSV to fit (required)" },
      name: { type: "string", arg: "NAME", help: "the calibration's name (default measured)" },
      out: {
        type: "string",
        arg: "FILE",
        help: "where to write it (default results/calibration/NAME.json)",
      },
      reference: {
        type: "string",
        arg: "CSV",
        help: "the original system's measurements, for its exponents",
      },
      json: { type: "boolean", help: "print the report as JSON" },
    });
    if (flags.profile === undefined) throw new UsageError("--profile is required");
    const samples = parseProfile(await Deno.readTextFile(flags.profile), flags.profile);
    const name = flags.name ?? "measured";
    const report = calibrate(samples, { name, source: `fit to ${flags.profile}` });
    const out = flags.out ?? `results/calibration/${name}.json`;
    await saveCalibration(out, report.calibration);
    const original = await originalExponents(flags.reference ?? ORIGINAL_CSV);
    if (flags.json) {
      console.log(JSON.stringify({ ...report, originalExponents: original, file: out }, null, 2));
      return;
    }
    const rows = TASK_KINDS.map((kind) => {
      const law = report.calibration.kinds[kind];
      return [
        kind,
        law.exponent.toFixed(3),
        original ? original[kind].toFixed(3) : "n/a",
        law.scale.toExponential(3),
        law.r2.toFixed(4),
        `${(law.mape * 100).toFixed(1)}%`,
        law.sigma.toFixed(3),
        String(law.count),
      ];
    });
    console.log(
      markdownTable(
        [
          "kind",
          "exponent",
          "original's exponent",
          "scale (s)",
          "R²",
          "held-out MAPE",
          "noise σ",
          "samples",
        ],
        rows,
      ),
    );
    const ratio = (value: number | null) => (value === null ? "n/a" : `${value.toFixed(2)}x`);
    console.log(
      `\nmatrix product, 1 vs 2 workers: ${ratio(report.matmulSpeedupTwoThreads)} faster with 2`,
    );
    console.log(`file I/O, disk vs tmpfs: ${ratio(report.fileioDiskOverTmpfs)} slower on disk`);
    console.log(`calibration written to ${out}`);
  });
}
