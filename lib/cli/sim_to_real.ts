/**
 * `./schedlab sim-to-real --calibration FILE [--tasks N] [--nodes N] [--policy NAME]
 * [--points N] [--seed S] [--json]`: runs real tasks on this machine's cores in a baseline's
 * order and compares the measured makespan with the calibrated model's prediction.
 *
 * @module
 */
import { loadCalibration } from "../duration/mod.ts";
import { markdownTable } from "../experiment/mod.ts";
import { simToReal } from "../profile/mod.ts";
import { integerFlag, parseFlags, requiredFlag, runCommand } from "./common.ts";

const USAGE =
  "./schedlab sim-to-real --calibration FILE [--tasks N] [--nodes N] [--policy NAME] [--points N] [--seed S] [--json]";

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
      json: { type: "boolean", help: "print the report as JSON" },
    });
    const result = await simToReal(
      await loadCalibration(requiredFlag("calibration", flags.calibration)),
      {
        tasks: integerFlag("tasks", flags.tasks, 20, 1),
        nodes: integerFlag("nodes", flags.nodes, 2, 1),
        policy: flags.policy ?? "lpt",
        seed: integerFlag("seed", flags.seed, 0),
        gridPoints: integerFlag("points", flags.points, 8, 3),
      },
    );
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
