/**
 * The typed-array kernels of the hand-written networks (attention_gradient.ts, fast_attention.ts,
 * fast_scorer.ts; mlp_gradient.ts has its own in wasm, simd.ts): the flat parameter layout, dense layers and x·W products
 * forward and backward, the activations, and pooling over a set of tokens. Every loop reads
 * Float64Array activations and Float32Array parameters, so that V8 compiles each one
 * monomorphic. The acting path's product (fast_attention.ts: Float64Array weights, summed row by
 * row) is its own: another order of the sums would change its scores' last bits.
 *
 * @module
 */
import { type AgentShape, parameterLayout } from "./networks.ts";

/** Offset and length of every parameter in the flat vector, in {@linkcode parameterLayout} order. */
export interface FlatLayout {
  /** Offsets by name. */
  readonly offsets: ReadonlyMap<string, number>;
  /** Names, in order. */
  readonly names: readonly string[];
  /** Lengths, in order. */
  readonly lengths: readonly number[];
  /** Total length. */
  readonly size: number;
}

/** The flat layout of an agent's parameters. */
export function flatLayout(shape: AgentShape): FlatLayout {
  const offsets = new Map<string, number>(), names: string[] = [], lengths: number[] = [];
  let size = 0;
  for (const spec of parameterLayout(shape)) {
    const length = spec.shape.reduce((a, b) => a * b, 1);
    offsets.set(spec.name, size);
    names.push(spec.name);
    lengths.push(length);
    size += length;
  }
  return { offsets, names, lengths, size };
}

/** A dense layer's place in the flat vector. */
export interface Dense {
  /** Offset of the weights [in, out] in the flat vector. */
  readonly w: number;
  /** Offset of the biases [out]. */
  readonly b: number;
  /** Inputs. */
  readonly in: number;
  /** Outputs. */
  readonly out: number;
}

/** The hidden layers `${prefix}/w${l}`, `${prefix}/b${l}` of a network (not its output head). */
export function denseLayers(
  layout: FlatLayout,
  prefix: string,
  input: number,
  hidden: readonly number[],
): Dense[] {
  let width = input;
  return hidden.map((size, l) => {
    const layer = {
      w: layout.offsets.get(`${prefix}/w${l}`)!,
      b: layout.offsets.get(`${prefix}/b${l}`)!,
      in: width,
      out: size,
    };
    width = size;
    return layer;
  });
}

/**
 * out = b + inputᵀ W for a dense layer, four outputs at a time held in registers (V8 keeps
 * them out of memory, about twice as fast as updating `out` row by row).
 */
export function denseForward(
  params: Float32Array,
  layer: Dense,
  input: Float64Array,
  out: Float64Array,
) {
  const width = layer.out, rows = layer.in, w = layer.w, b = layer.b;
  let j = 0;
  for (; j + 4 <= width; j += 4) {
    let a0 = params[b + j]!, a1 = params[b + j + 1]!, a2 = params[b + j + 2]!;
    let a3 = params[b + j + 3]!;
    for (let r = 0, row = w + j; r < rows; r++, row += width) {
      const x = input[r]!;
      a0 += x * params[row]!;
      a1 += x * params[row + 1]!;
      a2 += x * params[row + 2]!;
      a3 += x * params[row + 3]!;
    }
    out[j] = a0;
    out[j + 1] = a1;
    out[j + 2] = a2;
    out[j + 3] = a3;
  }
  for (; j < width; j++) {
    let a = params[b + j]!;
    for (let r = 0; r < rows; r++) a += input[r]! * params[w + r * width + j]!;
    out[j] = a;
  }
}

/**
 * Weight and bias gradients of a dense layer, and dInput = W dz (before the activation's
 * derivative); with `relu`, inputs at zero get dInput = 0 (ReLU passes nothing there).
 */
export function denseBackward(
  params: Float32Array,
  g: Float64Array,
  layer: Dense,
  input: Float64Array,
  dz: Float64Array,
  dInput: Float64Array,
  relu: boolean,
): void {
  const width = layer.out;
  for (let j = 0; j < width; j++) g[layer.b + j]! += dz[j]!;
  // multiplyBackward's loop, specialised: through a call to it, a minibatch of the 128-64 MLP
  // scorer took 30-36 ms instead of 28-30.
  for (let r = 0; r < layer.in; r++) {
    const x = input[r]!, row = layer.w + r * width;
    if (relu && !(x > 0)) {
      dInput[r] = 0;
      continue;
    }
    let sum = 0;
    for (let j = 0; j < width; j++) {
      const d = dz[j]!;
      g[row + j]! += x * d;
      sum += params[row + j]! * d;
    }
    dInput[r] = sum;
  }
}

/**
 * y[yo, yo + cols) += x[xo, xo + rows) W, W = params[w, …) row-major [rows, cols]; zeros of x
 * skipped.
 */
export function multiply(
  params: Float32Array,
  w: number,
  x: Float64Array,
  xo: number,
  rows: number,
  y: Float64Array,
  yo: number,
  cols: number,
): void {
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (let r = 0, row = w + j; r < rows; r++, row += cols) {
      const value = x[xo + r]!;
      if (value === 0) continue;
      a0 += value * params[row]!;
      a1 += value * params[row + 1]!;
      a2 += value * params[row + 2]!;
      a3 += value * params[row + 3]!;
    }
    y[yo + j]! += a0;
    y[yo + j + 1]! += a1;
    y[yo + j + 2]! += a2;
    y[yo + j + 3]! += a3;
  }
  for (; j < cols; j++) {
    let a = 0;
    for (let r = 0; r < rows; r++) a += x[xo + r]! * params[w + r * cols + j]!;
    y[yo + j]! += a;
  }
}

/**
 * The backward of y = x W: g[W] += x ⊗ dy (zeros of x skipped), and dx[xo, xo + rows) +=
 * W dy when `dx` is given, except, when `x` is a ReLU's output, at its zeros (the ReLU passes
 * nothing there).
 */
export function multiplyBackward(
  params: Float32Array,
  g: Float64Array,
  w: number,
  x: Float64Array,
  xo: number,
  rows: number,
  dy: Float64Array,
  dyo: number,
  cols: number,
  dx: Float64Array | undefined,
  dxo: number,
  relu = false,
): void {
  for (let r = 0; r < rows; r++) {
    const value = x[xo + r]!, row = w + r * cols;
    if (dx && !(relu && value === 0)) {
      let sum = 0;
      for (let j = 0; j < cols; j++) {
        const d = dy[dyo + j]!;
        g[row + j]! += value * d;
        sum += params[row + j]! * d;
      }
      dx[dxo + r]! += sum;
    } else if (value !== 0) {
      for (let j = 0; j < cols; j++) g[row + j]! += value * dy[dyo + j]!;
    }
  }
}
/**
 * max(x, 0) without a branch: on activations of either sign at random, a branch mispredicts
 * half the time and costs three times the arithmetic. Likewise `+(a > 0)` is its derivative
 * as a number (no branch).
 */
export function relu(x: number): number {
  return (x + Math.abs(x)) * 0.5;
}

/**
 * tanh by Eigen's rational approximation for float (|error| < 3e-7, below float32's rounding
 * of tfjs's tanh for most inputs), three times as fast as Math.tanh in V8.
 */
export function tanh(x: number): number {
  const c = x > 7.998811721801758
    ? 7.998811721801758
    : x < -7.998811721801758
    ? -7.998811721801758
    : x;
  const x2 = c * c;
  let p = -2.76076847742355e-16;
  p = p * x2 + 2.00018790482477e-13;
  p = p * x2 - 8.60467152213735e-11;
  p = p * x2 + 5.12229709037114e-8;
  p = p * x2 + 1.48572235717979e-5;
  p = p * x2 + 6.37261928875436e-4;
  p = p * x2 + 4.89352455891786e-3;
  let q = 1.19825839466702e-6;
  q = q * x2 + 1.18534705686654e-4;
  q = q * x2 + 2.268434632439e-3;
  q = q * x2 + 4.89352518554385e-3;
  return (p * c) / q;
}

/**
 * out[o, o + D) = mean, out[o + D, o + 2D) = maximum of the first `count` rows of `tokens`
 * ([count, D] row-major); no rows: a mean of 0 and a maximum of -Infinity.
 */
export function pool(
  tokens: Float64Array,
  count: number,
  D: number,
  out: Float64Array,
  o: number,
): void {
  for (let a = 0; a < D; a++) {
    let sum = 0, max = -Infinity;
    for (let k = 0; k < count; k++) {
      const value = tokens[k * D + a]!;
      sum += value;
      if (value > max) max = value;
    }
    out[o + a] = sum / Math.max(1, count);
    out[o + D + a] = max;
  }
}

/**
 * The backward of {@linkcode pool}: each row takes the mean's gradient over `count`, and the
 * maximum's where it ties with the maximum (as TensorFlow.js's `max` passes it).
 */
export function poolBackward(
  tokens: Float64Array,
  count: number,
  D: number,
  pooled: Float64Array,
  po: number,
  dPooled: Float64Array,
  dpo: number,
  dTokens: Float64Array,
): void {
  for (let k = 0; k < count; k++) {
    for (let a = 0; a < D; a++) {
      const value = tokens[k * D + a]!;
      let d = dPooled[dpo + a]! / count;
      if (value === pooled[po + D + a]!) d += dPooled[dpo + D + a]!;
      dTokens[k * D + a]! += d;
    }
  }
}
