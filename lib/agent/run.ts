/**
 * A training run as a folder: `config.json`, `learning_curve.csv`, `checkpoint/`,
 * `evaluation.json` and `evaluation.md` (PPO beside every baseline and bound, on held-out and
 * on training parameters), and `manifest.json` (config, seed, commit, versions, timings).
 *
 * @module
 */
import { embedding } from "../embedding/mod.ts";
import {
  evaluateScenario,
  type EvaluationReport,
  reportTable,
  resolveScenario,
  type Scenario,
} from "../experiment/mod.ts";
import type { AgentShape } from "./networks.ts";
import { baselineNames, makeBaseline } from "../policies/mod.ts";
import { ResultsFolder } from "../report/results.ts";
import { checkpointFolder, loadCheckpoint } from "./checkpoint.ts";
import type { TrainConfig } from "./config.ts";
import { LearnedPolicy } from "./learned_policy.ts";
import { arrayLearner, type LearnerFactory, tfjsLearner } from "./learner.ts";
import {
  CURVE_COLUMNS,
  type CurveRow,
  IMITATION_COLUMNS,
  type ImitationRow,
  Trainer,
} from "./train.ts";

/** Resumes a run (or checkpoint) folder, continuing its learning curve when there is one. */
async function resumeRun(
  dir: string,
  config: TrainConfig,
  learner: LearnerFactory,
): Promise<Trainer> {
  const folder = await checkpointFolder(dir);
  const run = folder.endsWith("/checkpoint") ? folder.slice(0, -"/checkpoint".length) : folder;
  const history = await readLearningCurve(run).catch((error) => {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  });
  return await Trainer.resume(folder, { config, history, learner });
}

/** Options of {@linkcode trainRun}. */
export interface TrainRunOptions {
  /** The run folder. */
  out: string;
  /** A checkpoint (or run) folder to resume from. */
  resume?: string;
  /** Called after every update. */
  onUpdate?: (row: CurveRow, trainer: Trainer) => void;
  /** Called after every round of the imitation phase. */
  onImitation?: (row: ImitationRow) => void;
  /** Name of the trained policy in reports (default "ppo"). */
  name?: string;
  /** Called during the final evaluation. */
  onEvaluation?: (done: number, total: number) => void;
  /** Asked after each update; true stops the run early (it is still checkpointed). */
  shouldStop?: () => boolean;
  /** Evaluate beside every baseline at the end (default true). */
  evaluate?: boolean;
  /**
   * The PPO update's path: "array" (default: typed arrays, wasm SIMD for the MLP networks) or
   * "tfjs" (the TensorFlow.js reference); a tfjs run's manifest says so in its `run`.
   */
  learner?: "array" | "tfjs";
}

/** What a training run leaves: the greedy policy and, if evaluated, its held-out report. */
export interface TrainRunResult {
  /** The trained policy (fast path). */
  readonly policy: LearnedPolicy;
  /** The final evaluation on held-out parameters, unless skipped. */
  readonly heldout: EvaluationReport | null;
}

/**
 * Throws, naming each mismatch, when a network of `shape` trained with the embedding
 * `trainedEmbedding` cannot run on `scenario`: the embedding must be the same; the seed
 * scorer's input also fixes the node count and the window, the attention allocator's does not.
 */
export function assertRunsOn(
  shape: AgentShape,
  scenario: Scenario,
  trainedEmbedding: string,
): void {
  const name = scenario.config.name, problems: string[] = [];
  const dimension = embedding(scenario.config.embedding).dimension;
  if (trainedEmbedding !== scenario.config.embedding) {
    problems.push(
      `the embedding is "${trainedEmbedding}" in the checkpoint but "${scenario.config.embedding}" in the scenario`,
    );
  } else if (dimension !== shape.embeddingDim) {
    problems.push(
      `embeddingDim is ${shape.embeddingDim} in the checkpoint but the scenario's embedding "${scenario.config.embedding}" has ${dimension}`,
    );
  }
  if (!shape.attention) {
    const nodes = scenario.cluster.nodes.length, window = scenario.config.window;
    if (nodes !== shape.nodeCount) {
      problems.push(
        `nodeCount is ${shape.nodeCount} in the checkpoint but the scenario's cluster has ${nodes} nodes`,
      );
    }
    if (window !== shape.window) {
      problems.push(`window is ${shape.window} in the checkpoint but ${window} in the scenario`);
    }
  }
  if (problems.length > 0) {
    throw new RangeError(
      `The checkpoint's ${
        shape.attention ? "attention allocator" : "seed scorer"
      } cannot run on scenario ${name}: ${problems.join("; ")}`,
    );
  }
}

/** Evaluates a checkpoint's policy beside every baseline (or the named ones) on a scenario. */
export function evaluateLearned(
  policy: LearnedPolicy,
  scenario: unknown,
  options: {
    episodes: number;
    seed: number;
    baselines?: readonly string[];
    exactMakespan?: boolean;
    onProgress?: (done: number, total: number) => void;
    /** The idle timeout the policy runs under (its training scenario's), if any. */
    idleTimeout?: number | undefined;
  },
): Promise<EvaluationReport> {
  return evaluateScenario(resolveScenario(scenario), {
    episodes: options.episodes,
    seed: options.seed,
    policies: [policy, ...(options.baselines ?? baselineNames()).map(makeBaseline)],
    ...(options.idleTimeout === undefined
      ? {}
      : { idleTimeouts: new Map([[policy.name, options.idleTimeout]]) }),
    ...(options.exactMakespan === undefined ? {} : { exactMakespan: options.exactMakespan }),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

/** Trains (or resumes), checkpoints, evaluates and writes the run folder. */
export async function trainRun(
  config: TrainConfig,
  options: TrainRunOptions,
): Promise<TrainRunResult> {
  const results = await ResultsFolder.open(options.out, {
    run: `train ${config.name}${options.learner === "tfjs" ? " (tfjs learner)" : ""}`,
    parameters: config,
    seed: config.seed,
  });
  const learner = options.learner === "tfjs" ? tfjsLearner : arrayLearner;
  const trainer = options.resume
    ? await resumeRun(options.resume, config, learner)
    : await Trainer.create(config, learner);
  await results.json("config", config);
  try {
    if (config.imitation && !options.resume) {
      const rows = await results.time(
        "imitationSeconds",
        () => trainer.imitate(options.onImitation),
      );
      await results.csv("imitation_curve", IMITATION_COLUMNS, rows);
    }
    await results.time("trainSeconds", async () => {
      while (trainer.update < config.updates && !options.shouldStop?.()) {
        const row = trainer.step();
        options.onUpdate?.(row, trainer);
        // An update is synchronous: yield so that signals (Ctrl-C) and timers are handled.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    });
    await trainer.save(`${options.out}/checkpoint`);
    results.track("checkpoint/checkpoint.json");
    results.track("checkpoint/weights.bin");
    await results.csv("learning_curve", CURVE_COLUMNS, trainer.history);
    const policy = trainer.policy(options.name ?? "ppo");
    if (options.evaluate === false) {
      await results.finish();
      return { policy, heldout: null };
    }
    const { heldout, training } = await results.time("evaluateSeconds", async () => ({
      heldout: await evaluateLearned(policy, config.evaluate, {
        episodes: config.finalEvalEpisodes,
        seed: config.seed + 1,
        idleTimeout: config.train.idleTimeout,
        ...(options.onEvaluation ? { onProgress: options.onEvaluation } : {}),
      }),
      training: await evaluateLearned(policy, config.train, {
        episodes: Math.min(50, config.finalEvalEpisodes),
        seed: config.seed + 1,
        idleTimeout: config.train.idleTimeout,
      }),
    }));
    await results.json("evaluation", { heldout, training });
    await results.text(
      "evaluation.md",
      `# ${config.name}: held-out parameters\n\n${
        reportTable(heldout)
      }\n\n# Training parameters\n\n${reportTable(training)}\n`,
    );
    await results.finish();
    return { policy, heldout };
  } finally {
    trainer.dispose();
  }
}

/** Loads a checkpoint's greedy policy (its config and shape) for evaluation; needs no TensorFlow.js. */
export async function loadLearnedPolicy(
  dir: string,
  name = "ppo",
): Promise<{ policy: LearnedPolicy; config: TrainConfig; shape: AgentShape }> {
  const checkpoint = await loadCheckpoint(await checkpointFolder(dir));
  return {
    policy: new LearnedPolicy(checkpoint.shape, checkpoint.parameters, { name }),
    config: checkpoint.config,
    shape: checkpoint.shape,
  };
}

/**
 * Trains `seeds` runs of a config (seeds config.seed, config.seed + 1, ...) into
 * `out/seed-K/`, without the per-run evaluation; returns their policies, named NAME-sK
 * (default ppo-sK).
 */
export async function trainSeeds(
  config: TrainConfig,
  options: { seeds: number; updates: number; out: string; name?: string },
): Promise<LearnedPolicy[]> {
  const policies: LearnedPolicy[] = [];
  for (let k = 0; k < options.seeds; k++) {
    const { policy } = await trainRun(
      { ...config, seed: config.seed + k, updates: options.updates },
      { out: `${options.out}/seed-${k}`, evaluate: false, name: `${options.name ?? "ppo"}-s${k}` },
    );
    policies.push(policy);
  }
  return policies;
}

/** The greedy policies of runs `dir/seed-0` .. `dir/seed-(seeds-1)`, named NAME-sK. */
export function loadSeedPolicies(
  dir: string,
  seeds: number,
  name: string,
): Promise<LearnedPolicy[]> {
  return Promise.all(
    Array.from(
      { length: seeds },
      async (_, k) => (await loadLearnedPolicy(`${dir}/seed-${k}`, `${name}-s${k}`)).policy,
    ),
  );
}

/** Reads a run folder's `learning_curve.csv` (empty cells are NaN). */
export async function readLearningCurve(dir: string): Promise<CurveRow[]> {
  const lines = (await Deno.readTextFile(`${dir}/learning_curve.csv`)).trim().split("\n");
  const header = lines[0]!.split(",");
  const missing = CURVE_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length) {
    throw new TypeError(`Invalid learning curve ${dir}: missing columns ${missing.join(", ")}`);
  }
  return lines.slice(1).map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(
      header.map((column, i) => [column, cells[i] === "" ? NaN : Number(cells[i])]),
    ) as CurveRow;
  });
}
