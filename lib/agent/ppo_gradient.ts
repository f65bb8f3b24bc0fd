/**
 * What every hand-written PPO gradient shares (lib/agent/mlp_gradient.ts for the MLP scorer,
 * lib/agent/attention_gradient.ts for the attention allocator): the gradient of ppo.ts's
 * `ppoLoss` with respect to one decision's scores and value, the minibatch's loss terms, and
 * the interface the array learner drives. With s the allowed slots' scores, p their softmax,
 * a the chosen slot, r = π(a)/π_old(a), H the entropy and B the minibatch size:
 *
 *   ∂L/∂s_c = (g_r r / B)([c = a] − p_c) + (c_H / B) p_c (log p_c + H),
 *     g_r = −A where max(−A r, −A clip(r, 1 ± ε)) takes its first term, else 0;
 *   ∂L/∂V   = (c_V / B)(V − R) where the clipped value loss takes its unclipped term, else 0,
 *
 * which are TensorFlow.js's gradients of `ppoLoss` (ties go to the first operand of maximum;
 * masked slots have probability 0 and take no gradient).
 *
 * @module
 */
import type { TrainConfig } from "./config.ts";
import type { FlatLayout } from "./flat.ts";
import type { DecisionBatch } from "./networks.ts";
import type { MinibatchReport } from "./ppo.ts";

/** Per-decision training targets of a minibatch, indexed like the rollout. */
export interface DecisionTargets {
  /** Chosen slot. */
  readonly action: Int32Array;
  /** Log-probability of the chosen slot at collection. */
  readonly oldLogProbability: Float32Array;
  /** Value at collection. */
  readonly oldValue: Float32Array;
  /** Value target. */
  readonly returns: Float32Array;
}

/** One minibatch as an engine's `minibatch` reads it. */
export interface MinibatchTargets {
  /** Rollout indices of its decisions. */
  readonly indices: ArrayLike<number>;
  /** Advantages per minibatch position, already normalised if wanted. */
  readonly advantages: Float32Array;
  /** Targets, indexed like the rollout. */
  readonly targets: DecisionTargets;
  /** The loss's coefficients. */
  readonly config: Pick<TrainConfig, "clip" | "clipValueLoss" | "entropyCoef" | "valueCoef">;
}

/** A minibatch's loss terms, averaged over its decisions. */
export type LossReport = Omit<MinibatchReport, "gradientNorm">;

/**
 * A hand-written PPO gradient over one flat parameter vector (Float32Array parameters, a
 * Float64Array gradient in {@linkcode FlatLayout} order), as the array learner drives it.
 */
export interface FlatGradient<I> {
  /** The flat layout. */
  readonly layout: FlatLayout;
  /** Gradient of the last minibatch, flat. */
  readonly gradient: Float64Array;
  /** A rollout's inputs in the form the engine reads, built once per update. */
  inputs(batch: DecisionBatch): I;
  /** The critic's values of every decision of `inputs`, written into `out`. */
  values(params: Float32Array, inputs: I, out: Float32Array): void;
  /** Zeroes the gradient, then accumulates the PPO loss's gradient over a minibatch. */
  minibatch(params: Float32Array, inputs: I, batch: MinibatchTargets): LossReport;
}

/**
 * The loss of a minibatch, one decision at a time: its terms summed, and each decision's
 * ∂L/∂V and ∂L/∂s (see the module's formulas).
 */
export class PpoLossGradient {
  #batch: MinibatchTargets | undefined;
  #policy = 0;
  #value = 0;
  #entropy = 0;
  #approxKl = 0;
  #clipFraction = 0;
  /** The probabilities of the decision at hand's slots. */
  #probability = new Float64Array(0);

  /** Starts a minibatch: the sums restart at 0. */
  begin(batch: MinibatchTargets): void {
    this.#batch = batch;
    this.#policy =
      this.#value =
      this.#entropy =
      this.#approxKl =
      this.#clipFraction =
        0;
  }

  /** Adds the value loss of minibatch position k's decision, of value v; returns ∂L/∂V. */
  value(k: number, v: number): number {
    const { indices, targets, config } = this.#batch!;
    const i = indices[k]!, clip = config.clip, b = indices.length;
    const oldV = targets.oldValue[i]!, ret = targets.returns[i]!;
    const unclipped = (v - ret) * (v - ret);
    // max(a, b) passes the gradient to a on ties; clip passes it inside [-ε, ε] only.
    let error = unclipped, dv = v - ret;
    if (config.clipValueLoss) {
      const c = oldV + Math.min(clip, Math.max(-clip, v - oldV)) - ret;
      if (unclipped < c * c) {
        error = c * c;
        dv = Math.abs(v - oldV) <= clip ? c : 0;
      }
    }
    this.#value += 0.5 * error;
    return config.valueCoef * dv / b;
  }

  /**
   * Adds the policy loss and entropy of minibatch position k's decision, whose allowed slots'
   * scores are `scores[0, count)` and whose chosen slot is the `chosen`-th of them (-1: the
   * action is not an allowed slot, a RangeError); replaces the scores by ∂L/∂s.
   */
  policy(k: number, scores: Float64Array, count: number, chosen: number): void {
    const { indices, targets, advantages, config } = this.#batch!;
    const i = indices[k]!, clip = config.clip, b = indices.length;
    if (!(chosen >= 0 && chosen < count)) {
      throw new RangeError(
        `Expected decision ${i}'s action ${targets.action[i]} to be one of its allowed slots`,
      );
    }
    let max = -Infinity;
    for (let s = 0; s < count; s++) if (scores[s]! > max) max = scores[s]!;
    let total = 0;
    for (let s = 0; s < count; s++) total += Math.exp(scores[s]! - max);
    const logTotal = max + Math.log(total);
    let entropy = 0;
    const probability = this.#probability.length >= count
      ? this.#probability
      : (this.#probability = new Float64Array(count));
    for (let s = 0; s < count; s++) {
      const logp = scores[s]! - logTotal, p = Math.exp(logp);
      scores[s] = logp;
      probability[s] = p;
      entropy -= p * logp;
    }
    const logRatio = scores[chosen]! - targets.oldLogProbability[i]!;
    const ratio = Math.exp(logRatio), a = advantages[k]!;
    const clipped = Math.min(1 + clip, Math.max(1 - clip, ratio));
    const unclippedLoss = -a * ratio, clippedLoss = -a * clipped;
    const takesFirst = unclippedLoss >= clippedLoss;
    this.#policy += takesFirst ? unclippedLoss : clippedLoss;
    this.#entropy += entropy;
    this.#approxKl += ratio - 1 - logRatio;
    if (Math.abs(ratio - 1) > clip) this.#clipFraction++;
    const passes = takesFirst || Math.abs(ratio - 1) <= clip;
    const policyScale = passes ? -a * ratio / b : 0, entropyScale = config.entropyCoef / b;
    // ∂L/∂s_c, in place of the log-probabilities.
    for (let s = 0; s < count; s++) {
      const logp = scores[s]!, p = probability[s]!;
      scores[s] = policyScale * ((s === chosen ? 1 : 0) - p) +
        entropyScale * p * (logp + entropy);
    }
  }

  /** The minibatch's terms, averaged over its decisions. */
  report(): LossReport {
    const b = this.#batch!.indices.length;
    return {
      policy: this.#policy / b,
      value: this.#value / b,
      entropy: this.#entropy / b,
      approxKl: this.#approxKl / b,
      clipFraction: this.#clipFraction / b,
    };
  }
}
