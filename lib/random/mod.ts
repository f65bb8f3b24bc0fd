/**
 * Seeded randomness: the {@linkcode Rng} generator and stateless integer hashes.
 *
 * @module
 */
export { hashInts, hashPair, mix32, Rng, unitFloat } from "./rng.ts";
