import assert from "node:assert/strict";
import {
  countPrimes,
  multiplyMatrices,
  runWorkload,
  sortRandomArray,
} from "../../lib/tasks/mod.ts";
import { Rng } from "../../lib/random/mod.ts";

Deno.test("countPrimes() counts the primes up to a limit", () => {
  assert.equal(countPrimes(1), 0);
  assert.equal(countPrimes(2), 1);
  assert.equal(countPrimes(100), 25);
  assert.equal(countPrimes(10_000), 1229);
});

Deno.test("multiplyMatrices() returns the trace of a real product", () => {
  const n = 7;
  const trace = multiplyMatrices(n, new Rng(2));
  const rng = new Rng(2);
  const a = Array.from({ length: n * n }, () => rng.next());
  const b = Array.from({ length: n * n }, () => rng.next());
  let expected = 0;
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) expected += a[i * n + k]! * b[k * n + i]!;
  assert.ok(Math.abs(trace - expected) < 1e-9);
});

Deno.test("sortRandomArray() returns the median of uniform values", () => {
  const median = sortRandomArray(10_001, new Rng(1));
  assert.ok(Math.abs(median - 0.5) < 0.03);
});

Deno.test("runWorkload() performs file I/O in a temporary folder and removes it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const result = await runWorkload("fileio", 200, { seed: 3, tempDir: dir });
    assert.equal(result.bytesRead, 200 * 4096);
    assert.ok(result.bytesWritten >= 200 * 4096);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runWorkload() runs every kind and rejects a bad parameter", async () => {
  assert.equal((await runWorkload("primes", 1000)).checksum, 168);
  assert.equal((await runWorkload("matmul", 8)).kind, "matmul");
  assert.equal((await runWorkload("sort", 1000)).bytesRead, 0);
  await assert.rejects(() => runWorkload("sort", -5), RangeError);
});
