/**
 * The PPO objective's gradient for the attention allocator and its critic (lib/agent/attention.ts),
 * by hand in typed arrays: the training path of the attention allocator, as mlp_gradient.ts is
 * the MLP scorer's (TensorFlow.js computes the same objective in ppo.ts, kept as the reference).
 * The loss's gradient with respect to a decision's scores and value is ppo_gradient.ts's.
 *
 * A minibatch is processed one decision at a time, forward then backward at once, on the
 * decision's allowed candidates only: padded slots are masked out of every pooling and have
 * probability 0, so nothing of them reaches the loss. The backward follows TensorFlow.js's
 * conventions: ReLU passes no gradient at 0; a maximum (of the tasks, or of the critic's nodes)
 * passes it to every element that ties with it.
 *
 * The parameters are fixed within a minibatch, so each layer's products are folded once per
 * minibatch, per head h: M_h = W_q[:, h] W_k[:, h]ᵀ / √dh and R_h = W_v[:, h] W_o[h, :], both
 * [D, D]. A node then costs two D x D products per head (M_h n_i and n_i R_h) and a task only
 * dot products with the nodes (no D x D product per task, which is what makes it faster than
 * the unfolded layer with one head; with H heads the nodes cost H times as much):
 *
 *   pre_j = t_j + Σ_h Σ_i a_ji n_i R_h + Σ_h a_jr W_share[h] + W_pool [mean t; max t] + b,
 *   a_ji = softmax_i(t_j · M_h n_i),
 *   ∂a_ji = δ_j · n_i R_h + [i = r] W_share[h] · δ_j,  ∂logit_ji = a_ji (∂a_ji − Σ_i' a_ji' ∂a_ji'),
 *   ∂t_j += δ_j + Σ_i ∂logit_ji M_h n_i,  ∂M_h += Σ_ij ∂logit_ji t_j ⊗ n_i,  ∂R_h += Σ_ij a_ji n_i ⊗ δ_j
 *
 * with δ_j = ∂L/∂pre_j (r: the requester), and ∂M_h, ∂R_h spread onto W_q, W_k, W_v and W_o
 * at the end of the minibatch. The pointer's key folds into its query likewise:
 * s_j = C tanh(t_j · (W_key q) / √D), so that ∂W_key = (Σ_j ∂u_j t_j) ⊗ q and
 * ∂q = W_keyᵀ Σ_j ∂u_j t_j.
 *
 * The pair network (`pairs` > 0) runs per decision on the task embeddings and the nodes' hidden
 * layers, its hidden units recomputed in the backward rather than stored; its maximum over the
 * nodes passes the gradient to every tied node, as TensorFlow.js's does.
 *
 * @module
 */
import {
  foldHeads,
  PAIR_CHANNELS,
  queryInputSize,
  taskTokenInput,
  taskTokenSize,
} from "./attention.ts";
import {
  type Dense,
  denseBackward,
  denseForward,
  denseLayers,
  type FlatLayout,
  flatLayout,
  multiply,
  multiplyBackward,
  pool,
  poolBackward,
  relu,
  tanh,
} from "./flat.ts";
import type { AgentShape, DecisionBatch } from "./networks.ts";
import {
  type FlatGradient,
  type LossReport,
  type MinibatchTargets,
  PpoLossGradient,
} from "./ppo_gradient.ts";
import { CONTEXT_SIZE, nodeTokenSize } from "./tokens.ts";

/** A rollout as the attention allocator reads it: the batch and its node count and window. */
export interface AttentionInputs {
  /** The decisions (with node tokens and context). */
  readonly batch: DecisionBatch;
  /** Nodes per decision. */
  readonly nodes: number;
  /** Candidate slots per decision (the idle slot is slot `window`). */
  readonly window: number;
}

/** Offsets of a cross-attention layer's parameters. */
interface LayerAt {
  readonly q: number;
  readonly k: number;
  readonly v: number;
  readonly o: number;
  readonly pool: number;
  readonly share: number;
  readonly b: number;
}

/**
 * A cross-attention layer's products folded for the current parameters by
 * {@linkcode foldHeads}, per head h: M_h = W_q[:, h] W_k[:, h]ᵀ / √dh and
 * R_hᵀ = (W_v[:, h] W_o[h, :])ᵀ, each [D, D] row-major, and their gradients, spread back
 * onto W_q, W_k, W_v and W_o at the end of a minibatch.
 */
interface LayerFold {
  readonly keyQuery: Float64Array;
  readonly valueOut: Float64Array;
  readonly dKeyQuery: Float64Array;
  readonly dValueOut: Float64Array;
}

/** A cross-attention layer's activations of one decision. */
interface LayerState {
  /** Per head and node, M_h n_i, [H, m, D]: task j's logit on node i is t_j · M_h n_i. */
  readonly keys: Float64Array;
  /** Per head and node, n_i R_h, [H, m, D]: what task j adds is Σ_i a_ji n_i R_h. */
  readonly values: Float64Array;
  /** Attention weights, [W, H, m]. */
  readonly weights: Float64Array;
  /** Mean and maximum of its input tokens, [2D]. */
  readonly pooled: Float64Array;
}

/**
 * a[ao, ao + n) · b[bo, bo + n), in four partial sums: a sum's additions depend on each other,
 * and four chains run about four times as fast as one.
 */
function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, k = 0;
  for (; k + 4 <= n; k += 4) {
    s0 += a[ao + k]! * b[bo + k]!;
    s1 += a[ao + k + 1]! * b[bo + k + 1]!;
    s2 += a[ao + k + 2]! * b[bo + k + 2]!;
    s3 += a[ao + k + 3]! * b[bo + k + 3]!;
  }
  for (; k < n; k++) s0 += a[ao + k]! * b[bo + k]!;
  return (s0 + s1) + (s2 + s3);
}

/** y[yo, yo + n) = A x[xo, xo + n) for A = a[ao, ao + n²) row-major. */
function rowDots(
  a: Float64Array,
  ao: number,
  x: Float64Array,
  xo: number,
  y: Float64Array,
  yo: number,
  n: number,
) {
  for (let r = 0; r < n; r++) y[yo + r] = dot(a, ao + r * n, x, xo, n);
}

/**
 * The backward of {@linkcode rowDots}: dA += dy ⊗ x (dA at the same offset as A), and
 * dx[xo, xo + n) += Aᵀ dy.
 */
function rowDotsBackward(
  a: Float64Array,
  da: Float64Array,
  ao: number,
  x: Float64Array,
  xo: number,
  dy: Float64Array,
  dyo: number,
  dx: Float64Array,
  n: number,
) {
  for (let r = 0; r < n; r++) {
    const d = dy[dyo + r]!;
    if (d === 0) continue;
    for (let b = 0, row = ao + r * n; b < n; b++) {
      da[row + b]! += d * x[xo + b]!;
      dx[xo + b]! += a[row + b]! * d;
    }
  }
}

/** Adds params[at, at + n) to out[o, …). */
function addParams(out: Float64Array, o: number, params: Float32Array, at: number, n: number) {
  for (let j = 0; j < n; j++) out[o + j]! += params[at + j]!;
}

/** g[at, at + n) += v[o, o + n). */
function addGradient(g: Float64Array, at: number, v: Float64Array, o: number, n: number) {
  for (let j = 0; j < n; j++) g[at + j]! += v[o + j]!;
}

/**
 * The gradient engine of the attention allocator: reads parameters from a flat Float32Array
 * and accumulates the gradient of a minibatch's loss into a flat Float64Array of the same
 * layout. Buffers are allocated once per node count and window.
 */
export class AttentionGradient implements FlatGradient<AttentionInputs> {
  /** Sizes. */
  readonly shape: AgentShape;
  /** The flat layout. */
  readonly layout: FlatLayout;
  /** Gradient of the last minibatch, flat. */
  readonly gradient: Float64Array;
  readonly #width: number;
  readonly #heads: number;
  readonly #clip: number;
  readonly #pairwise: boolean;
  readonly #tokenSize: number;
  readonly #taskInputSize: number;
  /** Hidden units of the pair network (0: none). */
  readonly #pairs: number;
  /** Offsets of the parameters outside the layers and the critic's MLP (-1: absent). */
  readonly #at: {
    nodeW0: number;
    nodeB0: number;
    nodeW1: number;
    nodeB1: number;
    taskW: number;
    taskB: number;
    queryW: number;
    queryB: number;
    keyW: number;
    idle: number;
    criticNodeW: number;
    criticNodeB: number;
    criticTaskW: number;
    criticTaskB: number;
    criticOutW: number;
    criticOutB: number;
    pairTask: number;
    pairNode: number;
    pairB: number;
    pairOut: number;
    pairW: number;
    pairBias: number;
  };
  readonly #layers: LayerAt[];
  readonly #folds: LayerFold[];
  readonly #critic: Dense[];
  readonly #loss = new PpoLossGradient();
  // Per decision, grown to the node count m and window W of the inputs.
  #m = -1;
  #window = -1;
  /** Node tokens, [m, tokenSize]. */
  #x = new Float64Array(0);
  /** The node encoder's hidden layer and output, [m, D]. */
  #hidden = new Float64Array(0);
  #nodes = new Float64Array(0);
  /** Allowed task slots, in order, and their task-token inputs. */
  #slotOf = new Int32Array(0);
  #taskInput: Float64Array[] = [];
  #taskCount = 0;
  #canIdle = false;
  /** Task tokens into each layer and out of the last, [layers + 1][W, D]. */
  #tokens: Float64Array[] = [];
  /** With the pair network, the task embeddings it reads, [W, D]. */
  #embedded = new Float64Array(0);
  /** The pair network's node side h_i W_node + b, [m, pairs], and task side t_j W_task, [W, pairs]. */
  #pairNodes = new Float64Array(0);
  #pairTasks = new Float64Array(0);
  /** Its outputs u_ij, [W, m, PAIR_CHANNELS], and each task's reading [u_rj; max_i; mean_i]. */
  #pairOutputs = new Float64Array(0);
  #pairRead = new Float64Array(0);
  #dPairNodes = new Float64Array(0);
  readonly #dPairTask: Float64Array;
  readonly #dPairRead = new Float64Array(3 * PAIR_CHANNELS);
  readonly #dPairOutput = new Float64Array(PAIR_CHANNELS);
  #state: LayerState[] = [];
  // The pointer.
  readonly #update: Float64Array;
  readonly #queryInput: Float64Array;
  readonly #query: Float64Array;
  /** W_key q: the pointer's key folded into its query. */
  readonly #pointerKey: Float64Array;
  /** Scores of the allowed slots (tasks, then idle), then ∂L/∂s. */
  #scores = new Float64Array(0);
  #tanh = new Float64Array(0);
  // The critic.
  #criticNodes = new Float64Array(0);
  #criticTasks = new Float64Array(0);
  readonly #criticInput: Float64Array;
  readonly #criticZ: Float64Array[];
  readonly #criticDelta: Float64Array[];
  readonly #dCriticInput: Float64Array;
  // Gradients of the activations.
  #dTokens = new Float64Array(0);
  #dInput = new Float64Array(0);
  #dNodes = new Float64Array(0);
  #dHidden = new Float64Array(0);
  #dKeys = new Float64Array(0);
  #dValues = new Float64Array(0);
  #dWeights = new Float64Array(0);
  readonly #dQuery: Float64Array;
  readonly #dQueryInput: Float64Array;
  readonly #dUpdate: Float64Array;
  readonly #dPooled: Float64Array;
  readonly #keySum: Float64Array;

  /** @param shape sizes (`shape.attention` set) */
  constructor(shape: AgentShape) {
    const attention = shape.attention;
    if (!attention) throw new TypeError("AttentionGradient needs shape.attention");
    this.shape = shape;
    this.layout = flatLayout(shape);
    this.gradient = new Float64Array(this.layout.size);
    const D = this.#width = attention.width;
    this.#heads = attention.heads;
    this.#clip = attention.clip;
    this.#pairwise = attention.pairwise === true;
    this.#tokenSize = nodeTokenSize(shape.nodeStateSize);
    this.#taskInputSize = taskTokenSize(shape.embeddingDim, attention);
    this.#pairs = attention.pairs ?? 0;
    const offsets = this.layout.offsets, at = (name: string) => offsets.get(name) ?? -1;
    this.#at = {
      nodeW0: at("attn/node/w0"),
      nodeB0: at("attn/node/b0"),
      nodeW1: at("attn/node/w1"),
      nodeB1: at("attn/node/b1"),
      taskW: at("attn/task/w"),
      taskB: at("attn/task/b"),
      queryW: at("attn/query/w"),
      queryB: at("attn/query/b"),
      keyW: at("attn/key/w"),
      idle: at("attn/idle"),
      criticNodeW: at("critic/node/w"),
      criticNodeB: at("critic/node/b"),
      criticTaskW: at("critic/task/w"),
      criticTaskB: at("critic/task/b"),
      criticOutW: at("critic/wOut"),
      criticOutB: at("critic/bOut"),
      pairTask: at("attn/pair/task"),
      pairNode: at("attn/pair/node"),
      pairB: at("attn/pair/b"),
      pairOut: at("attn/pair/out"),
      pairW: at("attn/pair/w"),
      pairBias: at("attn/pair/bias"),
    };
    this.#layers = Array.from({ length: attention.layers }, (_, l) => ({
      q: at(`attn/l${l}/q`),
      k: at(`attn/l${l}/k`),
      v: at(`attn/l${l}/v`),
      o: at(`attn/l${l}/o`),
      pool: at(`attn/l${l}/pool`),
      share: at(`attn/l${l}/share`),
      b: at(`attn/l${l}/b`),
    }));
    const folded = () => new Float64Array(attention.heads * D * D);
    this.#folds = this.#layers.map(() => ({
      keyQuery: folded(),
      valueOut: folded(),
      dKeyQuery: folded(),
      dValueOut: folded(),
    }));
    this.#critic = denseLayers(this.layout, "critic", 5 * D + CONTEXT_SIZE, shape.criticHidden);
    this.#update = new Float64Array(D);
    this.#dPairTask = new Float64Array(this.#pairs);
    this.#queryInput = new Float64Array(queryInputSize(D));
    this.#query = new Float64Array(D);
    this.#pointerKey = new Float64Array(D);
    this.#criticInput = new Float64Array(5 * D + CONTEXT_SIZE);
    this.#criticZ = shape.criticHidden.map((width) => new Float64Array(width));
    this.#criticDelta = shape.criticHidden.map((width) => new Float64Array(width));
    this.#dCriticInput = new Float64Array(5 * D + CONTEXT_SIZE);
    this.#dQuery = new Float64Array(D);
    this.#dQueryInput = new Float64Array(queryInputSize(D));
    this.#dUpdate = new Float64Array(D);
    this.#dPooled = new Float64Array(2 * D);
    this.#keySum = new Float64Array(D);
  }

  /** Checks that a batch carries the attention allocator's inputs and reads its sizes. */
  inputs(batch: DecisionBatch): AttentionInputs {
    if (!batch.nodeTokens || !batch.context) {
      throw new TypeError("the attention allocator needs node tokens and context in its batch");
    }
    const n = batch.size, window = batch.mask.length / n - 1;
    const nodes = batch.nodeTokens.length / (n * this.#tokenSize);
    if (!Number.isInteger(nodes) || nodes < 1) {
      throw new RangeError(
        `Expected node tokens of ${this.#tokenSize} numbers per node but found ${batch.nodeTokens.length} numbers for ${n} decisions`,
      );
    }
    return { batch, nodes, window };
  }

  /** The critic's values of every decision of `inputs`, written into `out`. */
  values(params: Float32Array, inputs: AttentionInputs, out: Float32Array): void {
    for (let i = 0; i < inputs.batch.size; i++) {
      this.#load(inputs, i);
      out[i] = this.#criticForward(params, inputs, i);
    }
  }

  /**
   * Zeroes the gradient, then accumulates the PPO loss's gradient over the minibatch
   * `indices` (advantages given per minibatch position, already normalised if wanted).
   */
  minibatch(params: Float32Array, inputs: AttentionInputs, batch: MinibatchTargets): LossReport {
    this.gradient.fill(0);
    this.#fold(params);
    const { indices, targets } = batch, loss = this.#loss;
    loss.begin(batch);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      this.#load(inputs, i);
      const dv = loss.value(k, this.#criticForward(params, inputs, i));
      if (dv !== 0) this.#criticBackward(params, inputs, i, dv);
      const count = this.#scorerForward(params, inputs, i);
      // The chosen slot among the allowed ones (tasks in order, then idle).
      const action = targets.action[i]!;
      let chosen = -1;
      if (action === inputs.window) chosen = this.#canIdle ? this.#taskCount : -1;
      else {
        for (let s = 0; s < this.#taskCount; s++) if (this.#slotOf[s] === action) chosen = s;
      }
      loss.policy(k, this.#scores, count, chosen);
      this.#scorerBackward(params, inputs, i);
    }
    this.#unfold(params);
    return loss.report();
  }

  /** Folds each layer's products for the current parameters, and zeroes their gradients. */
  #fold(params: Float32Array): void {
    for (let l = 0; l < this.#layers.length; l++) {
      const layer = this.#layers[l]!, fold = this.#folds[l]!;
      fold.dKeyQuery.fill(0);
      fold.dValueOut.fill(0);
      const at = (offset: number) => ({ values: params, at: offset });
      foldHeads(
        { q: at(layer.q), k: at(layer.k), v: at(layer.v), o: at(layer.o) },
        { width: this.#width, heads: this.#heads },
        fold,
        false,
      );
    }
  }

  /** Spreads the folds' gradients onto W_q, W_k, W_v and W_o. */
  #unfold(params: Float32Array): void {
    const D = this.#width, H = this.#heads, dh = D / H, scale = 1 / Math.sqrt(dh);
    const g = this.gradient;
    for (let l = 0; l < this.#layers.length; l++) {
      const layer = this.#layers[l]!;
      const { dKeyQuery, dValueOut } = this.#folds[l]!;
      for (let h = 0; h < H; h++) {
        const matrices = h * D * D, c0 = h * dh;
        for (let a = 0; a < D; a++) {
          for (let b = 0; b < D; b++) {
            const dm = dKeyQuery[matrices + a * D + b]! * scale;
            const dr = dValueOut[matrices + a * D + b]!;
            if (dm === 0 && dr === 0) continue;
            for (let c = c0; c < c0 + dh; c++) {
              g[layer.q + a * D + c]! += dm * params[layer.k + b * D + c]!;
              g[layer.k + b * D + c]! += dm * params[layer.q + a * D + c]!;
              g[layer.v + b * D + c]! += dr * params[layer.o + c * D + a]!;
              g[layer.o + c * D + a]! += dr * params[layer.v + b * D + c]!;
            }
          }
        }
      }
    }
  }

  /** Sizes the buffers for m nodes and a window of W. */
  #grow(m: number, W: number): void {
    if (m === this.#m && W === this.#window) return;
    this.#m = m;
    this.#window = W;
    const D = this.#width, H = this.#heads, T = this.#tokenSize, L = this.#layers.length;
    this.#x = new Float64Array(m * T);
    this.#hidden = new Float64Array(m * D);
    this.#nodes = new Float64Array(m * D);
    this.#slotOf = new Int32Array(W);
    this.#taskInput = Array.from({ length: W }, () => new Float64Array(this.#taskInputSize));
    this.#tokens = Array.from({ length: L + 1 }, () => new Float64Array(W * D));
    this.#state = Array.from({ length: L }, () => ({
      keys: new Float64Array(H * m * D),
      values: new Float64Array(H * m * D),
      weights: new Float64Array(W * H * m),
      pooled: new Float64Array(2 * D),
    }));
    this.#scores = new Float64Array(W + 1);
    this.#tanh = new Float64Array(W + 1);
    this.#criticNodes = new Float64Array(m * D);
    this.#criticTasks = new Float64Array(W * D);
    this.#dTokens = new Float64Array(W * D);
    this.#dInput = new Float64Array(W * D);
    this.#dNodes = new Float64Array(m * D);
    this.#dHidden = new Float64Array(m * D);
    this.#dKeys = new Float64Array(H * m * D);
    this.#dValues = new Float64Array(H * m * D);
    this.#dWeights = new Float64Array(m);
    const pairs = this.#pairs, K = PAIR_CHANNELS;
    this.#embedded = new Float64Array(pairs > 0 ? W * D : 0);
    this.#pairNodes = new Float64Array(m * pairs);
    this.#dPairNodes = new Float64Array(m * pairs);
    this.#pairTasks = new Float64Array(W * pairs);
    this.#pairOutputs = new Float64Array(pairs > 0 ? W * m * K : 0);
    this.#pairRead = new Float64Array(pairs > 0 ? W * 3 * K : 0);
  }

  /** Reads decision i's node tokens, allowed slots and task-token inputs. */
  #load(inputs: AttentionInputs, i: number): void {
    const { batch, nodes: m, window: W } = inputs;
    this.#grow(m, W);
    const T = this.#tokenSize, x = this.#x, tokens = batch.nodeTokens!, from = i * m * T;
    for (let k = 0; k < m * T; k++) x[k] = tokens[from + k]!;
    const mask = batch.mask, row = i * (W + 1), slotOf = this.#slotOf;
    const d = this.shape.embeddingDim;
    let count = 0;
    for (let s = 0; s < W; s++) {
      if (!mask[row + s]) continue;
      slotOf[count] = s;
      if (d > 0) {
        taskTokenInput(batch.features, (i * W + s) * d, d, this.#pairwise, this.#taskInput[count]!);
      }
      count++;
    }
    if (count === 0) {
      throw new RangeError(`Expected decision ${i} to allow at least one candidate task`);
    }
    this.#taskCount = count;
    this.#canIdle = mask[row + W] === 1;
  }

  /** The critic's value of the loaded decision i. */
  #criticForward(params: Float32Array, inputs: AttentionInputs, i: number): number {
    const D = this.#width, T = this.#tokenSize, m = inputs.nodes, d = this.shape.embeddingDim;
    const at = this.#at, x = this.#x, nodes = this.#criticNodes, tasks = this.#criticTasks;
    const count = this.#taskCount, input = this.#criticInput;
    for (let r = 0; r < m; r++) {
      const o = r * D;
      for (let j = 0; j < D; j++) nodes[o + j] = params[at.criticNodeB + j]!;
      multiply(params, at.criticNodeW, x, r * T, T, nodes, o, D);
      for (let j = 0; j < D; j++) nodes[o + j] = relu(nodes[o + j]!);
    }
    for (let k = 0; k < count; k++) {
      const o = k * D;
      for (let j = 0; j < D; j++) tasks[o + j] = params[at.criticTaskB + j]!;
      // The critic reads the raw features: the first d numbers of the task-token input.
      if (d > 0) multiply(params, at.criticTaskW, this.#taskInput[k]!, 0, d, tasks, o, D);
      for (let j = 0; j < D; j++) tasks[o + j] = relu(tasks[o + j]!);
    }
    // [requester; mean; max] of the nodes, [mean; max] of the tasks, context.
    const requester = inputs.batch.node[i]! * D;
    for (let a = 0; a < D; a++) input[a] = nodes[requester + a]!;
    pool(nodes, m, D, input, D);
    pool(tasks, count, D, input, 3 * D);
    const context = inputs.batch.context!;
    for (let c = 0; c < CONTEXT_SIZE; c++) input[5 * D + c] = context[i * CONTEXT_SIZE + c]!;
    const layers = this.#critic, z = this.#criticZ;
    let hidden = input;
    for (let l = 0; l < layers.length; l++) {
      const layer = layers[l]!, a = z[l]!;
      denseForward(params, layer, hidden, a);
      for (let j = 0; j < layer.out; j++) a[j] = tanh(a[j]!);
      hidden = a;
    }
    let v = params[at.criticOutB]!;
    for (let j = 0; j < hidden.length; j++) v += hidden[j]! * params[at.criticOutW + j]!;
    return v;
  }

  /** Backward of the critic from ∂L/∂V (its forward for decision i just ran). */
  #criticBackward(params: Float32Array, inputs: AttentionInputs, i: number, dv: number): void {
    const g = this.gradient, at = this.#at, layers = this.#critic, z = this.#criticZ;
    const delta = this.#criticDelta, hidden = layers.length;
    g[at.criticOutB]! += dv;
    const last = z[hidden - 1]!, dLast = delta[hidden - 1]!;
    for (let j = 0; j < last.length; j++) {
      const a = last[j]!;
      g[at.criticOutW + j]! += dv * a;
      dLast[j] = dv * params[at.criticOutW + j]! * (1 - a * a);
    }
    for (let l = hidden - 1; l >= 1; l--) {
      const input = z[l - 1]!, dInput = delta[l - 1]!;
      denseBackward(params, g, layers[l]!, input, delta[l]!, dInput, false);
      for (let j = 0; j < input.length; j++) {
        const a = input[j]!;
        dInput[j] = dInput[j]! * (1 - a * a);
      }
    }
    const dInput = this.#dCriticInput, input = this.#criticInput;
    denseBackward(params, g, layers[0]!, input, delta[0]!, dInput, false);
    // Into the node and task embeddings (ReLU), then their weights.
    const D = this.#width, T = this.#tokenSize, m = inputs.nodes, d = this.shape.embeddingDim;
    const nodes = this.#criticNodes, tasks = this.#criticTasks, count = this.#taskCount;
    const dNodes = this.#dNodes, dTasks = this.#dTokens, x = this.#x;
    const requester = inputs.batch.node[i]!;
    dNodes.fill(0, 0, m * D);
    for (let a = 0; a < D; a++) dNodes[requester * D + a] = dInput[a]!;
    poolBackward(nodes, m, D, input, D, dInput, D, dNodes);
    for (let r = 0; r < m; r++) {
      for (let a = 0; a < D; a++) if (!(nodes[r * D + a]! > 0)) dNodes[r * D + a] = 0;
      addGradient(g, at.criticNodeB, dNodes, r * D, D);
      multiplyBackward(params, g, at.criticNodeW, x, r * T, T, dNodes, r * D, D, undefined, 0);
    }
    dTasks.fill(0, 0, count * D);
    poolBackward(tasks, count, D, input, 3 * D, dInput, 3 * D, dTasks);
    this.#embeddingBackward(params, tasks, dTasks, count, d, at.criticTaskW, at.criticTaskB);
  }

  /**
   * The backward of the candidates' task embeddings relu(e_k W + b) (each e_k the `inputSize`
   * numbers of `#taskInput[k]`), from ∂L/∂embedding in `dTokens` (zeroed where the ReLU was off).
   */
  #embeddingBackward(
    params: Float32Array,
    embedded: Float64Array,
    dTokens: Float64Array,
    count: number,
    inputSize: number,
    wAt: number,
    bAt: number,
  ): void {
    const D = this.#width, g = this.gradient, withInputs = this.shape.embeddingDim > 0;
    for (let k = 0; k < count; k++) {
      const o = k * D;
      for (let a = 0; a < D; a++) if (!(embedded[o + a]! > 0)) dTokens[o + a] = 0;
      addGradient(g, bAt, dTokens, o, D);
      if (withInputs) {
        multiplyBackward(
          params,
          g,
          wAt,
          this.#taskInput[k]!,
          0,
          inputSize,
          dTokens,
          o,
          D,
          undefined,
          0,
        );
      }
    }
  }

  /**
   * Scores of the loaded decision i's allowed slots (tasks, then idle) into #scores; returns
   * their count.
   */
  #scorerForward(params: Float32Array, inputs: AttentionInputs, i: number): number {
    const D = this.#width, H = this.#heads, T = this.#tokenSize, m = inputs.nodes;
    const at = this.#at, x = this.#x, hidden = this.#hidden, nodes = this.#nodes;
    const count = this.#taskCount, P = this.#taskInputSize, d = this.shape.embeddingDim;
    for (let r = 0; r < m; r++) {
      const o = r * D;
      for (let j = 0; j < D; j++) hidden[o + j] = params[at.nodeB0 + j]!;
      multiply(params, at.nodeW0, x, r * T, T, hidden, o, D);
      for (let j = 0; j < D; j++) hidden[o + j] = relu(hidden[o + j]!);
      for (let j = 0; j < D; j++) nodes[o + j] = params[at.nodeB1 + j]!;
      multiply(params, at.nodeW1, hidden, o, D, nodes, o, D);
    }
    const embedded = this.#pairs > 0 ? this.#embedded : this.#tokens[0]!;
    for (let k = 0; k < count; k++) {
      const o = k * D;
      for (let j = 0; j < D; j++) embedded[o + j] = params[at.taskB + j]!;
      if (d > 0) multiply(params, at.taskW, this.#taskInput[k]!, 0, P, embedded, o, D);
      for (let j = 0; j < D; j++) embedded[o + j] = relu(embedded[o + j]!);
    }
    const requester = inputs.batch.node[i]!, update = this.#update;
    if (this.#pairs > 0) this.#pairsForward(params, m, requester);
    for (let l = 0; l < this.#layers.length; l++) {
      const layer = this.#layers[l]!;
      const input = this.#tokens[l]!, output = this.#tokens[l + 1]!, state = this.#state[l]!;
      const { keys, values, weights, pooled } = state, fold = this.#folds[l]!;
      for (let h = 0; h < H; h++) {
        const matrices = h * D * D;
        for (let r = 0; r < m; r++) {
          const at = (h * m + r) * D;
          rowDots(fold.keyQuery, matrices, nodes, r * D, keys, at, D);
          rowDots(fold.valueOut, matrices, nodes, r * D, values, at, D);
        }
      }
      pool(input, count, D, pooled, 0);
      update.fill(0);
      addParams(update, 0, params, layer.b, D);
      multiply(params, layer.pool, pooled, 0, 2 * D, update, 0, D);
      for (let k = 0; k < count; k++) {
        const o = k * D;
        for (let j = 0; j < D; j++) output[o + j] = input[o + j]! + update[j]!;
        for (let h = 0; h < H; h++) {
          const w = (k * H + h) * m;
          let max = -Infinity;
          for (let r = 0; r < m; r++) {
            const logit = dot(input, o, keys, (h * m + r) * D, D);
            weights[w + r] = logit;
            if (logit > max) max = logit;
          }
          let total = 0;
          for (let r = 0; r < m; r++) total += weights[w + r] = Math.exp(weights[w + r]! - max);
          for (let r = 0; r < m; r++) {
            const a = weights[w + r] = weights[w + r]! / total;
            for (let j = 0, at = (h * m + r) * D; j < D; j++) output[o + j]! += a * values[at + j]!;
          }
          const a = weights[w + requester]!, row = layer.share + h * D;
          for (let j = 0; j < D; j++) output[o + j]! += a * params[row + j]!;
        }
        for (let j = 0; j < D; j++) output[o + j] = relu(output[o + j]!);
      }
    }
    // The pointer: q = W_q [n_r; mean n; mean t; max t; context] + b_q, s_j = C tanh(t_j · W_key q / √D).
    const tasks = this.#tokens[this.#layers.length]!, input = this.#queryInput;
    for (let a = 0; a < D; a++) {
      let sum = 0;
      for (let r = 0; r < m; r++) sum += nodes[r * D + a]!;
      input[a] = nodes[requester * D + a]!;
      input[D + a] = sum / m;
    }
    pool(tasks, count, D, input, 2 * D);
    const context = inputs.batch.context!;
    for (let c = 0; c < CONTEXT_SIZE; c++) input[4 * D + c] = context[i * CONTEXT_SIZE + c]!;
    const query = this.#query, pointerKey = this.#pointerKey;
    query.fill(0);
    addParams(query, 0, params, at.queryB, D);
    multiply(params, at.queryW, input, 0, input.length, query, 0, D);
    for (let a = 0; a < D; a++) {
      let sum = 0;
      for (let e = 0; e < D; e++) sum += params[at.keyW + a * D + e]! * query[e]!;
      pointerKey[a] = sum;
    }
    const root = 1 / Math.sqrt(D), clip = this.#clip, scores = this.#scores, th = this.#tanh;
    for (let k = 0; k < count; k++) {
      th[k] = Math.tanh(dot(tasks, k * D, pointerKey, 0, D) * root);
      scores[k] = clip * th[k]!;
    }
    if (!this.#canIdle) return count;
    let idle = 0;
    for (let a = 0; a < D; a++) idle += query[a]! * params[at.idle + a]!;
    th[count] = Math.tanh(idle * root);
    scores[count] = clip * th[count]!;
    return count + 1;
  }

  /**
   * The pair network, from the task embeddings to the first layer's tokens:
   * t_j = relu(e_j + W_f [u_rj; max_i u_ij; mean_i u_ij] + b_f), u_ij = W_u relu(A e_j + B h_i + b_p).
   */
  #pairsForward(params: Float32Array, m: number, requester: number): void {
    const D = this.#width, P = this.#pairs, K = PAIR_CHANNELS, at = this.#at;
    const count = this.#taskCount, hidden = this.#hidden, embedded = this.#embedded;
    const pairNodes = this.#pairNodes, pairTasks = this.#pairTasks, u = this.#pairOutputs;
    const read = this.#pairRead, tokens = this.#tokens[0]!;
    for (let r = 0; r < m; r++) {
      for (let p = 0; p < P; p++) pairNodes[r * P + p] = params[at.pairB + p]!;
      multiply(params, at.pairNode, hidden, r * D, D, pairNodes, r * P, P);
    }
    pairTasks.fill(0, 0, count * P);
    for (let k = 0; k < count; k++) {
      multiply(params, at.pairTask, embedded, k * D, D, pairTasks, k * P, P);
      const o = k * 3 * K;
      for (let c = 0; c < K; c++) {
        read[o + c] = 0;
        read[o + K + c] = -Infinity;
        read[o + 2 * K + c] = 0;
      }
      for (let r = 0; r < m; r++) {
        const pair = (k * m + r) * K;
        for (let c = 0; c < K; c++) u[pair + c] = 0;
        for (let p = 0; p < P; p++) {
          const z = pairTasks[k * P + p]! + pairNodes[r * P + p]!;
          if (!(z > 0)) continue;
          for (let c = 0; c < K; c++) u[pair + c]! += z * params[at.pairOut + p * K + c]!;
        }
        for (let c = 0; c < K; c++) {
          const value = u[pair + c]!;
          if (r === requester) read[o + c] = value;
          if (value > read[o + K + c]!) read[o + K + c] = value;
          read[o + 2 * K + c]! += value / m;
        }
      }
      for (let j = 0; j < D; j++) {
        tokens[k * D + j] = embedded[k * D + j]! + params[at.pairBias + j]!;
      }
      multiply(params, at.pairW, read, o, 3 * K, tokens, k * D, D);
      for (let j = 0; j < D; j++) tokens[k * D + j] = relu(tokens[k * D + j]!);
    }
  }

  /**
   * Backward of the pair network from ∂L/∂t (the first layer's tokens) in `dTokens`: writes
   * ∂L/∂e (the task embeddings) into `dEmbedded` and adds the nodes' hidden layers' into
   * #dHidden (before their ReLU).
   */
  #pairsBackward(
    params: Float32Array,
    options: { nodes: number; requester: number; dTokens: Float64Array; dEmbedded: Float64Array },
  ): void {
    const { nodes: m, requester, dTokens, dEmbedded } = options;
    const D = this.#width, P = this.#pairs, K = PAIR_CHANNELS, at = this.#at, g = this.gradient;
    const count = this.#taskCount, hidden = this.#hidden, embedded = this.#embedded;
    const pairNodes = this.#pairNodes, pairTasks = this.#pairTasks, u = this.#pairOutputs;
    const read = this.#pairRead, tokens = this.#tokens[0]!, dHidden = this.#dHidden;
    const dRead = this.#dPairRead, du = this.#dPairOutput, dPairTask = this.#dPairTask;
    const dPairNodes = this.#dPairNodes;
    dPairNodes.fill(0, 0, m * P);
    for (let k = 0; k < count; k++) {
      const o = k * D, ro = k * 3 * K;
      // Through the ReLU; the embedding takes the residual as it is.
      for (let a = 0; a < D; a++) {
        const delta = tokens[o + a]! > 0 ? dTokens[o + a]! : 0;
        dTokens[o + a] = delta;
        dEmbedded[o + a] = delta;
      }
      addGradient(g, at.pairBias, dTokens, o, D);
      dRead.fill(0);
      multiplyBackward(params, g, at.pairW, read, ro, 3 * K, dTokens, o, D, dRead, 0);
      // The reading: the requester's pair, the pairs at the maximum (all of them on ties), all.
      dPairTask.fill(0);
      for (let r = 0; r < m; r++) {
        const pair = (k * m + r) * K;
        for (let c = 0; c < K; c++) {
          let d = dRead[2 * K + c]! / m;
          if (r === requester) d += dRead[c]!;
          if (u[pair + c] === read[ro + K + c]) d += dRead[K + c]!;
          du[c] = d;
        }
        for (let p = 0; p < P; p++) {
          const z = pairTasks[k * P + p]! + pairNodes[r * P + p]!;
          if (!(z > 0)) continue;
          let dz = 0;
          for (let c = 0; c < K; c++) {
            g[at.pairOut + p * K + c]! += z * du[c]!;
            dz += params[at.pairOut + p * K + c]! * du[c]!;
          }
          dPairTask[p]! += dz;
          dPairNodes[r * P + p]! += dz;
        }
      }
      multiplyBackward(params, g, at.pairTask, embedded, o, D, dPairTask, 0, P, dEmbedded, o, true);
    }
    for (let r = 0; r < m; r++) {
      addGradient(g, at.pairB, dPairNodes, r * P, P);
      multiplyBackward(
        params,
        g,
        at.pairNode,
        hidden,
        r * D,
        D,
        dPairNodes,
        r * P,
        P,
        dHidden,
        r * D,
        true,
      );
    }
  }

  /** Backward of the scorer from ∂L/∂s in #scores (its forward for decision i just ran). */
  #scorerBackward(params: Float32Array, inputs: AttentionInputs, i: number): void {
    const g = this.gradient, at = this.#at, D = this.#width, H = this.#heads;
    const m = inputs.nodes, T = this.#tokenSize, P = this.#taskInputSize;
    const count = this.#taskCount, L = this.#layers.length, requester = inputs.batch.node[i]!;
    const scores = this.#scores, th = this.#tanh, factor = this.#clip / Math.sqrt(D);
    const query = this.#query, pointerKey = this.#pointerKey, input = this.#queryInput;
    const dQuery = this.#dQuery, keySum = this.#keySum, nodes = this.#nodes;
    let dTokens = this.#dTokens, dInput = this.#dInput;
    const dNodes = this.#dNodes, tasks = this.#tokens[L]!;
    // Scores: ∂u = ∂s C (1 − tanh²) / √D; t_j takes ∂u_j W_key q, the key and query the rest.
    dQuery.fill(0);
    keySum.fill(0);
    for (let k = 0; k < count; k++) {
      const o = k * D, du = scores[k]! * factor * (1 - th[k]! * th[k]!);
      for (let a = 0; a < D; a++) {
        dTokens[o + a] = du * pointerKey[a]!;
        keySum[a]! += du * tasks[o + a]!;
      }
    }
    if (this.#canIdle) {
      const du = scores[count]! * factor * (1 - th[count]! * th[count]!);
      for (let a = 0; a < D; a++) {
        dQuery[a]! += du * params[at.idle + a]!;
        g[at.idle + a]! += du * query[a]!;
      }
    }
    multiply(params, at.keyW, keySum, 0, D, dQuery, 0, D);
    multiplyBackward(params, g, at.keyW, keySum, 0, D, query, 0, D, undefined, 0);
    // The query's input: requester and mean node, pooled tasks (the context takes nothing).
    const dQueryInput = this.#dQueryInput;
    dQueryInput.fill(0);
    addGradient(g, at.queryB, dQuery, 0, D);
    multiplyBackward(
      params,
      g,
      at.queryW,
      input,
      0,
      input.length,
      dQuery,
      0,
      D,
      dQueryInput,
      0,
    );
    for (let r = 0; r < m; r++) {
      for (let a = 0; a < D; a++) {
        dNodes[r * D + a] = dQueryInput[D + a]! / m + (r === requester ? dQueryInput[a]! : 0);
      }
    }
    poolBackward(tasks, count, D, input, 2 * D, dQueryInput, 2 * D, dTokens);
    // The layers, last first.
    const dKeys = this.#dKeys, dValues = this.#dValues, dWeights = this.#dWeights;
    const dUpdate = this.#dUpdate, dPooled = this.#dPooled;
    for (let l = L - 1; l >= 0; l--) {
      const layer = this.#layers[l]!, state = this.#state[l]!, fold = this.#folds[l]!;
      const layerInput = this.#tokens[l]!, output = this.#tokens[l + 1]!;
      const { keys, values, weights, pooled } = state;
      dKeys.fill(0, 0, H * m * D);
      dValues.fill(0, 0, H * m * D);
      dUpdate.fill(0);
      for (let k = 0; k < count; k++) {
        const o = k * D;
        // Through the ReLU: δ_j; the residual passes it on as it is.
        for (let a = 0; a < D; a++) {
          const delta = output[o + a]! > 0 ? dTokens[o + a]! : 0;
          dTokens[o + a] = delta;
          dInput[o + a] = delta;
          dUpdate[a]! += delta;
        }
        for (let h = 0; h < H; h++) {
          // The requester's share.
          const row = layer.share + h * D, w = (k * H + h) * m;
          let share = 0;
          for (let j = 0; j < D; j++) {
            const delta = dTokens[o + j]!;
            g[row + j]! += weights[w + requester]! * delta;
            share += params[row + j]! * delta;
          }
          // The weights (values and share), then the softmax to the logits t_j · M_h n_i.
          let mean = 0;
          for (let r = 0; r < m; r++) {
            const a = weights[w + r]!, at = (h * m + r) * D;
            const da = dot(dTokens, o, values, at, D) + (r === requester ? share : 0);
            for (let j = 0; j < D; j++) dValues[at + j]! += a * dTokens[o + j]!;
            dWeights[r] = da;
            mean += a * da;
          }
          for (let r = 0; r < m; r++) {
            const dLogit = weights[w + r]! * (dWeights[r]! - mean), at = (h * m + r) * D;
            if (dLogit === 0) continue;
            for (let a = 0; a < D; a++) {
              dInput[o + a]! += dLogit * keys[at + a]!;
              dKeys[at + a]! += dLogit * layerInput[o + a]!;
            }
          }
        }
      }
      // The shared update: bias, and the pooled tasks through W_pool.
      addGradient(g, layer.b, dUpdate, 0, D);
      dPooled.fill(0);
      multiplyBackward(params, g, layer.pool, pooled, 0, 2 * D, dUpdate, 0, D, dPooled, 0, true);
      poolBackward(layerInput, count, D, pooled, 0, dPooled, 0, dInput);
      // The nodes' folded keys and values, into the folds' gradients and the nodes'.
      for (let h = 0; h < H; h++) {
        const matrices = h * D * D;
        for (let r = 0; r < m; r++) {
          const at = (h * m + r) * D;
          rowDotsBackward(
            fold.keyQuery,
            fold.dKeyQuery,
            matrices,
            nodes,
            r * D,
            dKeys,
            at,
            dNodes,
            D,
          );
          rowDotsBackward(
            fold.valueOut,
            fold.dValueOut,
            matrices,
            nodes,
            r * D,
            dValues,
            at,
            dNodes,
            D,
          );
        }
      }
      [dTokens, dInput] = [dInput, dTokens];
    }
    const hidden = this.#hidden, dHidden = this.#dHidden, x = this.#x;
    dHidden.fill(0, 0, m * D);
    if (this.#pairs > 0) {
      this.#pairsBackward(params, { nodes: m, requester, dTokens, dEmbedded: dInput });
      dTokens = dInput;
    }
    // The task tokens' embedding (ReLU).
    const embedded = this.#pairs > 0 ? this.#embedded : this.#tokens[0]!;
    this.#embeddingBackward(params, embedded, dTokens, count, P, at.taskW, at.taskB);
    // The node encoder: n = h W1 + b1, h = relu(x W0 + b0).
    for (let r = 0; r < m; r++) {
      const o = r * D;
      addGradient(g, at.nodeB1, dNodes, o, D);
      multiplyBackward(params, g, at.nodeW1, hidden, o, D, dNodes, o, D, dHidden, o, true);
      for (let a = 0; a < D; a++) if (!(hidden[o + a]! > 0)) dHidden[o + a] = 0;
      addGradient(g, at.nodeB0, dHidden, o, D);
      multiplyBackward(params, g, at.nodeW0, x, r * T, T, dHidden, o, D, undefined, 0);
    }
  }
}
