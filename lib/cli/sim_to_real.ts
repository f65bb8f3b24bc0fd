/**
 * `./schedlab sim-to-real --calibration FILE [--tasks N] [--nodes N] [--policy NAME]
 * [--points N] [--seed S] [--out DIR] [--json]`: runs real tasks on this machine's cores in a
 * baseline's order and compares the measured makespan with the calibrated model's prediction;
 * the result goes to `DIR/sim_to_real.json` with the folder's `manifest.json`.
 *
 * @module
 */
import { loadCalibration } from "../duration/mod.ts";
import { markdownTable } from "../experiment/mod.ts";
import { simToReal } from "../profile/mod.ts";
import { ResultsFolder } from "../report/results.ts";
import { integerFlag, parseFlags, requiredFlag, runCommand } from "./common.ts";

const USAGE =
  "./schedlab sim-to-real --calibration FILE [--tasks N] [--nodes N] [--policy NAME] [--points N] [--seed S] [--out DIR] [--json]";

if (import.meta.main) {
  await runCommand("sim-to-real", USAGE, async (args) => {
    const flags = parseFlags(args, {
      calibration: {
        type: "string",
        arg: "FILE",
        help: "the calibration to compare with (required)",
      },
      tasks: { type: "string", arg: "N", help: "real tasks to run (default 20)" },
      nodes: { type: "string", arg: "N", help: "nodes (default 2)" },
      policy: {
        type: "string",
        arg: "NAME",
        help: "the baseline that schedules them (default lpt)",
      },
      points: { type: "string", arg: "N", help: "grid points per kind, at least 3 (default 8)" },
      seed: { type: "string", arg: "S", help: "seed of the workload (default 0)" },
      out: { type: "string", arg: "DIR", help: "the results folder (default results/sim-to-real)" },
      json: { type: "boolean", help: "print the report as JSON" },
    });
    const calibration = requiredFlag("calibration", flags.calibration);
    const options = {
      tasks: integerFlag("tasks", flags.tasks, 20, 1),
      nodes: integerFlag("nodes", flags.nodes, 2, 1),
      policy: flags.policy ?? "lpt",
      seed: integerFlag("seed", flags.seed, 0),
      gridPoints: integerFlag("points", flags.points, 8, 3),
    };
    const loaded = await loadCalibration(calibration);
    const results = await ResultsFolder.open(flags.out ?? "results/sim-to-real", {
      run: "sim-to-real",
      parameters: { calibration, ...options },
      seed: options.seed,
    });
    const result = await results.time("run", () => simToReal(loaded, options));
    await results.json("sim_to_real", result);
    await results.finish();
    if (flags.json) {
      console.log(JSON.stringify(result, null, 2));
      return;
    }
    const rows = result.tasks.map((task) => [
      task.kind,
      String(task.parameter),
      result.measured[task.id]!.toFixed(3),
      result.predicted[task.id]!.toFixed(3),
      `${((result.predicted[task.id]! / result.measured[task.id]! - 1) * 100).toFixed(1)}%`,
    ]);
    console.log(markdownTable(["kind", "parameter", "measured s", "predicted s", "error"], rows));
    console.log(
      `\nmakespan: measured ${result.measuredMakespan.toFixed(2)} s, simulated ${
        result.simulatedMakespan.toFixed(2)
      } s, gap ${(result.gap * 100).toFixed(1)}%`,
    );
  });
}
