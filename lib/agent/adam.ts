/**
 * Adam (Kingma and Ba 2015) over TensorFlow.js variables, with its whole state explicit (step
 * count and both moments) so that a checkpoint restores it exactly, and a learning rate that
 * can be annealed between steps. The bias corrections 1 - β^t are computed in double precision.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Adam's state, as plain arrays. */
export interface AdamState {
  /** Steps taken. */
  readonly step: number;
  /** First moments, one per variable. */
  readonly m: readonly Float32Array[];
  /** Second moments, one per variable. */
  readonly v: readonly Float32Array[];
}

/** The optimizer. */
export class Adam {
  /** Learning rate of the next step. */
  learningRate: number;
  readonly #variables: readonly tf.Variable[];
  readonly #m: tf.Variable[];
  readonly #v: tf.Variable[];
  readonly #beta1: number;
  readonly #beta2: number;
  readonly #epsilon: number;
  #step = 0;

  /**
   * @param variables what it optimises, in a fixed order
   * @param options learning rate, β1 (0.9), β2 (0.999), ε (1e-5, as PPO implementations use)
   */
  constructor(
    variables: readonly tf.Variable[],
    options: { learningRate: number; beta1?: number; beta2?: number; epsilon?: number },
  ) {
    this.#variables = variables;
    this.learningRate = options.learningRate;
    this.#beta1 = options.beta1 ?? 0.9;
    this.#beta2 = options.beta2 ?? 0.999;
    this.#epsilon = options.epsilon ?? 1e-5;
    this.#m = variables.map((variable) => tf.variable(tf.zerosLike(variable), false));
    this.#v = variables.map((variable) => tf.variable(tf.zerosLike(variable), false));
  }

  /** Steps taken. */
  get step(): number {
    return this.#step;
  }

  /** One step down the gradients, given in the variables' order. */
  apply(gradients: readonly tf.Tensor[]): void {
    this.#step++;
    const correction1 = 1 - Math.pow(this.#beta1, this.#step);
    const correction2 = 1 - Math.pow(this.#beta2, this.#step);
    tf.tidy(() => {
      this.#variables.forEach((variable, i) => {
        const gradient = gradients[i]!;
        const m = this.#m[i]!, v = this.#v[i]!;
        m.assign(m.mul(this.#beta1).add(gradient.mul(1 - this.#beta1)));
        v.assign(v.mul(this.#beta2).add(gradient.square().mul(1 - this.#beta2)));
        const update = m.div(correction1).div(v.div(correction2).sqrt().add(this.#epsilon));
        variable.assign(variable.sub(update.mul(this.learningRate)));
      });
    });
  }

  /** The state, copied out. */
  state(): AdamState {
    return {
      step: this.#step,
      m: this.#m.map((t) => Float32Array.from(t.dataSync())),
      v: this.#v.map((t) => Float32Array.from(t.dataSync())),
    };
  }

  /** Restores a state saved by {@linkcode Adam.state}. */
  restore(state: AdamState): void {
    if (state.m.length !== this.#m.length || state.v.length !== this.#v.length) {
      throw new RangeError(
        `Expected optimizer state for ${this.#m.length} variables but found ${state.m.length}`,
      );
    }
    this.#step = state.step;
    state.m.forEach((values, i) => this.#m[i]!.assign(tf.tensor(values, this.#m[i]!.shape)));
    state.v.forEach((values, i) => this.#v[i]!.assign(tf.tensor(values, this.#v[i]!.shape)));
  }

  /** Frees the moments. */
  dispose(): void {
    tf.dispose([...this.#m, ...this.#v]);
  }
}
