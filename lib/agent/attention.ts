/**
 * The set-to-set attention allocator, in TensorFlow.js: nodes and candidate tasks as two sets
 * (Kool et al., ICLR 2019: an encoder, then a pointer decoder whose query scores every
 * candidate by compatibility, clipped with C·tanh and masked).
 *
 *   node token   n_i = W_n1 relu(W_n0 x_i + b_n0) + b_n1         (x_i: lib/agent/tokens.ts)
 *   task token   t_j = relu(W_t e_j + b_t)                       (e_j: the task's embedding)
 *   pairs        u_ij = W_u relu(A t_j + B h_i + b_p)            (h_i: node i's hidden layer)
 *                t_j ← relu(t_j + W_f [u_rj; max_i u_ij; mean_i u_ij] + b_f)   (r: requester)
 *   each layer   t_j ← relu(t_j + W_o MHA(q = t_j; keys, values = n_1..n_m)
 *                               + W_p [mean_j t_j; max_j t_j] + W_s a_j,req + b_o)
 *                (a_j,req: each head's attention weight on the requesting node)
 *   query        q = W_q [n_req; mean_i n_i; mean_j t_j; max_j t_j; context] + b_q
 *   scores       s_j = C tanh(q · W_k t_j / √D),  s_idle = C tanh(q · k_idle / √D)
 *
 * The pair network (optional, `pairs` > 0) reads every task with every node: what a task would
 * cost on a node is a function of both (a kind's duration depends on the node's CPUs, speed or
 * disk), and the classic rules compare it across nodes (Min-Min and Max-Min a task's best
 * node), which one attention layer's weighted means cannot. Its {@linkcode PAIR_CHANNELS}
 * outputs per pair are read at the requester, at their maximum over the nodes, and on average
 * (a learned channel and its negation give the minimum too; the second best is not read).
 *
 * Means and maxima run over the candidates the mask allows; nothing depends on the number of
 * nodes or the window, so one set of weights runs on any cluster and queue length, and the
 * scores are equivariant under any reordering of the nodes or the candidates. The critic
 * pools both sets of its own embeddings (mean, max, the requester's) through tanh layers.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { AgentShape, DecisionBatch, ParameterSpec } from "./networks.ts";
import { CONTEXT_SIZE, nodeTokenSize } from "./tokens.ts";

/** The attention allocator's sizes. */
export interface AttentionShape {
  /** Width D of every token. */
  readonly width: number;
  /** Attention heads (they split the width). */
  readonly heads: number;
  /** Cross-attention layers of the tasks over the nodes. */
  readonly layers: number;
  /** C of the C·tanh clipping of the scores. */
  readonly clip: number;
  /**
   * Whether a task token also reads the pairwise products of its embedding (e ⊗ e): with a
   * one-hot kind and a parameter, per-kind slopes in the parameter become linear.
   */
  readonly pairwise?: boolean | undefined;
  /** Hidden width of the task-node pair network (0 or unset: none). */
  readonly pairs?: number | undefined;
}

/** Outputs of the pair network per (task, node) pair. */
export const PAIR_CHANNELS = 4;

/** Length of a task token's input: the embedding, and its pairwise products if asked. */
export function taskTokenSize(embeddingDim: number, attention: AttentionShape): number {
  return attention.pairwise ? embeddingDim + embeddingDim * embeddingDim : embeddingDim;
}

/** Writes a task token's input for the embedding `e` into `out` (see {@linkcode taskTokenSize}). */
export function taskTokenInput(
  e: ArrayLike<number>,
  offset: number,
  d: number,
  pairwise: boolean,
  out: Float64Array,
): void {
  for (let a = 0; a < d; a++) out[a] = e[offset + a]!;
  if (!pairwise) return;
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) out[d + a * d + b] = e[offset + a]! * e[offset + b]!;
  }
}

function matrix(name: string, rows: number, cols: number, gain: number): ParameterSpec {
  return { name, shape: [rows, cols], gain };
}

function vector(name: string, size: number): ParameterSpec {
  return { name, shape: [size], gain: 0 };
}

/** Length of the decoder query's input: requester, node mean, task mean and max, context. */
export function queryInputSize(width: number): number {
  return 4 * width + CONTEXT_SIZE;
}

/** A row-major [D, D] matrix stored in `values` from offset `at`. */
export interface MatrixAt {
  /** The numbers it is stored in (a flat parameter vector, or the matrix alone). */
  readonly values: ArrayLike<number>;
  /** Offset of its first number. */
  readonly at: number;
}

/**
 * Folds a cross-attention layer's products per head h (dh = D / H columns each):
 * M_h = W_q[:, h] W_k[:, h]ᵀ / √dh (a task's logit on a node is t M_h nᵀ) and
 * R_h = W_v[:, h] W_o[h, :] (what a node adds is n R_h), each [D, D], into `keyQuery` and
 * `valueOut` at h·D². With `transposed` false they are written as M_h and R_hᵀ row-major, each
 * row a dot product with a node token (the gradient engine's layout); with true as M_hᵀ and
 * R_h, each row what one number of a node token adds (the acting path's).
 */
export function foldHeads(
  weights: {
    readonly q: MatrixAt;
    readonly k: MatrixAt;
    readonly v: MatrixAt;
    readonly o: MatrixAt;
  },
  attention: Pick<AttentionShape, "width" | "heads">,
  out: { readonly keyQuery: Float64Array; readonly valueOut: Float64Array },
  transposed: boolean,
): void {
  const { width: D, heads: H } = attention, dh = D / H, scale = 1 / Math.sqrt(dh);
  const { q, k, v, o } = weights, { keyQuery, valueOut } = out;
  for (let h = 0; h < H; h++) {
    const matrices = h * D * D, c0 = h * dh;
    for (let a = 0; a < D; a++) {
      for (let b = 0; b < D; b++) {
        // M_h[a, b] = Σ_c W_q[a, c] W_k[b, c] / √dh; R_h[b, a] = Σ_c W_v[b, c] W_o[c, a].
        let m = 0, r = 0;
        for (let c = c0; c < c0 + dh; c++) {
          m += q.values[q.at + a * D + c]! * k.values[k.at + b * D + c]!;
          r += v.values[v.at + b * D + c]! * o.values[o.at + c * D + a]!;
        }
        const at = matrices + (transposed ? b * D + a : a * D + b);
        keyQuery[at] = m * scale;
        valueOut[at] = r;
      }
    }
  }
}

/** Every parameter of the attention allocator and its critic, in a fixed order. */
export function attentionLayout(
  shape: AgentShape,
  attention: AttentionShape,
  critic: (input: number) => ParameterSpec[],
): ParameterSpec[] {
  const { width: D, layers } = attention, d = shape.embeddingDim;
  const task = d > 0 ? [matrix("attn/task/w", taskTokenSize(d, attention), D, Math.SQRT2)] : [];
  const criticTask = d > 0 ? [matrix("critic/task/w", d, D, Math.SQRT2)] : [];
  return [
    matrix("attn/node/w0", nodeTokenSize(shape.nodeStateSize), D, Math.SQRT2),
    vector("attn/node/b0", D),
    matrix("attn/node/w1", D, D, 1),
    vector("attn/node/b1", D),
    ...task,
    vector("attn/task/b", D),
    ...Array.from({ length: layers }, (_, l) => [
      matrix(`attn/l${l}/q`, D, D, 1),
      matrix(`attn/l${l}/k`, D, D, 1),
      matrix(`attn/l${l}/v`, D, D, 1),
      matrix(`attn/l${l}/o`, D, D, 1),
      matrix(`attn/l${l}/pool`, 2 * D, D, 1),
      matrix(`attn/l${l}/share`, attention.heads, D, 1),
      vector(`attn/l${l}/b`, D),
    ]).flat(),
    ...pairLayout(D, attention.pairs ?? 0),
    matrix("attn/query/w", queryInputSize(D), D, 1),
    vector("attn/query/b", D),
    matrix("attn/key/w", D, D, 1),
    vector("attn/idle", D),
    matrix("critic/node/w", nodeTokenSize(shape.nodeStateSize), D, Math.SQRT2),
    vector("critic/node/b", D),
    ...criticTask,
    vector("critic/task/b", D),
    ...critic(5 * D + CONTEXT_SIZE),
  ];
}

/** The pair network's parameters (none when `pairs` is 0). */
function pairLayout(width: number, pairs: number): ParameterSpec[] {
  if (pairs === 0) return [];
  return [
    matrix("attn/pair/task", width, pairs, Math.SQRT2),
    matrix("attn/pair/node", width, pairs, Math.SQRT2),
    vector("attn/pair/b", pairs),
    matrix("attn/pair/out", pairs, PAIR_CHANNELS, 1),
    matrix("attn/pair/w", 3 * PAIR_CHANNELS, width, 1),
    vector("attn/pair/bias", width),
  ];
}

/** The sizes a batch implies: nodes per decision and candidate slots. */
function batchSizes(
  batch: DecisionBatch,
  tokenSize: number,
): { b: number; m: number; w: number } {
  if (!batch.nodeTokens || !batch.context) {
    throw new TypeError("the attention allocator needs node tokens and context in its batch");
  }
  const b = batch.size;
  return { b, m: batch.nodeTokens.length / (b * tokenSize), w: batch.mask.length / b - 1 };
}

/** Mean and maximum over the allowed candidates: [B, W, D] → [B, 2D]. */
function poolTasks(tokens: tf.Tensor, taskMask: tf.Tensor): tf.Tensor2D {
  const count = taskMask.sum(1).maximum(1);
  const mean = tokens.mul(taskMask).sum(1).div(count);
  const max = tokens.add(taskMask.sub(1).mul(1e9)).max(1);
  return tf.concat([mean, max], 1) as tf.Tensor2D;
}

/** The attention allocator's forward passes over a batch (call inside `tf.tidy`). */
export class AttentionForward {
  readonly #shape: AgentShape;
  readonly #attention: AttentionShape;
  readonly #v: (name: string) => tf.Tensor;

  /**
   * @param shape sizes (`shape.attention` set)
   * @param variable a parameter by name
   */
  constructor(shape: AgentShape, variable: (name: string) => tf.Tensor) {
    if (!shape.attention) throw new TypeError("AttentionForward needs shape.attention");
    this.#shape = shape;
    this.#attention = shape.attention;
    this.#v = variable;
  }

  /** A set's embedding: relu(x W + b), [rows, D] (relu(b) for inputs of width 0). */
  #embed(x: tf.Tensor2D, prefix: string): tf.Tensor2D {
    const bias = this.#v(`${prefix}/b`);
    if (x.shape[1] === 0) return bias.relu().expandDims(0).tile([x.shape[0], 1]);
    return tf.matMul(x, this.#v(`${prefix}/w`)).add(bias).relu() as tf.Tensor2D;
  }

  /** Scores of every slot, [B, W + 1], masked slots at -1e9. */
  scores(batch: DecisionBatch): tf.Tensor2D {
    const tokenSize = nodeTokenSize(this.#shape.nodeStateSize);
    const { b, m, w } = batchSizes(batch, tokenSize);
    const { width: D, heads: H, layers, clip } = this.#attention;
    const dh = D / H, d = this.#shape.embeddingDim, v = this.#v;
    const x = tf.tensor2d(batch.nodeTokens!, [b * m, tokenSize]);
    const nodeHidden = tf.matMul(x, v("attn/node/w0")).add(v("attn/node/b0")).relu();
    const nodes = tf.matMul(nodeHidden, v("attn/node/w1")).add(v("attn/node/b1"));
    const mask = tf.tensor2d(Float32Array.from(batch.mask), [b, w + 1]);
    const taskMask = mask.slice([0, 0], [b, w]).expandDims(2);
    let input: tf.Tensor2D = tf.tensor2d(batch.features, [b * w, d]);
    if (this.#attention.pairwise && d > 0) {
      const outer = input.expandDims(2).mul(input.expandDims(1)).reshape([b * w, d * d]);
      input = tf.concat([input, outer], 1) as tf.Tensor2D;
    }
    let tasks: tf.Tensor = this.#embed(input, "attn/task")
      .reshape([b, w, D]);
    const requesterMask = tf.oneHot(tf.tensor1d(batch.node, "int32"), m).toFloat()
      .reshape([b, 1, 1, m]);
    const pairs = this.#attention.pairs ?? 0;
    if (pairs > 0) {
      const fromTasks = tf.matMul(tasks.reshape([b * w, D]), v("attn/pair/task"))
        .reshape([b, w, 1, pairs]);
      const fromNodes = tf.matMul(nodeHidden, v("attn/pair/node")).add(v("attn/pair/b"))
        .reshape([b, 1, m, pairs]);
      const u = tf.matMul(
        fromTasks.add(fromNodes).relu().reshape([b * w * m, pairs]),
        v("attn/pair/out"),
      ).reshape([b, w, m, PAIR_CHANNELS]);
      const own = u.mul(requesterMask.reshape([b, 1, m, 1])).sum(2);
      const read = tf.concat([own, u.max(2), u.mean(2)], 2).reshape([b * w, 3 * PAIR_CHANNELS]);
      tasks = tasks.add(
        tf.matMul(read, v("attn/pair/w")).add(v("attn/pair/bias")).reshape([b, w, D]),
      ).relu();
    }
    const heads = (t: tf.Tensor, rows: number) =>
      t.reshape([b, rows, H, dh]).transpose([0, 2, 1, 3]);
    for (let l = 0; l < layers; l++) {
      const q = heads(tf.matMul(tasks.reshape([b * w, D]), v(`attn/l${l}/q`)), w);
      const k = heads(tf.matMul(nodes, v(`attn/l${l}/k`)), m);
      const values = heads(tf.matMul(nodes, v(`attn/l${l}/v`)), m);
      const weights = tf.softmax(tf.matMul(q, k, false, true).div(Math.sqrt(dh)));
      const mixed = tf.matMul(weights, values).transpose([0, 2, 1, 3]).reshape([b * w, D]);
      const pooled = tf.matMul(poolTasks(tasks, taskMask), v(`attn/l${l}/pool`)).expandDims(1);
      // Each head's attention weight on the requester: is it the node this task looks for?
      const share = tf.matMul(
        weights.mul(requesterMask).sum(3).transpose([0, 2, 1]).reshape([b * w, H]),
        v(`attn/l${l}/share`),
      ).reshape([b, w, D]);
      tasks = tasks.add(tf.matMul(mixed, v(`attn/l${l}/o`)).reshape([b, w, D])).add(pooled)
        .add(share).add(v(`attn/l${l}/b`)).relu();
    }
    const nodeSets = nodes.reshape([b, m, D]);
    const requester = tf.oneHot(tf.tensor1d(batch.node, "int32"), m).toFloat().expandDims(2);
    const query = tf.matMul(
      tf.concat([
        nodeSets.mul(requester).sum(1),
        nodeSets.mean(1),
        poolTasks(tasks, taskMask),
        tf.tensor2d(batch.context!, [b, CONTEXT_SIZE]),
      ], 1),
      v("attn/query/w"),
    ).add(v("attn/query/b"));
    const keys = tf.matMul(tasks.reshape([b * w, D]), v("attn/key/w")).reshape([b, w, D]);
    const compatibility = keys.mul(query.expandDims(1)).sum(2);
    const idle = query.mul(v("attn/idle")).sum(1, true);
    const raw = tf.concat([compatibility, idle], 1).div(Math.sqrt(D)).tanh().mul(clip);
    return raw.add(mask.sub(1).mul(1e9)) as tf.Tensor2D;
  }

  /** The critic's input, [B, 5D + context]: pooled node and task embeddings and the context. */
  criticInputs(batch: DecisionBatch): tf.Tensor2D {
    const tokenSize = nodeTokenSize(this.#shape.nodeStateSize);
    const { b, m, w } = batchSizes(batch, tokenSize);
    const D = this.#attention.width, d = this.#shape.embeddingDim;
    const nodes = this.#embed(
      tf.tensor2d(batch.nodeTokens!, [b * m, tokenSize]),
      "critic/node",
    )
      .reshape([b, m, D]);
    const tasks = this.#embed(tf.tensor2d(batch.features, [b * w, d]), "critic/task")
      .reshape([b, w, D]);
    const taskMask = tf.tensor2d(Float32Array.from(batch.mask), [b, w + 1]).slice([0, 0], [b, w])
      .expandDims(2);
    const requester = tf.oneHot(tf.tensor1d(batch.node, "int32"), m).toFloat().expandDims(2);
    return tf.concat([
      nodes.mul(requester).sum(1),
      nodes.mean(1),
      nodes.max(1),
      poolTasks(tasks, taskMask),
      tf.tensor2d(batch.context!, [b, CONTEXT_SIZE]),
    ], 1) as tf.Tensor2D;
  }
}
