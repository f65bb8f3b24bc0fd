/**
 * Few-shot adaptation: a policy pretrained without one task kind meets it. Fine-tuning the
 * pretrained policy is compared with training from scratch, update by update, on held-out
 * episodes that include the new kind, and with the cost a profile-based scheduler pays
 * before it can place the new kind at all: running it on every node.
 *
 * @module
 */
import { SEED_CLUSTER } from "../cluster/mod.ts";
import { DurationModel, SEED_CALIBRATION } from "../duration/mod.ts";
import { makeEnv, resolveScenario } from "../experiment/mod.ts";
import { hashInts } from "../random/mod.ts";
import { KIND_SPECS, TASK_KINDS, type TaskKind } from "../tasks/mod.ts";
import type { TrainConfig } from "./config.ts";
import { trainRun } from "./run.ts";
import { meanMakespan, Trainer } from "./train.ts";

/** One seed's adaptation curves: held-out makespan after each number of updates. */
export interface AdaptationCurves {
  /** Updates on the new workload at each evaluation (0 = before any). */
  readonly updates: readonly number[];
  /** The pretrained policy, fine-tuned. */
  readonly fineTuned: readonly number[];
  /** A policy trained from scratch on the new workload. */
  readonly scratch: readonly number[];
}

/** Options of {@linkcode adaptationStudy}. */
export interface AdaptationOptions {
  /** The kind left out of pretraining. */
  withheld: TaskKind;
  /** Updates of pretraining (without the kind). */
  pretrainUpdates: number;
  /** Updates of fine-tuning, and of training from scratch. */
  adaptUpdates: number;
  /** Evaluate every this many updates. */
  evalEvery: number;
  /** Held-out episodes per evaluation. */
  evalEpisodes: number;
  /** Training seeds (config.seed, config.seed + 1, ...). */
  seeds: number;
  /** Folder for the pretrained runs. */
  out: string;
  /** Called after each seed. */
  onSeed?: (done: number, total: number) => void;
}

/**
 * The node-seconds a profile-based scheduler spends profiling a new kind before it can
 * schedule it: `points` parameter values across the kind's range, once on every node of the
 * seed's cluster (expected durations of the seed's calibration).
 */
export function profilingCost(kind: TaskKind, points = 20): number {
  const model = new DurationModel(SEED_CALIBRATION, SEED_CLUSTER.nodes, { noise: 0 });
  const { min, max } = KIND_SPECS[kind];
  let total = 0;
  for (let i = 0; i < points; i++) {
    const parameter = min + ((max - min) * i) / (points - 1);
    for (let node = 0; node < SEED_CLUSTER.nodes.length; node++) {
      total += model.mean(kind, parameter, node);
    }
  }
  return total;
}

/** Runs the study; returns one set of curves per seed. */
export async function adaptationStudy(
  config: TrainConfig,
  options: AdaptationOptions,
): Promise<AdaptationCurves[]> {
  const others = TASK_KINDS.filter((kind) => kind !== options.withheld);
  const evalEnv = makeEnv(resolveScenario(config.evaluate));
  const curves: AdaptationCurves[] = [];
  for (let k = 0; k < options.seeds; k++) {
    const seed = config.seed + k;
    const evalSeeds = Array.from(
      { length: options.evalEpisodes },
      (_, e) => hashInts(seed, 0xada, e),
    );
    const pretrain: TrainConfig = {
      ...config,
      seed,
      updates: options.pretrainUpdates,
      evalEvery: 0,
      train: { ...config.train, workload: { ...config.train.workload, kinds: others } },
    };
    const dir = `${options.out}/seed-${k}`;
    await trainRun(pretrain, { out: dir, evaluate: false });
    // Fine-tuning and training from scratch: same workload, same constant learning rate.
    const adapt: TrainConfig = { ...config, seed, annealLr: false, evalEvery: 0 };
    const fineTune = await Trainer.resume(`${dir}/checkpoint`, {
      config: { ...adapt, updates: options.pretrainUpdates + options.adaptUpdates },
    });
    const scratch = await Trainer.create({ ...adapt, updates: options.adaptUpdates });
    const updates: number[] = [], fineTuned: number[] = [], fromScratch: number[] = [];
    for (let u = 0; u <= options.adaptUpdates; u++) {
      if (u % options.evalEvery === 0 || u === options.adaptUpdates) {
        updates.push(u);
        fineTuned.push(meanMakespan(evalEnv, fineTune.policy(), evalSeeds));
        fromScratch.push(meanMakespan(evalEnv, scratch.policy(), evalSeeds));
      }
      if (u < options.adaptUpdates) {
        fineTune.step();
        scratch.step();
      }
    }
    fineTune.dispose();
    scratch.dispose();
    curves.push({ updates, fineTuned, scratch: fromScratch });
    options.onSeed?.(k + 1, options.seeds);
  }
  return curves;
}
