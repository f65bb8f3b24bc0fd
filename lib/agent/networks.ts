/**
 * The allocator (scorer) and the critic.
 *
 * The scorer is the seed's MLP: input = requesting node one-hot (m) + cluster state (5m) +
 * task embedding (d) — 9 + 45 + 5 = 59 on the seed's cluster — then hidden ReLU layers (the
 * seed's [128]) and one score. Each decision scores every candidate of the window plus the
 * "stay idle" action, which is scored as a candidate with an all-zero embedding plus a learned
 * bias; the policy is the masked softmax of the scores. The first layer splits exactly:
 * W·[node; state; task] = W_node[node] + W_state·state + W_task·task, so the node and state
 * terms are computed once per decision and shared by its candidates.
 *
 * The critic reads the requesting node, the cluster state, the mean and the element-wise
 * maximum of the candidates' embeddings (the largest pending task matters most to the
 * makespan) and the fraction of the window in use, through tanh layers.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../random/mod.ts";
import { orthogonal } from "./init.ts";
import {
  knotHeadLayout,
  knotSuffix,
  knotWeights,
  PREFERENCE_KNOTS,
  preferenceSize,
  writePreference,
} from "./preference.ts";
import { AttentionForward, attentionLayout, type AttentionShape } from "./attention.ts";

/** Sizes of the agent's inputs and layers. */
export interface AgentShape {
  /** Nodes m (the one-hot's length). */
  readonly nodeCount: number;
  /** Numbers per node in the cluster state. */
  readonly nodeStateSize: number;
  /** Length of the task features the environment gives (the registered embedding's dimension). */
  readonly embeddingDim: number;
  /**
   * If set, a learned embedding: the features pass through tanh(x·W_e + b_e) to this many
   * numbers, trained with the scorer, before the scorer's first layer.
   */
  readonly learnedDim?: number | undefined;
  /** Candidate slots; the idle action is slot `window`. */
  readonly window: number;
  /** Hidden widths of the scorer. */
  readonly scorerHidden: readonly number[];
  /** Hidden widths of the critic. */
  readonly criticHidden: readonly number[];
  /** Whether the scorer and the critic read the energy weight w (lib/agent/preference.ts). */
  readonly preference?: boolean | undefined;
  /**
   * If set, the set-to-set attention allocator (lib/agent/attention.ts) instead of the seed's
   * scorer; `nodeCount` and `window` then only record what it was trained on.
   */
  readonly attention?: AttentionShape | undefined;
}

/** Length of the task embedding the scorer reads: the learned one's, else the features'. */
export function taskInputSize(shape: AgentShape): number {
  return shape.learnedDim ?? shape.embeddingDim;
}

/** Length of the scorer's input (59 for the seed's cluster and embedding), conditioning last. */
export function scorerInputSize(shape: AgentShape): number {
  return shape.nodeCount * (1 + shape.nodeStateSize) + taskInputSize(shape) +
    preferenceSize(shape);
}

/**
 * Length of the critic's input: node one-hot, cluster state, the mean and the maximum of the
 * candidates' raw features (the environment's embedding, never the learned one), 1, and the
 * conditioning vector.
 */
export function criticInputSize(shape: AgentShape): number {
  return shape.nodeCount * (1 + shape.nodeStateSize) + 2 * shape.embeddingDim + 1 +
    preferenceSize(shape);
}

/** A named parameter's shape, in the order of {@linkcode parameterLayout}. */
export interface ParameterSpec {
  /** Name, e.g. `scorer/w0`. */
  readonly name: string;
  /** Shape (row-major). */
  readonly shape: readonly number[];
  /** Orthogonal gain for matrices; biases start at 0. */
  readonly gain: number;
}

function mlpLayout(
  prefix: string,
  input: number,
  hidden: readonly number[],
  outputGain: number,
): ParameterSpec[] {
  const specs: ParameterSpec[] = [];
  let width = input;
  hidden.forEach((size, layer) => {
    specs.push({ name: `${prefix}/w${layer}`, shape: [width, size], gain: Math.SQRT2 });
    specs.push({ name: `${prefix}/b${layer}`, shape: [size], gain: 0 });
    width = size;
  });
  specs.push({ name: `${prefix}/wOut`, shape: [width, 1], gain: outputGain });
  specs.push({ name: `${prefix}/bOut`, shape: [1], gain: 0 });
  return specs;
}

/** Every parameter of the agent, in a fixed order (the checkpoint's order). */
export function parameterLayout(shape: AgentShape): ParameterSpec[] {
  if (shape.attention) {
    return attentionLayout(
      shape,
      shape.attention,
      (input) => mlpLayout("critic", input, shape.criticHidden, 1),
    );
  }
  const learned: ParameterSpec[] = shape.learnedDim === undefined ? [] : [
    { name: "scorer/embed/w", shape: [shape.embeddingDim, shape.learnedDim], gain: 1 },
    { name: "scorer/embed/b", shape: [shape.learnedDim], gain: 0 },
  ];
  return [
    ...learned,
    ...mlpLayout("scorer", scorerInputSize(shape), shape.scorerHidden, 0.01),
    { name: "scorer/idle", shape: [1], gain: 0 },
    ...mlpLayout("critic", criticInputSize(shape), shape.criticHidden, 1),
    ...knotHeadLayout(shape),
  ];
}

/** Parameter values by name. */
export type ParameterValues = ReadonlyMap<string, Float32Array>;

/** Seeded initial values: orthogonal matrices (gain √2 hidden, 0.01 scorer out, 1 critic out), zero biases. */
export function initialParameters(shape: AgentShape, rng: Rng): Map<string, Float32Array> {
  return new Map(
    parameterLayout(shape).map((spec) => {
      const [rows, cols] = spec.shape;
      const values = cols === undefined
        ? new Float32Array(rows!)
        : orthogonal({ rows: rows!, cols }, { gain: spec.gain, rng });
      return [spec.name, values];
    }),
  );
}

/** A batch of decisions, as the networks read them. */
export interface DecisionBatch {
  /** Batch size B. */
  readonly size: number;
  /** Requesting node of each decision, [B]. */
  readonly node: Int32Array;
  /** Cluster states, [B, nodeCount * nodeStateSize]. */
  readonly state: Float32Array;
  /** Candidate embeddings, [B, window, d]. */
  readonly features: Float32Array;
  /** 1 where a slot (window candidates then idle) is allowed, [B, window + 1]. */
  readonly mask: Uint8Array;
  /** Energy weight w of each decision's episode, [B] (read when the shape has preference). */
  readonly preference?: Float32Array | undefined;
  /** Node tokens (lib/agent/tokens.ts), [B, nodeCount * nodeTokenSize(nodeStateSize)]; the attention allocator's. */
  readonly nodeTokens?: Float32Array | undefined;
  /** Decision contexts, [B, CONTEXT_SIZE]; the attention allocator's. */
  readonly context?: Float32Array | undefined;
}

/** The knots' interpolation weights of a batch's w, [B, knots]. */
function knotInputs(weights: Float32Array, size: number): tf.Tensor2D {
  const knots = PREFERENCE_KNOTS.length, out = new Float32Array(size * knots);
  for (let i = 0; i < size; i++) knotWeights(weights[i]!, out.subarray(i * knots, (i + 1) * knots));
  return tf.tensor2d(out, [size, knots]);
}

/** The conditioning vectors of a batch, [B, preferenceSize]. */
function preferenceInputs(shape: AgentShape, batch: DecisionBatch): Float32Array {
  const size = preferenceSize(shape);
  const out = new Float32Array(batch.size * size);
  for (let i = 0; i < batch.size; i++) {
    writePreference(shape, batch.node[i]!, batch.preference?.[i] ?? 0, out, i * size);
  }
  return out;
}

let networkCount = 0;

/**
 * The networks as TensorFlow.js variables, for batched forward passes and gradients: the
 * seed's scorer, or the attention allocator when `shape.attention` is set.
 */
export class AgentNetworks {
  /** Sizes. */
  readonly shape: AgentShape;
  /** The variables by name. */
  readonly variables: ReadonlyMap<string, tf.Variable>;
  readonly #idleSlot: tf.Tensor;
  readonly #workSlots: tf.Tensor;
  readonly #attention: AttentionForward | undefined;

  /**
   * @param shape sizes
   * @param values initial values of every parameter of {@linkcode parameterLayout}
   */
  constructor(shape: AgentShape, values: ParameterValues) {
    this.shape = shape;
    this.variables = new Map(
      parameterLayout(shape).map((spec) => {
        const value = values.get(spec.name);
        const size = spec.shape.reduce((a, b) => a * b, 1);
        if (!value || value.length !== size) {
          throw new RangeError(
            `Expected parameter ${spec.name} of shape [${spec.shape}] (${size} values) but found ${
              value?.length ?? "none"
            }`,
          );
        }
        // TensorFlow.js variable names are global: suffix them so that networks can coexist. In
        // a tidy: a variable does not free the tensor it is made from.
        const unique = `${spec.name}#${networkCount}`;
        return [
          spec.name,
          tf.tidy(() => tf.variable(tf.tensor(value, [...spec.shape]), true, unique)),
        ];
      }),
    );
    networkCount++;
    const idle = new Float32Array(shape.window + 1);
    idle[shape.window] = 1;
    this.#idleSlot = tf.keep(tf.tensor1d(idle));
    this.#workSlots = tf.keep(tf.tensor3d(idle.map((x) => 1 - x), [1, shape.window + 1, 1]));
    this.#attention = shape.attention
      ? new AttentionForward(shape, (name) => this.#v(name))
      : undefined;
  }

  #v(name: string): tf.Variable {
    return this.variables.get(name)!;
  }

  /** Scores of every slot, [B, window + 1], masked slots at -1e9. Call inside `tf.tidy`. */
  scores(batch: DecisionBatch): tf.Tensor2D {
    if (this.#attention) return this.#attention.scores(batch);
    const { nodeCount: m, nodeStateSize, embeddingDim: d, window, scorerHidden } = this.shape;
    const slots = window + 1, stateSize = m * nodeStateSize, b = batch.size;
    const t = taskInputSize(this.shape);
    const w0 = this.#v("scorer/w0");
    const nodeOneHot = tf.oneHot(tf.tensor1d(batch.node, "int32"), m).toFloat();
    const state = tf.tensor2d(batch.state, [b, stateSize]);
    const width = scorerHidden[0]!;
    // Node and state terms, once per decision: [B, 1, width].
    const shared = tf.matMul(nodeOneHot, w0.slice([0, 0], [m, -1]))
      .add(tf.matMul(state, w0.slice([m, 0], [stateSize, -1])))
      .add(this.#v("scorer/b0"))
      .expandDims(1);
    // Task term per slot (the idle slot's embedding is all zeros), broadcast onto the shared term.
    let hidden: tf.Tensor = shared;
    if (d > 0) {
      let embedded: tf.Tensor = tf.tensor2d(batch.features, [b * window, d]);
      if (this.shape.learnedDim !== undefined) {
        embedded = tf.matMul(embedded, this.#v("scorer/embed/w")).add(this.#v("scorer/embed/b"))
          .tanh();
      }
      const features = embedded.reshape([b, window, t]).pad([[0, 0], [0, 1], [0, 0]]);
      const task = tf.matMul(
        features.reshape([b * slots, t]),
        w0.slice([m + stateSize, 0], [t, -1]),
      );
      hidden = task.reshape([b, slots, width]).add(shared);
    } else {
      hidden = shared.add(tf.zeros([b, slots, width]));
    }
    const c = preferenceSize(this.shape);
    if (c > 0) {
      // The conditioning term shifts the task slots only: taking work, not waiting.
      const conditioning = tf.tensor2d(preferenceInputs(this.shape, batch), [b, c]);
      const term = tf.matMul(conditioning, w0.slice([m + stateSize + t, 0], [c, -1]));
      hidden = hidden.add(term.expandDims(1).mul(this.#workSlots));
    }
    hidden = hidden.relu().reshape([b * slots, width]);
    for (let layer = 1; layer < scorerHidden.length; layer++) {
      hidden = tf.matMul(hidden, this.#v(`scorer/w${layer}`)).add(this.#v(`scorer/b${layer}`))
        .relu();
    }
    const head = (suffix: string) =>
      tf.matMul(hidden, this.#v(`scorer/wOut${suffix}`)).add(this.#v(`scorer/bOut${suffix}`))
        .reshape([b, slots]).add(this.#idleSlot.mul(this.#v(`scorer/idle${suffix}`)));
    let withIdle = head("");
    if (c > 0) {
      // The knots' heads, interpolated piecewise-linearly in w.
      const knots = knotInputs(batch.preference ?? new Float32Array(b), b);
      withIdle = tf.addN(
        PREFERENCE_KNOTS.map((_, k) =>
          (k === 0 ? withIdle : head(knotSuffix(k))).mul(knots.slice([0, k], [b, 1]))
        ),
      );
    }
    const mask = tf.tensor2d(Float32Array.from(batch.mask), [b, slots]);
    return withIdle.add(mask.sub(1).mul(1e9)) as tf.Tensor2D;
  }

  /** The critic's values of a batch, [B]. Call inside `tf.tidy`. */
  values(batch: DecisionBatch): tf.Tensor1D {
    const size = batch.size;
    let hidden: tf.Tensor = this.#attention
      ? this.#attention.criticInputs(batch)
      : tf.tensor2d(criticInputs(this.shape, batch), [size, criticInputSize(this.shape)]);
    this.shape.criticHidden.forEach((_, layer) => {
      hidden = tf.matMul(hidden, this.#v(`critic/w${layer}`)).add(this.#v(`critic/b${layer}`))
        .tanh();
    });
    const head = (suffix: string) =>
      tf.matMul(hidden, this.#v(`critic/wOut${suffix}`)).add(this.#v(`critic/bOut${suffix}`));
    if (preferenceSize(this.shape) === 0) return head("").reshape([size]);
    // The knots' heads interpolated in w.
    const knots = knotInputs(batch.preference ?? new Float32Array(size), size);
    return tf.addN(
      PREFERENCE_KNOTS.map((_, k) => head(knotSuffix(k)).mul(knots.slice([0, k], [size, 1]))),
    ).reshape([size]);
  }

  /** The current values of every parameter, copied out of TensorFlow.js. */
  snapshot(): Map<string, Float32Array> {
    return new Map(
      [...this.variables].map(([name, variable]) => [name, variable.dataSync() as Float32Array]),
    );
  }

  /** Frees the variables. */
  dispose(): void {
    for (const variable of this.variables.values()) variable.dispose();
    this.#idleSlot.dispose();
    this.#workSlots.dispose();
  }
}

/**
 * Critic inputs of a batch, [B, criticInputSize]: node one-hot, state, mean and maximum of the
 * candidates' embeddings, the fraction of the window they fill, then the conditioning vector.
 */
export function criticInputs(shape: AgentShape, batch: DecisionBatch): Float32Array {
  const { nodeCount: m, nodeStateSize, embeddingDim: d, window } = shape;
  const stateSize = m * nodeStateSize, c = preferenceSize(shape);
  const width = criticInputSize(shape), fraction = width - c - 1;
  const out = new Float32Array(batch.size * width);
  for (let i = 0; i < batch.size; i++) {
    const row = i * width, mean = row + m + stateSize, max = mean + d;
    out[row + batch.node[i]!] = 1;
    out.set(batch.state.subarray(i * stateSize, (i + 1) * stateSize), row + m);
    let count = 0;
    for (let slot = 0; slot < window; slot++) {
      if (!batch.mask[i * (window + 1) + slot]) continue;
      for (let k = 0; k < d; k++) {
        const x = batch.features[(i * window + slot) * d + k]!;
        out[mean + k]! += x;
        out[max + k] = count === 0 ? x : Math.max(out[max + k]!, x);
      }
      count++;
    }
    for (let k = 0; k < d; k++) out[mean + k]! /= Math.max(1, count);
    out[row + fraction] = count / window;
    if (c > 0) {
      writePreference(shape, batch.node[i]!, batch.preference?.[i] ?? 0, out, row + fraction + 1);
    }
  }
  return out;
}
