/**
 * The task kinds as real, runnable workloads, so that schedlab can time them: a dense matrix
 * product, a trial-division prime count, a sort, and random 4 KiB file reads and writes.
 *
 * @module
 */
import { Rng } from "../random/mod.ts";
import { makeTask, type TaskKind } from "./kinds.ts";

/** What a workload run did, so that its work cannot be optimised away and can be checked. */
export interface WorkloadResult {
  /** The kind that ran. */
  readonly kind: TaskKind;
  /** Its parameter. */
  readonly parameter: number;
  /** A number derived from the work's output (trace, prime count, ...). */
  readonly checksum: number;
  /** Bytes read from disk (file I/O only). */
  readonly bytesRead: number;
  /** Bytes written to disk (file I/O only). */
  readonly bytesWritten: number;
}

/** Options of {@linkcode runWorkload}. */
export interface WorkloadOptions {
  /** Seed of the random inputs (matrices, arrays, file offsets); default 0. */
  seed?: number;
  /** Folder in which file I/O makes its temporary folder; default the system's. */
  tempDir?: string;
  /** Workers for the matrix product; default none (this thread). */
  pool?: MatmulPool;
}

/** Block size of the file I/O workload, as in the original (4 KiB). */
export const FILE_BLOCK_BYTES = 4096;
/** Blocks in the file I/O workload's file at most (64 MiB; the original used a 6 GB file). */
export const FILE_MAX_BLOCKS = 16_384;

/** Computes rows [from, to) of c += a·b for n x n row-major matrices (i-k-j loop order). */
export function multiplyRows(
  matrices: { a: Float64Array; b: Float64Array; c: Float64Array; n: number },
  rows: { from: number; to: number },
): void {
  const { a, b, c, n } = matrices;
  for (let i = rows.from; i < rows.to; i++) {
    const row = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[row + k]!;
      const bRow = k * n;
      for (let j = 0; j < n; j++) c[row + j]! += aik * b[bRow + j]!;
    }
  }
}

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

/** Counts the primes <= limit by trial division with odd divisors (work ~ limit^1.5). */
export function countPrimes(limit: number): number {
  let count = limit >= 2 ? 1 : 0;
  for (let candidate = 3; candidate <= limit; candidate += 2) {
    let prime = true;
    for (let divisor = 3; divisor * divisor <= candidate; divisor += 2) {
      if (candidate % divisor === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

/** Sorts `length` random numbers; returns the median, after checking the order. */
export function sortRandomArray(length: number, rng: Rng): number {
  const values = new Float64Array(length).map(() => rng.next());
  values.sort();
  for (let i = 1; i < length; i++) {
    if (values[i - 1]! > values[i]!) throw new Error(`sort left index ${i} out of order`);
  }
  return values[length >> 1] ?? 0;
}

/**
 * Performs `operations` random 4 KiB reads and as many writes in a temporary file, which it
 * removes afterwards; returns the XOR of the bytes read.
 */
export async function randomFileIo(
  operations: number,
  rng: Rng,
  tempDir?: string,
): Promise<{ checksum: number; bytesRead: number; bytesWritten: number }> {
  const dir = await Deno.makeTempDir({
    prefix: "schedlab-fileio-",
    ...(tempDir ? { dir: tempDir } : {}),
  });
  const blocks = Math.max(1, Math.min(FILE_MAX_BLOCKS, operations));
  const block = new Uint8Array(FILE_BLOCK_BYTES);
  let checksum = 0;
  try {
    using file = await Deno.open(`${dir}/data.bin`, { read: true, write: true, create: true });
    for (let i = 0; i < blocks; i++) {
      block.fill(i & 0xff);
      file.writeSync(block);
    }
    for (let op = 0; op < operations; op++) {
      file.seekSync(rng.int(blocks) * FILE_BLOCK_BYTES, Deno.SeekMode.Start);
      file.readSync(block);
      checksum ^= block[op % FILE_BLOCK_BYTES]!;
      block[0] = op & 0xff;
      file.seekSync(rng.int(blocks) * FILE_BLOCK_BYTES, Deno.SeekMode.Start);
      file.writeSync(block);
    }
    file.syncSync();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const bytes = (blocks + operations) * FILE_BLOCK_BYTES;
  return { checksum, bytesRead: operations * FILE_BLOCK_BYTES, bytesWritten: bytes };
}

/**
 * Runs a task kind's real workload once.
 *
 * @param kind the task kind
 * @param parameter its complexity parameter (an integer > 0)
 * @param options seed and temporary folder
 * @returns what the run did
 * @example
 * ```ts
 * const result = await runWorkload("primes", 10_000);
 * console.log(result.checksum); // 1229
 * ```
 */
export async function runWorkload(
  kind: TaskKind,
  parameter: number,
  options: WorkloadOptions = {},
): Promise<WorkloadResult> {
  const task = makeTask(kind, parameter);
  const size = Math.round(task.parameter);
  const rng = new Rng(options.seed ?? 0);
  const idle = { bytesRead: 0, bytesWritten: 0 };
  switch (task.kind) {
    case "matmul":
      return {
        kind,
        parameter,
        checksum: options.pool
          ? await options.pool.multiply(size, rng)
          : multiplyMatrices(size, rng),
        ...idle,
      };
    case "primes":
      return { kind, parameter, checksum: countPrimes(size), ...idle };
    case "sort":
      return { kind, parameter, checksum: sortRandomArray(size, rng), ...idle };
    case "fileio":
      return { kind, parameter, ...(await randomFileIo(size, rng, options.tempDir)) };
  }
}
