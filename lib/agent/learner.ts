/**
 * What the trainer trains: a network with its optimizer that runs a whole PPO update on a
 * rollout. Two exist: {@linkcode ArrayLearner} (the networks in typed arrays with a
 * hand-written gradient: the MLP scorer, preference-conditioned or not, and the attention
 * allocator; the default) and {@linkcode TfjsLearner} (the networks in TensorFlow.js: the
 * reference path, and the path of the imitation phase).
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";
import { Adam, type AdamState, FlatAdam } from "./adam.ts";
import type { TrainConfig } from "./config.ts";
import { AttentionGradient } from "./attention_gradient.ts";
import { MlpGradient } from "./mlp_gradient.ts";
import { AgentNetworks, type AgentShape, type ParameterValues } from "./networks.ts";
import { ppoEpochs, ppoUpdate, type UpdateDiagnostics } from "./ppo.ts";
import type { FlatGradient } from "./ppo_gradient.ts";
import type { Rollout } from "./rollout.ts";

/** A trainable network and its optimizer. */
export interface Learner {
  /** Sizes. */
  readonly shape: AgentShape;
  /** Learning rate of the next update. */
  learningRate: number;
  /** A copy of every parameter, by name (for acting and checkpoints). */
  snapshot(): Map<string, Float32Array>;
  /** One PPO update on a rollout. */
  update(rollout: Rollout, options: { config: TrainConfig; rng: Rng }): UpdateDiagnostics;
  /** The optimizer's state, in the parameters' order. */
  optimizerState(): AdamState;
  /** Frees what it holds. */
  dispose(): void;
}

/** Makes a learner from initial parameters and, when resuming, the optimizer's state. */
export type LearnerFactory = (
  shape: AgentShape,
  init: { parameters: ParameterValues; optimizer?: AdamState | undefined; learningRate: number },
) => Learner;

/**
 * The networks trained in typed arrays (the training path): the MLP scorer and critic
 * ({@linkcode MlpGradient}), with or without preference conditioning, or the attention
 * allocator and its critic ({@linkcode AttentionGradient}).
 */
export class ArrayLearner implements Learner {
  /** Sizes. */
  readonly shape: AgentShape;
  /** Every parameter, flat, in {@linkcode parameterLayout} order. */
  readonly parameters: Float32Array;
  /** The gradient engine of its network. */
  readonly engine: MlpGradient | AttentionGradient;
  readonly #optimizer: FlatAdam;

  /** @param shape sizes @param init parameters, optimizer state, learning rate */
  constructor(shape: AgentShape, init: Parameters<LearnerFactory>[1]) {
    this.shape = shape;
    this.engine = shape.attention ? new AttentionGradient(shape) : new MlpGradient(shape);
    const layout = this.engine.layout;
    this.parameters = new Float32Array(layout.size);
    layout.names.forEach((name, i) => {
      const value = init.parameters.get(name), length = layout.lengths[i]!;
      if (!value || value.length !== length) {
        throw new RangeError(
          `Expected parameter ${name} of ${length} values but found ${value?.length ?? "none"}`,
        );
      }
      this.parameters.set(value, layout.offsets.get(name)!);
    });
    this.#optimizer = new FlatAdam(layout.lengths, { learningRate: init.learningRate });
    if (init.optimizer) this.#optimizer.restore(init.optimizer);
  }

  get learningRate(): number {
    return this.#optimizer.learningRate;
  }

  set learningRate(value: number) {
    this.#optimizer.learningRate = value;
  }

  snapshot(): Map<string, Float32Array> {
    const layout = this.engine.layout;
    return new Map(layout.names.map((name, i) => {
      const offset = layout.offsets.get(name)!;
      return [name, this.parameters.slice(offset, offset + layout.lengths[i]!)];
    }));
  }

  update(rollout: Rollout, options: { config: TrainConfig; rng: Rng }): UpdateDiagnostics {
    const engine = this.engine;
    return engine instanceof AttentionGradient
      ? this.#update(engine, rollout, options)
      : this.#update(engine, rollout, options);
  }

  /** {@linkcode ArrayLearner.update} with an engine of inputs `I`. */
  #update<I>(
    engine: FlatGradient<I>,
    rollout: Rollout,
    options: { config: TrainConfig; rng: Rng },
  ): UpdateDiagnostics {
    const config = options.config, params = this.parameters;
    const inputs = engine.inputs(rollout);
    const oldValues = new Float32Array(rollout.size);
    engine.values(params, inputs, oldValues);
    const gradient = engine.gradient;
    return ppoEpochs(rollout, oldValues, options, ({ indices, advantages, returns }) => {
      const loss = engine.minibatch(params, inputs, {
        indices,
        advantages,
        targets: {
          action: rollout.action,
          oldLogProbability: rollout.logProbability,
          oldValue: oldValues,
          returns,
        },
        config,
      });
      let squares = 0;
      for (let k = 0; k < gradient.length; k++) squares += gradient[k]! * gradient[k]!;
      const norm = Math.sqrt(squares);
      this.#optimizer.apply(params, gradient, Math.min(1, config.maxGradNorm / (norm + 1e-6)));
      return { ...loss, gradientNorm: norm };
    });
  }

  optimizerState(): AdamState {
    return this.#optimizer.state();
  }

  dispose(): void {}
}

/**
 * The networks in TensorFlow.js with the tfjs Adam: the reference path of every network, and
 * the imitation phase's.
 */
export class TfjsLearner implements Learner {
  /** Sizes. */
  readonly shape: AgentShape;
  /** The networks. */
  readonly networks: AgentNetworks;
  /** Their optimizer. */
  readonly optimizer: Adam;

  /** @param shape sizes @param init parameters, optimizer state, learning rate */
  constructor(shape: AgentShape, init: Parameters<LearnerFactory>[1]) {
    this.shape = shape;
    this.networks = new AgentNetworks(shape, init.parameters);
    this.optimizer = new Adam([...this.networks.variables.values()], {
      learningRate: init.learningRate,
    });
    if (init.optimizer) this.optimizer.restore(init.optimizer);
  }

  get learningRate(): number {
    return this.optimizer.learningRate;
  }

  set learningRate(value: number) {
    this.optimizer.learningRate = value;
  }

  snapshot(): Map<string, Float32Array> {
    return this.networks.snapshot();
  }

  update(rollout: Rollout, options: { config: TrainConfig; rng: Rng }): UpdateDiagnostics {
    return ppoUpdate(this.networks, this.optimizer, rollout, options);
  }

  optimizerState(): AdamState {
    return this.optimizer.state();
  }

  dispose(): void {
    this.networks.dispose();
    this.optimizer.dispose();
  }
}

/**
 * The training path's factory, {@linkcode ArrayLearner}: the default for every network (a
 * config's imitation phase runs on a TensorFlow.js learner of its own, `Trainer.imitate`).
 */
export const arrayLearner: LearnerFactory = (shape, init) => new ArrayLearner(shape, init);

/** The reference path's factory: {@linkcode TfjsLearner}. */
export const tfjsLearner: LearnerFactory = (shape, init) => new TfjsLearner(shape, init);
