/**
 * Proximal Policy Optimization (Schulman et al. 2017) with the details that make it work
 * (Huang et al., "The 37 implementation details of PPO", 2022): GAE(λ), per-minibatch
 * advantage normalisation, the clipped surrogate, a clipped value loss, an entropy bonus,
 * global gradient-norm clipping (the optimizer, Adam with ε = 1e-5 and an annealed learning
 * rate, is in adam.ts).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../random/mod.ts";
import type { Adam } from "./adam.ts";
import type { TrainConfig } from "./config.ts";
import type { AgentNetworks, DecisionBatch } from "./networks.ts";
import type { Rollout } from "./rollout.ts";

/**
 * Generalised advantage estimation over complete episodes:
 *   δ_t = r_t + γ V(s_{t+1}) − V(s_t),  A_t = δ_t + γλ A_{t+1},  with V = A = 0 after the end;
 *   returns R_t = A_t + V(s_t) are the value targets.
 *
 * @param reward rewards per step
 * @param value value estimates per step
 * @param next index of each step's successor in its episode, -1 after the last (> own index)
 * @param options γ and λ
 */
export function generalisedAdvantages(
  reward: Float32Array,
  value: Float32Array,
  next: Int32Array,
  options: { gamma: number; lambda: number },
): { advantages: Float32Array; returns: Float32Array } {
  const n = reward.length;
  const advantages = new Float32Array(n), returns = new Float32Array(n);
  for (let t = n - 1; t >= 0; t--) {
    const successor = next[t]!;
    const nextValue = successor < 0 ? 0 : value[successor]!;
    const nextAdvantage = successor < 0 ? 0 : advantages[successor]!;
    const delta = reward[t]! + options.gamma * nextValue - value[t]!;
    advantages[t] = delta + options.gamma * options.lambda * nextAdvantage;
    returns[t] = advantages[t]! + value[t]!;
  }
  return { advantages, returns };
}

/** What one update did, averaged over its minibatches (CleanRL's logged diagnostics). */
export interface UpdateDiagnostics {
  /** Clipped surrogate loss. */
  readonly policyLoss: number;
  /** Value loss (0.5 * squared error, clipped). */
  readonly valueLoss: number;
  /** Mean entropy of the policy. */
  readonly entropy: number;
  /** Approximate KL divergence, mean of (r - 1) - log r. */
  readonly approxKl: number;
  /** Fraction of samples whose ratio left [1 - clip, 1 + clip]. */
  readonly clipFraction: number;
  /** 1 - Var(returns - values) / Var(returns), on the batch before the update. */
  readonly explainedVariance: number;
  /** Global gradient norm before clipping. */
  readonly gradientNorm: number;
}

/** The PPO loss terms of one minibatch. */
export interface LossInputs {
  /** Scores of every slot, [B, S], masked slots very negative. */
  readonly scores: tf.Tensor2D;
  /** Values, [B]. */
  readonly values: tf.Tensor1D;
  /** Chosen slots, [B]. */
  readonly actions: Int32Array;
  /** Log-probabilities under the acting policy, [B]. */
  readonly oldLogProbabilities: Float32Array;
  /** Advantages (already normalised if wanted), [B]. */
  readonly advantages: Float32Array;
  /** Value targets, [B]. */
  readonly returns: Float32Array;
  /** Values at collection, [B]. */
  readonly oldValues: Float32Array;
}

/** The loss tensors of {@linkcode ppoLoss}. */
export interface LossTerms {
  readonly total: tf.Scalar;
  readonly policy: tf.Scalar;
  readonly value: tf.Scalar;
  readonly entropy: tf.Scalar;
  readonly approxKl: tf.Scalar;
  readonly clipFraction: tf.Scalar;
}

/**
 * The PPO objective on a minibatch (call inside a tidy or gradient scope):
 *   policy  = mean(max(-A r, -A clip(r, 1 - ε, 1 + ε))),  r = π(a|s) / π_old(a|s)
 *   value   = 0.5 mean(max((V - R)², (V_old + clip(V - V_old, -ε, ε) - R)²))  (or unclipped)
 *   total   = policy - c_H entropy + c_V value
 */
export function ppoLoss(
  inputs: LossInputs,
  options: Pick<TrainConfig, "clip" | "clipValueLoss" | "entropyCoef" | "valueCoef">,
): LossTerms {
  const { scores, values } = inputs;
  const slots = scores.shape[1];
  const logProbabilities = tf.logSoftmax(scores);
  const chosen = tf.oneHot(tf.tensor1d(inputs.actions, "int32"), slots).toFloat();
  const logProbability = logProbabilities.mul(chosen).sum(1);
  const logRatio = logProbability.sub(tf.tensor1d(inputs.oldLogProbabilities));
  const ratio = logRatio.exp();
  const advantages = tf.tensor1d(inputs.advantages);
  const clip = options.clip;
  const policy = tf.maximum(
    advantages.neg().mul(ratio),
    advantages.neg().mul(ratio.clipByValue(1 - clip, 1 + clip)),
  ).mean() as tf.Scalar;
  const returns = tf.tensor1d(inputs.returns);
  const unclipped = values.sub(returns).square();
  let valueError: tf.Tensor = unclipped;
  if (options.clipValueLoss) {
    const oldValues = tf.tensor1d(inputs.oldValues);
    const clipped = oldValues.add(values.sub(oldValues).clipByValue(-clip, clip)).sub(returns)
      .square();
    valueError = tf.maximum(unclipped, clipped);
  }
  const value = valueError.mean().mul(0.5) as tf.Scalar;
  // Masked slots have probability exp(-1e9) = 0 and contribute 0 * (-1e9) = 0.
  const entropy = logProbabilities.exp().mul(logProbabilities).sum(1).neg().mean() as tf.Scalar;
  const total = policy.sub(entropy.mul(options.entropyCoef)).add(
    value.mul(options.valueCoef),
  ) as tf.Scalar;
  return {
    total,
    policy,
    value,
    entropy,
    approxKl: ratio.sub(1).sub(logRatio).mean() as tf.Scalar,
    clipFraction: ratio.sub(1).abs().greater(clip).toFloat().mean() as tf.Scalar,
  };
}

/** Rows `indices` of a per-step array of `steps` rows. */
export function selectRows<T extends Float32Array | Uint8Array | Int32Array>(
  source: T,
  steps: number,
  indices: ArrayLike<number>,
): T {
  const width = source.length / steps;
  const out = new (source.constructor as new (length: number) => T)(indices.length * width);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    out.set(source.subarray(i * width, (i + 1) * width), k * width);
  }
  return out;
}

/** The decisions `indices` of a batch. */
export function gather(rollout: DecisionBatch, indices: ArrayLike<number>): DecisionBatch {
  const n = rollout.size;
  return {
    size: indices.length,
    node: Int32Array.from(indices, (i) => rollout.node[i]!),
    state: selectRows(rollout.state, n, indices),
    features: selectRows(rollout.features, n, indices),
    mask: selectRows(rollout.mask, n, indices),
    nodeTokens: rollout.nodeTokens && selectRows(rollout.nodeTokens, n, indices),
    context: rollout.context && selectRows(rollout.context, n, indices),
    preference: rollout.preference && selectRows(rollout.preference, n, indices),
  };
}

function pick(source: Float32Array, indices: ArrayLike<number>): Float32Array {
  return Float32Array.from({ length: indices.length }, (_, k) => source[indices[k]!]!);
}

/** Advantages normalised to mean 0 and (sample) standard deviation 1. */
export function normalise(values: Float32Array): Float32Array {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, n - 1));
  return values.map((v) => (v - mean) / (std + 1e-8));
}

/** Values of every step of a rollout by the critic, batched. */
export function rolloutValues(networks: AgentNetworks, rollout: Rollout): Float32Array {
  return tf.tidy(() => networks.values(rollout).dataSync() as Float32Array);
}

/**
 * One gradient step: the loss's gradients, clipped to a global norm, applied by the optimizer.
 *
 * @param variables what is trained
 * @param optimizer the optimizer
 * @param maxGradNorm the global norm clip
 * @param loss the scalar to minimise and the diagnostics to report (built inside the step)
 * @returns the diagnostics' values, then the gradient norm before clipping
 */
export function clippedStep(
  variables: readonly tf.Variable[],
  optimizer: Adam,
  maxGradNorm: number,
  loss: () => { total: tf.Scalar; terms: tf.Scalar[] },
): number[] {
  return tf.tidy(() => {
    let diagnostics: tf.Scalar[] = [];
    const { grads } = tf.variableGrads(() => {
      const { total, terms } = loss();
      // variableGrads frees everything but the loss: keep the diagnostics, freed below.
      diagnostics = terms.map(tf.keep);
      return total;
    }, [...variables]);
    const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => g.square().sum())));
    const scale = tf.minimum(1, tf.scalar(maxGradNorm).div(norm.add(1e-6)));
    optimizer.apply(variables.map((variable) => grads[variable.name]!.mul(scale)));
    const numbers = [...diagnostics, norm].map((t) => t.dataSync()[0]!);
    tf.dispose(diagnostics);
    return numbers;
  });
}

/** One minibatch as {@linkcode ppoEpochs} hands it to a network's step. */
export interface Minibatch {
  /** Rollout indices of its decisions. */
  readonly indices: readonly number[];
  /** Their advantages, normalised if the config says so, [B]. */
  readonly advantages: Float32Array;
  /** Value targets of the whole rollout (index with `indices`). */
  readonly returns: Float32Array;
}

/** What a network's minibatch step reports: its loss terms and the gradient norm before clipping. */
export interface MinibatchReport {
  readonly policy: number;
  readonly value: number;
  readonly entropy: number;
  readonly approxKl: number;
  readonly clipFraction: number;
  readonly gradientNorm: number;
}

/**
 * The update's loop, whatever computes the gradients: GAE on the critic's `oldValues`, then
 * `epochs` passes over the rollout in `minibatches` shuffled minibatches, each handed to
 * `step` (which computes the loss and its gradient, clips it and takes an optimizer step).
 */
export function ppoEpochs(
  rollout: Rollout,
  oldValues: Float32Array,
  options: { config: TrainConfig; rng: Rng },
  step: (minibatch: Minibatch) => MinibatchReport,
): UpdateDiagnostics {
  const { config, rng } = options;
  const { advantages, returns } = generalisedAdvantages(rollout.reward, oldValues, rollout.next, {
    gamma: config.gamma,
    lambda: config.gaeLambda,
  });
  const sums = { policy: 0, value: 0, entropy: 0, approxKl: 0, clipFraction: 0, gradientNorm: 0 };
  let count = 0, epochKl = 0, epochCount = 0;
  const n = rollout.size;
  const minibatchSize = Math.ceil(n / config.minibatches);
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    // CleanRL's target_kl: stop the update once an epoch has moved the policy too far.
    if (config.targetKl !== undefined && epochCount > 0 && epochKl / epochCount > config.targetKl) {
      break;
    }
    epochKl = 0;
    epochCount = 0;
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => i));
    for (let start = 0; start < n; start += minibatchSize) {
      const indices = order.slice(start, start + minibatchSize);
      const minibatchAdvantages = pick(advantages, indices);
      const report = step({
        indices,
        advantages: config.normaliseAdvantages
          ? normalise(minibatchAdvantages)
          : minibatchAdvantages,
        returns,
      });
      epochKl += report.approxKl;
      epochCount++;
      for (const key of Object.keys(sums) as (keyof typeof sums)[]) sums[key] += report[key];
      count++;
    }
  }
  let residual = 0, total = 0;
  const meanReturn = returns.reduce((s, v) => s + v, 0) / n;
  for (let i = 0; i < n; i++) {
    residual += (returns[i]! - oldValues[i]!) ** 2;
    total += (returns[i]! - meanReturn) ** 2;
  }
  return {
    policyLoss: sums.policy / count,
    valueLoss: sums.value / count,
    entropy: sums.entropy / count,
    approxKl: sums.approxKl / count,
    clipFraction: sums.clipFraction / count,
    explainedVariance: total > 0 ? 1 - residual / total : 0,
    gradientNorm: sums.gradientNorm / count,
  };
}

/**
 * One PPO update in TensorFlow.js (the reference path, and the path of tfjs networks such as
 * the attention allocator): {@linkcode ppoEpochs} with the gradients of {@linkcode ppoLoss}
 * taken by {@linkcode clippedStep}.
 *
 * @param networks the actor and critic
 * @param optimizer the optimizer (its learning rate set by the caller)
 * @param rollout the experience
 * @param options the config and the minibatch shuffling generator
 */
export function ppoUpdate(
  networks: AgentNetworks,
  optimizer: Adam,
  rollout: Rollout,
  options: { config: TrainConfig; rng: Rng },
): UpdateDiagnostics {
  const { config } = options;
  const oldValues = rolloutValues(networks, rollout);
  const variables = [...networks.variables.values()];
  return ppoEpochs(rollout, oldValues, options, ({ indices, advantages, returns }) => {
    const batch = gather(rollout, indices);
    const terms = clippedStep(variables, optimizer, config.maxGradNorm, () => {
      const loss = ppoLoss({
        scores: networks.scores(batch),
        values: networks.values(batch),
        actions: Int32Array.from(indices, (i) => rollout.action[i]!),
        oldLogProbabilities: pick(rollout.logProbability, indices),
        advantages,
        returns: pick(returns, indices),
        oldValues: pick(oldValues, indices),
      }, config);
      return {
        total: loss.total,
        terms: [loss.policy, loss.value, loss.entropy, loss.approxKl, loss.clipFraction],
      };
    });
    return {
      policy: terms[0]!,
      value: terms[1]!,
      entropy: terms[2]!,
      approxKl: terms[3]!,
      clipFraction: terms[4]!,
      gradientNorm: terms[5]!,
    };
  });
}
