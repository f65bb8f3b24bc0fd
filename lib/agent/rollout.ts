/**
 * Experience collection: several environments stepped in lockstep, each playing complete
 * episodes, the learned policy sampling through its fast path. Episodes never straddle an
 * update, so nothing needs bootstrapping and a run can resume exactly from any update.
 *
 * @module
 */
import type { SchedulingEnv } from "../env/mod.ts";
import { type Objective, stepCost } from "../experiment/mod.ts";
import type { Rng } from "../random/mod.ts";
import type { LearnedPolicy } from "./learned_policy.ts";
import type { AgentShape, DecisionBatch } from "./networks.ts";

/** One update's experience; step i's arrays are at [i * width, (i + 1) * width). */
export interface Rollout extends DecisionBatch {
  /** Chosen slot (window = idle), [steps]. */
  readonly action: Int32Array;
  /** Log-probability of the chosen slot under the acting policy, [steps]. */
  readonly logProbability: Float32Array;
  /** Scaled reward, [steps]. */
  readonly reward: Float32Array;
  /** Index of the episode's next step, or -1 after its last, [steps]. */
  readonly next: Int32Array;
  /** Energy weight w of each step's episode, [steps]. */
  readonly preference: Float32Array;
  /** Makespan of every finished episode, seconds. */
  readonly makespans: number[];
  /** Energy of every finished episode, joules (NaN without a power model). */
  readonly energies: number[];
  /** Undiscounted scaled return of every finished episode. */
  readonly returns: number[];
}

/** How rewards are shaped. */
export interface RewardOptions {
  /**
   * "elapsed": minus the time between decisions; "final": minus the makespan at the end;
   * "objective": minus the objective's cost of each step (and its fairness term at the end).
   */
  readonly reward: "elapsed" | "final" | "objective";
  /** Seconds per unit of reward ("elapsed" and "final"). */
  readonly rewardScale: number;
  /** The objective of "objective" rewards. */
  readonly objective?: Objective | undefined;
  /** Energy weights to draw each episode's w from, uniformly; default the objective's. */
  readonly weights?: readonly [number, number] | undefined;
}

class Growable {
  data: Float32Array;
  constructor(readonly width: number) {
    this.data = new Float32Array(1024 * width);
  }
  push(values: ArrayLike<number>, index: number): void {
    if ((index + 1) * this.width > this.data.length) {
      const bigger = new Float32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data.set(values, index * this.width);
  }
  take(count: number): Float32Array {
    return this.data.slice(0, count * this.width);
  }
}

/**
 * Plays `episodesPerEnv` complete episodes in each environment.
 *
 * @param envs the environments (their window and embedding match `shape`)
 * @param policy the acting policy
 * @param options shape, episode seeds, action-sampling generator, reward shaping
 */
export function collectRollout(
  envs: readonly SchedulingEnv[],
  policy: LearnedPolicy,
  options: RewardOptions & {
    shape: AgentShape;
    episodesPerEnv: number;
    episodeSeed: (env: number, episode: number) => number;
    rng: Rng;
    /** Draws the episodes' energy weights (with `weights`). */
    weightRng?: Rng;
  },
): Rollout {
  const { shape, rng } = options;
  const objective = options.objective;
  if (options.reward === "objective" && !objective) {
    throw new TypeError('reward "objective" needs the objective');
  }
  const drawWeight = () => {
    const range = options.weights;
    if (!range) return objective?.energyWeight ?? 0;
    if (!options.weightRng) throw new TypeError("drawing energy weights needs weightRng");
    return options.weightRng.uniform(range[0], range[1]);
  };
  const slots = shape.window + 1;
  const state = new Growable(shape.nodeCount * shape.nodeStateSize);
  const features = new Growable(shape.window * shape.embeddingDim);
  const node: number[] = [], action: number[] = [], logp: number[] = [], reward: number[] = [];
  const next: number[] = [], preference: number[] = [];
  const mask = new Growable(slots);
  const makespans: number[] = [], energies: number[] = [], returns: number[] = [];
  let steps = 0;
  const live = envs.map((env, e) => ({
    decision: env.reset({ seed: options.episodeSeed(e, 0) }),
    episode: 0,
    previous: -1,
    total: 0,
    weight: drawWeight(),
  }));
  let active = envs.length;
  while (active > 0) {
    envs.forEach((env, e) => {
      const run = live[e]!;
      if (run.episode >= options.episodesPerEnv) return;
      const decision = run.decision;
      policy.preference = run.weight;
      const { slot, logProbability } = policy.sampleSlot(decision, rng);
      const index = steps++;
      // The decision is a live view: record it before stepping.
      state.push(decision.state, index);
      features.push(decision.features, index);
      mask.push(decision.mask, index);
      node.push(decision.node);
      preference.push(run.weight);
      action.push(slot);
      logp.push(logProbability);
      next.push(-1);
      if (run.previous >= 0) next[run.previous] = index;
      const result = env.step(slot === shape.window ? -1 : slot);
      let scaled: number;
      if (options.reward === "objective") {
        const weighted = { ...objective!, energyWeight: run.weight };
        scaled = -stepCost(weighted, -result.reward, result.energy);
        if (result.info && weighted.fairnessWeight > 0) {
          scaled -= weighted.fairnessWeight * (1 - result.info.jain);
        }
      } else {
        scaled = options.reward === "elapsed" ? result.reward : 0;
        if (result.info && options.reward === "final") scaled = -result.info.makespan;
        scaled /= options.rewardScale;
      }
      reward.push(scaled);
      run.total += scaled;
      run.previous = index;
      if (result.info) {
        makespans.push(result.info.makespan);
        energies.push(result.info.energy);
        returns.push(run.total);
        run.total = 0;
        run.previous = -1;
        run.episode++;
        if (run.episode < options.episodesPerEnv) {
          run.decision = env.reset({ seed: options.episodeSeed(e, run.episode) });
          run.weight = drawWeight();
        } else {
          active--;
        }
      } else {
        run.decision = result.observation;
      }
    });
  }
  return {
    size: steps,
    node: Int32Array.from(node),
    state: state.take(steps),
    features: features.take(steps),
    mask: Uint8Array.from(mask.take(steps)),
    action: Int32Array.from(action),
    logProbability: Float32Array.from(logp),
    reward: Float32Array.from(reward),
    next: Int32Array.from(next),
    preference: Float32Array.from(preference),
    makespans,
    energies,
    returns,
  };
}
