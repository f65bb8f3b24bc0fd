/**
 * The PPO objective's gradient for the MLP scorer and critic, by hand in typed arrays: the
 * training path (TensorFlow.js computes the same objective in ppo.ts, kept as the reference).
 * It covers every shape of the seed's scorer: one or more hidden layers, the environment's
 * features or a learned embedding, and preference conditioning (lib/agent/preference.ts); not
 * the attention allocator, nor the imitation loss.
 *
 * A minibatch is processed one decision at a time, forward then backward at once: the loss of
 * a decision depends only on its own slots, so nothing of the minibatch needs storing. The
 * scorer's first layer is split as in the acting path (node row + W_state·state once per
 * decision, W_task·task per candidate), only the non-zero inputs are read (the node and kind
 * one-hots make most of them zero), and the first layer's weight gradient is summed over the
 * decision's candidates before its outer product with the state. The loss's gradient with
 * respect to each decision's scores and value is lib/agent/ppo_gradient.ts's.
 *
 * With preference, the conditioning [w, w·one-hot(node)] adds w·(W_c[0] + W_c[1 + node]) to the
 * task slots' shared term only (not the idle slot's), so its rows take w times the task slots'
 * gradient of that term; the critic reads it among its sparse inputs. The knots' output heads
 * are mixed at the decision's w (shares κ_k, at most two nonzero; again only when w changes),
 * the forward and backward run against the mix, and knot k's heads take κ_k times the mix's
 * gradient.
 *
 * @module
 */
import {
  type Dense,
  denseBackward,
  denseForward,
  denseLayers,
  type FlatLayout,
  flatLayout,
  relu,
  tanh,
} from "./flat.ts";
import {
  type FlatGradient,
  type LossReport,
  type MinibatchTargets,
  PpoLossGradient,
} from "./ppo_gradient.ts";
import {
  type AgentShape,
  criticInputs,
  criticInputSize,
  type DecisionBatch,
  scorerInputSize,
  taskInputSize,
} from "./networks.ts";
import { knotSuffix, knotWeights, PREFERENCE_KNOTS, preferenceSize } from "./preference.ts";

/** A rollout's inputs as sparse rows (index, value) of non-zeros, built once per update. */
export interface SparseInputs {
  /** Decisions. */
  readonly size: number;
  /** Node of each decision. */
  readonly node: Int32Array;
  /** State non-zeros of decision i at [stateStart[i], stateStart[i + 1]). */
  readonly stateStart: Int32Array;
  readonly stateIndex: Int32Array;
  readonly stateValue: Float32Array;
  /** Allowed slots of decision i (idle = window) at [slotStart[i], slotStart[i + 1]). */
  readonly slotStart: Int32Array;
  readonly slot: Int32Array;
  /** Feature non-zeros of allowed slot k at [featureStart[k], featureStart[k + 1]). */
  readonly featureStart: Int32Array;
  readonly featureIndex: Int32Array;
  readonly featureValue: Float32Array;
  /** Critic-input non-zeros of decision i at [criticStart[i], criticStart[i + 1]). */
  readonly criticStart: Int32Array;
  readonly criticIndex: Int32Array;
  readonly criticValue: Float32Array;
  /** Energy weight w of each decision (zeros when the batch has none). */
  readonly preference: Float32Array;
}

class Sparse {
  index: Int32Array;
  value: Float32Array;
  length = 0;
  constructor(capacity: number) {
    this.index = new Int32Array(Math.max(16, capacity));
    this.value = new Float32Array(Math.max(16, capacity));
  }
  /** Appends the non-zeros of `row` (offset by `shift` in the index). */
  push(row: ArrayLike<number>, from: number, to: number): void {
    for (let k = from; k < to; k++) {
      const x = row[k]!;
      if (x === 0) continue;
      if (this.length === this.index.length) {
        const index = new Int32Array(this.length * 2), value = new Float32Array(this.length * 2);
        index.set(this.index);
        value.set(this.value);
        this.index = index;
        this.value = value;
      }
      this.index[this.length] = k - from;
      this.value[this.length++] = x;
    }
  }
}

/** The sparse form of a batch of decisions (the rollout's, for an update). */
export function sparseInputs(shape: AgentShape, batch: DecisionBatch): SparseInputs {
  const n = batch.size, d = shape.embeddingDim, window = shape.window, slots = window + 1;
  const stateSize = shape.nodeCount * shape.nodeStateSize, width = criticInputSize(shape);
  const critic = criticInputs(shape, batch);
  const state = new Sparse(n * 8),
    features = new Sparse(n * window * 2),
    inputs = new Sparse(n * 24);
  const stateStart = new Int32Array(n + 1), criticStart = new Int32Array(n + 1);
  const slotStart = new Int32Array(n + 1), slot = new Int32Array(n * slots);
  const featureStart: number[] = [0];
  let allowed = 0;
  for (let i = 0; i < n; i++) {
    state.push(batch.state, i * stateSize, (i + 1) * stateSize);
    stateStart[i + 1] = state.length;
    inputs.push(critic, i * width, (i + 1) * width);
    criticStart[i + 1] = inputs.length;
    for (let s = 0; s < slots; s++) {
      if (!batch.mask[i * slots + s]) continue;
      slot[allowed++] = s;
      if (s < window) features.push(batch.features, (i * window + s) * d, (i * window + s + 1) * d);
      featureStart.push(features.length);
    }
    slotStart[i + 1] = allowed;
  }
  return {
    size: n,
    node: batch.node,
    stateStart,
    stateIndex: state.index,
    stateValue: state.value,
    slotStart,
    slot,
    featureStart: Int32Array.from(featureStart),
    featureIndex: features.index,
    featureValue: features.value,
    criticStart,
    criticIndex: inputs.index,
    criticValue: inputs.value,
    preference: batch.preference ?? new Float32Array(n),
  };
}

/**
 * A network's output: one head, or with preference one per knot of w, which act as their
 * piecewise-linear mix at the decision's w ({@linkcode knotWeights}). The forward and backward
 * run against the mix; its gradient accumulates while w stays the same (always, without
 * preference) and is spread back to the knots, times their shares (at most two nonzero), when
 * w changes or the minibatch ends.
 */
class Heads {
  readonly #knots: { w: number; b: number; idle: number }[];
  readonly #share: Float64Array;
  /** The w of the current mix (NaN: none). */
  #weight = NaN;
  /** The mixed head's weights. */
  readonly w: Float64Array;
  /** The mixed head's bias. */
  bias = 0;
  /** The mixed head's idle bias (the scorer's idle slot), 0 for the critic. */
  idle = 0;
  /** Gradient with respect to the mixed weights, accumulated until {@linkcode flush}. */
  readonly dw: Float64Array;
  /** Gradient with respect to the mixed bias. */
  db = 0;
  /** Gradient with respect to the mixed idle bias. */
  dIdle = 0;

  constructor(layout: FlatLayout, shape: AgentShape, prefix: string, width: number) {
    const at = (name: string) => layout.offsets.get(`${prefix}/${name}`) ?? -1;
    const suffixes = shape.preference ? PREFERENCE_KNOTS.map((_, k) => knotSuffix(k)) : [""];
    this.#knots = suffixes.map((suffix) => ({
      w: at(`wOut${suffix}`),
      b: at(`bOut${suffix}`),
      idle: at(`idle${suffix}`),
    }));
    this.#share = new Float64Array(this.#knots.length);
    this.w = new Float64Array(width);
    this.dw = new Float64Array(width);
  }

  /** Drops the mix and its gradient (the parameters are about to change or have). */
  reset(): void {
    this.#weight = NaN;
    this.dw.fill(0);
    this.db = this.dIdle = 0;
  }

  /** Mixes the heads at w, spreading the gradient of the previous mix first; same w: nothing. */
  at(params: Float32Array, g: Float64Array, weight: number): void {
    if (weight === this.#weight) return;
    this.flush(g);
    this.#weight = weight;
    const share = this.#share, w = this.w, knots = this.#knots;
    if (share.length > 1) knotWeights(weight, share);
    else share[0] = 1;
    w.fill(0);
    this.bias = this.idle = 0;
    for (let k = 0; k < knots.length; k++) {
      const c = share[k]!, knot = knots[k]!;
      if (c === 0) continue;
      for (let j = 0; j < w.length; j++) w[j]! += c * params[knot.w + j]!;
      this.bias += c * params[knot.b]!;
      if (knot.idle >= 0) this.idle += c * params[knot.idle]!;
    }
  }

  /** Adds the mix's accumulated gradient to each knot's, times its share, and zeroes it. */
  flush(g: Float64Array): void {
    const share = this.#share, knots = this.#knots;
    for (let k = 0; k < knots.length; k++) {
      const c = share[k]!, knot = knots[k]!;
      if (c === 0) continue;
      addRow64(g, knot.w, c, this.dw, this.dw.length);
      g[knot.b]! += c * this.db;
      if (knot.idle >= 0) g[knot.idle]! += c * this.dIdle;
    }
    this.dw.fill(0);
    this.db = this.dIdle = 0;
  }
}

/**
 * The gradient engine: reads parameters from a flat Float32Array and accumulates the
 * gradient of a minibatch's loss into a flat Float64Array of the same layout. Every buffer is
 * allocated once.
 */
export class MlpGradient implements FlatGradient<SparseInputs> {
  /** Sizes. */
  readonly shape: AgentShape;
  /** The flat layout. */
  readonly layout: FlatLayout;
  /** Gradient of the last minibatch, flat. */
  readonly gradient: Float64Array;
  /** Critic backwards skipped so far (∂L/∂V exactly 0), and their decisions' sparse inputs. */
  #skippedBackwards = 0;
  #skippedInputs = 0;
  readonly #scorer: Dense[];
  readonly #critic: Dense[];
  readonly #scorerHead: Heads;
  readonly #criticHead: Heads;
  /** Offset of the first conditioning row of scorer/w0 ([w, w·one-hot]), -1 without. */
  readonly #conditionRow: number;
  readonly #embed: { w: number; b: number; size: number } | undefined;
  /** Scorer activations per slot and layer: [slots][layer] of width. */
  readonly #z: Float64Array[][];
  readonly #task: Float64Array[];
  /** Per slot: its first-layer task rows (offsets) and their input values, and how many. */
  readonly #rowOf: Int32Array;
  readonly #valueOf: Float64Array;
  readonly #rows: Int32Array;
  readonly #rowStride: number;
  /** The decision's first-layer term shared by its slots, and the task slots' (conditioned). */
  readonly #shared: Float64Array;
  readonly #taskShared: Float64Array;
  /** Gradients of those terms: the task slots' and the idle slot's. */
  readonly #sharedGrad: Float64Array;
  readonly #idleGrad: Float64Array;
  readonly #scores: Float64Array;
  readonly #delta: Float64Array[];
  readonly #criticZ: Float64Array[];
  readonly #criticDelta: Float64Array[];
  readonly #loss = new PpoLossGradient();

  /** @param shape sizes */
  constructor(shape: AgentShape) {
    this.shape = shape;
    this.layout = flatLayout(shape);
    this.gradient = new Float64Array(this.layout.size);
    const offsets = this.layout.offsets;
    this.#scorer = denseLayers(this.layout, "scorer", scorerInputSize(shape), shape.scorerHidden);
    this.#critic = denseLayers(this.layout, "critic", criticInputSize(shape), shape.criticHidden);
    this.#scorerHead = new Heads(this.layout, shape, "scorer", shape.scorerHidden.at(-1)!);
    this.#criticHead = new Heads(this.layout, shape, "critic", shape.criticHidden.at(-1)!);
    const l0 = this.#scorer[0]!;
    this.#conditionRow = preferenceSize(shape) > 0
      ? l0.w + (scorerInputSize(shape) - preferenceSize(shape)) * l0.out
      : -1;
    this.#embed = shape.learnedDim === undefined ? undefined : {
      w: offsets.get("scorer/embed/w")!,
      b: offsets.get("scorer/embed/b")!,
      size: shape.learnedDim,
    };
    const slots = shape.window + 1, first = shape.scorerHidden[0]!;
    this.#z = Array.from(
      { length: slots },
      () => shape.scorerHidden.map((width) => new Float64Array(width)),
    );
    this.#task = Array.from({ length: slots }, () => new Float64Array(taskInputSize(shape)));
    this.#rowStride = Math.max(1, taskInputSize(shape));
    this.#rowOf = new Int32Array(slots * this.#rowStride);
    this.#valueOf = new Float64Array(slots * this.#rowStride);
    this.#rows = new Int32Array(slots);
    this.#shared = new Float64Array(first);
    this.#taskShared = new Float64Array(first);
    this.#sharedGrad = new Float64Array(first);
    this.#idleGrad = new Float64Array(first);
    this.#scores = new Float64Array(slots);
    this.#delta = shape.scorerHidden.map((width) => new Float64Array(width));
    this.#criticZ = shape.criticHidden.map((width) => new Float64Array(width));
    this.#criticDelta = shape.criticHidden.map((width) => new Float64Array(width));
  }

  /** The critic's values of every decision of `inputs`, written into `out`. */
  values(params: Float32Array, inputs: SparseInputs, out: Float32Array): void {
    this.#criticHead.reset();
    for (let i = 0; i < inputs.size; i++) out[i] = this.#criticForward(params, inputs, i);
  }

  /** The sparse form of a batch ({@linkcode sparseInputs}). */
  inputs(batch: DecisionBatch): SparseInputs {
    return sparseInputs(this.shape, batch);
  }

  /**
   * The floating-point multiply-adds one PPO update performs on `inputs` in this engine's
   * inner loops: each element of a loop of the form `a += x·y` over a layer's width counts one.
   * That is the values pass (the critic's forward once per decision), then per decision and
   * epoch the critic's forward and backward and the scorer's forward and backward as written
   * here: the shared first-layer term (node row + the state's non-zero rows; backward, bias
   * too), per allowed slot its task rows and the output's dot product (the fused passes run
   * both task rows even for a slot with fewer, and are counted so), the weight gradients, and
   * the learned embedding's rows. Not counted: the per-minibatch passes over the parameters
   * (the heads' mix, the gradient's norm, Adam). Every critic backward is counted: the update
   * skips those of ∂L/∂V exactly 0, whose count {@linkcode skippedMultiplyAdds} tallies. For a
   * one-hidden-layer scorer without preference (a deeper one's backward skips the rows of
   * inactive ReLUs: data-dependent).
   *
   * @param inputs the rollout's sparse inputs ({@linkcode sparseInputs})
   * @param epochs passes over every decision (the config's `epochs`, no early stop)
   * @returns the count of multiply-adds (2 floating-point operations each)
   */
  multiplyAdds(inputs: SparseInputs, epochs: number): number {
    const shape = this.shape;
    if (this.#scorer.length !== 1 || shape.preference) {
      throw new RangeError(
        `Expected a one-hidden-layer scorer without preference but found scorerHidden [${shape.scorerHidden}]${
          shape.preference ? " with preference" : ""
        }`,
      );
    }
    const width = this.#scorer[0]!.out, embed = this.#embed, window = shape.window;
    let values = 0, perEpoch = 0;
    for (let i = 0; i < inputs.size; i++) {
      const critic = this.#criticMultiplyAdds(
        1,
        inputs.criticStart[i + 1]! - inputs.criticStart[i]!,
      );
      values += critic.forward;
      perEpoch += critic.forward + critic.backward;
      // Scorer's shared term: node + state rows forward; bias + node + state rows backward.
      const stateRows = inputs.stateStart[i + 1]! - inputs.stateStart[i]!;
      perEpoch += (3 + 2 * stateRows) * width;
      for (let k = inputs.slotStart[i]!; k < inputs.slotStart[i + 1]!; k++) {
        const features = inputs.featureStart[k + 1]! - inputs.featureStart[k]!;
        const task = inputs.slot[k]! < window, rows = !task ? 0 : embed ? embed.size : features;
        if (embed && task) perEpoch += 2 * features * embed.size;
        perEpoch += (rows <= 2 ? 3 : rows + 1) * width;
        perEpoch += (rows <= 2 && !embed ? 3 : 1 + 2 * rows) * width;
      }
    }
    return values + epochs * perEpoch;
  }

  /**
   * Zeroes the gradient, then accumulates the PPO loss's gradient over the minibatch
   * `indices` (advantages given per minibatch position, already normalised if wanted).
   */
  minibatch(params: Float32Array, inputs: SparseInputs, batch: MinibatchTargets): LossReport {
    this.gradient.fill(0);
    this.#scorerHead.reset();
    this.#criticHead.reset();
    const { indices, targets } = batch, loss = this.#loss;
    loss.begin(batch);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      const dv = loss.value(k, this.#criticForward(params, inputs, i));
      if (dv !== 0) this.#criticBackward(params, inputs, i, dv);
      else {
        this.#skippedBackwards++;
        this.#skippedInputs += inputs.criticStart[i + 1]! - inputs.criticStart[i]!;
      }
      const count = this.#scorerForward(params, inputs, i), first = inputs.slotStart[i]!;
      let chosen = -1;
      for (let s = 0; s < count; s++) if (inputs.slot[first + s] === targets.action[i]) chosen = s;
      loss.policy(k, this.#scores, count, chosen);
      this.#scorerBackward(params, inputs, i, count);
    }
    this.#scorerHead.flush(this.gradient);
    this.#criticHead.flush(this.gradient);
    return loss.report();
  }

  /**
   * Multiply-adds of the critic backwards skipped so far, ∂L/∂V being exactly 0 (an active
   * value clip): counted by {@linkcode multiplyAdds}, not run.
   */
  get skippedMultiplyAdds(): number {
    return this.#criticMultiplyAdds(this.#skippedBackwards, this.#skippedInputs).backward;
  }

  /** Multiply-adds of the critic's forward and backward over decisions with `inputs` non-zeros. */
  #criticMultiplyAdds(decisions: number, inputs: number): { forward: number; backward: number } {
    const layers = this.#critic, last = layers.at(-1)!.out;
    // Sparse first layer (forward and weight gradient), dense layers (backward: weight
    // gradient and input gradient), output.
    let dense = 0;
    for (let l = 1; l < layers.length; l++) dense += layers[l]!.in * layers[l]!.out;
    const first = inputs * layers[0]!.out, perDecision = decisions * (dense + last);
    return { forward: first + perDecision, backward: first + perDecision + decisions * dense };
  }

  #criticForward(params: Float32Array, inputs: SparseInputs, i: number): number {
    const layers = this.#critic, z = this.#criticZ;
    // First layer from the sparse input.
    const l0 = layers[0]!, a0 = z[0]!, width0 = l0.out;
    for (let j = 0; j < width0; j++) a0[j] = params[l0.b + j]!;
    for (let q = inputs.criticStart[i]!, end = inputs.criticStart[i + 1]!; q < end; q++) {
      const x = inputs.criticValue[q]!, row = l0.w + inputs.criticIndex[q]! * width0;
      for (let j = 0; j < width0; j++) a0[j]! += x * params[row + j]!;
    }
    for (let j = 0; j < width0; j++) a0[j] = tanh(a0[j]!);
    let input = a0;
    for (let l = 1; l < layers.length; l++) {
      const layer = layers[l]!, a = z[l]!;
      denseForward(params, layer, input, a);
      for (let j = 0; j < layer.out; j++) a[j] = tanh(a[j]!);
      input = a;
    }
    const head = this.#criticHead;
    head.at(params, this.gradient, inputs.preference[i]!);
    let v = head.bias;
    for (let j = 0; j < input.length; j++) v += input[j]! * head.w[j]!;
    return v;
  }

  /** Backward of the critic from dL/dV (its forward for decision i just ran). */
  #criticBackward(params: Float32Array, inputs: SparseInputs, i: number, dv: number): void {
    const g = this.gradient, layers = this.#critic, z = this.#criticZ, delta = this.#criticDelta;
    const hidden = layers.length, head = this.#criticHead;
    head.db += dv;
    const last = z[hidden - 1]!, dLast = delta[hidden - 1]!;
    for (let j = 0; j < last.length; j++) {
      const a = last[j]!;
      head.dw[j]! += dv * a;
      dLast[j] = dv * head.w[j]! * (1 - a * a);
    }
    for (let l = hidden - 1; l >= 1; l--) {
      const layer = layers[l]!, dz = delta[l]!, input = z[l - 1]!, dInput = delta[l - 1]!;
      denseBackward(params, g, layer, input, dz, dInput, false);
      for (let j = 0; j < layer.in; j++) {
        const a = input[j]!;
        dInput[j] = dInput[j]! * (1 - a * a);
      }
    }
    const l0 = layers[0]!, dz0 = delta[0]!, width0 = l0.out;
    for (let j = 0; j < width0; j++) g[l0.b + j]! += dz0[j]!;
    for (let q = inputs.criticStart[i]!, end = inputs.criticStart[i + 1]!; q < end; q++) {
      const x = inputs.criticValue[q]!, row = l0.w + inputs.criticIndex[q]! * width0;
      for (let j = 0; j < width0; j++) g[row + j]! += x * dz0[j]!;
    }
  }

  /** Scores of decision i's allowed slots into #scores (in slot order); returns their count. */
  #scorerForward(params: Float32Array, inputs: SparseInputs, i: number): number {
    const shape = this.shape, layers = this.#scorer, l0 = layers[0]!, width = l0.out;
    const m = shape.nodeCount, taskBase = l0.w + m * (1 + shape.nodeStateSize) * width;
    const shared = this.#shared;
    for (let j = 0; j < width; j++) shared[j] = params[l0.b + j]!;
    addRow(shared, params, l0.w + inputs.node[i]! * width, 1, width);
    for (let q = inputs.stateStart[i]!, end = inputs.stateStart[i + 1]!; q < end; q++) {
      addRow(
        shared,
        params,
        l0.w + (m + inputs.stateIndex[q]!) * width,
        inputs.stateValue[q]!,
        width,
      );
    }
    const head = this.#scorerHead;
    head.at(params, this.gradient, inputs.preference[i]!);
    const taskShared = this.#conditioned(params, inputs, i);
    const first = inputs.slotStart[i]!, count = inputs.slotStart[i + 1]! - first;
    const window = shape.window, embed = this.#embed, hw = head.w;
    const single = layers.length === 1, rowOf = this.#rowOf, valueOf = this.#valueOf;
    const stride = this.#rowStride;
    for (let s = 0; s < count; s++) {
      const slot = inputs.slot[first + s]!, z = this.#z[s]!, z0 = z[0]!, base = s * stride;
      // The candidate's first-layer rows (task input index e → row taskBase + e * width).
      let rows = 0;
      if (slot < window) {
        const from = inputs.featureStart[first + s]!, to = inputs.featureStart[first + s + 1]!;
        if (embed) {
          // Learned embedding: tanh(f·W_e + b_e), every one of its rows.
          const size = embed.size, task = this.#task[s]!;
          for (let e = 0; e < size; e++) task[e] = params[embed.b + e]!;
          for (let q = from; q < to; q++) {
            const x = inputs.featureValue[q]!, row = embed.w + inputs.featureIndex[q]! * size;
            for (let e = 0; e < size; e++) task[e]! += x * params[row + e]!;
          }
          for (let e = 0; e < size; e++) {
            task[e] = Math.tanh(task[e]!);
            rowOf[base + rows] = taskBase + e * width;
            valueOf[base + rows++] = task[e]!;
          }
        } else {
          for (let q = from; q < to; q++) {
            rowOf[base + rows] = taskBase + inputs.featureIndex[q]! * width;
            valueOf[base + rows++] = inputs.featureValue[q]!;
          }
        }
      }
      this.#rows[s] = rows;
      // The idle slot starts from the decision's shared term, the task slots from theirs.
      const start = slot < window ? taskShared : shared;
      let score = 0;
      if (rows <= 2) {
        // One fused pass: shared + ≤ 2 task rows, ReLU, and the output's dot product.
        const r1 = rows > 0 ? rowOf[base]! : l0.w, v1 = rows > 0 ? valueOf[base]! : 0;
        const r2 = rows > 1 ? rowOf[base + 1]! : l0.w, v2 = rows > 1 ? valueOf[base + 1]! : 0;
        for (let j = 0; j < width; j++) {
          const zj = relu(start[j]! + v1 * params[r1 + j]! + v2 * params[r2 + j]!);
          z0[j] = zj;
          score += zj * hw[j]!;
        }
      } else {
        z0.set(start);
        for (let q = 0; q < rows; q++) {
          addRow(z0, params, rowOf[base + q]!, valueOf[base + q]!, width);
        }
        for (let j = 0; j < width; j++) {
          const zj = relu(z0[j]!);
          z0[j] = zj;
          score += zj * hw[j]!;
        }
      }
      if (!single) {
        let input = z0;
        for (let l = 1; l < layers.length; l++) {
          const layer = layers[l]!, a = z[l]!;
          denseForward(params, layer, input, a);
          for (let j = 0; j < layer.out; j++) a[j] = relu(a[j]!);
          input = a;
        }
        score = 0;
        for (let j = 0; j < hw.length; j++) score += input[j]! * hw[j]!;
      }
      score += head.bias;
      this.#scores[s] = slot === window ? score + head.idle : score;
    }
    return count;
  }

  /**
   * The task slots' shared first-layer term of decision i: the decision's, plus the
   * conditioning [w, w·one-hot(node)] times its rows when the shape reads w (0 adds nothing).
   */
  #conditioned(params: Float32Array, inputs: SparseInputs, i: number): Float64Array {
    const row = this.#conditionRow, w = inputs.preference[i]!;
    if (row < 0 || w === 0) return this.#shared;
    const shared = this.#shared, out = this.#taskShared, width = shared.length;
    const nodeRow = row + (1 + inputs.node[i]!) * width;
    for (let j = 0; j < width; j++) {
      out[j] = shared[j]! + w * (params[row + j]! + params[nodeRow + j]!);
    }
    return out;
  }

  /** Backward of the scorer from ∂L/∂s in #scores (its forward for decision i just ran). */
  #scorerBackward(params: Float32Array, inputs: SparseInputs, i: number, count: number): void {
    const g = this.gradient, shape = this.shape, layers = this.#scorer, l0 = layers[0]!;
    const width = l0.out, m = shape.nodeCount, head = this.#scorerHead, hw = head.w;
    const hidden = layers.length, delta = this.#delta, hdw = head.dw;
    const sharedGrad = this.#sharedGrad, idleGrad = this.#idleGrad;
    const first = inputs.slotStart[i]!, window = shape.window;
    const embed = this.#embed, rowOf = this.#rowOf, valueOf = this.#valueOf;
    const stride = this.#rowStride, dz0 = delta[0]!;
    sharedGrad.fill(0);
    idleGrad.fill(0);
    for (let s = 0; s < count; s++) {
      const ds = this.#scores[s]!, z = this.#z[s]!, z0 = z[0]!, slot = inputs.slot[first + s]!;
      const rows = this.#rows[s]!, base = s * stride;
      head.db += ds;
      if (slot === window) head.dIdle += ds;
      // The first layer's shared term's gradient: the task slots' apart from the idle slot's.
      const into = slot === window ? idleGrad : sharedGrad;
      if (hidden === 1 && rows <= 2 && !embed) {
        // One fused pass: output weights, ReLU, shared and ≤ 2 task rows.
        const r1 = rows > 0 ? rowOf[base]! : l0.w, v1 = rows > 0 ? valueOf[base]! : 0;
        const r2 = rows > 1 ? rowOf[base + 1]! : l0.w, v2 = rows > 1 ? valueOf[base + 1]! : 0;
        for (let j = 0; j < width; j++) {
          const a = z0[j]!;
          hdw[j]! += ds * a;
          const d = ds * hw[j]! * +(a > 0);
          into[j]! += d;
          g[r1 + j]! += v1 * d;
          g[r2 + j]! += v2 * d;
        }
        continue;
      }
      // Output layer, then through ReLU (a zero activation passes no gradient).
      const last = z[hidden - 1]!, dLast = delta[hidden - 1]!;
      for (let j = 0; j < last.length; j++) {
        const a = last[j]!;
        hdw[j]! += ds * a;
        dLast[j] = ds * hw[j]! * +(a > 0);
      }
      for (let l = hidden - 1; l >= 1; l--) {
        const layer = layers[l]!, input = z[l - 1]!, dInput = delta[l - 1]!;
        denseBackward(params, g, layer, input, delta[l]!, dInput, true);
      }
      for (let j = 0; j < width; j++) into[j]! += dz0[j]!;
      for (let q = 0; q < rows; q++) {
        const row = rowOf[base + q]!, t = valueOf[base + q]!;
        let dt = 0;
        for (let j = 0; j < width; j++) {
          g[row + j]! += t * dz0[j]!;
          dt += params[row + j]! * dz0[j]!;
        }
        if (!embed) continue;
        // Through the learned embedding's tanh to W_e and b_e.
        const du = dt * (1 - t * t), size = embed.size;
        g[embed.b + q]! += du;
        for (
          let f = inputs.featureStart[first + s]!, end = inputs.featureStart[first + s + 1]!;
          f < end;
          f++
        ) {
          g[embed.w + inputs.featureIndex[f]! * size + q]! += inputs.featureValue[f]! * du;
        }
      }
    }
    // The conditioning rows, read by the task slots only: w times their gradient.
    const row = this.#conditionRow, w = inputs.preference[i]!;
    if (row >= 0 && w !== 0) {
      addRow64(g, row, w, sharedGrad, width);
      addRow64(g, row + (1 + inputs.node[i]!) * width, w, sharedGrad, width);
    }
    // The decision's shared terms, read by every slot: bias, node row, state rows.
    for (let j = 0; j < width; j++) sharedGrad[j]! += idleGrad[j]!;
    addRow64(g, l0.b, 1, sharedGrad, width);
    addRow64(g, l0.w + inputs.node[i]! * width, 1, sharedGrad, width);
    for (let q = inputs.stateStart[i]!, end = inputs.stateStart[i + 1]!; q < end; q++) {
      addRow64(
        g,
        l0.w + (m + inputs.stateIndex[q]!) * width,
        inputs.stateValue[q]!,
        sharedGrad,
        width,
      );
    }
  }
}

/** out += x · params[row .. row + width). */
function addRow(
  out: Float64Array,
  params: Float32Array,
  row: number,
  x: number,
  width: number,
): void {
  for (let j = 0; j < width; j++) out[j]! += x * params[row + j]!;
}

/** g[row .. row + width) += x · v. */
function addRow64(g: Float64Array, row: number, x: number, v: Float64Array, width: number): void {
  for (let j = 0; j < width; j++) g[row + j]! += x * v[j]!;
}
