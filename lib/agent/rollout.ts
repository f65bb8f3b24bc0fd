/**
 * Experience collection: several environments stepped in lockstep, each playing complete
 * episodes, the learned policy sampling through its fast path. Episodes never straddle an
 * update, so nothing needs bootstrapping and a run can resume exactly from any update.
 *
 * @module
 */
import { quickMakespanBound } from "../bounds/mod.ts";
import type { Decision, SchedulingEnv } from "../env/mod.ts";
import { type Objective, stepCost } from "../experiment/mod.ts";
import type { Rng } from "../random/mod.ts";
import type { AgentShape, DecisionBatch } from "./networks.ts";
import { CONTEXT_SIZE, nodeTokenSize, writeContext, writeNodeTokens } from "./tokens.ts";

/** What acts during collection: a slot drawn for a decision, with its log-probability. */
export interface Actor {
  /** A slot (the window's length = idle) and its log-probability under the actor. */
  sampleSlot(decision: Decision, rng: Rng): { slot: number; logProbability: number };
  /** The energy weight w it acts for, set per episode (a conditioned policy reads it). */
  preference?: number;
}

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
  /** A teacher's slot per step, when collected with a labeller (imitation). */
  readonly labels?: Int32Array | undefined;
}

/** How rewards are shaped. */
export interface RewardOptions {
  /**
   * "elapsed": minus the time between decisions; "final": minus the makespan at the end;
   * "relative": minus the time between decisions over the episode's {@linkcode
   * quickMakespanBound} (expected durations: a training signal the policy never sees), so that
   * an episode's return is minus its makespan over that bound; "objective": minus the
   * objective's cost of each step (and its fairness term at the end).
   */
  readonly reward: "elapsed" | "final" | "relative" | "objective";
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
    const offset = this.row(index); // may replace this.data
    this.data.set(values, offset);
  }
  /** Makes room for row `index` and returns its offset. */
  row(index: number): number {
    if ((index + 1) * this.width > this.data.length) {
      const bigger = new Float32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    return index * this.width;
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
 * @param options shape, episode seeds, action-sampling generator, reward shaping, and an
 *   optional labeller whose slot for every decision is recorded (a teacher, for imitation)
 */
export function collectRollout(
  envs: readonly SchedulingEnv[],
  policy: Actor,
  options: RewardOptions & {
    shape: AgentShape;
    episodesPerEnv: number;
    episodeSeed: (env: number, episode: number) => number;
    rng: Rng;
    label?: (decision: Decision) => number;
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
  const next: number[] = [], labels: number[] = [], preference: number[] = [];
  const mask = new Growable(slots);
  // The attention allocator's inputs (the environments have shape.nodeCount nodes).
  const tokens = shape.attention
    ? {
      nodes: new Growable(shape.nodeCount * nodeTokenSize(shape.nodeStateSize)),
      context: new Growable(CONTEXT_SIZE),
    }
    : undefined;
  const makespans: number[] = [], energies: number[] = [], returns: number[] = [];
  let steps = 0;
  // Seconds per unit of reward of the episode an environment is in.
  const scaleOf = (env: SchedulingEnv) => {
    if (options.reward !== "relative") return options.rewardScale;
    const bound = quickMakespanBound(env.instance);
    if (!(bound > 0)) {
      throw new RangeError(
        `reward "relative" needs a positive makespan bound but instance ${env.instance.name} has ${bound}`,
      );
    }
    return bound;
  };
  const live = envs.map((env, e) => {
    const decision = env.reset({ seed: options.episodeSeed(e, 0) });
    return {
      decision,
      episode: 0,
      previous: -1,
      total: 0,
      weight: drawWeight(),
      scale: scaleOf(env),
    };
  });
  let active = envs.length;
  while (active > 0) {
    envs.forEach((env, e) => {
      const run = live[e]!;
      if (run.episode >= options.episodesPerEnv) return;
      const decision = run.decision;
      if (options.label) labels.push(options.label(decision));
      policy.preference = run.weight;
      const { slot, logProbability } = policy.sampleSlot(decision, rng);
      const index = steps++;
      // The decision is a live view: record it before stepping.
      state.push(decision.state, index);
      features.push(decision.features, index);
      mask.push(decision.mask, index);
      if (tokens) {
        const nodeRow = tokens.nodes.row(index), contextRow = tokens.context.row(index);
        writeNodeTokens(decision, tokens.nodes.data, nodeRow);
        writeContext(decision, tokens.context.data, contextRow);
      }
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
        scaled = options.reward === "final" ? 0 : result.reward;
        if (result.info && options.reward === "final") scaled = -result.info.makespan;
        scaled /= run.scale;
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
          run.scale = scaleOf(env);
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
    nodeTokens: tokens?.nodes.take(steps),
    context: tokens?.context.take(steps),
    action: Int32Array.from(action),
    logProbability: Float32Array.from(logp),
    reward: Float32Array.from(reward),
    next: Int32Array.from(next),
    preference: Float32Array.from(preference),
    makespans,
    energies,
    returns,
    labels: options.label ? Int32Array.from(labels) : undefined,
  };
}
