/**
 * The PPO objective's gradient for the MLP scorer and critic, by hand: the training path
 * (TensorFlow.js computes the same objective in ppo.ts, kept as the reference). It covers every
 * shape of the seed's scorer: one or more hidden layers, the environment's features or a learned
 * embedding, and preference conditioning (lib/agent/preference.ts); not the attention allocator,
 * nor the imitation loss.
 *
 * A minibatch runs as a few batched products over all of its rows at once, in float32 on
 * WebAssembly's SIMD lanes (lib/agent/simd.ts): the critic forward over its decisions, the
 * loss's ∂L/∂V (lib/agent/ppo_gradient.ts), the critic backward; then the scorer forward over
 * its decisions' shared terms and all of their allowed slots, the loss's ∂L/∂s decision by
 * decision, the scorer backward. The parameters are copied into the kernels' memory (rows
 * padded to a multiple of 4 with zeros) at each minibatch, and the gradient copied out.
 *
 * The scorer's first layer is split as in the acting path: a decision's shared term (bias, node
 * row, the state's non-zero rows) once, then per allowed slot that term plus its task rows; only
 * non-zero inputs are read, as (row, value) lists. The critic's first layer reads its sparse
 * inputs the same way, its bias as one more row of value 1.
 *
 * With preference, the conditioning [w, w·one-hot(node)] adds w·(W_c[0] + W_c[1 + node]) to the
 * task slots only (not the idle slot): two more rows of value w in their lists. The knots'
 * output heads are mixed at each decision's w (shares κ_k, at most two nonzero; once per
 * distinct w of the minibatch), the forward and backward run against the mix, and knot k's
 * heads take κ_k times the mix's gradient. A learned embedding's values tanh(f·W_e + b_e) are
 * the task rows' values, computed per minibatch; their gradients come back from the backward.
 *
 * @module
 */
import { type FlatLayout, flatLayout } from "./flat.ts";
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
} from "./networks.ts";
import { knotSuffix, knotWeights, PREFERENCE_KNOTS, preferenceSize } from "./preference.ts";
import { Activation, type SimdKernels, simdKernels } from "./simd.ts";

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

/** n rounded up to a multiple of 4 (a row's SIMD lanes). */
function pad(n: number): number {
  return (n + 3) & ~3;
}

/** A dense layer: its place in the flat vector and its padded copy in the kernels' memory. */
interface Layer {
  /** Flat offsets of the weights [in, out] and biases [out]. */
  readonly w: number;
  readonly b: number;
  readonly in: number;
  readonly out: number;
  /** Padded widths (multiples of 4). */
  readonly inPad: number;
  readonly outPad: number;
  /** Byte offsets in the kernels' memory: weights [inPad, outPad], biases [outPad], Wᵀ (0: none). */
  wAt: number;
  bAt: number;
  tAt: number;
}

/** A network's heads: knot k's output weights, bias and idle bias (flat offsets, -1: none). */
interface Knot {
  readonly w: number;
  readonly b: number;
  readonly idle: number;
}

/**
 * The output heads of a minibatch: one mix of the knots per distinct w among its decisions
 * (one knot of share 1 without preference), written as rows into the kernels' memory; their
 * gradients, accumulated by the kernels and here, spread back to the knots.
 */
class HeadMixes {
  readonly #knots: Knot[];
  readonly #width: number;
  readonly #index = new Map<number, number>();
  readonly #share: Float64Array;
  #weights: number[] = [];
  /** Per mix: bias, idle bias and their gradients. */
  bias = new Float64Array(0);
  idle = new Float64Array(0);
  dBias = new Float64Array(0);
  dIdle = new Float64Array(0);
  /** Byte offset of the mixes' rows, each `pad(width)` floats. */
  at = 0;

  constructor(layout: FlatLayout, shape: AgentShape, prefix: string, width: number) {
    const offset = (name: string) => layout.offsets.get(`${prefix}/${name}`) ?? -1;
    const suffixes = shape.preference ? PREFERENCE_KNOTS.map((_, k) => knotSuffix(k)) : [""];
    this.#knots = suffixes.map((s) => ({
      w: offset(`wOut${s}`),
      b: offset(`bOut${s}`),
      idle: offset(`idle${s}`),
    }));
    this.#share = new Float64Array(this.#knots.length);
    this.#width = width;
  }

  /** Room for `count` mixes at byte offset `at`. */
  reserve(at: number, count: number): void {
    this.at = at;
    if (this.bias.length >= count) return;
    this.bias = new Float64Array(count);
    this.idle = new Float64Array(count);
    this.dBias = new Float64Array(count);
    this.dIdle = new Float64Array(count);
  }

  /** Byte length of `count` mixes' rows. */
  bytes(count: number): number {
    return count * pad(this.#width) * 4;
  }

  /** Forgets the mixes (a new minibatch). */
  clear(): void {
    this.#index.clear();
    this.#weights = [];
  }

  /** Mixes in use. */
  get count(): number {
    return this.#weights.length;
  }

  /** The byte offset of the mix at w, mixed into `memory` on first use. */
  row(params: Float32Array, memory: Float32Array, weight: number): number {
    let h = this.#index.get(weight);
    if (h === undefined) {
      h = this.#weights.length;
      this.#index.set(weight, h);
      this.#weights.push(weight);
      this.#shares(weight);
      const knots = this.#knots, share = this.#share, width = this.#width;
      const row = (this.at >> 2) + h * pad(width);
      let bias = 0, idle = 0;
      for (let j = 0; j < width; j++) {
        let sum = 0;
        for (let k = 0; k < knots.length; k++) {
          if (share[k] !== 0) sum += share[k]! * params[knots[k]!.w + j]!;
        }
        memory[row + j] = sum;
      }
      for (let k = 0; k < knots.length; k++) {
        const c = share[k]!, knot = knots[k]!;
        if (c === 0) continue;
        bias += c * params[knot.b]!;
        if (knot.idle >= 0) idle += c * params[knot.idle]!;
      }
      this.bias[h] = bias;
      this.idle[h] = idle;
      this.dBias[h] = this.dIdle[h] = 0;
    }
    return this.at + h * pad(this.#width) * 4;
  }

  /** Index of the mix at byte offset `row`. */
  index(row: number): number {
    return (row - this.at) / (pad(this.#width) * 4);
  }

  /** Adds each mix's gradient (its row in `memory` at +delta, and scalars) to the knots', times their shares. */
  spread(g: Float64Array, memory: Float32Array, delta: number): void {
    const knots = this.#knots, share = this.#share, width = this.#width;
    this.#weights.forEach((weight, h) => {
      this.#shares(weight);
      const row = ((this.at + delta) >> 2) + h * pad(width);
      for (let k = 0; k < knots.length; k++) {
        const c = share[k]!, knot = knots[k]!;
        if (c === 0) continue;
        for (let j = 0; j < width; j++) g[knot.w + j]! += c * memory[row + j]!;
        g[knot.b]! += c * this.dBias[h]!;
        if (knot.idle >= 0) g[knot.idle]! += c * this.dIdle[h]!;
      }
    });
  }

  #shares(weight: number): void {
    if (this.#share.length > 1) knotWeights(weight, this.#share);
    else this.#share[0] = 1;
  }
}

/** Lists of (row, value) per output row, in the kernels' form: starts, byte offsets, values. */
interface RowLists {
  readonly start: Int32Array;
  readonly ptr: Int32Array;
  readonly value: Float32Array;
}

/** Appends (ptr, value) entries to the lists of `rows` rows, at most `capacity` entries. */
class ListBuilder {
  readonly #start: Int32Array;
  readonly #ptr: Int32Array;
  readonly #value: Float32Array;
  #rows = 0;
  #length = 0;
  constructor(rows: number, capacity: number) {
    this.#start = new Int32Array(rows + 1);
    this.#ptr = new Int32Array(capacity);
    this.#value = new Float32Array(capacity);
  }
  /** Entries so far. */
  get length(): number {
    return this.#length;
  }
  add(ptr: number, value: number): void {
    this.#ptr[this.#length] = ptr;
    this.#value[this.#length++] = value;
  }
  /** Ends the current row. */
  end(): void {
    this.#start[++this.#rows] = this.#length;
  }
  build(): RowLists {
    return {
      start: this.#start,
      ptr: this.#ptr.subarray(0, this.#length),
      value: this.#value.subarray(0, this.#length),
    };
  }
}

/** A rollout's inputs loaded into the kernels' memory (byte offsets of each array). */
interface Loaded {
  readonly inputs: SparseInputs;
  /** Critic rows, scorer shared rows, scorer slot rows: starts, pointers, values. */
  readonly critic: { start: number; ptr: number; value: number };
  readonly shared: { start: number; ptr: number; value: number };
  readonly slot: { start: number; ptr: number; value: number };
  /** Per allowed slot: its first list entry (for the learned embedding's values). */
  readonly slotEntries: Int32Array;
  /** The lists themselves (critic, shared, slot), for counting their entries. */
  readonly lists: readonly [RowLists, RowLists, RowLists];
}

/** List entries read by a pass over some rows: the critic's, the scorer's shared and slot lists'. */
interface Entries {
  critic: number;
  shared: number;
  slot: number;
}

/**
 * The gradient engine: reads parameters from a flat Float32Array and writes the gradient of a
 * minibatch's loss into a flat Float64Array of the same layout.
 */
export class MlpGradient implements FlatGradient<SparseInputs> {
  /** Sizes. */
  readonly shape: AgentShape;
  /** The flat layout. */
  readonly layout: FlatLayout;
  /** Gradient of the last minibatch, flat. */
  readonly gradient: Float64Array;
  readonly #kernels: SimdKernels = simdKernels();
  #f32 = new Float32Array(0);
  #i32 = new Int32Array(0);
  readonly #critic: Layer[];
  readonly #scorer: Layer[];
  readonly #scorerHeads: HeadMixes;
  readonly #criticHeads: HeadMixes;
  readonly #loss = new PpoLossGradient();
  readonly #embed: { w: number; b: number; size: number } | undefined;
  /** Flat offset of the first conditioning row of scorer/w0, -1 without. */
  readonly #conditionRow: number;
  /** Multiply-adds performed so far (see {@linkcode multiplyAdds}). */
  #multiplyAdds = 0;
  // Memory plan (byte offsets): parameters and activations, their gradients `#delta` above,
  // then the integer and scalar arrays.
  readonly #paramBytes: number;
  #delta = 0;
  #criticA: number[] = [];
  #scorerZ: number[] = [];
  #shared = 0;
  #zeros = 0;
  #order = 0;
  #slotOrder = 0;
  #slotBase = 0;
  #slotHeads = 0;
  #criticRows = 0;
  #out = 0;
  #dOut = 0;
  #dValue = 0;
  #loaded: Loaded | undefined;
  /** Scores of one decision's allowed slots, for the loss. */
  readonly #scores: Float64Array;

  /** @param shape sizes */
  constructor(shape: AgentShape) {
    this.shape = shape;
    this.layout = flatLayout(shape);
    this.gradient = new Float64Array(this.layout.size);
    const offsets = this.layout.offsets;
    const layers = (prefix: string, input: number, hidden: readonly number[]): Layer[] => {
      let width = input;
      return hidden.map((out, l) => {
        const layer = {
          w: offsets.get(`${prefix}/w${l}`)!,
          b: offsets.get(`${prefix}/b${l}`)!,
          in: width,
          out,
          inPad: pad(width),
          outPad: pad(out),
          wAt: 0,
          bAt: 0,
          tAt: 0,
        };
        width = out;
        return layer;
      });
    };
    this.#scorer = layers("scorer", scorerInputSize(shape), shape.scorerHidden);
    this.#critic = layers("critic", criticInputSize(shape), shape.criticHidden);
    this.#scorerHeads = new HeadMixes(this.layout, shape, "scorer", shape.scorerHidden.at(-1)!);
    this.#criticHeads = new HeadMixes(this.layout, shape, "critic", shape.criticHidden.at(-1)!);
    this.#embed = shape.learnedDim === undefined ? undefined : {
      w: offsets.get("scorer/embed/w")!,
      b: offsets.get("scorer/embed/b")!,
      size: shape.learnedDim,
    };
    const l0 = this.#scorer[0]!;
    this.#conditionRow = preferenceSize(shape) > 0
      ? l0.w + (scorerInputSize(shape) - preferenceSize(shape)) * l0.out
      : -1;
    this.#scores = new Float64Array(shape.window + 1);
    // Parameters first, at byte 16 (0 means "none" to the kernels).
    let at = 16;
    for (const layers of [this.#scorer, this.#critic]) {
      layers.forEach((layer, l) => {
        layer.wAt = at;
        at += layer.inPad * layer.outPad * 4;
        layer.bAt = at;
        at += layer.outPad * 4;
        // Wᵀ for the input gradient of the dense layers (the first layer's input has none).
        layer.tAt = l === 0 ? 0 : at;
        if (l > 0) at += layer.outPad * layer.inPad * 4;
      });
    }
    this.#paramBytes = at;
  }

  /**
   * The floating-point multiply-adds the kernels performed so far (padded widths included):
   * per row, each list entry's row (forward and backward, and its dot product for a learned
   * embedding's values), each dense layer's rows × width three times (forward, weight gradient,
   * input gradient), the heads' dot products and their gradients twice. Not counted: the
   * activations, the copies, the loss, the heads' mixing and Adam.
   */
  get multiplyAdds(): number {
    return this.#multiplyAdds;
  }

  /** The sparse form of a batch ({@linkcode sparseInputs}). */
  inputs(batch: DecisionBatch): SparseInputs {
    return sparseInputs(this.shape, batch);
  }

  /** The critic's values of every decision of `inputs`, written into `out`. */
  values(params: Float32Array, inputs: SparseInputs, out: Float32Array): void {
    this.#load(inputs);
    this.#copyParameters(params);
    const heads = this.#criticHeads, n = inputs.size, f32 = this.#f32;
    heads.clear();
    for (let i = 0; i < n; i++) {
      this.#i32[(this.#criticRows >> 2) + i] = heads.row(params, f32, inputs.preference[i]!);
    }
    this.#criticForward(n, 0, this.#loaded!.lists[0].start[n]!);
    for (let i = 0; i < n; i++) {
      const row = this.#i32[(this.#criticRows >> 2) + i]!;
      out[i] = f32[(this.#out >> 2) + i]! + heads.bias[heads.index(row)]!;
    }
  }

  /**
   * Zeroes the gradient, then writes the PPO loss's gradient over the minibatch `indices`
   * (advantages given per minibatch position, already normalised if wanted).
   */
  minibatch(params: Float32Array, inputs: SparseInputs, batch: MinibatchTargets): LossReport {
    const loaded = this.#load(inputs), { indices, targets } = batch, loss = this.#loss;
    const b = indices.length, f32 = this.#f32, i32 = this.#i32;
    this.#copyParameters(params);
    // Gradients that accumulate: the parameters', the shared terms', the heads'.
    f32.fill(0, (16 + this.#delta) >> 2, (this.#paramBytes + this.#delta) >> 2);
    const shared = this.#shared, width = this.#scorer[0]!.outPad;
    f32.fill(0, (shared + this.#delta) >> 2, ((shared + this.#delta) >> 2) + b * width);
    const criticHeads = this.#criticHeads, scorerHeads = this.#scorerHeads;
    criticHeads.clear();
    scorerHeads.clear();
    // Rows: the decisions, their heads, their allowed slots.
    const order = this.#order >> 2, criticRows = this.#criticRows >> 2;
    const slotOrder = this.#slotOrder >> 2, slotBase = this.#slotBase >> 2;
    const slotHeads = this.#slotHeads >> 2;
    const [criticList, sharedList, slotList] = loaded.lists;
    const entries: Entries = { critic: 0, shared: 0, slot: 0 };
    let slots = 0;
    for (let k = 0; k < b; k++) {
      const i = indices[k]!, w = inputs.preference[i]!;
      i32[order + k] = i;
      entries.critic += criticList.start[i + 1]! - criticList.start[i]!;
      entries.shared += sharedList.start[i + 1]! - sharedList.start[i]!;
      i32[criticRows + k] = criticHeads.row(params, f32, w);
      const head = scorerHeads.row(params, f32, w);
      for (let s = inputs.slotStart[i]!; s < inputs.slotStart[i + 1]!; s++, slots++) {
        i32[slotOrder + slots] = s;
        entries.slot += slotList.start[s + 1]! - slotList.start[s]!;
        i32[slotBase + slots] = shared + k * width * 4;
        i32[slotHeads + slots] = head;
      }
    }
    for (const heads of [criticHeads, scorerHeads]) {
      const from = heads.at + this.#delta;
      f32.fill(0, from >> 2, (from + heads.bytes(heads.count)) >> 2);
    }
    loss.begin(batch);
    // The critic: forward, ∂L/∂V, backward.
    this.#criticForward(b, this.#order, entries.critic);
    const out = this.#out >> 2, dOut = this.#dOut >> 2;
    for (let k = 0; k < b; k++) {
      const h = criticHeads.index(i32[criticRows + k]!);
      const dv = loss.value(k, f32[out + k]! + criticHeads.bias[h]!);
      f32[dOut + k] = dv;
      criticHeads.dBias[h]! += dv;
    }
    this.#criticBackward(b, this.#order, entries.critic);
    // The scorer: forward, ∂L/∂s decision by decision, backward.
    if (this.#embed) this.#embedForward(params, inputs, loaded, slots);
    this.#scorerForward(b, slots, entries);
    const window = this.shape.window, scores = this.#scores;
    for (let k = 0, first = 0; k < b; k++) {
      const i = indices[k]!, count = inputs.slotStart[i + 1]! - inputs.slotStart[i]!;
      const h = scorerHeads.index(i32[slotHeads + first]!);
      const bias = scorerHeads.bias[h]!, idle = scorerHeads.idle[h]!;
      let chosen = -1;
      for (let s = 0; s < count; s++) {
        const slot = inputs.slot[inputs.slotStart[i]! + s]!;
        scores[s] = f32[out + first + s]! + bias + (slot === window ? idle : 0);
        if (slot === targets.action[i]) chosen = s;
      }
      loss.policy(k, scores, count, chosen);
      for (let s = 0; s < count; s++) {
        f32[dOut + first + s] = scores[s]!;
        scorerHeads.dBias[h]! += scores[s]!;
        if (inputs.slot[inputs.slotStart[i]! + s] === window) scorerHeads.dIdle[h]! += scores[s]!;
      }
      first += count;
    }
    this.#scorerBackward(b, slots, entries);
    // The gradient, out of the kernels' memory.
    this.#copyGradient();
    criticHeads.spread(this.gradient, f32, this.#delta);
    scorerHeads.spread(this.gradient, f32, this.#delta);
    if (this.#embed) this.#embedBackward(inputs, loaded, slots);
    return loss.report();
  }

  /** Loads a rollout's row lists into the kernels' memory (once per inputs object). */
  #load(inputs: SparseInputs): Loaded {
    if (this.#loaded?.inputs === inputs) return this.#loaded;
    const shape = this.shape, m = shape.nodeCount, window = shape.window, embed = this.#embed;
    const c0 = this.#critic[0]!, s0 = this.#scorer[0]!, row = s0.outPad * 4;
    const n = inputs.size, slots = inputs.slotStart[n]!, features = inputs.featureStart[slots]!;
    const critic = new ListBuilder(n, n + inputs.criticStart[n]!);
    const shared = new ListBuilder(n, 2 * n + inputs.stateStart[n]!);
    const slot = new ListBuilder(slots, (embed ? slots * embed.size : features) + 2 * slots);
    const taskBase = m * (1 + shape.nodeStateSize);
    const condition = scorerInputSize(shape) - preferenceSize(shape);
    const slotEntries = new Int32Array(slots);
    for (let i = 0; i < n; i++) {
      critic.add(c0.bAt, 1);
      for (let q = inputs.criticStart[i]!; q < inputs.criticStart[i + 1]!; q++) {
        critic.add(c0.wAt + inputs.criticIndex[q]! * c0.outPad * 4, inputs.criticValue[q]!);
      }
      critic.end();
      shared.add(s0.bAt, 1);
      shared.add(s0.wAt + inputs.node[i]! * row, 1);
      for (let q = inputs.stateStart[i]!; q < inputs.stateStart[i + 1]!; q++) {
        shared.add(s0.wAt + (m + inputs.stateIndex[q]!) * row, inputs.stateValue[q]!);
      }
      shared.end();
      const w = inputs.preference[i]!;
      for (let s = inputs.slotStart[i]!; s < inputs.slotStart[i + 1]!; s++) {
        slotEntries[s] = slot.length;
        if (inputs.slot[s]! < window) {
          if (embed) {
            for (let e = 0; e < embed.size; e++) slot.add(s0.wAt + (taskBase + e) * row, 0);
          } else {
            for (let q = inputs.featureStart[s]!; q < inputs.featureStart[s + 1]!; q++) {
              slot.add(
                s0.wAt + (taskBase + inputs.featureIndex[q]!) * row,
                inputs.featureValue[q]!,
              );
            }
          }
          if (this.#conditionRow >= 0 && w !== 0) {
            slot.add(s0.wAt + condition * row, w);
            slot.add(s0.wAt + (condition + 1 + inputs.node[i]!) * row, w);
          }
        }
        slot.end();
      }
    }
    const lists = [critic.build(), shared.build(), slot.build()] as const;
    const places = this.#plan(n, slots, lists);
    this.#loaded = {
      inputs,
      critic: places[0]!,
      shared: places[1]!,
      slot: places[2]!,
      slotEntries,
      lists,
    };
    return this.#loaded;
  }

  /**
   * Lays out the kernels' memory for n decisions and `slots` allowed slots (growing it if
   * needed) and copies the row lists in; returns where each list went.
   */
  #plan(
    n: number,
    slots: number,
    lists: readonly RowLists[],
  ): { start: number; ptr: number; value: number }[] {
    let at = this.#paramBytes;
    const take = (bytes: number) => {
      const place = at;
      at += (bytes + 15) & ~15;
      return place;
    };
    this.#criticA = this.#critic.map((layer) => take(n * layer.outPad * 4));
    this.#shared = take(n * this.#scorer[0]!.outPad * 4);
    this.#scorerZ = this.#scorer.map((layer) => take(slots * layer.outPad * 4));
    this.#criticHeads.reserve(take(this.#criticHeads.bytes(n)), n);
    this.#scorerHeads.reserve(take(this.#scorerHeads.bytes(n)), n);
    const widest = Math.max(...[...this.#critic, ...this.#scorer].map((layer) => layer.inPad));
    this.#zeros = take(widest * 4);
    this.#delta = at;
    at *= 2;
    const rows = Math.max(n, slots);
    this.#order = take(n * 4);
    this.#criticRows = take(n * 4);
    this.#slotOrder = take(slots * 4);
    this.#slotBase = take(slots * 4);
    this.#slotHeads = take(slots * 4);
    this.#out = take(rows * 4);
    this.#dOut = take(rows * 4);
    this.#dValue = take(lists[2]!.value.length * 4);
    const places = lists.map((list) => ({
      start: take(list.start.length * 4),
      ptr: take(list.ptr.length * 4),
      value: take(list.value.length * 4),
    }));
    const memory = this.#kernels.memory, pages = Math.ceil(at / 65536);
    if (memory.buffer.byteLength < pages * 65536) {
      memory.grow(pages - memory.buffer.byteLength / 65536);
    }
    this.#f32 = new Float32Array(memory.buffer as ArrayBuffer);
    this.#i32 = new Int32Array(memory.buffer as ArrayBuffer);
    this.#f32.fill(0, this.#zeros >> 2, (this.#zeros >> 2) + widest);
    lists.forEach((list, k) => {
      const place = places[k]!;
      this.#i32.set(list.start, place.start >> 2);
      this.#i32.set(list.ptr, place.ptr >> 2);
      this.#f32.set(list.value, place.value >> 2);
    });
    return places;
  }

  /** Copies the parameters of the dense layers into the kernels' memory (padded, and Wᵀ). */
  #copyParameters(params: Float32Array): void {
    const f32 = this.#f32;
    for (const layer of [...this.#scorer, ...this.#critic]) {
      const { w, b, out, outPad, inPad } = layer, wAt = layer.wAt >> 2, tAt = layer.tAt >> 2;
      for (let r = 0; r < layer.in; r++) {
        f32.set(params.subarray(w + r * out, w + (r + 1) * out), wAt + r * outPad);
      }
      f32.set(params.subarray(b, b + out), layer.bAt >> 2);
      if (layer.tAt === 0) continue;
      for (let j = 0; j < out; j++) {
        for (let r = 0; r < layer.in; r++) f32[tAt + j * inPad + r] = params[w + r * out + j]!;
      }
    }
  }

  /** The dense layers' gradients, out of the kernels' memory into {@linkcode gradient} (the rest zeroed). */
  #copyGradient(): void {
    const g = this.gradient, f32 = this.#f32;
    g.fill(0);
    for (const layer of [...this.#scorer, ...this.#critic]) {
      const { w, b, out, outPad } = layer;
      const wAt = (layer.wAt + this.#delta) >> 2, bAt = (layer.bAt + this.#delta) >> 2;
      for (let r = 0; r < layer.in; r++) {
        for (let j = 0; j < out; j++) g[w + r * out + j] = f32[wAt + r * outPad + j]!;
      }
      for (let j = 0; j < out; j++) g[b + j] = f32[bAt + j]!;
    }
  }

  /**
   * The dense layers 1.. of a network over `rows` rows, each followed by its activation, from the
   * first layer's output in acts[0]; returns the multiply-adds performed.
   */
  #hiddenForward(layers: Layer[], acts: number[], rows: number, activation: Activation): number {
    const k4 = this.#kernels;
    let performed = 0;
    for (let l = 1; l < layers.length; l++) {
      const { inPad, wAt, outPad, bAt } = layers[l]!;
      k4.dense(acts[l - 1]!, rows, inPad, inPad, wAt, outPad, bAt, acts[l]!);
      if (activation === Activation.Tanh) k4.tanh(acts[l]!, rows * outPad);
      else k4.relu(acts[l]!, rows * outPad);
      performed += rows * inPad * outPad;
    }
    return performed;
  }

  /**
   * The backward of {@linkcode #hiddenForward} from the last layer's gradient (at +delta of its
   * output) down to the first layer's (before its activation); returns the multiply-adds.
   */
  #hiddenBackward(layers: Layer[], acts: number[], rows: number, activation: Activation): number {
    const k4 = this.#kernels, delta = this.#delta;
    let performed = 0;
    for (let l = layers.length - 1; l >= 1; l--) {
      const { inPad, wAt, outPad, bAt, tAt } = layers[l]!, input = acts[l - 1]!;
      const dy = acts[l]! + delta;
      k4.denseAdjoint(input, rows, inPad, inPad, wAt, outPad, bAt, dy, delta);
      k4.dense(dy, rows, outPad, outPad, tAt, inPad, this.#zeros, input + delta);
      if (activation === Activation.Tanh) k4.tanhAdjoint(input, input + delta, rows * inPad);
      else k4.reluAdjoint(input, input + delta, rows * inPad);
      performed += 2 * rows * inPad * outPad;
    }
    return performed;
  }

  /**
   * The critic's forward over `count` decisions (order: their indices, 0 for the first count),
   * whose lists hold `entries` entries, into #out.
   */
  #criticForward(count: number, order: number, entries: number): void {
    const k4 = this.#kernels, layers = this.#critic, a = this.#criticA, l0 = layers[0]!;
    const { start, ptr, value } = this.#loaded!.critic, last = layers.at(-1)!.outPad;
    k4.sparse(a[0]!, count, l0.outPad, order, start, ptr, value, 0);
    k4.tanh(a[0]!, count * l0.outPad);
    const performed = entries * l0.outPad + this.#hiddenForward(layers, a, count, Activation.Tanh);
    k4.rowDots(a.at(-1)!, count, last, this.#criticRows, this.#out);
    this.#multiplyAdds += performed + count * last;
  }

  /** The critic's backward from ∂L/∂V in #dOut over the minibatch's `count` decisions. */
  #criticBackward(count: number, order: number, entries: number): void {
    const k4 = this.#kernels, layers = this.#critic, a = this.#criticA, delta = this.#delta;
    const last = layers.at(-1)!.outPad, top = a.at(-1)!, l0 = layers[0]!;
    const { start, ptr, value } = this.#loaded!.critic, rows = this.#criticRows;
    k4.rowDotsAdjoint(top, count, last, rows, this.#dOut, top + delta, delta, Activation.Tanh);
    const performed = 2 * count * last + this.#hiddenBackward(layers, a, count, Activation.Tanh);
    k4.sparseAdjoint(a[0]! + delta, count, l0.outPad, order, start, ptr, value, 0, delta, 0);
    this.#multiplyAdds += performed + entries * l0.outPad;
  }

  /**
   * The scorer's forward: the `count` decisions' shared terms, then their `slots` allowed slots'
   * scores into #out (`entries`: the lists' entries those rows read).
   */
  #scorerForward(count: number, slots: number, entries: Entries): void {
    const k4 = this.#kernels, layers = this.#scorer, z = this.#scorerZ, l0 = layers[0]!;
    const loaded = this.#loaded!, shared = loaded.shared, slot = loaded.slot, width = l0.outPad;
    const last = layers.at(-1)!.outPad;
    k4.sparse(this.#shared, count, width, this.#order, shared.start, shared.ptr, shared.value, 0);
    const { start, ptr, value } = slot;
    k4.sparse(z[0]!, slots, width, this.#slotOrder, start, ptr, value, this.#slotBase);
    k4.relu(z[0]!, slots * width);
    const performed = (entries.shared + entries.slot) * width +
      this.#hiddenForward(layers, z, slots, Activation.Relu);
    k4.rowDots(z.at(-1)!, slots, last, this.#slotHeads, this.#out);
    this.#multiplyAdds += performed + slots * last;
  }

  /** The scorer's backward from ∂L/∂s in #dOut, over the forward's rows. */
  #scorerBackward(count: number, slots: number, entries: Entries): void {
    const k4 = this.#kernels, layers = this.#scorer, z = this.#scorerZ, delta = this.#delta;
    const loaded = this.#loaded!, last = layers.at(-1)!.outPad, top = z.at(-1)!;
    const heads = this.#slotHeads, dValue = this.#embed ? this.#dValue : 0;
    k4.rowDotsAdjoint(top, slots, last, heads, this.#dOut, top + delta, delta, Activation.Relu);
    const width = layers[0]!.outPad, shared = loaded.shared, slotOrder = this.#slotOrder;
    const { start, ptr, value } = loaded.slot, base = this.#slotBase;
    let performed = 2 * slots * last + this.#hiddenBackward(layers, z, slots, Activation.Relu);
    k4.sparseAdjoint(
      z[0]! + delta,
      slots,
      width,
      slotOrder,
      start,
      ptr,
      value,
      base,
      delta,
      dValue,
    );
    const { start: sharedStart, ptr: sharedPtr, value: sharedValue } = shared;
    k4.sparseAdjoint(
      this.#shared + delta,
      count,
      width,
      this.#order,
      sharedStart,
      sharedPtr,
      sharedValue,
      0,
      delta,
      0,
    );
    performed += ((dValue ? 2 : 1) * entries.slot + entries.shared) * width;
    this.#multiplyAdds += performed;
  }

  /** The learned embedding's values tanh(f·W_e + b_e) of the minibatch's task slots, into their list entries. */
  #embedForward(params: Float32Array, inputs: SparseInputs, loaded: Loaded, slots: number): void {
    const embed = this.#embed!, size = embed.size, window = this.shape.window;
    const f32 = this.#f32, values = loaded.slot.value >> 2, slotOrder = this.#slotOrder >> 2;
    for (let c = 0; c < slots; c++) {
      const s = this.#i32[slotOrder + c]!;
      if (inputs.slot[s]! >= window) continue;
      const entry = values + loaded.slotEntries[s]!;
      for (let e = 0; e < size; e++) {
        let u = params[embed.b + e]!;
        for (let q = inputs.featureStart[s]!; q < inputs.featureStart[s + 1]!; q++) {
          u += inputs.featureValue[q]! * params[embed.w + inputs.featureIndex[q]! * size + e]!;
        }
        f32[entry + e] = Math.tanh(u);
        this.#multiplyAdds += inputs.featureStart[s + 1]! - inputs.featureStart[s]!;
      }
    }
  }

  /** The learned embedding's gradient from its values' (∂L/∂t in #dValue), into {@linkcode gradient}. */
  #embedBackward(inputs: SparseInputs, loaded: Loaded, slots: number): void {
    const embed = this.#embed!, size = embed.size, window = this.shape.window, g = this.gradient;
    const f32 = this.#f32, values = loaded.slot.value >> 2, dValue = this.#dValue >> 2;
    const slotOrder = this.#slotOrder >> 2;
    for (let c = 0; c < slots; c++) {
      const s = this.#i32[slotOrder + c]!;
      if (inputs.slot[s]! >= window) continue;
      const entry = loaded.slotEntries[s]!;
      for (let e = 0; e < size; e++) {
        const t = f32[values + entry + e]!, du = f32[dValue + entry + e]! * (1 - t * t);
        g[embed.b + e]! += du;
        for (let q = inputs.featureStart[s]!; q < inputs.featureStart[s + 1]!; q++) {
          g[embed.w + inputs.featureIndex[q]! * size + e]! += inputs.featureValue[q]! * du;
        }
        this.#multiplyAdds += inputs.featureStart[s + 1]! - inputs.featureStart[s]!;
      }
    }
  }
}
