/**
 * A training run as a folder: `config.json`, `learning_curve.csv`, `checkpoint/`,
 * `evaluation.json` and `evaluation.md` (PPO beside every baseline and bound, on held-out and
 * on training parameters), and `manifest.json` (config, seed, commit, versions, timings).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  evaluateScenario,
  type EvaluationReport,
  gitCommit,
  reportTable,
  resolveScenario,
  writeCsv,
  writeManifest,
} from "../experiment/mod.ts";
import { baselineNames, makeBaseline } from "../policies/mod.ts";
import { loadCheckpoint } from "./checkpoint.ts";
import type { TrainConfig } from "./config.ts";
import { LearnedPolicy } from "./learned_policy.ts";
import { CURVE_COLUMNS, type CurveRow, Trainer } from "./train.ts";

/** Where a checkpoint lives: the folder itself, or its `checkpoint/` subfolder. */
export async function checkpointFolder(dir: string): Promise<string> {
  try {
    await Deno.stat(`${dir}/checkpoint/checkpoint.json`);
    return `${dir}/checkpoint`;
  } catch {
    return dir;
  }
}

/** Options of {@linkcode trainRun}. */
export interface TrainRunOptions {
  /** The run folder. */
  out: string;
  /** A checkpoint (or run) folder to resume from. */
  resume?: string;
  /** Called after every update. */
  onUpdate?: (row: CurveRow, trainer: Trainer) => void;
  /** Called during the final evaluation. */
  onEvaluation?: (done: number, total: number) => void;
  /** Asked after each update; true stops the run early (it is still checkpointed). */
  shouldStop?: () => boolean;
}

/** Evaluates a checkpoint's policy beside every baseline on a scenario. */
export function evaluateLearned(
  policy: LearnedPolicy,
  scenario: unknown,
  options: { episodes: number; seed: number; onProgress?: (done: number, total: number) => void },
): Promise<EvaluationReport> {
  return evaluateScenario(resolveScenario(scenario), {
    episodes: options.episodes,
    seed: options.seed,
    policies: [policy, ...baselineNames().map(makeBaseline)],
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

/** Trains (or resumes), checkpoints, evaluates and writes the run folder. */
export async function trainRun(
  config: TrainConfig,
  options: TrainRunOptions,
): Promise<EvaluationReport> {
  const started = performance.now();
  await Deno.mkdir(options.out, { recursive: true });
  const trainer = options.resume
    ? await Trainer.resume(await checkpointFolder(options.resume), config)
    : await Trainer.create(config);
  await Deno.writeTextFile(`${options.out}/config.json`, JSON.stringify(config, null, 2) + "\n");
  try {
    while (trainer.update < config.updates && !options.shouldStop?.()) {
      options.onUpdate?.(trainer.step(), trainer);
    }
    const trained = performance.now();
    await trainer.save(`${options.out}/checkpoint`);
    await writeCsv(`${options.out}/learning_curve.csv`, CURVE_COLUMNS, trainer.history);
    const policy = trainer.policy();
    const heldout = await evaluateLearned(policy, config.evaluate, {
      episodes: config.finalEvalEpisodes,
      seed: config.seed + 1,
      ...(options.onEvaluation ? { onProgress: options.onEvaluation } : {}),
    });
    const training = await evaluateLearned(policy, config.train, {
      episodes: Math.min(50, config.finalEvalEpisodes),
      seed: config.seed + 1,
    });
    await Deno.writeTextFile(
      `${options.out}/evaluation.json`,
      JSON.stringify({ heldout, training }, null, 2) + "\n",
    );
    await Deno.writeTextFile(
      `${options.out}/evaluation.md`,
      `# ${config.name}: held-out parameters\n\n${
        reportTable(heldout)
      }\n\n# Training parameters\n\n${reportTable(training)}\n`,
    );
    await writeManifest(options.out, {
      run: `train ${config.name}`,
      seed: config.seed,
      config,
      commit: await gitCommit(),
      versions: { deno: Deno.version.deno, tfjs: tf.version.tfjs, backend: tf.getBackend() },
      timings: {
        trainSeconds: (trained - started) / 1000,
        evaluateSeconds: (performance.now() - trained) / 1000,
      },
      files: [
        "config.json",
        "learning_curve.csv",
        "checkpoint/checkpoint.json",
        "checkpoint/weights.bin",
        "evaluation.json",
        "evaluation.md",
      ],
    });
    return heldout;
  } finally {
    trainer.dispose();
  }
}

/** Loads a checkpoint's greedy policy (and its config) for evaluation; needs no TensorFlow.js. */
export async function loadLearnedPolicy(
  dir: string,
): Promise<{ policy: LearnedPolicy; config: TrainConfig }> {
  const checkpoint = await loadCheckpoint(await checkpointFolder(dir));
  return {
    policy: new LearnedPolicy(checkpoint.shape, checkpoint.parameters),
    config: checkpoint.config,
  };
}
