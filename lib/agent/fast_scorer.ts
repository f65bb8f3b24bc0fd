/**
 * The acting path: the scorer's forward pass in plain Float32Arrays, one decision at a time,
 * with no framework call. The node and state terms of the first layer are computed once per
 * decision and shared by every candidate; zero inputs (most of the one-hots) are skipped.
 * Reloaded from the TensorFlow.js variables after every update.
 *
 * @module
 */
import type { Decision } from "../env/mod.ts";
import {
  type AgentShape,
  type ParameterValues,
  scorerInputSize,
  taskInputSize,
} from "./networks.ts";
import { knotSuffix, knotWeights, PREFERENCE_KNOTS, preferenceSize } from "./preference.ts";
import { FastAttention } from "./fast_attention.ts";
import { relu } from "./flat.ts";

/** An acting forward pass: the score of every slot of a decision. */
export interface Scorer {
  /**
   * Writes the scores (window candidates, then idle) into `out`, -Infinity where masked; a
   * conditioned network reads the energy weight `preference`.
   */
  score(decision: Decision, out: Float64Array, preference?: number): void;
}

/** The acting path of a shape's network: the seed's scorer or the attention allocator. */
export function makeScorer(shape: AgentShape, values: ParameterValues): Scorer {
  return shape.attention ? new FastAttention(shape, values) : new FastScorer(shape, values);
}

/** The scorer as plain arrays. */
export class FastScorer implements Scorer {
  readonly #shape: AgentShape;
  readonly #weights: Float32Array[];
  readonly #biases: Float32Array[];
  readonly #out: Float32Array;
  readonly #outBias: number;
  readonly #idleBias: number;
  readonly #shared: Float64Array;
  readonly #condition: Float32Array;
  readonly #activations: Float32Array[];
  readonly #embed: { w: Float32Array; b: Float32Array; out: Float32Array } | undefined;
  readonly #knotHeads: { out: Float32Array; outBias: number; idleBias: number }[];
  readonly #knotWeights = new Float64Array(PREFERENCE_KNOTS.length);
  // A decision's non-zero first-layer inputs before the task's: their rows and values.
  readonly #rows: Int32Array;
  readonly #values: Float64Array;
  // The candidates scored in the fused pass: slot, then the rows and values of their (at most
  // two) non-zero task inputs, two per candidate (row 0 with value 0 where there is none).
  readonly #fused: { slots: Int32Array; rows: Int32Array; values: Float64Array };

  /**
   * @param shape sizes
   * @param values the parameters (e.g. `AgentNetworks.snapshot()`)
   */
  constructor(shape: AgentShape, values: ParameterValues) {
    this.#shape = shape;
    const get = (name: string) => {
      const value = values.get(name);
      if (!value) throw new RangeError(`Expected parameter ${name} but found none`);
      return value;
    };
    this.#weights = shape.scorerHidden.map((_, layer) => get(`scorer/w${layer}`));
    this.#biases = shape.scorerHidden.map((_, layer) => get(`scorer/b${layer}`));
    this.#out = get("scorer/wOut");
    this.#outBias = get("scorer/bOut")[0]!;
    this.#idleBias = get("scorer/idle")[0]!;
    if (this.#weights[0]!.length !== scorerInputSize(shape) * shape.scorerHidden[0]!) {
      throw new RangeError(`Expected scorer/w0 to have ${scorerInputSize(shape)} inputs`);
    }
    this.#embed = shape.learnedDim === undefined ? undefined : {
      w: get("scorer/embed/w"),
      b: get("scorer/embed/b"),
      out: new Float32Array(shape.learnedDim),
    };
    this.#knotHeads = shape.preference
      ? PREFERENCE_KNOTS.map((_, k) => ({
        out: get(`scorer/wOut${knotSuffix(k)}`),
        outBias: get(`scorer/bOut${knotSuffix(k)}`)[0]!,
        idleBias: get(`scorer/idle${knotSuffix(k)}`)[0]!,
      }))
      : [];
    this.#shared = new Float64Array(shape.scorerHidden[0]!);
    this.#condition = new Float32Array(shape.scorerHidden[0]!);
    this.#activations = shape.scorerHidden.map((width) => new Float32Array(width));
    this.#rows = new Int32Array(1 + shape.nodeCount * shape.nodeStateSize);
    this.#values = new Float64Array(this.#rows.length);
    this.#fused = {
      slots: new Int32Array(shape.window + 1),
      rows: new Int32Array(2 * (shape.window + 1)),
      values: new Float64Array(2 * (shape.window + 1)),
    };
  }

  /**
   * Writes the score of every slot of a decision (window candidates, then idle) into `out`,
   * -Infinity where the mask forbids the slot.
   *
   * @param decision the decision
   * @param out the scores, window + 1 of them
   * @param preference the energy weight w, read when the shape has preference
   */
  score(decision: Decision, out: Float64Array, preference = 0): void {
    const { nodeCount: m, nodeStateSize, embeddingDim: d, window } = this.#shape;
    const w0 = this.#weights[0]!, width = this.#shared.length;
    const shared = this.#shared;
    // Node and state terms, once per decision: the node's one-hot row, then the state's
    // non-zero entries.
    const rows = this.#rows, values = this.#values;
    rows[0] = decision.node * width;
    values[0] = 1;
    let inputs = 1;
    const state = decision.state, stateSize = m * nodeStateSize;
    for (let k = 0; k < stateSize; k++) {
      if (state[k] === 0) continue;
      rows[inputs] = (m + k) * width;
      values[inputs++] = state[k]!;
    }
    shared.set(this.#biases[0]!);
    addRows(shared, w0, { rows, values, count: inputs });
    const taskBase = m + stateSize, features = decision.features, mask = decision.mask;
    // Conditioning [w, w·one-hot(node)], rows after the task's: it shifts the task slots only.
    const conditioned = preferenceSize(this.#shape) > 0 && preference !== 0;
    if (this.#knotHeads.length > 0) knotWeights(preference, this.#knotWeights);
    if (conditioned) {
      const base = (taskBase + taskInputSize(this.#shape)) * width;
      const nodeBase = base + (1 + decision.node) * width;
      for (let j = 0; j < width; j++) {
        this.#condition[j] = preference * (w0[base + j]! + w0[nodeBase + j]!);
      }
    }
    const first = this.#activations[0]!;
    // One fused pass per candidate where it can: one hidden layer, one head, at most two
    // non-zero features (the one-hot kind and the parameter).
    const fused = this.#weights.length === 1 && this.#knotHeads.length === 0 && !conditioned &&
      !this.#embed;
    let fusedCount = 0;
    for (let slot = 0; slot <= window; slot++) {
      if (!mask[slot]) {
        out[slot] = -Infinity;
        continue;
      }
      if (fused) {
        let r1 = 0, v1 = 0, r2 = 0, v2 = 0, rows = 0;
        if (slot < window) {
          for (let e = slot * d, end = e + d; e < end; e++) {
            const x = features[e]!;
            if (x === 0) continue;
            const row = (taskBase + e - slot * d) * width;
            if (rows === 0) (r1 = row, v1 = x);
            else if (rows === 1) (r2 = row, v2 = x);
            rows++;
          }
        }
        if (rows <= 2) {
          const queue = this.#fused, k = fusedCount++;
          queue.slots[k] = slot;
          queue.rows[2 * k] = r1;
          queue.values[2 * k] = v1;
          queue.rows[2 * k + 1] = r2;
          queue.values[2 * k + 1] = v2;
          continue;
        }
      }
      first.set(shared);
      if (slot < window && conditioned) {
        for (let j = 0; j < width; j++) first[j]! += this.#condition[j]!;
      }
      if (slot < window && d > 0) {
        const task = this.#taskInput(features.subarray(slot * d, (slot + 1) * d));
        for (let e = 0; e < task.length; e++) {
          const x = task[e]!;
          if (x === 0) continue;
          const row = (taskBase + e) * width;
          for (let j = 0; j < width; j++) first[j]! += x * w0[row + j]!;
        }
      }
      for (let j = 0; j < width; j++) first[j] = relu(first[j]!);
      const hidden = this.#tail(), idle = slot === window;
      if (this.#knotHeads.length === 0) {
        out[slot] = this.#head(hidden, this.#out, this.#outBias) + (idle ? this.#idleBias : 0);
        continue;
      }
      // The knots' heads, interpolated piecewise-linearly in w (at most two are nonzero).
      let score = 0;
      this.#knotHeads.forEach((head, k) => {
        const weight = this.#knotWeights[k]!;
        if (weight === 0) return;
        score += weight * (this.#head(hidden, head.out, head.outBias) + (idle ? head.idleBias : 0));
      });
      out[slot] = score;
    }
    this.#scoreFused(fusedCount, out);
  }

  /**
   * Scores the queued fused candidates, relu(shared + v1·row1 + v2·row2) · head + bias (plus
   * the idle bias for the idle slot), two candidates per pass over the hidden units: each sum
   * runs in its own order (the same bits as one at a time) while the pass loads `shared` and
   * the head once for both. An odd count's last candidate pairs with itself.
   */
  #scoreFused(count: number, out: Float64Array): void {
    const { slots, rows, values } = this.#fused;
    const w0 = this.#weights[0]!, shared = this.#shared, head = this.#out;
    const width = shared.length, idleSlot = this.#shape.window;
    for (let a = 0; a < count; a += 2) {
      const b = a + 1 < count ? a + 1 : a;
      const a1 = rows[2 * a]!,
        a2 = rows[2 * a + 1]!,
        av1 = values[2 * a]!,
        av2 = values[2 * a + 1]!;
      const b1 = rows[2 * b]!,
        b2 = rows[2 * b + 1]!,
        bv1 = values[2 * b]!,
        bv2 = values[2 * b + 1]!;
      let scoreA = this.#outBias, scoreB = this.#outBias;
      for (let j = 0; j < width; j++) {
        const s = shared[j]!, h = head[j]!;
        scoreA += relu(s + av1 * w0[a1 + j]! + av2 * w0[a2 + j]!) * h;
        scoreB += relu(s + bv1 * w0[b1 + j]! + bv2 * w0[b2 + j]!) * h;
      }
      const slotA = slots[a]!, slotB = slots[b]!;
      out[slotA] = slotA === idleSlot ? scoreA + this.#idleBias : scoreA;
      out[slotB] = slotB === idleSlot ? scoreB + this.#idleBias : scoreB;
    }
  }

  /** A candidate's input to the first layer: its features, or their learned embedding. */
  #taskInput(features: Float32Array): Float32Array {
    const embed = this.#embed;
    if (!embed) return features;
    const size = embed.out.length;
    embed.out.set(embed.b);
    for (let i = 0; i < features.length; i++) {
      const x = features[i]!;
      if (x === 0) continue;
      for (let j = 0; j < size; j++) embed.out[j]! += x * embed.w[i * size + j]!;
    }
    for (let j = 0; j < size; j++) embed.out[j] = Math.tanh(embed.out[j]!);
    return embed.out;
  }

  /** An output head on the last hidden layer's activations. */
  #head(input: Float32Array, weights: Float32Array, bias: number): number {
    let score = bias;
    for (let i = 0; i < input.length; i++) score += input[i]! * weights[i]!;
    return score;
  }

  /** Hidden layers after the first, from the first layer's activations: the last one's. */
  #tail(): Float32Array {
    let input = this.#activations[0]!;
    for (let layer = 1; layer < this.#weights.length; layer++) {
      const weights = this.#weights[layer]!, output = this.#activations[layer]!;
      const width = output.length;
      output.set(this.#biases[layer]!);
      for (let i = 0; i < input.length; i++) {
        const x = input[i]!;
        if (x === 0) continue;
        const row = i * width;
        for (let j = 0; j < width; j++) output[j]! += x * weights[row + j]!;
      }
      for (let j = 0; j < width; j++) output[j] = relu(output[j]!);
      input = output;
    }
    return input;
  }
}

/**
 * out[j] += Σ_r values[r] · params[rows[r] + j] over `count` rows, added in their order (the
 * same sums, bit for bit, as one row at a time) but four rows per pass over `out`: a quarter
 * of its loads and stores.
 */
function addRows(
  out: Float64Array,
  params: Float32Array,
  inputs: { rows: Int32Array; values: Float64Array; count: number },
): void {
  const { rows, values, count } = inputs, width = out.length;
  let r = 0;
  for (; r + 3 < count; r += 4) {
    const r0 = rows[r]!, r1 = rows[r + 1]!, r2 = rows[r + 2]!, r3 = rows[r + 3]!;
    const x0 = values[r]!, x1 = values[r + 1]!, x2 = values[r + 2]!, x3 = values[r + 3]!;
    for (let j = 0; j < width; j++) {
      out[j] = out[j]! + x0 * params[r0 + j]! + x1 * params[r1 + j]! + x2 * params[r2 + j]! +
        x3 * params[r3 + j]!;
    }
  }
  for (; r < count; r++) {
    const row = rows[r]!, x = values[r]!;
    for (let j = 0; j < width; j++) out[j]! += x * params[row + j]!;
  }
}

/**
 * Turns scores into log-probabilities in place (masked slots stay -Infinity): the masked
 * softmax of the policy.
 */
export function logSoftmaxInPlace(scores: Float64Array): void {
  let max = -Infinity;
  for (const score of scores) if (score > max) max = score;
  let total = 0;
  for (const score of scores) if (score !== -Infinity) total += Math.exp(score - max);
  const logTotal = max + Math.log(total);
  for (let i = 0; i < scores.length; i++) scores[i] = scores[i]! - logTotal;
}
