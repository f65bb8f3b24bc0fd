/**
 * The training loop: collect complete episodes with the fast path, update with PPO in
 * TensorFlow.js, reload the fast path, log the diagnostics, evaluate on held-out parameters
 * now and then, checkpoint at the end. Every random draw of update u derives from (seed, u),
 * so a run resumed from a checkpoint continues exactly as if uninterrupted.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nodeStateSize, type SchedulingEnv } from "../env/mod.ts";
import { embedding } from "../embedding/mod.ts";
import {
  makeEnv,
  type Objective,
  resolveObjective,
  resolveScenario,
  type Scenario,
} from "../experiment/mod.ts";
import { makeBaseline, type Policy, runEpisode } from "../policies/mod.ts";
import { hashInts, Rng } from "../random/mod.ts";
import { Adam } from "./adam.ts";
import { initTensorflow } from "./backend.ts";
import { type Checkpoint, checkpointFolder, loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import type { TrainConfig } from "./config.ts";
import { BestHeuristicTeacher, imitationUpdate, teacherActor, teacherSlot } from "./imitation.ts";
import { LearnedPolicy } from "./learned_policy.ts";
import { arrayLearner, type Learner, type LearnerFactory, TfjsLearner } from "./learner.ts";
import {
  type AgentNetworks,
  type AgentShape,
  initialParameters,
  type ParameterValues,
} from "./networks.ts";
import { widenForPreference } from "./preference.ts";
import { collectRollout, type Rollout } from "./rollout.ts";

/** Random streams of an update, hashed with (seed, update). */
const STREAM = {
  init: 1,
  episodes: 2,
  actions: 3,
  minibatches: 4,
  evaluation: 5,
  imitationEpisodes: 6,
  imitationActions: 7,
  imitationMinibatches: 8,
  weights: 9,
} as const;

/** The columns of the imitation phase's curve (one row per round). */
export const IMITATION_COLUMNS = [
  "round",
  "decisions",
  "actorMakespan",
  "evalMakespan",
  "crossEntropy",
  "agreement",
  "valueLoss",
  "seconds",
] as const;

/** One round of imitation. */
export type ImitationRow = Record<typeof IMITATION_COLUMNS[number], number>;

/** The columns of the learning curve. */
export const CURVE_COLUMNS = [
  "update",
  "steps",
  "episodes",
  "trainMakespan",
  "trainReturn",
  "evalMakespan",
  "bestBaselineMakespan",
  "policyLoss",
  "valueLoss",
  "entropy",
  "approxKl",
  "clipFraction",
  "explainedVariance",
  "gradientNorm",
  "learningRate",
  "stepsPerSecond",
  "updateMs",
] as const;

/**
 * The baselines the learning curve's `bestBaselineMakespan` takes the best of: the original's
 * two strongest (greedy SJF and greedy matching) and the two strongest here (Max-Min and the
 * earliest-finish pull rule).
 */
export const CURVE_BASELINES = [
  "greedy-sjf",
  "greedy-matching",
  "max-min",
  "earliest-finish-pull",
] as const;

/** One row of the learning curve. */
export type CurveRow = Record<typeof CURVE_COLUMNS[number], number>;

/** The agent's sizes implied by a config's training scenario. */
export function agentShape(config: TrainConfig): AgentShape {
  const scenario = resolveScenario(config.train);
  return {
    nodeCount: scenario.cluster.nodes.length,
    nodeStateSize: nodeStateSize(),
    embeddingDim: embedding(scenario.config.embedding).dimension,
    learnedDim: config.learnedEmbedding,
    window: scenario.config.window,
    scorerHidden: config.scorerHidden,
    criticHidden: config.criticHidden,
    attention: config.attention,
    ...(config.preference ? { preference: true } : {}),
  };
}

/**
 * The starting weights a config's `initFrom` names: that checkpoint's, widened with zero rows
 * and copied heads for the energy weight when the config conditions on it and the checkpoint
 * does not.
 */
async function initialWeights(config: TrainConfig, shape: AgentShape): Promise<ParameterValues> {
  const from = await loadCheckpoint(await checkpointFolder(config.initFrom!));
  if (shape.preference && !from.shape.preference) {
    return widenForPreference(from.parameters, from.shape, shape);
  }
  return from.parameters;
}

/** Greedy mean makespan of `policy` over fixed evaluation episodes. */
export function meanMakespan(env: SchedulingEnv, policy: Policy, seeds: readonly number[]): number {
  return seeds.reduce((sum, seed) => sum + runEpisode(env, policy, { seed }).makespan, 0) /
    seeds.length;
}

/** A training session: networks, optimizer and progress, ready to run updates. */
export class Trainer {
  /** The config. */
  readonly config: TrainConfig;
  /** The networks' sizes. */
  readonly shape: AgentShape;
  #learner: Learner;
  readonly #makeLearner: LearnerFactory;
  /** Learning-curve rows of this session (with those given when resuming). */
  readonly history: CurveRow[];
  readonly #envs: SchedulingEnv[];
  readonly #evalEnv: SchedulingEnv;
  readonly #evalSeeds: number[];
  readonly #objective: Objective | undefined;
  #bestBaseline: number | undefined;
  #update: number;
  #steps: number;
  #episodes: number;

  private constructor(
    config: TrainConfig,
    shape: AgentShape,
    options: {
      resumed?: { checkpoint: Checkpoint; history: CurveRow[]; freshOptimizer: boolean };
      initial?: ParameterValues;
      learner?: LearnerFactory | undefined;
    },
  ) {
    const { resumed, initial } = options;
    const checkpoint = resumed?.checkpoint;
    this.config = config;
    this.shape = shape;
    const train: Scenario = resolveScenario(config.train);
    const parameters = checkpoint?.parameters ?? initial ??
      initialParameters(shape, new Rng(hashInts(config.seed, STREAM.init)));
    this.#objective = config.reward === "objective" ? resolveObjective(train) : undefined;
    this.#makeLearner = options.learner ?? arrayLearner;
    this.#learner = this.#makeLearner(shape, {
      parameters,
      optimizer: checkpoint && !resumed.freshOptimizer ? checkpoint.optimizer : undefined,
      learningRate: config.learningRate,
    });
    this.#envs = Array.from({ length: config.envs }, () => makeEnv(train));
    this.#evalEnv = makeEnv(resolveScenario(config.evaluate));
    this.#evalSeeds = Array.from(
      { length: config.evalEpisodes },
      (_, e) => hashInts(config.seed, STREAM.evaluation, e),
    );
    this.history = resumed?.history ?? [];
    this.#update = checkpoint?.update ?? 0;
    this.#steps = checkpoint?.progress.steps ?? 0;
    this.#episodes = checkpoint?.progress.episodes ?? 0;
  }

  /**
   * A fresh session for a config; `learner` makes the networks (default
   * {@linkcode arrayLearner}: the networks in typed arrays; the imitation phase runs in
   * TensorFlow.js).
   */
  static async create(config: TrainConfig, learner?: LearnerFactory): Promise<Trainer> {
    await initTensorflow();
    const shape = agentShape(config);
    if (config.initFrom === undefined) return new Trainer(config, shape, { learner });
    return new Trainer(config, shape, { initial: await initialWeights(config, shape), learner });
  }

  /**
   * A session resumed from a checkpoint folder; with `config`, it must describe the same
   * networks (its `updates` may extend the run). `history`, the run's learning curve so far,
   * is continued (its rows after the checkpoint's update are dropped). With `freshOptimizer`
   * the weights are restored but Adam starts anew (fine-tuning without the pretraining's
   * moments). `learner` as in {@linkcode Trainer.create}.
   */
  static async resume(
    dir: string,
    options: {
      config?: TrainConfig;
      history?: readonly CurveRow[];
      freshOptimizer?: boolean;
      learner?: LearnerFactory;
    } = {},
  ): Promise<Trainer> {
    await initTensorflow();
    const expected = options.config ? agentShape(options.config) : undefined;
    const checkpoint = await loadCheckpoint(dir, expected);
    const history = (options.history ?? []).filter((row) => row.update <= checkpoint.update);
    return new Trainer(options.config ?? checkpoint.config, checkpoint.shape, {
      resumed: { checkpoint, history, freshOptimizer: options.freshOptimizer ?? false },
      learner: options.learner,
    });
  }

  /**
   * The networks and their optimizer. {@linkcode Trainer.imitate} replaces the learner (unless
   * it is a {@linkcode TfjsLearner}) by a new one with the phase's weights and the optimizer's
   * state as it was.
   */
  get learner(): Learner {
    return this.#learner;
  }

  /** Updates completed. */
  get update(): number {
    return this.#update;
  }

  /** The objective of "objective" rewards (scales resolved on the training scenario). */
  get objective(): Objective | undefined {
    return this.#objective;
  }

  /** The current greedy policy (fast path). */
  policy(name = "ppo"): LearnedPolicy {
    return new LearnedPolicy(this.shape, this.learner.snapshot(), { name });
  }

  /**
   * The config's imitation phase (none without `config.imitation`): behaviour cloning of the
   * best heuristic per episode, then DAgger rounds; each round trains on all data so far.
   *
   * @param onRound called after each round
   * @returns one row per round
   */
  imitate(onRound?: (row: ImitationRow) => void): ImitationRow[] {
    const config = this.config, imitation = config.imitation;
    if (!imitation) return [];
    // The phase's loss is written in TensorFlow.js: it runs on the session's learner if that is
    // a TensorFlow.js one, else on a temporary one whose weights the session's learner takes at
    // the end (its optimizer does not take part and carries on as it was). The phase has an
    // Adam of its own either way, whose moments PPO does not inherit.
    const trained = this.#learner;
    let networks: AgentNetworks, optimizer: Adam, temporary: TfjsLearner | undefined;
    if (trained instanceof TfjsLearner) {
      networks = trained.networks;
      optimizer = new Adam([...networks.variables.values()], {
        learningRate: imitation.learningRate,
      });
    } else {
      temporary = new TfjsLearner(this.shape, {
        parameters: trained.snapshot(),
        learningRate: imitation.learningRate,
      });
      ({ networks, optimizer } = temporary);
    }
    try {
      const rows = this.#imitationRounds(imitation, networks, optimizer, onRound);
      if (temporary) {
        this.#learner = this.#makeLearner(this.shape, {
          parameters: networks.snapshot(),
          optimizer: trained.optimizerState(),
          learningRate: trained.learningRate,
        });
        trained.dispose();
      }
      return rows;
    } finally {
      if (temporary) temporary.dispose();
      else optimizer.dispose();
    }
  }

  /**
   * The rounds of the imitation phase on `networks`: behaviour cloning, then DAgger; the
   * learning rate decays linearly to 0 over every pass of the phase.
   */
  #imitationRounds(
    imitation: NonNullable<TrainConfig["imitation"]>,
    networks: AgentNetworks,
    optimizer: Adam,
    onRound: ((row: ImitationRow) => void) | undefined,
  ): ImitationRow[] {
    const config = this.config, teacher = new BestHeuristicTeacher(imitation.teachers);
    const data: Rollout[] = [], rows: ImitationRow[] = [];
    const passes = imitation.rounds * imitation.epochs;
    for (let round = 0; round < imitation.rounds; round++) {
      const episodes = round === 0
        ? imitation.episodes
        : imitation.daggerEpisodes ?? imitation.episodes;
      const episodesPerEnv = Math.ceil(episodes / config.envs);
      const started = performance.now();
      const actor = round === 0
        ? teacherActor(teacher)
        : new LearnedPolicy(this.shape, networks.snapshot(), { mode: "sample" });
      const rollout = collectRollout(this.#envs, actor, {
        shape: this.shape,
        episodesPerEnv,
        episodeSeed: (env, episode) =>
          hashInts(config.seed, STREAM.imitationEpisodes, round, env, episode),
        rng: new Rng(hashInts(config.seed, STREAM.imitationActions, round)),
        reward: config.reward,
        rewardScale: config.rewardScale,
        objective: this.#objective,
        label: (decision) => teacherSlot(teacher, decision),
      });
      data.push(rollout);
      const diagnostics = imitationUpdate(networks, optimizer, data, {
        epochs: imitation.epochs,
        minibatchSize: imitation.minibatchSize,
        valueCoef: imitation.valueCoef,
        maxGradNorm: config.maxGradNorm,
        rng: new Rng(hashInts(config.seed, STREAM.imitationMinibatches, round)),
        learningRate: (epoch) =>
          imitation.learningRate * (1 - (round * imitation.epochs + epoch) / passes),
      });
      const greedy = new LearnedPolicy(this.shape, networks.snapshot(), { name: "ppo" });
      const row: ImitationRow = {
        round,
        decisions: data.reduce((sum, part) => sum + part.size, 0),
        actorMakespan: rollout.makespans.reduce((s, v) => s + v, 0) / rollout.makespans.length,
        evalMakespan: meanMakespan(this.#evalEnv, greedy, this.#evalSeeds),
        ...diagnostics,
        seconds: (performance.now() - started) / 1000,
      };
      rows.push(row);
      onRound?.(row);
    }
    return rows;
  }

  /** Runs one update and returns its learning-curve row. */
  step(): CurveRow {
    const config = this.config, u = this.#update;
    const learningRate = config.annealLr
      ? config.learningRate * (1 - u / config.updates)
      : config.learningRate;
    this.learner.learningRate = learningRate;
    const actor = new LearnedPolicy(this.shape, this.learner.snapshot(), { mode: "sample" });
    const started = performance.now();
    const rollout = collectRollout(this.#envs, actor, {
      shape: this.shape,
      episodesPerEnv: config.episodesPerEnv,
      episodeSeed: (env, episode) => hashInts(config.seed, STREAM.episodes, u, env, episode),
      rng: new Rng(hashInts(config.seed, STREAM.actions, u)),
      reward: config.reward,
      rewardScale: config.rewardScale,
      objective: this.#objective,
      weights: config.preference ? [config.preference.min, config.preference.max] : undefined,
      weightRng: new Rng(hashInts(config.seed, STREAM.weights, u)),
    });
    const collected = performance.now();
    const diagnostics = this.learner.update(rollout, {
      config,
      rng: new Rng(hashInts(config.seed, STREAM.minibatches, u)),
    });
    const updated = performance.now();
    this.#update++;
    this.#steps += rollout.size;
    this.#episodes += rollout.makespans.length;
    const evaluate = config.evalEvery > 0 &&
      (this.#update % config.evalEvery === 0 || this.#update === config.updates);
    const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
    const row: CurveRow = {
      update: this.#update,
      steps: this.#steps,
      episodes: this.#episodes,
      trainMakespan: mean(rollout.makespans),
      trainReturn: mean(rollout.returns),
      evalMakespan: evaluate ? meanMakespan(this.#evalEnv, this.policy(), this.#evalSeeds) : NaN,
      bestBaselineMakespan: this.bestBaselineMakespan(),
      ...diagnostics,
      learningRate,
      stepsPerSecond: rollout.size / ((collected - started) / 1000),
      updateMs: updated - collected,
    };
    this.history.push(row);
    return row;
  }

  /** The best of {@linkcode CURVE_BASELINES} on the evaluation episodes (computed once). */
  bestBaselineMakespan(): number {
    this.#bestBaseline ??= Math.min(
      ...CURVE_BASELINES.map((name) =>
        meanMakespan(this.#evalEnv, makeBaseline(name), this.#evalSeeds)
      ),
    );
    return this.#bestBaseline;
  }

  /** Writes a checkpoint of the current state. */
  save(dir: string): Promise<void> {
    return saveCheckpoint(dir, {
      config: this.config,
      shape: this.shape,
      update: this.#update,
      progress: { steps: this.#steps, episodes: this.#episodes },
      parameters: this.learner.snapshot(),
      optimizer: this.learner.optimizerState(),
    });
  }

  /** Frees the tensors. */
  dispose(): void {
    this.learner.dispose();
  }
}

/** Number of live tensors (for leak checks). */
export function liveTensors(): number {
  return tf.memory().numTensors;
}
