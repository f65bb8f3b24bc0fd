/**
 * Training for the makespan-energy front: per seed, one preference-conditioned policy
 * fine-tuned from that seed's makespan policy over a range of energy weights, and policies
 * fine-tuned at fixed weights for comparison (weight 0 is the makespan policy itself, whose
 * objective it is). The study that evaluates them is lib/experiment/energy_study.ts.
 *
 * @module
 */
import type { TrainConfig } from "./config.ts";
import { checkpointFolder, loadCheckpoint } from "./checkpoint.ts";
import { LearnedPolicy } from "./learned_policy.ts";
import { trainRun } from "./run.ts";

/** Options of {@linkcode trainEnergyFront}. */
export interface EnergyFrontTraining {
  /** Training seeds: config.seed, config.seed + 1, ... */
  seeds: number;
  /** Updates of each conditioned run. */
  updates: number;
  /** Fixed weights to compare with (0: the makespan policy as it is). */
  fixedWeights: readonly number[];
  /** Updates of each fixed-weight run. */
  fixedUpdates: number;
  /** Folder of the makespan policies, one `seed-K/` run folder per seed. */
  initFrom: string;
  /** Run folders go to `out/conditioned/seed-K/` and `out/fixed-w<weight>/seed-K/`. */
  out: string;
  /** Reuse a run folder whose checkpoint already has its updates (default true). */
  reuse?: boolean;
}

async function finished(dir: string, updates: number): Promise<LearnedPolicy | undefined> {
  try {
    const checkpoint = await loadCheckpoint(await checkpointFolder(dir));
    if (checkpoint.update !== updates) return undefined;
    return new LearnedPolicy(checkpoint.shape, checkpoint.parameters);
  } catch {
    return undefined;
  }
}

async function train(config: TrainConfig, out: string, reuse: boolean): Promise<LearnedPolicy> {
  const done = reuse ? await finished(out, config.updates) : undefined;
  if (done) return done;
  return (await trainRun(config, { out, evaluate: false })).policy;
}

/**
 * Trains the conditioned and the fixed-weight policies of every seed.
 *
 * @param config a config with reward "objective" and a `preference` range
 * @param options seeds, budgets, fixed weights, where the makespan policies are, output folder
 * @returns per seed the conditioned policy; per fixed weight, its policy per seed
 */
export async function trainEnergyFront(
  config: TrainConfig,
  options: EnergyFrontTraining,
): Promise<{
  conditioned: LearnedPolicy[];
  fixed: { weight: number; policies: LearnedPolicy[] }[];
}> {
  if (!config.preference || config.reward !== "objective") {
    throw new TypeError('trainEnergyFront needs a config with reward "objective" and preference');
  }
  const reuse = options.reuse ?? true;
  const conditioned: LearnedPolicy[] = [];
  const fixed = options.fixedWeights.map((weight) => ({ weight, policies: [] as LearnedPolicy[] }));
  for (let k = 0; k < options.seeds; k++) {
    const initFrom = `${options.initFrom}/seed-${k}`;
    const seed = config.seed + k;
    conditioned.push(
      await train(
        { ...config, seed, updates: options.updates, initFrom },
        `${options.out}/conditioned/seed-${k}`,
        reuse,
      ),
    );
    for (const entry of fixed) {
      if (entry.weight === 0) {
        const checkpoint = await loadCheckpoint(await checkpointFolder(initFrom));
        entry.policies.push(new LearnedPolicy(checkpoint.shape, checkpoint.parameters));
        continue;
      }
      const { preference: _, ...rest } = config;
      entry.policies.push(
        await train(
          {
            ...rest,
            seed,
            updates: options.fixedUpdates,
            initFrom,
            train: {
              ...config.train,
              objective: { ...config.train.objective, energyWeight: entry.weight },
            },
          },
          `${options.out}/fixed-w${entry.weight}/seed-${k}`,
          reuse,
        ),
      );
    }
  }
  return { conditioned, fixed };
}
