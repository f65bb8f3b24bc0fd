/**
 * `./schedlab reproduce [--train] [--episodes N] [--seed S]`: the main job. Evaluates the
 * committed headline checkpoint (`results/headline/checkpoint`, PPO trained on the seed's 9
 * nodes) beside every baseline and bound on held-out task parameters, prints the table and
 * writes it to `results/reproduce/`. With `--train`, first retrains the headline from scratch
 * (experiments/headline.json, about 10 minutes on one core).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { evaluateLearned, loadLearnedPolicy, loadTrainConfig, trainRun } from "../agent/mod.ts";
import { gitCommit, reportTable, writeManifest } from "../experiment/mod.ts";
import { integerFlag, parseFlags, progressBar, runCommand } from "./common.ts";

const USAGE = "./schedlab reproduce [--train] [--episodes N] [--seed S]";
const HEADLINE = "experiments/headline.json";
const RUN = "results/headline";
const OUT = "results/reproduce";

if (import.meta.main) {
  await runCommand("reproduce", USAGE, async (args) => {
    const flags = parseFlags(args, {
      train: { type: "boolean" },
      episodes: { type: "string" },
      seed: { type: "string" },
    });
    const started = performance.now();
    if (flags.train) {
      const config = await loadTrainConfig(HEADLINE);
      await trainRun(config, {
        out: RUN,
        onUpdate: (row) => {
          if (row.update % 50 === 0) {
            console.error(
              `update ${row.update}/${config.updates}: train makespan ${
                row.trainMakespan.toFixed(1)
              } s`,
            );
          }
        },
      });
    }
    const { policy, config } = await loadLearnedPolicy(RUN);
    const episodes = integerFlag("episodes", flags.episodes, config.finalEvalEpisodes, 1);
    const seed = integerFlag("seed", flags.seed, config.seed + 1);
    const report = await evaluateLearned(policy, config.evaluate, {
      episodes,
      seed,
      onProgress: progressBar("reproduce"),
    });
    const table = reportTable(report);
    await Deno.mkdir(OUT, { recursive: true });
    await Deno.writeTextFile(`${OUT}/evaluation.json`, JSON.stringify(report, null, 2) + "\n");
    await Deno.writeTextFile(
      `${OUT}/evaluation.md`,
      `# PPO vs baselines, held-out parameters\n\n${table}\n`,
    );
    await writeManifest(OUT, {
      run: `reproduce${flags.train ? " --train" : ""}`,
      seed,
      config: { headline: config, episodes },
      commit: await gitCommit(),
      versions: { deno: Deno.version.deno, tfjs: tf.version.tfjs },
      timings: { seconds: (performance.now() - started) / 1000 },
      files: ["evaluation.json", "evaluation.md"],
    });
    console.log(table);
    console.log(`\nwritten: ${OUT}/evaluation.md, ${OUT}/evaluation.json, ${OUT}/manifest.json`);
  });
}
