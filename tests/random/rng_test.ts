import assert from "node:assert/strict";
import { hashInts, Rng } from "../../lib/random/mod.ts";

Deno.test("Rng() gives equal sequences for equal seeds and different ones otherwise", () => {
  const a = new Rng(7), b = new Rng(7), c = new Rng(8);
  const draw = (rng: Rng) => Array.from({ length: 20 }, () => rng.nextUint32());
  const first = draw(a);
  assert.deepEqual(first, draw(b));
  assert.notDeepEqual(first, draw(c));
});

Deno.test("Rng.int() stays in range and covers it", () => {
  const rng = new Rng(1);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const value = rng.int(7);
    assert.ok(value >= 0 && value < 7 && Number.isInteger(value));
    seen.add(value);
  }
  assert.equal(seen.size, 7);
  assert.throws(() => rng.int(0), RangeError);
});

Deno.test("Rng.normal() has mean 0 and variance 1", () => {
  const rng = new Rng(3);
  const n = 20_000;
  const values = Array.from({ length: n }, () => rng.normal());
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
});

Deno.test("Rng.shuffle() permutes", () => {
  const items = Array.from({ length: 50 }, (_, i) => i);
  const shuffled = new Rng(5).shuffle([...items]);
  assert.notDeepEqual(shuffled, items);
  assert.deepEqual([...shuffled].sort((a, b) => a - b), items);
});

Deno.test("Rng() rejects a non-integer seed", () => {
  assert.throws(() => new Rng(1.5), /seed/);
});

Deno.test("hashInts() is order-sensitive and deterministic", () => {
  assert.equal(hashInts(1, 2, 3), hashInts(1, 2, 3));
  assert.notEqual(hashInts(1, 2, 3), hashInts(3, 2, 1));
});
