/**
 * Seeded pseudo-random numbers: every source of randomness in schedlab is an {@linkcode Rng}
 * passed in explicitly, so the same seed always gives the same run.
 *
 * @module
 */

/** A 32-bit avalanche mix (the finaliser of MurmurHash3): a stateless hash of an integer. */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes two integers into one 32-bit value, order-sensitively (allocation-free). */
export function hashPair(first: number, second: number): number {
  return mix32(first ^ mix32(second + 0x7f4a7c15));
}

/** Hashes several integers into one 32-bit value, order-sensitively. */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) h = hashPair(h, value);
  return h;
}

/** Maps a 32-bit unsigned integer to a float in [0, 1). */
export function unitFloat(bits: number): number {
  return (bits >>> 0) / 4294967296;
}

/**
 * A small fast generator (sfc32, Chris Doty-Humphrey's Small Fast Counting generator) with
 * the helpers schedulers need. Not for cryptography.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * const die = rng.int(6) + 1;
 * ```
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spareNormal: number | undefined;

  /** @param seed any integer; equal seeds give equal sequences. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Expected seed to be a safe integer but found ${seed}`);
    }
    this.#a = mix32(seed);
    this.#b = mix32(Math.floor(seed / 4294967296) ^ 0x6a09e667);
    this.#c = mix32(seed ^ 0xbb67ae85);
    this.#d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A float uniform in [0, 1). */
  next(): number {
    return unitFloat(this.nextUint32());
  }

  /** A float uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** An integer uniform in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) {
      throw new RangeError(`Expected n to be an integer greater than 0 but found ${n}`);
    }
    return Math.floor(this.next() * n);
  }

  /** An integer uniform in [min, max], both ends included. */
  intBetween(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** A standard normal deviate (Marsaglia's polar method). */
  normal(): number {
    if (this.#spareNormal !== undefined) {
      const spare = this.#spareNormal;
      this.#spareNormal = undefined;
      return spare;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt(-2 * Math.log(s) / s);
    this.#spareNormal = v * factor;
    return u * factor;
  }

  /** An exponential deviate with the given rate. */
  exponential(rate: number): number {
    return -Math.log(1 - this.next()) / rate;
  }

  /** Shuffles `items` (an array or a typed array) in place (Fisher-Yates) and returns it. */
  shuffle<A extends { length: number; [index: number]: unknown }>(items: A): A {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const swap = items[i]!;
      items[i] = items[j]!;
      items[j] = swap;
    }
    return items;
  }

  /** A new generator whose stream is independent of this one's, derived from a label. */
  fork(label: number): Rng {
    return new Rng(hashInts(this.nextUint32(), label));
  }
}
