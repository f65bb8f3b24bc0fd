import assert from "node:assert/strict";
import fc from "fast-check";
import { Activation, simdKernels } from "../../lib/agent/simd.ts";
import { tanh } from "../../lib/agent/flat.ts";

/**
 * A kernel instance with bump allocation (16-aligned) in the first half of its memory; every
 * gradient lives `delta` bytes above, in the second half, zero until a kernel writes it.
 */
function arena() {
  const kernels = simdKernels(), memory = kernels.memory, delta = 1 << 19;
  memory.grow(2 * delta / 65536);
  const f32 = new Float32Array(memory.buffer as ArrayBuffer);
  const i32 = new Int32Array(memory.buffer as ArrayBuffer);
  let top = 16;
  const take = (floats: number) => {
    const at = top;
    top += ((floats * 4 + 15) & ~15) || 16;
    return at;
  };
  /** Writes floats (or ints) at a fresh place; returns its byte offset. */
  const put = (values: ArrayLike<number>, ints = false) => {
    const at = take(values.length);
    (ints ? i32 : f32).set(values, at >> 2);
    return at;
  };
  const read = (at: number, n: number) => Array.from(f32.subarray(at >> 2, (at >> 2) + n));
  return { kernels, f32, i32, take, put, read, delta };
}

/** |a - b| within float32 rounding of sums of `terms` products of size ≈ 1. */
function assertClose(actual: number[], expected: number[], terms: number, label: string) {
  assert.equal(actual.length, expected.length);
  actual.forEach((x, k) => {
    assert.ok(
      Math.abs(x - expected[k]!) <= 1e-6 * (terms + 1) * (1 + Math.abs(expected[k]!)),
      `${label}[${k}]: ${x} vs ${expected[k]}`,
    );
  });
}

const small = fc.float({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true });

Deno.test("sparse and sparseAdjoint equal their definitions for every entry count, order and base", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3 }).map((k) => 4 * k),
      fc.array(fc.array(fc.tuple(fc.nat(5), small), { maxLength: 9 }), {
        minLength: 1,
        maxLength: 6,
      }),
      fc.boolean(),
      fc.boolean(),
      fc.boolean(),
      fc.integer({ min: 1, max: 1000 }),
      (width, lists, withOrder, withBase, withDValue, seed) => {
        const { kernels, f32, put, take, read, delta } = arena();
        const rand = (k: number) => Math.sin(seed * 7.1 + k * 1.3);
        const rows = 6, matrix = Array.from({ length: rows * width }, (_, k) => rand(k));
        const m = put(matrix);
        const count = lists.length;
        const order = Array.from({ length: count }, (_, k) => (withOrder ? count - 1 - k : k));
        const starts = [0];
        for (const list of lists) starts.push(starts.at(-1)! + list.length);
        const entries = lists.flat();
        const ptr = entries.map(([row]) => m + row * width * 4);
        const value = entries.map(([, x]) => x);
        const bases = Array.from({ length: count }, (_, k) => rand(100 + k));
        const baseRows = bases.map((x) => put(Array.from({ length: width }, (_, j) => x + j)));
        const out = take(count * width), dOut = take(count * width);
        const at = {
          order: withOrder ? put(order, true) : 0,
          start: put(starts, true),
          ptr: put(ptr, true),
          value: put(value),
          base: withBase ? put(baseRows, true) : 0,
          dValue: withDValue ? take(entries.length) : 0,
        };
        kernels.sparse(out, count, width, at.order, at.start, at.ptr, at.value, at.base);
        const expected: number[] = [];
        for (let k = 0; k < count; k++) {
          const i = order[k]!;
          for (let j = 0; j < width; j++) {
            let sum = withBase ? bases[k]! + j : 0;
            for (let q = starts[i]!; q < starts[i + 1]!; q++) {
              sum += value[q]! * matrix[entries[q]![0] * width + j]!;
            }
            expected.push(sum);
          }
        }
        assertClose(read(out, count * width), expected, 10, "sparse");
        // The adjoint: gradients of M (and of the base rows) for dOut.
        const gradient = Array.from({ length: count * width }, (_, k) => rand(200 + k));
        f32.set(gradient, dOut >> 2);
        kernels.sparseAdjoint(
          dOut,
          count,
          width,
          at.order,
          at.start,
          at.ptr,
          at.value,
          at.base,
          delta,
          at.dValue,
        );
        const dM = new Array(rows * width).fill(0), dValue: number[] = [];
        for (let k = 0; k < count; k++) {
          const i = order[k]!;
          for (let q = starts[i]!; q < starts[i + 1]!; q++) {
            let dot = 0;
            for (let j = 0; j < width; j++) {
              dM[entries[q]![0] * width + j] += value[q]! * gradient[k * width + j]!;
              dot += matrix[entries[q]![0] * width + j]! * gradient[k * width + j]!;
            }
            dValue[q] = dot;
          }
        }
        assertClose(read(m + delta, rows * width), dM, 60, "dM");
        if (withDValue) assertClose(read(at.dValue, entries.length), dValue, width, "dValue");
        if (withBase) {
          baseRows.forEach((row, k) =>
            assertClose(
              read(row + delta, width),
              gradient.slice(k * width, (k + 1) * width),
              1,
              "dBase",
            )
          );
        }
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("dense and denseAdjoint equal their definitions for 1 to 9 rows", () => {
  for (let count = 1; count <= 9; count++) {
    const { kernels, f32, put, take, read, delta } = arena();
    const rows = 8, width = 12, rand = (k: number) => Math.cos(count * 3.7 + k * 0.9);
    const x = Array.from({ length: count * rows }, (_, k) => rand(k));
    const w = Array.from({ length: rows * width }, (_, k) => rand(500 + k));
    const b = Array.from({ length: width }, (_, k) => rand(900 + k));
    const at = { x: put(x), w: put(w), b: put(b) };
    const y = take(count * width),
      dy = put(Array.from({ length: count * width }, (_, k) => rand(1200 + k)));
    kernels.dense(at.x, count, rows, rows, at.w, width, at.b, y);
    const expected = [], dW = new Array(rows * width).fill(0), dB = new Array(width).fill(0);
    for (let k = 0; k < count; k++) {
      for (let j = 0; j < width; j++) {
        let sum = b[j]!;
        for (let r = 0; r < rows; r++) sum += x[k * rows + r]! * w[r * width + j]!;
        expected.push(sum);
        const d = f32[(dy >> 2) + k * width + j]!;
        dB[j] += d;
        for (let r = 0; r < rows; r++) dW[r * width + j] += x[k * rows + r]! * d;
      }
    }
    assertClose(read(y, count * width), expected, rows, `dense (${count} rows)`);
    kernels.denseAdjoint(at.x, count, rows, rows, at.w, width, at.b, dy, delta);
    assertClose(read(at.w + delta, rows * width), dW, count, `dW (${count} rows)`);
    assertClose(read(at.b + delta, width), dB, count, `dB (${count} rows)`);
  }
});

Deno.test("rowDots and its adjoint equal their definitions, heads shared or not, ReLU and tanh", () => {
  for (const activation of [Activation.Relu, Activation.Tanh]) {
    for (const pattern of ["shared", "alternating", "runs"] as const) {
      const { kernels, f32, put, take, read, delta } = arena();
      const count = 11, width = 8, rand = (k: number) => Math.sin(k * 1.7 + activation);
      const heads = [put(Array.from({ length: width }, (_, k) => rand(k))), 0];
      heads[1] = put(Array.from({ length: width }, (_, k) => rand(50 + k)));
      const headOf = (k: number) =>
        pattern === "shared" ? 0 : pattern === "alternating" ? k % 2 : Math.floor(k / 5) % 2;
      // Activations: ReLU outputs (some exactly 0) or tanh outputs.
      const z = Array.from({ length: count * width }, (_, k) => {
        const u = rand(100 + k);
        return activation === Activation.Relu ? Math.max(0, u) : tanh(u);
      });
      const zAt = put(z),
        headsAt = put(Array.from({ length: count }, (_, k) => heads[headOf(k)]!), true);
      const dOut = put(Array.from({ length: count }, (_, k) => rand(300 + k)));
      const dz = take(count * width), out = take(count);
      kernels.rowDots(zAt, count, width, headsAt, out);
      const h = (k: number, j: number) => f32[(heads[headOf(k)]! >> 2) + j]!;
      const dots = Array.from({ length: count }, (_, k) => {
        let sum = 0;
        for (let j = 0; j < width; j++) sum += z[k * width + j]! * h(k, j);
        return sum;
      });
      assertClose(read(out, count), dots, width, "rowDots");
      kernels.rowDotsAdjoint(zAt, count, width, headsAt, dOut, dz, delta, activation);
      const dHeads = [new Array(width).fill(0), new Array(width).fill(0)], dZ: number[] = [];
      for (let k = 0; k < count; k++) {
        const s = f32[(dOut >> 2) + k]!;
        for (let j = 0; j < width; j++) {
          const a = z[k * width + j]!;
          dHeads[headOf(k)]![j] += s * a;
          const derivative = activation === Activation.Relu ? +(a > 0) : 1 - a * a;
          dZ.push(s * h(k, j) * derivative);
        }
      }
      assertClose(read(dz, count * width), dZ, 1, `dz (${pattern})`);
      heads.forEach((head, e) =>
        assertClose(read(head + delta, width), dHeads[e]!, count, `dHead ${e} (${pattern})`)
      );
    }
  }
});

Deno.test("the kernels' tanh is flat.ts's within float32 rounding, and its derivative 1 - a²", () => {
  const { kernels, put, read } = arena();
  const x = Array.from({ length: 400 }, (_, k) => (k - 200) / 20);
  const at = put(x);
  kernels.tanh(at, x.length);
  const a = read(at, x.length);
  a.forEach((y, k) => assert.ok(Math.abs(y - tanh(x[k]!)) < 3e-7, `tanh(${x[k]}) = ${y}`));
  const d = put(new Array(x.length).fill(2));
  kernels.tanhAdjoint(at, d, x.length);
  read(d, x.length).forEach((g, k) =>
    assert.ok(Math.abs(g - 2 * (1 - a[k]! * a[k]!)) < 1e-6, `tanh' at ${x[k]}`)
  );
});
