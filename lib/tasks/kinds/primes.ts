/**
 * The prime search: counts the primes up to a bound by trial division. Single-core integer
 * work: a node delivers at most one CPU on it.
 *
 * @module
 */
import { registerTaskKind } from "../kind.ts";

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

/** The prime search; range and law from the original system. */
export const PRIMES = registerTaskKind({
  name: "primes",
  module: import.meta.url,
  parameterName: "range upper bound",
  min: 240_000,
  max: 4_800_000,
  defaultParameter: 2_400_000,
  resource: "single-core integer",
  profile: { coreDemand: 0.25, cpuIntensity: 1, memoryIntensity: 0, ioIntensity: 0 },
  threaded: false,
  originalName: "primes",
  capacity: (node) => node.cpuSpeed * Math.min(1, node.cores),
  seedLaw: { scale: 3.7333e-9, exponent: 1.4380 },
  statedGrowth: 1.5, // trial division up to n: about n^1.5
  run: (parameter) => ({
    checksum: countPrimes(Math.round(parameter)),
    bytesRead: 0,
    bytesWritten: 0,
  }),
  profiling: { min: 200_000, max: 5_000_000, variants: [{ threads: 1, storage: "-" }] },
  warmUpParameter: 1000,
});
