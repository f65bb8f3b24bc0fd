/**
 * `./schedlab evaluate --checkpoint DIR [--scenario NAME|FILE.json] [--episodes N] [--seed S]
 * [--split heldout|train] [--policies a,b] [--no-exact] [--json]`: a checkpoint's greedy policy
 * beside every baseline and bound, in the same JSON shape as `./schedlab baselines --json`; on
 * the checkpoint's own evaluation (or training) scenario, or on any scenario it can run on (a
 * network that cannot fails with an error naming the mismatch). A checkpoint trained with an
 * idle timeout acts under it; the baselines under the scenario's.
 *
 * @module
 */
import { assertRunsOn, evaluateLearned, loadLearnedPolicy } from "../agent/mod.ts";
import { loadScenario, reportTable, resolveScenario } from "../experiment/mod.ts";
import {
  integerFlag,
  parseFlags,
  progressBar,
  requiredFlag,
  runCommand,
  UsageError,
} from "./common.ts";

const USAGE =
  "./schedlab evaluate --checkpoint DIR [--scenario NAME|FILE.json] [--episodes N] [--seed S] [--split heldout|train] [--policies a,b] [--no-exact] [--json]";

if (import.meta.main) {
  await runCommand("evaluate", USAGE, async (args) => {
    const flags = parseFlags(args, {
      checkpoint: { type: "string", arg: "DIR", help: "the checkpoint or run folder (required)" },
      scenario: {
        type: "string",
        arg: "NAME|FILE.json",
        help: "a scenario to run on instead of the checkpoint's own (any the network can run on)",
      },
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
      policies: {
        type: "string",
        arg: "a,b",
        help: "the baselines beside it (default: every baseline)",
      },
      "no-exact": { type: "boolean", help: "skip the makespan MILP (LP bound only)" },
      json: { type: "boolean", help: "print the report as JSON" },
    });
    const split = flags.split ?? "heldout";
    if (split !== "heldout" && split !== "train") {
      throw new UsageError(`Expected --split to be heldout or train but found "${split}"`);
    }
    if (flags.scenario !== undefined && flags.split !== undefined) {
      throw new UsageError("Expected --scenario or --split but found both");
    }
    const { policy, config, shape } = await loadLearnedPolicy(
      requiredFlag("checkpoint", flags.checkpoint),
    );
    const scenario = flags.scenario !== undefined
      ? await loadScenario(flags.scenario)
      : resolveScenario(split === "heldout" ? config.evaluate : config.train);
    assertRunsOn(shape, scenario, config.train.embedding);
    const report = await evaluateLearned(policy, scenario.config, {
      episodes: integerFlag("episodes", flags.episodes, config.finalEvalEpisodes, 1),
      seed: integerFlag("seed", flags.seed, config.seed + 1),
      idleTimeout: config.train.idleTimeout,
      onProgress: progressBar("evaluate"),
      ...(flags.policies
        ? { baselines: flags.policies.split(",").map((name) => name.trim()) }
        : {}),
      ...(flags["no-exact"] ? { exactMakespan: false } : {}),
    });
    console.log(flags.json ? JSON.stringify(report, null, 2) : reportTable(report));
  });
}
