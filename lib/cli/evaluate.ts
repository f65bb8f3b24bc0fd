/**
 * `./schedlab evaluate --checkpoint DIR [--episodes N] [--seed S] [--split heldout|train]
 * [--json]`: a checkpoint's greedy policy beside every baseline and bound, in the same JSON
 * shape as `./schedlab baselines --json`.
 *
 * @module
 */
import { evaluateLearned, loadLearnedPolicy } from "../agent/mod.ts";
import { reportTable } from "../experiment/mod.ts";
import { integerFlag, parseFlags, progressBar, runCommand, UsageError } from "./common.ts";

const USAGE =
  "./schedlab evaluate --checkpoint DIR [--episodes N] [--seed S] [--split heldout|train] [--json]";

if (import.meta.main) {
  await runCommand("evaluate", USAGE, async (args) => {
    const flags = parseFlags(args, {
      checkpoint: { type: "string", arg: "DIR", help: "the checkpoint or run folder (required)" },
      episodes: {
        type: "string",
        arg: "N",
        help: "episodes per policy (default: the config's finalEvalEpisodes)",
      },
      seed: {
        type: "string",
        arg: "S",
        help: "seed of the episodes (default: the config's seed + 1)",
      },
      split: {
        type: "string",
        arg: "heldout|train",
        help: "which parameters to evaluate on (default heldout)",
      },
      json: { type: "boolean", help: "print the report as JSON" },
    });
    if (flags.checkpoint === undefined) throw new UsageError("--checkpoint is required");
    const split = flags.split ?? "heldout";
    if (split !== "heldout" && split !== "train") {
      throw new UsageError(`--split must be heldout or train but is "${split}"`);
    }
    const { policy, config } = await loadLearnedPolicy(flags.checkpoint);
    const report = await evaluateLearned(
      policy,
      split === "heldout" ? config.evaluate : config.train,
      {
        episodes: integerFlag("episodes", flags.episodes, config.finalEvalEpisodes, 1),
        seed: integerFlag("seed", flags.seed, config.seed + 1),
        onProgress: progressBar("evaluate"),
      },
    );
    console.log(flags.json ? JSON.stringify(report, null, 2) : reportTable(report));
  });
}
