/**
 * The matrix product: two random n x n matrices multiplied (i-k-j loop order), on the
 * executor's threads in bands of rows, in shared memory. Multi-core compute: a node delivers
 * all its CPUs on it.
 *
 * @module
 */
import type { Rng } from "../../random/mod.ts";
import { registerTaskKind, type WorkloadContext } from "../kind.ts";
import { multiplyRows } from "./matmul_rows.ts";

export { multiplyRows };

function trace(c: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += c[i * n + i]!;
  return sum;
}

/** Multiplies two random n x n matrices on this thread; returns the product's trace. */
export function multiplyMatrices(n: number, rng: Rng): number {
  const a = new Float64Array(n * n).map(() => rng.next());
  const b = new Float64Array(n * n).map(() => rng.next());
  const c = new Float64Array(n * n);
  multiplyRows({ a, b, c, n }, { from: 0, to: n });
  return trace(c, n);
}

/**
 * Deno workers that compute the matrix product in bands of rows, in shared memory. Creating a
 * worker is slow (about a second inside another worker), so a pool is made once and reused.
 */
export class MatmulPool {
  readonly #workers: Worker[];

  /** @param threads number of workers (>= 1) */
  constructor(threads: number) {
    if (!Number.isInteger(threads) || threads < 1) {
      throw new RangeError(`Expected threads to be an integer >= 1 but found ${threads}`);
    }
    const url = new URL("./matmul_worker.ts", import.meta.url);
    this.#workers = Array.from({ length: threads }, () => new Worker(url, { type: "module" }));
  }

  /** Multiplies two random n x n matrices; returns the product's trace. */
  async multiply(n: number, rng: Rng): Promise<number> {
    const shared = () => new Float64Array(new SharedArrayBuffer(n * n * 8));
    const a = shared(), b = shared(), c = shared();
    for (let i = 0; i < n * n; i++) a[i] = rng.next();
    for (let i = 0; i < n * n; i++) b[i] = rng.next();
    const threads = this.#workers.length;
    await Promise.all(this.#workers.map((worker, t) => {
      const rows = { from: Math.floor((n * t) / threads), to: Math.floor((n * (t + 1)) / threads) };
      return new Promise<void>((resolve, reject) => {
        worker.onmessage = () => resolve();
        worker.onerror = (event) =>
          reject(new Error(`matrix worker ${t} failed: ${event.message}`));
        worker.postMessage({ a: a.buffer, b: b.buffer, c: c.buffer, n, rows });
      });
    }));
    return trace(c, n);
  }

  /** Stops the workers. */
  close(): void {
    for (const worker of this.#workers) worker.terminate();
  }
}

/** This thread's pools by thread count: made at the first threaded run, kept for the next. */
const pools = new Map<number, MatmulPool>();

async function run(n: number, { rng, threads }: WorkloadContext) {
  let checksum: number;
  if (threads > 1) {
    const pool = pools.get(threads) ?? new MatmulPool(threads);
    pools.set(threads, pool);
    checksum = await pool.multiply(n, rng);
  } else {
    checksum = multiplyMatrices(n, rng);
  }
  return { checksum, bytesRead: 0, bytesWritten: 0 };
}

/** Stops this thread's matrix workers (the next threaded run starts new ones). */
export function closeMatmulPools(): void {
  for (const pool of pools.values()) pool.close();
  pools.clear();
}

/** The matrix product; range and law from the original system. */
export const MATMUL = registerTaskKind({
  name: "matmul",
  module: import.meta.url,
  parameterName: "matrix size n",
  min: 250,
  max: 5000,
  defaultParameter: 425,
  resource: "multi-core compute",
  profile: { coreDemand: 1, cpuIntensity: 1, memoryIntensity: 0.3, ioIntensity: 0 },
  threaded: true,
  originalName: "matmul",
  capacity: (node) => node.cpuSpeed * node.cores,
  seedLaw: { scale: 4.6713e-10, exponent: 3.1327 },
  statedGrowth: 3, // n^3
  run: (parameter, context) => run(Math.round(parameter), context),
  profiling: {
    min: 128,
    max: 1024,
    variants: [{ threads: 1, storage: "-" }, { threads: 2, storage: "-" }],
  },
  warmUpParameter: 32,
});
