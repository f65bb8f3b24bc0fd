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

/** Student's t 0.975 quantiles for 1..30 degrees of freedom (standard tables). */
const T975 = [
  12.706,
  4.303,
  3.182,
  2.776,
  2.571,
  2.447,
  2.365,
  2.306,
  2.262,
  2.228,
  2.201,
  2.179,
  2.16,
  2.145,
  2.131,
  2.12,
  2.11,
  2.101,
  2.093,
  2.086,
  2.08,
  2.074,
  2.069,
  2.064,
  2.06,
  2.056,
  2.052,
  2.048,
  2.045,
  2.042,
];

/**
 * The 0.975 quantile of Student's t with `df` degrees of freedom: the table up to 30, a
 * Cornish-Fisher series beyond.
 */
export function tQuantile975(df: number): number {
  if (df <= T975.length) return T975[Math.max(1, Math.round(df)) - 1]!;
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

/**
 * The q-quantile of a sample, linear between order statistics (type 7, as numpy's default).
 *
 * @param values at least one number
 * @param q in [0, 1]
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError("Expected at least one value but found none");
  if (!(q >= 0 && q <= 1)) throw new RangeError(`Expected q in [0, 1] but found ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}
