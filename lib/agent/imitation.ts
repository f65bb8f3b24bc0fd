/**
 * Imitation before PPO: behaviour cloning of a duration-aware teacher, then DAgger (Ross et
 * al. 2011: the student acts, the teacher labels the states the student reaches, all data so
 * far is trained on). The teacher reads the expected durations; the student still sees only
 * embeddings, node specs and state. The critic regresses onto the collected returns at the
 * same time, so that PPO starts with a useful baseline.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type Decision, type Instance, SchedulingEnv } from "../env/mod.ts";
import { makeBaseline, type Policy, runEpisode } from "../policies/mod.ts";
import type { Rng } from "../random/mod.ts";
import type { Adam } from "./adam.ts";
import type { AgentNetworks, DecisionBatch } from "./networks.ts";
import { clippedStep, gather, generalisedAdvantages } from "./ppo.ts";
import type { Actor, Rollout } from "./rollout.ts";

/**
 * The teacher: per instance, whichever of several heuristics reaches the best makespan on it
 * (each run once from the start on the expected durations), then that heuristic's action in
 * whatever state it is asked about.
 */
export class BestHeuristicTeacher implements Policy {
  readonly name = "best-heuristic";
  readonly description: string;
  readonly #candidates: Policy[];
  readonly #chosen = new WeakMap<Instance, Policy>();
  readonly #envs = new Map<number, SchedulingEnv>();

  /** @param names the heuristics to choose from (baseline names) */
  constructor(names: readonly string[]) {
    this.#candidates = names.map(makeBaseline);
    this.description = `per instance the best of ${names.join(", ")}`;
  }

  reset(): void {}

  /** The heuristic chosen for an instance (run with the decision's window). */
  teacherFor(decision: Decision): Policy {
    const instance = decision.instance;
    let chosen = this.#chosen.get(instance);
    if (!chosen) {
      const window = decision.mask.length - 1;
      let env = this.#envs.get(window);
      if (!env) this.#envs.set(window, env = new SchedulingEnv({ window, timeScale: 100 }));
      const exact = { ...instance, noise: 0 };
      let best = Infinity;
      for (const candidate of this.#candidates) {
        const makespan = runEpisode(env, candidate, { seed: 0, instance: exact }).makespan;
        if (makespan < best) [best, chosen] = [makespan, candidate];
      }
      this.#chosen.set(instance, chosen!);
    }
    return chosen!;
  }

  act(decision: Decision): number {
    return this.teacherFor(decision).act(decision);
  }
}

/** The teacher's answer as a slot (idle = the window's length). */
export function teacherSlot(teacher: Policy, decision: Decision): number {
  const action = teacher.act(decision);
  return action < 0 ? decision.mask.length - 1 : action;
}

/** An actor that always takes the teacher's slot (behaviour cloning's data). */
export function teacherActor(teacher: Policy): Actor {
  return {
    sampleSlot: (decision) => ({ slot: teacherSlot(teacher, decision), logProbability: 0 }),
  };
}

/** What a pass of imitation did. */
export interface ImitationDiagnostics {
  /** Mean cross-entropy of the teacher's slots. */
  readonly crossEntropy: number;
  /** Fraction of decisions where the student's most probable slot is the teacher's. */
  readonly agreement: number;
  /** Mean value loss (0.5 squared error). */
  readonly valueLoss: number;
}

function concatenate(rollouts: readonly Rollout[]): DecisionBatch & {
  labels: Int32Array;
  returns: Float32Array;
} {
  const join = <T extends Float32Array | Uint8Array | Int32Array>(
    parts: T[],
  ): T => {
    const total = parts.reduce((sum, part) => sum + part.length, 0);
    const out = new (parts[0]!.constructor as new (length: number) => T)(total);
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  };
  const returns = rollouts.map((rollout) =>
    generalisedAdvantages(rollout.reward, new Float32Array(rollout.size), rollout.next, {
      gamma: 1,
      lambda: 1,
    }).returns
  );
  return {
    size: rollouts.reduce((sum, rollout) => sum + rollout.size, 0),
    node: join(rollouts.map((r) => r.node)),
    state: join(rollouts.map((r) => r.state)),
    features: join(rollouts.map((r) => r.features)),
    mask: join(rollouts.map((r) => r.mask)),
    nodeTokens: rollouts[0]!.nodeTokens && join(rollouts.map((r) => r.nodeTokens!)),
    context: rollouts[0]!.context && join(rollouts.map((r) => r.context!)),
    labels: join(rollouts.map((r) => r.labels!)),
    returns: join(returns),
  };
}

/**
 * Passes over imitation data: minimises the cross-entropy of the teacher's slots under the
 * masked softmax plus `valueCoef` times the critic's squared error on the returns.
 *
 * @param networks the actor and critic
 * @param optimizer the optimizer (learning rate set by the caller)
 * @param rollouts the data, each with labels
 * @param options passes, minibatch size, value weight, gradient clip, shuffling generator, and
 *   the learning rate of each pass (default: the optimizer's as it is)
 */
export function imitationUpdate(
  networks: AgentNetworks,
  optimizer: Adam,
  rollouts: readonly Rollout[],
  options: {
    epochs: number;
    minibatchSize: number;
    valueCoef: number;
    maxGradNorm: number;
    rng: Rng;
    learningRate?: (epoch: number) => number;
  },
): ImitationDiagnostics {
  const data = concatenate(rollouts);
  const variables = [...networks.variables.values()];
  let crossEntropy = 0, agreement = 0, valueLoss = 0, count = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    if (options.learningRate) optimizer.learningRate = options.learningRate(epoch);
    const order = options.rng.shuffle(Array.from({ length: data.size }, (_, i) => i));
    for (let start = 0; start < data.size; start += options.minibatchSize) {
      const indices = order.slice(start, start + options.minibatchSize);
      const batch = gather(data, indices);
      const labels = Int32Array.from(indices, (i) => data.labels[i]!);
      const returns = Float32Array.from(indices, (i) => data.returns[i]!);
      const terms = clippedStep(variables, optimizer, options.maxGradNorm, () => {
        const scores = networks.scores(batch);
        const chosen = tf.oneHot(tf.tensor1d(labels, "int32"), scores.shape[1]).toFloat();
        const ce = tf.logSoftmax(scores).mul(chosen).sum(1).neg().mean() as tf.Scalar;
        const agree = scores.argMax(1).equal(tf.tensor1d(labels, "int32")).toFloat()
          .mean() as tf.Scalar;
        const value = networks.values(batch).sub(tf.tensor1d(returns)).square().mean().mul(
          0.5,
        ) as tf.Scalar;
        return {
          total: ce.add(value.mul(options.valueCoef)) as tf.Scalar,
          terms: [ce, agree, value],
        };
      });
      crossEntropy += terms[0]!;
      agreement += terms[1]!;
      valueLoss += terms[2]!;
      count++;
    }
  }
  return {
    crossEntropy: crossEntropy / count,
    agreement: agreement / count,
    valueLoss: valueLoss / count,
  };
}
