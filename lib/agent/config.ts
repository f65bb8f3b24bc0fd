/**
 * The training configuration: every hyper-parameter of the agent and of PPO, typed and
 * validated with zod, with defaults near CleanRL's `ppo.py`.
 *
 * @module
 */
import { z } from "zod";
import { scenarioSchema } from "../experiment/mod.ts";
import { readJsonFile, validate } from "../validation/mod.ts";

const hidden = z.array(z.number().int().positive()).min(1);

/** Schema of the attention allocator's sizes (lib/agent/attention.ts). */
export const attentionSchema = z.object({
  /** Width D of every token. */
  width: z.number().int().positive().default(32),
  /** Attention heads; they split the width. */
  heads: z.number().int().positive().default(1),
  /** Cross-attention layers of the tasks over the nodes. */
  layers: z.number().int().min(0).default(1),
  /** C of the C·tanh clipping of the scores (Kool et al.: 10). */
  clip: z.number().positive().default(10),
  /** Task tokens also read the pairwise products of the embedding. */
  pairwise: z.boolean().default(false),
  /** Hidden width of the task-node pair network (0: none). */
  pairs: z.number().int().min(0).default(0),
}).refine((value) => value.width % value.heads === 0, {
  message: "width must be a multiple of heads",
  path: ["heads"],
});

/** Schema of a training config (`experiments/<name>.json`). */
export const trainConfigSchema = z.object({
  /** Experiment name. */
  name: z.string().min(1),
  /** Seed of everything: initial weights, episodes, action sampling, minibatches. */
  seed: z.number().int().min(0).default(0),
  /** Scenario of the training episodes (parameters from the training split). */
  train: scenarioSchema,
  /** Scenario of the evaluation episodes (parameters from the held-out split). */
  evaluate: scenarioSchema,
  /** The allocator: hidden layer widths of the scorer (the seed's is [128]). */
  scorerHidden: hidden.default([128]),
  /** The set-to-set attention allocator instead of the seed's scorer (then scorerHidden is unused). */
  attention: attentionSchema.optional(),
  /** A learned task embedding of this size on top of the scenario's features (the embedding ablation); none by default. */
  learnedEmbedding: z.number().int().positive().optional(),
  /** The critic's hidden layer widths. */
  criticHidden: hidden.default([64, 64]),
  /**
   * Reward: "elapsed" (minus the time between decisions), "final" (minus the makespan at the
   * end), "relative" (minus the time between decisions over the episode's solver-free makespan
   * bound, so that every episode weighs alike whatever its scale) or "objective" (minus the
   * training scenario's objective, step by step).
   */
  reward: z.enum(["elapsed", "final", "relative", "objective"]).default("elapsed"),
  /**
   * One policy for the makespan-energy front: each episode's energy weight w is drawn
   * uniformly from [min, max] and fed to the scorer and the critic (needs reward "objective").
   */
  preference: z.object({
    min: z.number().min(0).max(1),
    max: z.number().min(0).max(1),
  }).refine((range) => range.min <= range.max, {
    message: "min must be <= max",
    path: ["max"],
  }).optional(),
  /** Start from this checkpoint's (or run folder's) weights instead of random ones. */
  initFrom: z.string().optional(),
  /** Seconds per unit of reward, "elapsed" and "final" (their rewards are divided by it). */
  rewardScale: z.number().positive().default(100),
  /** Number of PPO updates (0: only the imitation phase, if any). */
  updates: z.number().int().min(0),
  /** Environments stepped in lockstep during collection. */
  envs: z.number().int().positive().default(8),
  /** Complete episodes each environment plays per update. */
  episodesPerEnv: z.number().int().positive().default(4),
  /** Passes over each batch. */
  epochs: z.number().int().positive().default(4),
  /** Minibatches per pass. */
  minibatches: z.number().int().positive().default(4),
  /** Discount per decision. */
  gamma: z.number().min(0).max(1).default(1),
  /** GAE lambda. */
  gaeLambda: z.number().min(0).max(1).default(0.95),
  /** Surrogate clipping coefficient. */
  clip: z.number().positive().default(0.2),
  /** Clip the value loss around the old values, with the same coefficient. */
  clipValueLoss: z.boolean().default(true),
  /** Entropy bonus coefficient. */
  entropyCoef: z.number().min(0).default(0.01),
  /** Value loss coefficient. */
  valueCoef: z.number().min(0).default(0.5),
  /** Global gradient norm clip. */
  maxGradNorm: z.number().positive().default(0.5),
  /** Adam learning rate (epsilon 1e-5). */
  learningRate: z.number().positive().default(3e-4),
  /** Anneal the learning rate linearly to 0 over the updates. */
  annealLr: z.boolean().default(true),
  /** Stop an update's epochs once their mean approximate KL exceeds this (CleanRL's target_kl). */
  targetKl: z.number().positive().optional(),
  /**
   * Imitation before PPO: behaviour cloning of a duration-aware teacher, then DAgger rounds
   * (the student acts, the teacher labels), each followed by passes over all data so far.
   */
  imitation: z.object({
    /** The teacher: per episode, whichever of these heuristics has the best makespan. */
    teachers: z.array(z.string().min(1)).min(1).default([
      "max-min",
      "sufferage",
      "earliest-finish-pull",
    ]),
    /** Rounds; the first is behaviour cloning (the teacher acts), the rest DAgger. */
    rounds: z.number().int().positive().default(4),
    /** Episodes of behaviour cloning (the first round). */
    episodes: z.number().int().positive().default(256),
    /** Episodes of each DAgger round (default: as many as the first). */
    daggerEpisodes: z.number().int().positive().optional(),
    /** Passes over the aggregated data after each round. */
    epochs: z.number().int().positive().default(3),
    /** Minibatch size. */
    minibatchSize: z.number().int().positive().default(256),
    /** Adam learning rate at the start of the imitation (it decays linearly to 0 over its passes). */
    learningRate: z.number().positive().default(1e-3),
    /** Weight of the critic's regression onto the collected returns. */
    valueCoef: z.number().min(0).default(0.5),
  }).optional(),
  /** Normalise advantages per minibatch. */
  normaliseAdvantages: z.boolean().default(true),
  /** Evaluate on held-out episodes every this many updates (0 = only at the end). */
  evalEvery: z.number().int().min(0).default(10),
  /** Episodes of each periodic evaluation. */
  evalEpisodes: z.number().int().positive().default(32),
  /** Episodes of the final evaluation. */
  finalEvalEpisodes: z.number().int().positive().default(200),
}).refine((config) => !config.preference || config.reward === "objective", {
  message: 'preference needs reward "objective"',
  path: ["preference"],
}).refine((config) => !config.preference || !config.attention, {
  message: "preference conditions the seed's scorer only (not the attention allocator yet)",
  path: ["preference"],
});

/** A validated training config. */
export type TrainConfig = z.output<typeof trainConfigSchema>;

/** Validates a config value; errors name the field. */
export function parseTrainConfig(value: unknown, source = "training config"): TrainConfig {
  return validate(trainConfigSchema, value, source);
}

/** Reads and validates a training config file. */
export function loadTrainConfig(path: string): Promise<TrainConfig> {
  return readJsonFile(trainConfigSchema, path, "training config");
}
