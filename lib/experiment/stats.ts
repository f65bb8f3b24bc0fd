/**
 * Summary statistics for results across episodes: mean with a Student-t 95% confidence
 * interval.
 *
 * @module
 */

/** Mean, spread and 95% confidence half-width of a sample. */
export interface Summary {
  /** Sample size. */
  readonly n: number;
  /** Arithmetic mean. */
  readonly mean: number;
  /** Sample standard deviation (n - 1). */
  readonly std: number;
  /** Half-width of the 95% confidence interval of the mean. */
  readonly ci95: number;
  /** Smallest value. */
  readonly min: number;
  /** Largest value. */
  readonly max: number;
}

/** The 0.975 quantile of Student's t with `df` degrees of freedom (Cornish-Fisher series). */
export function tQuantile975(df: number): number {
  const z = 1.959963984540054;
  const z3 = z ** 3, z5 = z ** 5, z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

/**
 * Summarises a sample.
 *
 * @param values at least one finite number
 * @returns its summary (ci95 = 0 for a single value)
 */
export function summarise(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) throw new RangeError("Expected at least one value to summarise but found none");
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return {
    n,
    mean,
    std,
    ci95: n > 1 ? tQuantile975(n - 1) * std / Math.sqrt(n) : 0,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}
