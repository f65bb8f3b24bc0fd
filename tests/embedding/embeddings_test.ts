import assert from "node:assert/strict";
import { SEED_CALIBRATION } from "../../lib/duration/mod.ts";
import { kindSpec } from "../../lib/tasks/mod.ts";
import {
  embedding,
  embeddingNames,
  registerEmbedding,
  SEED_EMBEDDING,
} from "../../lib/embedding/mod.ts";

Deno.test("embedding('seed') is one-hot kind + linearly normalised parameter", () => {
  const out = new Float32Array(7).fill(9);
  embedding("seed").encode("primes", 2_520_000, out, 1);
  assert.deepEqual(Array.from(out), [9, 0, 1, 0, 0, 0.5, 9]);
  assert.equal(SEED_EMBEDDING.dimension, 5);
});

Deno.test("embedding('log') and embedding('profile') differ from the seed's", () => {
  const seed = new Float32Array(5), log = new Float32Array(5);
  embedding("seed").encode("matmul", 1000, seed, 0);
  embedding("log").encode("matmul", 1000, log, 0);
  assert.ok(log[4]! > seed[4]!);
  const profile = new Float32Array(6);
  embedding("profile").encode("fileio", 100_000, profile, 0);
  assert.equal(profile[3], 1); // I/O intensity
  assert.equal(profile[5], 0); // smallest parameter
});

Deno.test("embedding() names the unknown embedding and the known ones", () => {
  assert.throws(() => embedding("word2vec"), /seed, log, profile, character, none.*"word2vec"/);
  assert.ok(embeddingNames().includes("none"));
  assert.throws(() => registerEmbedding(SEED_EMBEDDING), /already registered/);
});

Deno.test("embedding('character') tells every kind apart by what a user states, not by identity", () => {
  const kinds = ["matmul", "primes", "sort", "fileio"] as const;
  const rows = kinds.map((kind) => {
    const out = new Float32Array(7);
    embedding("character").encode(kind, 1e9, out, 0);
    assert.equal(out[6], 1); // parameter above the range is clipped to its top
    return Array.from(out).join(",");
  });
  assert.equal(new Set(rows).size, kinds.length);
  for (const kind of kinds) {
    // The stated exponent is close to the one fitted to the original's measurements.
    const stated = kindSpec(kind).statedGrowth;
    assert.ok(Math.abs(stated - SEED_CALIBRATION.kinds[kind]!.exponent) < 0.2, kind);
  }
});
