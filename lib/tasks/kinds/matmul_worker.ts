/// <reference lib="deno.worker" />
/**
 * A worker of the parallel matrix product: computes its band of rows of c = a·b in shared
 * memory, then posts back.
 *
 * @module
 */
import { multiplyRows } from "./matmul_rows.ts";

interface Band {
  a: SharedArrayBuffer;
  b: SharedArrayBuffer;
  c: SharedArrayBuffer;
  n: number;
  rows: { from: number; to: number };
}

self.onmessage = (event: MessageEvent<Band>) => {
  const { a, b, c, n, rows } = event.data;
  multiplyRows({ a: new Float64Array(a), b: new Float64Array(b), c: new Float64Array(c), n }, rows);
  self.postMessage("done");
};
