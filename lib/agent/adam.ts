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

/** Adam's hyper-parameters other than the learning rate. */
export interface AdamOptions {
  /** Learning rate of the first step. */
  readonly learningRate: number;
  /** β1, 0.9 by default. */
  readonly beta1?: number;
  /** β2, 0.999 by default. */
  readonly beta2?: number;
  /** ε, 1e-5 by default (as PPO implementations use). */
  readonly epsilon?: number;
}

/** The optimizer over TensorFlow.js variables (the reference path and tfjs networks). */
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
   * @param options learning rate, β1, β2, ε
   */
  constructor(variables: readonly tf.Variable[], options: AdamOptions) {
    this.#variables = variables;
    this.learningRate = options.learningRate;
    this.#beta1 = options.beta1 ?? 0.9;
    this.#beta2 = options.beta2 ?? 0.999;
    this.#epsilon = options.epsilon ?? 1e-5;
    // In a tidy: a variable does not free the tensor it is made from.
    const zeros = (variable: tf.Variable) =>
      tf.tidy(() => tf.variable(tf.zerosLike(variable), false));
    this.#m = variables.map(zeros);
    this.#v = variables.map(zeros);
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
    tf.tidy(() => {
      state.m.forEach((values, i) => this.#m[i]!.assign(tf.tensor(values, this.#m[i]!.shape)));
      state.v.forEach((values, i) => this.#v[i]!.assign(tf.tensor(values, this.#v[i]!.shape)));
    });
  }

  /** Frees the moments. */
  dispose(): void {
    tf.dispose([...this.#m, ...this.#v]);
  }
}

/**
 * The same optimizer over one flat Float32Array of parameters (the array training path): the
 * moments are float32 like the tfjs one's, the arithmetic of a step is done in double
 * precision and rounded once.
 */
export class FlatAdam {
  /** Learning rate of the next step. */
  learningRate: number;
  readonly #m: Float32Array;
  readonly #v: Float32Array;
  readonly #lengths: readonly number[];
  readonly #beta1: number;
  readonly #beta2: number;
  readonly #epsilon: number;
  #step = 0;

  /**
   * @param lengths lengths of the parameters in the flat vector, in order
   * @param options learning rate, β1, β2, ε
   */
  constructor(lengths: readonly number[], options: AdamOptions) {
    const size = lengths.reduce((a, b) => a + b, 0);
    this.#lengths = lengths;
    this.#m = new Float32Array(size);
    this.#v = new Float32Array(size);
    this.learningRate = options.learningRate;
    this.#beta1 = options.beta1 ?? 0.9;
    this.#beta2 = options.beta2 ?? 0.999;
    this.#epsilon = options.epsilon ?? 1e-5;
  }

  /** Steps taken. */
  get step(): number {
    return this.#step;
  }

  /** One step down `scale · gradient`. */
  apply(params: Float32Array, gradient: Float64Array, scale: number): void {
    this.#step++;
    const b1 = this.#beta1, b2 = this.#beta2, eps = this.#epsilon, lr = this.learningRate;
    const c1 = 1 - Math.pow(b1, this.#step), c2 = 1 - Math.pow(b2, this.#step);
    const m = this.#m, v = this.#v;
    for (let k = 0; k < params.length; k++) {
      const g = gradient[k]! * scale;
      const mk = b1 * m[k]! + (1 - b1) * g, vk = b2 * v[k]! + (1 - b2) * g * g;
      m[k] = mk;
      v[k] = vk;
      params[k] = params[k]! - lr * ((mk / c1) / (Math.sqrt(vk / c2) + eps));
    }
  }

  /** The state, copied out, one moment array per parameter. */
  state(): AdamState {
    const split = (flat: Float32Array) => {
      let offset = 0;
      return this.#lengths.map((length) => flat.slice(offset, offset += length));
    };
    return { step: this.#step, m: split(this.#m), v: split(this.#v) };
  }

  /** Restores a state saved by {@linkcode FlatAdam.state} or {@linkcode Adam.state}. */
  restore(state: AdamState): void {
    const lengths = this.#lengths;
    const matches = (arrays: readonly Float32Array[]) =>
      arrays.length === lengths.length && arrays.every((a, i) => a.length === lengths[i]);
    if (!matches(state.m) || !matches(state.v)) {
      throw new RangeError(
        `Expected optimizer state for ${lengths.length} parameters of lengths [${lengths}] but found ${state.m.length}`,
      );
    }
    this.#step = state.step;
    let offset = 0;
    state.m.forEach((values, i) => {
      this.#m.set(values, offset);
      this.#v.set(state.v[i]!, offset);
      offset += values.length;
    });
  }
}
