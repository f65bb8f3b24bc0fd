/**
 * Fitting the duration model's power laws by least squares in log space:
 * ln(seconds * capacity) = ln(scale) + exponent * ln(parameter).
 *
 * @module
 */
import { TASK_KINDS, type TaskKind } from "../tasks/mod.ts";
import type { Calibration, PowerLaw } from "./model.ts";

/** One measured execution. */
export interface DurationSample {
  /** The task kind. */
  readonly kind: TaskKind;
  /** Its parameter. */
  readonly parameter: number;
  /** Measured wall time, seconds. */
  readonly seconds: number;
  /** The measuring node's capacity for the kind (see `capacity`); 1 = the reference CPU. */
  readonly capacity: number;
}

/** A fitted power law with its goodness of fit. */
export interface FittedLaw extends PowerLaw {
  /** Samples used. */
  readonly count: number;
  /** Coefficient of determination in log space. */
  readonly r2: number;
  /** Residual standard deviation in log space: the fitted noise level. */
  readonly sigma: number;
}

/** Fits ln y = a + b ln x by ordinary least squares; needs two distinct x. */
export function fitPowerLaw(xs: readonly number[], ys: readonly number[]): FittedLaw {
  const n = xs.length;
  if (n < 2 || ys.length !== n) {
    throw new RangeError(`Expected at least 2 paired samples but found ${Math.min(n, ys.length)}`);
  }
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((s, v) => s + v, 0) / n;
  const my = ly.reduce((s, v) => s + v, 0) / n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (lx[i]! - mx) ** 2;
    sxy += (lx[i]! - mx) * (ly[i]! - my);
    syy += (ly[i]! - my) ** 2;
  }
  if (sxx === 0) throw new RangeError("Expected at least 2 distinct parameter values but found 1");
  const exponent = sxy / sxx;
  const intercept = my - exponent * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ly[i]! - intercept - exponent * lx[i]!) ** 2;
  return {
    scale: Math.exp(intercept),
    exponent,
    count: n,
    r2: syy === 0 ? 1 : 1 - sse / syy,
    sigma: n > 2 ? Math.sqrt(sse / (n - 2)) : 0,
  };
}

/** A calibration whose laws carry their fit statistics. */
export interface FittedCalibration extends Calibration {
  /** Per kind, the fitted law and its statistics. */
  readonly kinds: Readonly<Record<TaskKind, FittedLaw>>;
}

/**
 * Fits every kind's power law from measured samples.
 *
 * @param samples measurements; every kind fitted needs at least two distinct parameters
 * @param options name and source of the resulting calibration, and the kinds to fit (default
 * every registered kind)
 * @returns the calibration
 */
export function fitCalibration(
  samples: readonly DurationSample[],
  options: { name: string; source: string; kinds?: readonly TaskKind[] },
): FittedCalibration {
  samples.forEach((sample, i) => {
    for (const field of ["parameter", "seconds", "capacity"] as const) {
      if (!(sample[field] > 0) || !Number.isFinite(sample[field])) {
        throw new RangeError(
          `Expected samples[${i}].${field} to be a finite number > 0 but found ${sample[field]}`,
        );
      }
    }
  });
  const { kinds: fitted = TASK_KINDS, ...about } = options;
  const kinds = Object.fromEntries(fitted.map((kind) => {
    const own = samples.filter((sample) => sample.kind === kind);
    if (own.length < 2) {
      throw new RangeError(`Expected at least 2 samples of kind ${kind} but found ${own.length}`);
    }
    return [
      kind,
      fitPowerLaw(own.map((s) => s.parameter), own.map((s) => s.seconds * s.capacity)),
    ];
  })) as Record<TaskKind, FittedLaw>;
  return { ...about, kinds };
}

/**
 * Leave-one-parameter-out cross-validation of a kind's power law: for each distinct parameter
 * value, fit on the others and compare the prediction with the mean measured time at that
 * value.
 *
 * @returns the mean absolute percentage error on held-out parameter values (0.05 = 5%)
 */
export function crossValidatedMape(samples: readonly DurationSample[]): number {
  const values = [...new Set(samples.map((s) => s.parameter))];
  if (values.length < 3) {
    throw new RangeError(
      `Expected at least 3 distinct parameters to cross-validate but found ${values.length}`,
    );
  }
  let total = 0;
  for (const heldOut of values) {
    const train = samples.filter((s) => s.parameter !== heldOut);
    const test = samples.filter((s) => s.parameter === heldOut);
    const law = fitPowerLaw(
      train.map((s) => s.parameter),
      train.map((s) => s.seconds * s.capacity),
    );
    const measured = test.reduce((sum, s) => sum + s.seconds * s.capacity, 0) / test.length;
    const predicted = law.scale * heldOut ** law.exponent;
    total += Math.abs(predicted - measured) / measured;
  }
  return total / values.length;
}
