/**
 * The embedding ablation: the same training run with each way of showing a task to the
 * scorer (the registered embeddings, learned embeddings of several sizes, and no embedding),
 * over several seeds, each evaluated on the same held-out episodes.
 *
 * @module
 */
import { evaluateScenario, resolveScenario } from "../experiment/mod.ts";
import type { TrainConfig } from "./config.ts";
import { trainRun } from "./run.ts";

/** One arm of the ablation. */
export interface EmbeddingVariant {
  /** Label in tables and figures. */
  readonly name: string;
  /** The registered embedding the environment gives. */
  readonly embedding: string;
  /** A learned embedding of this size on top of it. */
  readonly learnedDim?: number;
}

/** The variants of the study: seed, log, profile, learned 2–32 (on the seed's features), none. */
export const EMBEDDING_VARIANTS: readonly EmbeddingVariant[] = [
  { name: "seed (5-d)", embedding: "seed" },
  { name: "log (5-d)", embedding: "log" },
  { name: "profile (6-d)", embedding: "profile" },
  ...[2, 4, 8, 16, 32].map((d) => ({ name: `learned ${d}-d`, embedding: "seed", learnedDim: d })),
  { name: "none", embedding: "none" },
];

/** A variant's results: per training seed, the makespan / optimum of every evaluation episode. */
export interface VariantResult {
  readonly variant: EmbeddingVariant;
  readonly ratios: readonly (readonly number[])[];
}

/** The config of one arm: both scenarios use its embedding; the learned size is set. */
export function variantConfig(
  config: TrainConfig,
  arm: { variant: EmbeddingVariant; seed: number; updates: number },
): TrainConfig {
  const { variant, seed, updates } = arm;
  const { learnedEmbedding: _, ...rest } = config;
  return {
    ...rest,
    name: `${config.name}-${variant.name}`,
    seed,
    updates,
    evalEvery: 0,
    train: { ...config.train, embedding: variant.embedding },
    evaluate: { ...config.evaluate, embedding: variant.embedding },
    ...(variant.learnedDim === undefined ? {} : { learnedEmbedding: variant.learnedDim }),
  };
}

/** Runs the ablation. */
export async function embeddingAblation(
  config: TrainConfig,
  options: {
    variants: readonly EmbeddingVariant[];
    seeds: number;
    updates: number;
    episodes: number;
    evalSeed: number;
    out: string;
    onRun?: (variant: string, seed: number) => void;
  },
): Promise<VariantResult[]> {
  const results: VariantResult[] = [];
  for (const [v, variant] of options.variants.entries()) {
    const ratios: number[][] = [];
    for (let k = 0; k < options.seeds; k++) {
      options.onRun?.(variant.name, k);
      const arm = variantConfig(config, {
        variant,
        seed: config.seed + k,
        updates: options.updates,
      });
      const { policy } = await trainRun(arm, {
        out: `${options.out}/variant-${v}/seed-${k}`,
        evaluate: false,
      });
      const report = await evaluateScenario(resolveScenario(arm.evaluate), {
        policies: [policy],
        episodes: options.episodes,
        seed: options.evalSeed,
      });
      ratios.push([...report.results[0]!.perEpisode.makespanRatio]);
    }
    results.push({ variant, ratios });
  }
  return results;
}
