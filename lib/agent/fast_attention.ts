/**
 * The attention allocator's acting path: the forward pass of lib/agent/attention.ts in plain
 * arrays, one decision at a time, preallocated. Products that do not change within a decision
 * are folded once per set of weights: per layer and head, M = W_k[:, h] W_q[:, h]ᵀ and
 * R = W_v[:, h] W_o[h, :] (attention.ts's `foldHeads`), so that each node costs two D x D
 * products per head and each candidate only dot products with the nodes; the pointer key W_k
 * folds into the query.
 *
 * @module
 */
import type { Decision } from "../env/mod.ts";
import type { AttentionShape } from "./attention.ts";
import {
  foldHeads,
  PAIR_CHANNELS,
  queryInputSize,
  taskTokenInput,
  taskTokenSize,
} from "./attention.ts";
import { pool } from "./flat.ts";
import type { AgentShape, ParameterValues } from "./networks.ts";
import { CONTEXT_SIZE, nodeTokenSize, writeContext, writeNodeTokens } from "./tokens.ts";

/**
 * y += x W, W row-major [xLength, yLength], zeros of x skipped. Every operand is a Float64Array,
 * so that V8 compiles one monomorphic loop.
 */
function multiply(
  x: Float64Array,
  xOffset: number,
  xLength: number,
  w: Float64Array,
  y: Float64Array,
  yOffset: number,
  yLength: number,
): void {
  for (let i = 0; i < xLength; i++) {
    const value = x[xOffset + i]!;
    if (value === 0) continue;
    const row = i * yLength;
    for (let j = 0; j < yLength; j++) y[yOffset + j]! += value * w[row + j]!;
  }
}

/** A product applied to node tokens, folded onto the node encoder's hidden layer. */
interface Folded {
  /** W1 P, [D, D]. */
  readonly matrix: Float64Array;
  /** b1 P, [D]. */
  readonly bias: Float64Array;
}

interface Layer {
  /** Per head, M = W_k[:, h] W_q[:, h]ᵀ / √dh, folded. */
  readonly keyQuery: Folded[];
  /** Per head, R = W_v[:, h] W_o[h, :], folded. */
  readonly valueOut: Folded[];
  readonly pool: Float64Array;
  /** Per head, the weight on the requester's contribution, [H, D]. */
  readonly share: Float64Array;
  readonly bias: Float64Array;
}

/** The attention allocator as plain arrays. */
export class FastAttention {
  readonly #attention: AttentionShape;
  readonly #d: number;
  /** Numbers in a node token. */
  readonly #tokenSize: number;
  /** A parameter by name, widened to float64 once. */
  readonly #get: (name: string) => Float64Array;
  readonly #layers: Layer[];
  // Per decision, grown to the largest node count and window seen.
  #x = new Float64Array(0);
  /**
   * The node tokens the hidden layers, keys and values in `#nodes` and `#folded` were computed
   * from, and for how many nodes (the last decision's count): on the same count, a node whose
   * token is unchanged since the last decision keeps them.
   */
  #computedFrom = new Float64Array(0);
  #computedCount = 0;
  #nodes = new Float64Array(0);
  #folded: Float64Array[][] = []; // [layer][2 * head + (0 key-query | 1 value-out)] → [m, D]
  #tasks = new Float64Array(0);
  #next = new Float64Array(0);
  readonly #hidden: Float64Array;
  readonly #pooled: Float64Array;
  readonly #update: Float64Array;
  readonly #logits: Float64Array[];
  readonly #query: Float64Array;
  readonly #queryInput: Float64Array;
  readonly #folding: Float64Array;
  readonly #taskInput: Float64Array;
  readonly #context = new Float32Array(CONTEXT_SIZE);
  /**
   * The pair network's node side B h_i + b_p, [m, pairs] (kept, like the keys and values, while
   * the node's token is unchanged), and one task's side A t_j.
   */
  #pairNodes = new Float64Array(0);
  readonly #pairTask: Float64Array;
  /** A task's reading [own; max; mean] of its pairs' channels. */
  readonly #pairRead = new Float64Array(3 * PAIR_CHANNELS);

  /**
   * @param shape sizes (`shape.attention` set)
   * @param values the parameters (e.g. `AgentNetworks.snapshot()`)
   */
  constructor(shape: AgentShape, values: ParameterValues) {
    if (!shape.attention) throw new TypeError("FastAttention needs shape.attention");
    const attention = this.#attention = shape.attention;
    this.#d = shape.embeddingDim;
    this.#tokenSize = nodeTokenSize(shape.nodeStateSize);
    const widened = new Map<string, Float64Array>();
    this.#get = (name) => {
      let value = widened.get(name);
      if (!value) {
        const given = values.get(name);
        if (!given) throw new RangeError(`Expected parameter ${name} but found none`);
        widened.set(name, value = Float64Array.from(given));
      }
      return value;
    };
    const { width: D, heads: H } = attention;
    // Fold the node encoder's output layer (n = h W1 + b1) into each head's products too.
    const w1 = this.#get("attn/node/w1"), b1 = this.#get("attn/node/b1");
    const fold = (product: Float64Array) => {
      const matrix = new Float64Array(D * D), bias = new Float64Array(D);
      multiply(b1, 0, D, product, bias, 0, D);
      for (let a = 0; a < D; a++) multiply(w1, a * D, D, product, matrix, a * D, D);
      return { matrix, bias };
    };
    this.#layers = Array.from({ length: attention.layers }, (_, l) => {
      const matrix = (name: string) => ({ values: this.#get(`attn/l${l}/${name}`), at: 0 });
      const folds = {
        keyQuery: new Float64Array(H * D * D),
        valueOut: new Float64Array(H * D * D),
      };
      foldHeads(
        { q: matrix("q"), k: matrix("k"), v: matrix("v"), o: matrix("o") },
        attention,
        folds,
        true,
      );
      const head = (folded: Float64Array, h: number) =>
        fold(folded.subarray(h * D * D, (h + 1) * D * D));
      const keyQuery: Folded[] = [], valueOut: Folded[] = [];
      for (let h = 0; h < H; h++) {
        keyQuery.push(head(folds.keyQuery, h));
        valueOut.push(head(folds.valueOut, h));
      }
      return {
        keyQuery,
        valueOut,
        pool: this.#get(`attn/l${l}/pool`),
        share: this.#get(`attn/l${l}/share`),
        bias: this.#get(`attn/l${l}/b`),
      };
    });
    this.#hidden = new Float64Array(D);
    this.#pooled = new Float64Array(2 * D);
    this.#update = new Float64Array(D);
    this.#logits = [new Float64Array(0)];
    this.#query = new Float64Array(D);
    this.#queryInput = new Float64Array(queryInputSize(D));
    this.#folding = new Float64Array(D);
    this.#taskInput = new Float64Array(taskTokenSize(this.#d, attention));
    this.#pairTask = new Float64Array(attention.pairs ?? 0);
    // Check every parameter up front.
    for (
      const name of [
        "attn/node/w0",
        "attn/node/b0",
        "attn/node/w1",
        "attn/node/b1",
        "attn/task/b",
        "attn/query/w",
        "attn/query/b",
        "attn/key/w",
        "attn/idle",
        ...(this.#d > 0 ? ["attn/task/w"] : []),
        ...((attention.pairs ?? 0) > 0
          ? ["task", "node", "b", "out", "w", "bias"].map((name) => `attn/pair/${name}`)
          : []),
      ]
    ) this.#get(name);
  }

  #grow(m: number, window: number): void {
    const D = this.#attention.width, H = this.#attention.heads;
    if (this.#nodes.length < m * D) {
      this.#x = new Float64Array(m * this.#tokenSize);
      this.#computedFrom = new Float64Array(m * this.#tokenSize);
      this.#nodes = new Float64Array(m * D);
      this.#folded = this.#layers.map(() =>
        Array.from({ length: 2 * H }, () => new Float64Array(m * D))
      );
      this.#logits[0] = new Float64Array(m);
      this.#pairNodes = new Float64Array(m * (this.#attention.pairs ?? 0));
    }
    if (this.#tasks.length < window * D) {
      this.#tasks = new Float64Array(window * D);
      this.#next = new Float64Array(window * D);
    }
  }

  /**
   * Writes the score of every slot of a decision (its window's candidates, then idle) into
   * `out`, -Infinity where the mask forbids the slot.
   */
  score(decision: Decision, out: Float64Array): void {
    const { width: D, heads: H, clip } = this.#attention;
    const m = decision.instance.nodeCount, window = decision.mask.length - 1;
    const count = decision.candidateCount, d = this.#d, get = this.#get;
    this.#grow(m, window);
    // Node tokens: the encoder's hidden layer h_i (n_i = h_i W1 + b1 is folded in), then per
    // layer and head the folded keys and values; only for the nodes whose token changed.
    const x = this.#x, nodes = this.#nodes, tokenSize = this.#tokenSize;
    writeNodeTokens(decision, x);
    const computedFrom = this.#computedFrom, w0 = get("attn/node/w0"), b0 = get("attn/node/b0");
    const pairs = this.#attention.pairs ?? 0, pairNodes = this.#pairNodes;
    const pairNode = pairs > 0 ? get("attn/pair/node") : undefined;
    const pairBias = pairs > 0 ? get("attn/pair/b") : undefined;
    for (let i = 0; i < m; i++) {
      const token = i * tokenSize;
      if (this.#computedCount === m) {
        let same = true;
        for (let k = 0; k < tokenSize && same; k++) same = x[token + k] === computedFrom[token + k];
        if (same) continue;
      }
      for (let k = 0; k < tokenSize; k++) computedFrom[token + k] = x[token + k]!;
      const base = i * D;
      for (let j = 0; j < D; j++) nodes[base + j] = b0[j]!;
      multiply(x, token, tokenSize, w0, nodes, base, D);
      for (let j = 0; j < D; j++) if (nodes[base + j]! < 0) nodes[base + j] = 0;
      if (pairNode && pairBias) {
        pairNodes.set(pairBias, i * pairs);
        multiply(nodes, base, D, pairNode, pairNodes, i * pairs, pairs);
      }
      for (let l = 0; l < this.#layers.length; l++) {
        const layer = this.#layers[l]!, folded = this.#folded[l]!;
        for (let h = 0; h < H; h++) {
          const keys = folded[2 * h]!, values = folded[2 * h + 1]!;
          const keyQuery = layer.keyQuery[h]!, valueOut = layer.valueOut[h]!;
          keys.set(keyQuery.bias, base);
          values.set(valueOut.bias, base);
          multiply(nodes, base, D, keyQuery.matrix, keys, base, D);
          multiply(nodes, base, D, valueOut.matrix, values, base, D);
        }
      }
    }
    this.#computedCount = m;
    // Task tokens of the candidates.
    let tasks = this.#tasks, next = this.#next;
    const taskBias = get("attn/task/b");
    const taskW = d > 0 ? get("attn/task/w") : undefined;
    const features = decision.features;
    for (let slot = 0; slot < count; slot++) {
      for (let j = 0; j < D; j++) tasks[slot * D + j] = taskBias[j]!;
      if (taskW) {
        const input = this.#taskInput;
        taskTokenInput(features, slot * d, d, this.#attention.pairwise === true, input);
        multiply(input, 0, input.length, taskW, tasks, slot * D, D);
      }
      for (let j = 0; j < D; j++) if (tasks[slot * D + j]! < 0) tasks[slot * D + j] = 0;
    }
    if (pairs > 0) this.#readPairs(tasks, count, m, decision.node);
    // Cross-attention layers.
    const pooled = this.#pooled, update = this.#update, logits = this.#logits[0]!;
    this.#layers.forEach((layer, l) => {
      const folded = this.#folded[l]!;
      pool(tasks, count, D, pooled, 0);
      update.set(layer.bias);
      multiply(pooled, 0, 2 * D, layer.pool, update, 0, D);
      for (let slot = 0; slot < count; slot++) {
        const base = slot * D;
        for (let j = 0; j < D; j++) next[base + j] = tasks[base + j]! + update[j]!;
        for (let h = 0; h < H; h++) {
          const keys = folded[2 * h]!, values = folded[2 * h + 1]!;
          let max = -Infinity;
          for (let i = 0; i < m; i++) {
            let dot = 0;
            for (let j = 0; j < D; j++) dot += tasks[base + j]! * keys[i * D + j]!;
            logits[i] = dot;
            if (dot > max) max = dot;
          }
          let total = 0;
          for (let i = 0; i < m; i++) total += logits[i] = Math.exp(logits[i]! - max);
          for (let i = 0; i < m; i++) {
            const weight = logits[i]! / total;
            for (let j = 0; j < D; j++) next[base + j]! += weight * values[i * D + j]!;
          }
          const onRequester = logits[decision.node]! / total, share = layer.share;
          for (let j = 0; j < D; j++) next[base + j]! += onRequester * share[h * D + j]!;
        }
        for (let j = 0; j < D; j++) if (next[base + j]! < 0) next[base + j] = 0;
      }
      [tasks, next] = [next, tasks];
    });
    // The pointer query: the requester's and the mean node token (hidden layers, then W1).
    const input = this.#queryInput, req = decision.node * D, hidden = this.#hidden;
    const w1 = get("attn/node/w1"), b1 = get("attn/node/b1");
    hidden.fill(0);
    for (let i = 0; i < m; i++) for (let j = 0; j < D; j++) hidden[j]! += nodes[i * D + j]!;
    for (let j = 0; j < D; j++) hidden[j]! /= m;
    for (let j = 0; j < D; j++) input[j] = input[D + j] = b1[j]!;
    multiply(nodes, req, D, w1, input, 0, D);
    multiply(hidden, 0, D, w1, input, D, D);
    pool(tasks, count, D, input, 2 * D);
    writeContext(decision, this.#context);
    input.set(this.#context, 4 * D);
    const query = this.#query;
    query.set(get("attn/query/b"));
    multiply(input, 0, input.length, get("attn/query/w"), query, 0, D);
    // Fold the pointer key: s_j = t_j · (W_key q).
    const key = get("attn/key/w"), folded = this.#folding, scale = 1 / Math.sqrt(D);
    for (let c = 0; c < D; c++) {
      let sum = 0;
      for (let e = 0; e < D; e++) sum += key[c * D + e]! * query[e]!;
      folded[c] = sum;
    }
    for (let slot = 0; slot < window; slot++) {
      if (!decision.mask[slot]) {
        out[slot] = -Infinity;
        continue;
      }
      let dot = 0;
      for (let j = 0; j < D; j++) dot += tasks[slot * D + j]! * folded[j]!;
      out[slot] = clip * Math.tanh(dot * scale);
    }
    if (decision.mask[window]) {
      const idle = get("attn/idle");
      let dot = 0;
      for (let j = 0; j < D; j++) dot += query[j]! * idle[j]!;
      out[window] = clip * Math.tanh(dot * scale);
    } else out[window] = -Infinity;
  }

  /** The pair network: adds each candidate's reading of its pairs to its token, in place. */
  #readPairs(tasks: Float64Array, count: number, m: number, requester: number): void {
    // The channels live in four locals: this fails to type-check if PAIR_CHANNELS changes.
    const D = this.#attention.width, P = this.#attention.pairs!, K: 4 = PAIR_CHANNELS;
    const get = this.#get, pairNodes = this.#pairNodes;
    const out = get("attn/pair/out"), readWeights = get("attn/pair/w");
    const bias = get("attn/pair/bias"), taskSide = get("attn/pair/task");
    const fromTask = this.#pairTask, read = this.#pairRead;
    for (let slot = 0; slot < count; slot++) {
      const base = slot * D;
      fromTask.fill(0);
      multiply(tasks, base, D, taskSide, fromTask, 0, P);
      // Each pair's channels c0..c3, read at the requester, at their maximum and on average.
      let own0 = 0, own1 = 0, own2 = 0, own3 = 0;
      let max0 = -Infinity, max1 = -Infinity, max2 = -Infinity, max3 = -Infinity;
      let mean0 = 0, mean1 = 0, mean2 = 0, mean3 = 0;
      for (let i = 0; i < m; i++) {
        let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
        for (let p = 0, node = i * P; p < P; p++) {
          const h = fromTask[p]! + pairNodes[node + p]!;
          if (h <= 0) continue;
          const o = p * K;
          c0 += h * out[o]!;
          c1 += h * out[o + 1]!;
          c2 += h * out[o + 2]!;
          c3 += h * out[o + 3]!;
        }
        if (i === requester) own0 = c0, own1 = c1, own2 = c2, own3 = c3;
        if (c0 > max0) max0 = c0;
        if (c1 > max1) max1 = c1;
        if (c2 > max2) max2 = c2;
        if (c3 > max3) max3 = c3;
        mean0 += c0 / m;
        mean1 += c1 / m;
        mean2 += c2 / m;
        mean3 += c3 / m;
      }
      read[0] = own0, read[1] = own1, read[2] = own2, read[3] = own3;
      read[4] = max0, read[5] = max1, read[6] = max2, read[7] = max3;
      read[8] = mean0, read[9] = mean1, read[10] = mean2, read[11] = mean3;
      for (let j = 0; j < D; j++) tasks[base + j]! += bias[j]!;
      multiply(read, 0, 3 * K, readWeights, tasks, base, D);
      for (let j = 0; j < D; j++) if (tasks[base + j]! < 0) tasks[base + j] = 0;
    }
  }
}
