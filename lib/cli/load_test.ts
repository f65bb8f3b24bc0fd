/**
 * `./schedlab load-test [--tasks N] [--seed S] [--timeout S] [--policy NAME] [--checkpoint DIR]
 * [--out DIR]`: a bounded load test on loopback: N short real tasks (prime searches from the
 * lowest tenth of the range) through the 9 emulated agents, once under a baseline and once
 * under the live PPO checkpoint; reports assignments per second and the request-to-assignment
 * latency, into a run folder with its manifest.
 *
 * @module
 */
import { loadTable, loadTest } from "../experiment/live/mod.ts";
import { resolveLivePolicy } from "../live/policy.ts";
import { integerFlag, parseFlags, runCommand } from "./common.ts";

const USAGE =
  "./schedlab load-test [--tasks N] [--seed S] [--timeout S] [--policy NAME] [--checkpoint DIR] [--out DIR]";

if (import.meta.main) {
  await runCommand("load-test", USAGE, async (args) => {
    const flags = parseFlags(args, {
      tasks: { type: "string", arg: "N", help: "short tasks per policy (default 2000)" },
      seed: { type: "string", arg: "S", help: "seed of the workload (default 0)" },
      timeout: { type: "string", arg: "S", help: "seconds allowed per policy (default 600)" },
      policy: {
        type: "string",
        arg: "NAME",
        help: "the baseline to compare (default earliest-finish-pull)",
      },
      checkpoint: {
        type: "string",
        arg: "DIR",
        help: "the learned policy's checkpoint (default results/live)",
      },
      out: { type: "string", arg: "DIR", help: "the run folder (default results/live-load)" },
    });
    const tasks = integerFlag("tasks", flags.tasks, 2000, 1);
    const rows = await loadTest({
      policies: [
        await resolveLivePolicy({ policy: flags.policy ?? "earliest-finish-pull" }),
        await resolveLivePolicy({ checkpoint: flags.checkpoint ?? "results/live" }),
      ],
      tasks,
      seed: integerFlag("seed", flags.seed, 0),
      timeoutMs: 1000 * integerFlag("timeout", flags.timeout, 600, 1),
      out: flags.out ?? "results/live-load",
      onRun: (row) =>
        console.error(`${row.policy}: ${tasks} tasks in ${row.makespan.toFixed(1)} s`),
    });
    console.log(loadTable(rows));
  });
}
