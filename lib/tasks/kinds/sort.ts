/**
 * The sort: sorts an array of random numbers and checks the order. Memory-bound: a node
 * delivers at most one CPU on it.
 *
 * @module
 */
import type { Rng } from "../../random/mod.ts";
import { registerTaskKind } from "../kind.ts";

/** Sorts `length` random numbers; returns the median, after checking the order. */
export function sortRandomArray(length: number, rng: Rng): number {
  const values = new Float64Array(length).map(() => rng.next());
  values.sort();
  for (let i = 1; i < length; i++) {
    if (values[i - 1]! > values[i]!) throw new Error(`sort left index ${i} out of order`);
  }
  return values[length >> 1] ?? 0;
}

/** The sort; range and law from the original system (its "array" task). */
export const SORT = registerTaskKind({
  name: "sort",
  module: import.meta.url,
  parameterName: "array length",
  min: 500_000,
  max: 10_000_000,
  defaultParameter: 5_000_000,
  resource: "memory-bound",
  profile: { coreDemand: 0.25, cpuIntensity: 0.4, memoryIntensity: 1, ioIntensity: 0 },
  threaded: false,
  originalName: "array",
  capacity: (node) => node.cpuSpeed * Math.min(1, node.cores),
  seedLaw: { scale: 2.4175e-7, exponent: 1.0401 },
  statedGrowth: 1, // n log n: about n^1
  run: (parameter, { rng }) => ({
    checksum: sortRandomArray(Math.round(parameter), rng),
    bytesRead: 0,
    bytesWritten: 0,
  }),
  profiling: { min: 500_000, max: 10_000_000, variants: [{ threads: 1, storage: "-" }] },
  warmUpParameter: 1000,
});
