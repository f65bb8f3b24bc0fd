/**
 * Aggregates a reviewer trusts, after Agarwal et al., "Deep RL at the Edge of the Statistical
 * Precipice" (NeurIPS 2021): the interquartile mean, stratified-bootstrap confidence intervals,
 * and performance profiles.
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";

/** The mean of the middle 50% of the values (the 25% lowest and highest are dropped). */
export function interquartileMean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("Expected at least one value but found none");
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  // Fractional trimming: weights of the partially included order statistics.
  const low = n / 4, high = (3 * n) / 4;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const weight = Math.max(0, Math.min(i + 1, high) - Math.max(i, low));
    total += weight * sorted[i]!;
  }
  return total / (high - low);
}

/**
 * A percentile confidence interval by stratified bootstrap: every stratum (e.g. the episodes
 * of one training seed) is resampled with replacement on its own, the statistic is taken over
 * the union.
 *
 * @param strata the samples, by stratum
 * @param statistic e.g. {@linkcode interquartileMean}
 * @param options resamples (default 2000), confidence level (default 0.95), generator
 * @returns the statistic of the data and the interval's bounds
 */
export function stratifiedBootstrap(
  strata: readonly (readonly number[])[],
  statistic: (values: readonly number[]) => number,
  options: { rng: Rng; resamples?: number; level?: number },
): { estimate: number; lower: number; upper: number } {
  const resamples = options.resamples ?? 2000, level = options.level ?? 0.95;
  const estimate = statistic(strata.flat());
  const draws: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const sample: number[] = [];
    for (const stratum of strata) {
      for (let i = 0; i < stratum.length; i++) {
        sample.push(stratum[options.rng.int(stratum.length)]!);
      }
    }
    draws.push(statistic(sample));
  }
  draws.sort((a, b) => a - b);
  const at = (q: number) => draws[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))]!;
  return { estimate, lower: at((1 - level) / 2), upper: at(1 - (1 - level) / 2) };
}

/** Fraction of the ratios that are <= each threshold (a performance profile). */
export function performanceProfile(
  ratios: readonly number[],
  thresholds: readonly number[],
): number[] {
  return thresholds.map((threshold) =>
    ratios.filter((ratio) => ratio <= threshold).length / ratios.length
  );
}
