/**
 * `./schedlab train --config FILE [--out DIR] [--resume DIR] [--init-from DIR] [--updates N]
 * [--seed S] [--learner array|tfjs] [--no-evaluate]`: trains the PPO allocator (after the
 * config's imitation phase, if any; from a checkpoint's weights with `--init-from`; on the
 * TensorFlow.js reference path with `--learner tfjs`), with a progress line per round and per
 * update; Ctrl-C stops after the current update and still writes the checkpoint and the
 * evaluation.
 *
 * @module
 */
import { loadTrainConfig, trainRun } from "../agent/mod.ts";
import { reportTable } from "../experiment/mod.ts";
import {
  integerFlag,
  parseFlags,
  progressBar,
  requiredFlag,
  runCommand,
  UsageError,
} from "./common.ts";

const USAGE =
  "./schedlab train --config experiments/NAME.json [--out DIR] [--resume DIR] [--init-from DIR] [--updates N] [--seed S] [--learner array|tfjs] [--no-evaluate]";

if (import.meta.main) {
  await runCommand("train", USAGE, async (args) => {
    const flags = parseFlags(args, {
      config: {
        type: "string",
        arg: "FILE",
        help: "the experiment config, e.g. experiments/headline.json (required)",
      },
      out: { type: "string", arg: "DIR", help: "the run folder (default results/NAME)" },
      resume: { type: "string", arg: "DIR", help: "a checkpoint or run folder to resume from" },
      "init-from": {
        type: "string",
        arg: "DIR",
        help: "start from this checkpoint's weights (default: the config's initFrom)",
      },
      updates: { type: "string", arg: "N", help: "PPO updates (default: the config's)" },
      seed: { type: "string", arg: "S", help: "the run's seed (default: the config's)" },
      learner: {
        type: "string",
        arg: "PATH",
        help:
          "the PPO update's path: array (default; wasm SIMD for the MLP networks) or tfjs (the reference)",
      },
      "no-evaluate": { type: "boolean", help: "skip the final evaluation beside the baselines" },
    });
    if (flags.resume !== undefined && flags["init-from"] !== undefined) {
      throw new UsageError("Expected --resume or --init-from but found both");
    }
    const learner = flags.learner ?? "array";
    if (learner !== "array" && learner !== "tfjs") {
      throw new UsageError(`Expected --learner to be array or tfjs but found "${learner}"`);
    }
    const loaded = await loadTrainConfig(requiredFlag("config", flags.config));
    const config = {
      ...loaded,
      updates: integerFlag("updates", flags.updates, loaded.updates, 0),
      seed: integerFlag("seed", flags.seed, loaded.seed),
      ...(flags["init-from"] ? { initFrom: flags["init-from"] } : {}),
    };
    const out = flags.out ?? `results/${config.name}`;
    let stop = false;
    const onInterrupt = () => {
      stop = true;
      console.error("\nschedlab train: stopping after this update (Ctrl-C again to abort)");
      Deno.removeSignalListener("SIGINT", onInterrupt);
    };
    Deno.addSignalListener("SIGINT", onInterrupt);
    const started = performance.now();
    const { heldout } = await trainRun(config, {
      out,
      ...(flags.resume ? { resume: flags.resume } : {}),
      shouldStop: () => stop,
      evaluate: !flags["no-evaluate"],
      learner,
      onImitation: (row) =>
        console.error(
          `imitation round ${row.round} | ${row.decisions} decisions | agreement ${
            row.agreement.toFixed(3)
          } | held-out ${row.evalMakespan.toFixed(1)} s | ${row.seconds.toFixed(0)} s`,
        ),
      onUpdate: (row) => {
        const eval_ = Number.isNaN(row.evalMakespan)
          ? ""
          : ` | held-out ${row.evalMakespan.toFixed(1)} s`;
        const line = `update ${row.update}/${config.updates} | ${row.steps} steps | ${
          (row.stepsPerSecond / 1000).toFixed(0)
        }k steps/s | train makespan ${row.trainMakespan.toFixed(1)} s${eval_} | best baseline ${
          row.bestBaselineMakespan.toFixed(1)
        } s | ${((performance.now() - started) / 1000).toFixed(0)} s`;
        console.error(line);
      },
      onEvaluation: progressBar("evaluation"),
    });
    Deno.removeSignalListener("SIGINT", onInterrupt);
    if (heldout) console.log(reportTable(heldout));
    console.log(
      `\nrun folder: ${out} (checkpoint, learning_curve.csv, evaluation.md, manifest.json)`,
    );
  });
}
