/**
 * `./schedlab calibrate --profile FILE [--name NAME] [--out FILE] [--json]`: fits the duration
 * model to a profile, reports per kind the exponent, R², held-out MAPE and noise, and writes
 * the calibration file a scenario can name, with the call's manifest beside it
 * (`NAME.manifest.json`: a folder holds several calibrations).
 *
 * @module
 */
import { basename, dirname } from "node:path";
import { SEED_CLUSTER } from "../cluster/mod.ts";
import { fitCalibration, parseOriginalCsv, saveCalibration } from "../duration/mod.ts";
import { markdownTable } from "../experiment/mod.ts";
import { calibrate, parseProfile } from "../profile/mod.ts";
import { ResultsFolder } from "../report/results.ts";
import { type ProfileVariant, TASK_KINDS, type TaskKind } from "../tasks/mod.ts";
import { parseFlags, requiredFlag, runCommand } from "./common.ts";

const USAGE =
  "./schedlab calibrate --profile FILE [--name NAME] [--out FILE] [--reference CSV] [--json]";

/** The original system's measurements on its reference node, for the exponents' comparison. */
const ORIGINAL_CSV = "../shared/benchmarks/seed-cluster/benchmark_results_laptop-fast.csv";

const variantLabel = (v: ProfileVariant) =>
  `${v.threads} thread${v.threads > 1 ? "s" : ""}${v.storage === "-" ? "" : ` on ${v.storage}`}`;

async function originalExponents(path: string): Promise<Record<TaskKind, number> | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return null;
  }
  const samples = parseOriginalCsv(text, SEED_CLUSTER.nodes, path);
  const kinds = TASK_KINDS.filter((kind) => samples.some((sample) => sample.kind === kind));
  const fitted = fitCalibration(samples, { name: "original", source: path, kinds });
  return Object.fromEntries(kinds.map((kind) => [kind, fitted.kinds[kind]!.exponent]));
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
    const path = requiredFlag("profile", flags.profile);
    const samples = parseProfile(await Deno.readTextFile(path), path);
    const name = flags.name ?? "measured";
    const out = flags.out ?? `results/calibration/${name}.json`;
    const results = await ResultsFolder.open(dirname(out), {
      run: "calibrate",
      parameters: { profile: path, name, out },
      seed: 0,
      manifest: `${basename(out, ".json")}.manifest.json`,
    });
    const report = await results.time(
      "fit",
      () => calibrate(samples, { name, source: `fit to ${path}` }),
    );
    await saveCalibration(out, report.calibration);
    results.track(basename(out));
    await results.finish();
    const original = await originalExponents(flags.reference ?? ORIGINAL_CSV);
    if (flags.json) {
      console.log(JSON.stringify({ ...report, originalExponents: original, file: out }, null, 2));
      return;
    }
    const rows = TASK_KINDS.map((kind) => {
      const law = report.calibration.kinds[kind]!;
      return [
        kind,
        law.exponent.toFixed(3),
        original?.[kind]?.toFixed(3) ?? "n/a",
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
    console.log("");
    for (const { kind, base, variant, ratio } of report.variants) {
      console.log(
        `${kind}: ${ratio.toFixed(2)}x as fast with ${variantLabel(variant)} as with ${
          variantLabel(base)
        }`,
      );
    }
    console.log(`calibration written to ${out}`);
  });
}
