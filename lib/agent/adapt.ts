/**
 * Unseen task kinds, leave-one-kind-out: a policy pretrained on three kinds meets the fourth
 * in workloads with all four. Its zero-shot ratio, its fine-tuning curve to the first
 * evaluation within 5% of Max-Min's makespan, against training from scratch, per embedding;
 * and the measurements that say why a fine-tuning curve stays flat: what the new kind weighs
 * in the workload, how far the pretrained policy is from Max-Min with and without it, and the
 * fine-tuning variants (optimizer state, entropy bonus, learning rate, more of the new kind).
 *
 * @module
 */
import { drawInstance, makeEnv, resolveScenario, type Scenario } from "../experiment/mod.ts";
import { evaluateScenario } from "../experiment/mod.ts";
import { makeBaseline } from "../policies/mod.ts";
import { hashInts } from "../random/mod.ts";
import { TASK_KINDS, type TaskKind } from "../tasks/mod.ts";
import { loadTrainConfig, type TrainConfig } from "./config.ts";
import type { LearnedPolicy } from "./learned_policy.ts";
import { readLearningCurve, trainRun } from "./run.ts";
import { type CurveRow, meanMakespan, Trainer } from "./train.ts";

/** How a pretrained policy is fine-tuned on workloads with the new kind. */
export interface FineTuning {
  /** Label in tables and figures. */
  readonly name: string;
  /** Start Adam anew instead of restoring the pretraining's moments. */
  readonly freshOptimizer?: boolean;
  /** Constant learning rate (default: the config's). */
  readonly learningRate?: number;
  /** Entropy bonus (default: the config's). */
  readonly entropyCoef?: number;
  /** Copies of the new kind in the workload's kind list (default 1: uniform over the kinds). */
  readonly newKindWeight?: number;
}

/** The fine-tuning of notebook 06 before this study: constant learning rate, Adam restored. */
export const PLAIN_FINE_TUNING: FineTuning = { name: "constant lr, Adam restored" };

/** Held-out makespans of a policy as it trains. */
export interface AdaptationCurve {
  /** Updates at each evaluation (0 = before any). */
  readonly updates: readonly number[];
  /** Greedy held-out makespan (all four kinds) at each evaluation. */
  readonly makespan: readonly number[];
  /** Per update: the sampled training episodes' mean makespan. */
  readonly trainMakespan: readonly number[];
  /** Per update: the policy's mean entropy on its rollout. */
  readonly entropy: readonly number[];
  /** The first evaluated update within 5% of Max-Min's makespan, or null. */
  readonly updatesToWithin5: number | null;
}

/** One pretrained policy and its fine-tuning. */
export interface AdaptationRun {
  readonly withheld: TaskKind;
  readonly embedding: string;
  readonly seed: number;
  readonly fineTuning: string;
  /** Its folder (config, learning curve, checkpoint). */
  readonly pretrained: string;
  /** Greedy makespan / Max-Min's on held-out workloads without the new kind. */
  readonly ratioWithout: number;
  /** Greedy makespan / Max-Min's on held-out workloads with all four kinds (zero-shot). */
  readonly ratioWith: number;
  /** Mean entropy of the last 10 pretraining updates, and the last learning rate. */
  readonly pretrainEntropy: number;
  readonly pretrainFinalLearningRate: number;
  readonly curve: AdaptationCurve;
}

/** A policy trained from scratch on all four kinds with the pretraining's budget. */
export interface ScratchRun {
  readonly embedding: string;
  readonly seed: number;
  /** The first `adaptUpdates` of it, evaluated like the fine-tuning. */
  readonly curve: AdaptationCurve;
  /** Greedy makespan / Max-Min's after the whole budget: what pretraining on all kinds gives. */
  readonly finalRatio: number;
}

/** Options of the evaluations along a curve. */
export interface CurveOptions {
  /** Updates of fine-tuning (or of scratch training) evaluated. */
  adaptUpdates: number;
  /** Evaluate every this many updates. */
  evalEvery: number;
  /** Held-out episodes per evaluation. */
  evalEpisodes: number;
}

/** Options of {@linkcode leaveOneKindOut}. */
export interface LeaveOneKindOutOptions extends CurveOptions {
  /** The kinds to withhold, one at a time. */
  withheld: readonly TaskKind[];
  /** The registered embeddings to compare (e.g. "seed" and "character"). */
  embeddings: readonly string[];
  /** Training seeds (config.seed, config.seed + 1, ...). */
  seeds: number;
  /** Updates of pretraining, and of the from-scratch reference. */
  pretrainUpdates: number;
  /** How the pretrained policies are fine-tuned. */
  fineTuning: FineTuning;
  /** Folder of the pretrained runs. */
  out: string;
  /** Called before each training. */
  onRun?: (label: string) => void;
}

/** Everything the study measured. */
export interface LeaveOneKindOutResult {
  /** Max-Min's mean held-out makespan on the curves' episodes. */
  readonly maxMin: number;
  readonly runs: AdaptationRun[];
  readonly scratch: ScratchRun[];
}

/** The evaluation episodes of the curves: the same for every run. */
function evalSeeds(count: number): number[] {
  return Array.from({ length: count }, (_, e) => hashInts(0xada, e));
}

/** A config's scenarios with an embedding and, for training, a workload's kinds. */
function withEmbedding(
  config: TrainConfig,
  embedding: string,
  kinds: readonly TaskKind[] = TASK_KINDS,
): Pick<TrainConfig, "train" | "evaluate"> {
  return {
    train: {
      ...config.train,
      embedding,
      workload: { ...config.train.workload, kinds: [...kinds] },
    },
    evaluate: { ...config.evaluate, embedding },
  };
}

/** The held-out evaluation scenario with only `kinds`. */
function heldout(config: TrainConfig, embedding: string, kinds: readonly TaskKind[]): Scenario {
  const evaluate = config.evaluate as { workload: Record<string, unknown> };
  return resolveScenario({
    ...evaluate,
    embedding,
    workload: { ...evaluate.workload, kinds },
  });
}

/** Greedy makespan / Max-Min's, both averaged over the same episodes. */
function ratioToMaxMin(scenario: Scenario, policy: LearnedPolicy, episodes: number): number {
  const env = makeEnv(scenario), seeds = evalSeeds(episodes);
  return meanMakespan(env, policy, seeds) / meanMakespan(env, makeBaseline("max-min"), seeds);
}

/** Steps a trainer `adaptUpdates` times, evaluating every `evalEvery` updates. */
function trainCurve(
  trainer: Trainer,
  scenario: Scenario,
  maxMin: number,
  options: CurveOptions,
): AdaptationCurve {
  const env = makeEnv(scenario), seeds = evalSeeds(options.evalEpisodes);
  const updates: number[] = [], makespan: number[] = [], rows: CurveRow[] = [];
  for (let u = 0; u <= options.adaptUpdates; u++) {
    if (u % options.evalEvery === 0 || u === options.adaptUpdates) {
      updates.push(u);
      makespan.push(meanMakespan(env, trainer.policy(), seeds));
    }
    if (u < options.adaptUpdates) rows.push(trainer.step());
  }
  const curve = { updates, makespan };
  return {
    ...curve,
    trainMakespan: rows.map((r) => r.trainMakespan),
    entropy: rows.map((r) => r.entropy),
    updatesToWithin5: updatesToWithin(curve, 1.05 * maxMin),
  };
}

/**
 * The first evaluated update of a curve whose held-out makespan is at most `target`.
 *
 * @param curve evaluated updates and their held-out makespans
 * @param target seconds, e.g. 1.05 × a reference policy's makespan on the same episodes
 * @returns that update, or null when no evaluation reaches the target
 */
export function updatesToWithin(
  curve: Pick<AdaptationCurve, "updates" | "makespan">,
  target: number,
): number | null {
  const i = curve.makespan.findIndex((makespan) => makespan <= target);
  return i < 0 ? null : curve.updates[i]!;
}

/** Max-Min's mean makespan on the curves' held-out episodes (all four kinds). */
export function maxMinMakespan(config: TrainConfig, evalEpisodes: number): number {
  const env = makeEnv(heldout(config, "seed", TASK_KINDS));
  return meanMakespan(env, makeBaseline("max-min"), evalSeeds(evalEpisodes));
}

/**
 * Fine-tunes a pretrained run folder (its `config.json` says the embedding, seed and budget)
 * on workloads with every kind and measures it: its ratio to Max-Min with and without the new
 * kind, its pretraining's final entropy and learning rate, and its fine-tuning curve.
 */
export async function fineTune(
  dir: string,
  options: CurveOptions & { withheld: TaskKind; fineTuning: FineTuning; maxMin: number },
): Promise<AdaptationRun> {
  const { withheld, fineTuning } = options;
  const pretrained = await loadTrainConfig(`${dir}/config.json`);
  const embedding = resolveScenario(pretrained.train).config.embedding;
  const others = TASK_KINDS.filter((kind) => kind !== withheld);
  const weighted = [
    ...TASK_KINDS,
    ...Array.from({ length: (fineTuning.newKindWeight ?? 1) - 1 }, () => withheld),
  ];
  const config: TrainConfig = {
    ...pretrained,
    ...withEmbedding(pretrained, embedding, weighted),
    updates: pretrained.updates + options.adaptUpdates,
    annealLr: false,
    learningRate: fineTuning.learningRate ?? pretrained.learningRate,
    entropyCoef: fineTuning.entropyCoef ?? pretrained.entropyCoef,
  };
  const trainer = await Trainer.resume(`${dir}/checkpoint`, {
    config,
    freshOptimizer: fineTuning.freshOptimizer ?? false,
  });
  try {
    const policy = trainer.policy();
    const last = (await readLearningCurve(dir)).slice(-10);
    const all = heldout(pretrained, embedding, TASK_KINDS);
    return {
      withheld,
      embedding,
      seed: pretrained.seed,
      fineTuning: fineTuning.name,
      pretrained: dir,
      ratioWithout: ratioToMaxMin(
        heldout(pretrained, embedding, others),
        policy,
        options.evalEpisodes,
      ),
      ratioWith: ratioToMaxMin(all, policy, options.evalEpisodes),
      pretrainEntropy: last.reduce((s, r) => s + r.entropy, 0) / last.length,
      pretrainFinalLearningRate: last.at(-1)!.learningRate,
      curve: trainCurve(trainer, all, options.maxMin, options),
    };
  } finally {
    trainer.dispose();
  }
}

/**
 * Fine-tunes the same pretrained runs in several ways: why a fine-tuning curve stays flat,
 * variant by variant.
 */
export async function compareFineTunings(
  options: CurveOptions & {
    dirs: readonly string[];
    withheld: TaskKind;
    fineTunings: readonly FineTuning[];
    onRun?: (label: string) => void;
  },
): Promise<{ maxMin: number; runs: AdaptationRun[] }> {
  const config = await loadTrainConfig(`${options.dirs[0]}/config.json`);
  const maxMin = maxMinMakespan(config, options.evalEpisodes);
  const runs: AdaptationRun[] = [];
  for (const fineTuning of options.fineTunings) {
    for (const dir of options.dirs) {
      options.onRun?.(`${fineTuning.name}, ${dir}`);
      runs.push(await fineTune(dir, { ...options, fineTuning, maxMin }));
    }
  }
  return { maxMin, runs };
}

/** The pretraining config of a withheld kind: the other three, annealed over `updates`. */
export function pretrainConfig(
  config: TrainConfig,
  arm: { withheld: TaskKind; embedding: string; seed: number; updates: number },
): TrainConfig {
  const others = TASK_KINDS.filter((kind) => kind !== arm.withheld);
  return {
    ...config,
    name: `${config.name}-without-${arm.withheld}-${arm.embedding}`,
    seed: arm.seed,
    updates: arm.updates,
    evalEvery: 0,
    ...withEmbedding(config, arm.embedding, others),
  };
}

/**
 * Runs the study: for every embedding and seed, a from-scratch run on all four kinds (its
 * first updates are the scratch curve, its end the same-budget reference); for every withheld
 * kind, a pretraining without it, then the fine-tuning.
 */
export async function leaveOneKindOut(
  config: TrainConfig,
  options: LeaveOneKindOutOptions,
): Promise<LeaveOneKindOutResult> {
  const maxMin = maxMinMakespan(config, options.evalEpisodes);
  const runs: AdaptationRun[] = [], scratch: ScratchRun[] = [];
  for (const embedding of options.embeddings) {
    for (let k = 0; k < options.seeds; k++) {
      const seed = config.seed + k;
      options.onRun?.(`scratch ${embedding} seed ${k}`);
      const trainer = await Trainer.create({
        ...config,
        ...withEmbedding(config, embedding),
        seed,
        updates: options.pretrainUpdates,
        evalEvery: 0,
      });
      try {
        const all = heldout(config, embedding, TASK_KINDS);
        const curve = trainCurve(trainer, all, maxMin, options);
        while (trainer.update < options.pretrainUpdates) trainer.step();
        const finalRatio = ratioToMaxMin(all, trainer.policy(), options.evalEpisodes);
        scratch.push({ embedding, seed, curve, finalRatio });
      } finally {
        trainer.dispose();
      }
      for (const withheld of options.withheld) {
        options.onRun?.(`without ${withheld} ${embedding} seed ${k}`);
        const dir = `${options.out}/${withheld}-${embedding}/seed-${k}`;
        await trainRun(
          pretrainConfig(config, { withheld, embedding, seed, updates: options.pretrainUpdates }),
          { out: dir, evaluate: false },
        );
        runs.push(await fineTune(dir, { ...options, withheld, maxMin }));
      }
    }
  }
  return { maxMin, runs, scratch };
}

/** Zero-shot ratios to the optimum of one withheld kind and embedding, per seed, per episode. */
export interface ZeroShot {
  readonly kind: TaskKind;
  readonly embedding: string;
  readonly episodes: number;
  readonly seed: number;
  readonly ratios: number[][];
}

/**
 * The pretrained policies' makespan / optimum on held-out episodes with all four kinds
 * (`episodes` episodes of seed `seed`, as notebook 10 evaluates), one evaluation per
 * embedding.
 */
export async function zeroShotRatios(
  config: TrainConfig,
  runs: readonly AdaptationRun[],
  options: { episodes: number; seed: number; policy: (dir: string) => Promise<LearnedPolicy> },
): Promise<ZeroShot[]> {
  const out: ZeroShot[] = [];
  for (const [embedding, own] of Map.groupBy(runs, (run) => run.embedding)) {
    const policies = await Promise.all(own.map((run) => options.policy(run.pretrained)));
    const report = await evaluateScenario(heldout(config, embedding, TASK_KINDS), {
      policies,
      episodes: options.episodes,
      seed: options.seed,
    });
    for (
      const [kind, group] of Map.groupBy(own.map((run, i) => ({ run, i })), (x) => x.run.withheld)
    ) {
      out.push({
        kind,
        embedding,
        episodes: options.episodes,
        seed: options.seed,
        ratios: group.map(({ i }) => [...report.results[i]!.perEpisode.makespanRatio]),
      });
    }
  }
  return out;
}

/**
 * What each kind weighs in held-out workloads with all four: its share of the tasks and of
 * the work (each task's duration on its fastest node, summed).
 */
export function kindShares(
  config: TrainConfig,
  episodes: number,
): { kind: TaskKind; taskShare: number; workShare: number }[] {
  const scenario = heldout(config, "seed", TASK_KINDS);
  const tasks = new Map<TaskKind, number>(), work = new Map<TaskKind, number>();
  let totalTasks = 0, totalWork = 0;
  for (const seed of evalSeeds(episodes)) {
    const instance = drawInstance(scenario, seed), m = instance.nodeCount;
    instance.tasks!.forEach((task, j) => {
      const fastest = Math.min(...instance.expected.subarray(j * m, (j + 1) * m));
      tasks.set(task.kind, (tasks.get(task.kind) ?? 0) + 1);
      work.set(task.kind, (work.get(task.kind) ?? 0) + fastest);
      totalTasks++;
      totalWork += fastest;
    });
  }
  return TASK_KINDS.map((kind) => ({
    kind,
    taskShare: (tasks.get(kind) ?? 0) / totalTasks,
    workShare: (work.get(kind) ?? 0) / totalWork,
  }));
}
