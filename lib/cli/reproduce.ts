/**
 * `./schedlab reproduce [--episodes N] [--seed S]`: the main job. For now: every baseline and
 * bound on the default 9-node scenario, as a table.
 *
 * @module
 */
import { baselines } from "./baselines.ts";
import { integerFlag, parseFlags, runCommand } from "./common.ts";

const USAGE = "./schedlab reproduce [--episodes N] [--seed S]";

if (import.meta.main) {
  await runCommand("reproduce", USAGE, async (args) => {
    const flags = parseFlags(args, { episodes: { type: "string" }, seed: { type: "string" } });
    await baselines([
      "--scenario=seed-9",
      `--episodes=${integerFlag("episodes", flags.episodes, 50, 1)}`,
      `--seed=${integerFlag("seed", flags.seed, 0)}`,
    ]);
  });
}
