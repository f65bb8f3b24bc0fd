/**
 * From a profile to a calibration: the duration model's power laws fitted by least squares in
 * log space, with R², the residual noise level and the cross-validated error on held-out
 * parameter values per kind, plus what the profile says about each kind's other variants
 * (thread scaling of the matrix product on 1 vs 2 workers, file I/O on disk vs tmpfs).
 *
 * The fitted scale is in seconds on one CPU of the profiling machine.
 *
 * @module
 */
import {
  crossValidatedMape,
  type DurationSample,
  fitCalibration,
  type FittedLaw,
} from "../duration/mod.ts";
import { kindSpec, type ProfileVariant, TASK_KINDS, type TaskKind } from "../tasks/mod.ts";
import type { ProfileSample } from "./profiler.ts";

/** A fitted law with its held-out error. */
export interface CalibratedLaw extends FittedLaw {
  /** Mean absolute percentage error on held-out parameter values (leave-one-value-out). */
  readonly mape: number;
}

/** What `./schedlab calibrate` reports. */
export interface CalibrationReport {
  /** The calibration (loadable as a scenario's `calibration`). */
  readonly calibration: {
    readonly name: string;
    readonly source: string;
    readonly kinds: Readonly<Record<TaskKind, CalibratedLaw>>;
  };
  /**
   * Per kind profiled in more than one variant, for each other variant: the median over
   * parameters of time(the kind's first variant) / time(that variant), when both were measured.
   */
  readonly variants: readonly VariantRatio[];
}

/** How much faster a kind ran in one of its variants than in its first (fitted) one. */
export interface VariantRatio {
  /** The kind. */
  readonly kind: TaskKind;
  /** The fitted variant. */
  readonly base: ProfileVariant;
  /** The other variant. */
  readonly variant: ProfileVariant;
  /** Median of time(base) / time(variant) over parameters (2 = twice as fast). */
  readonly ratio: number;
}

const sameVariant = (s: ProfileSample, v: ProfileVariant) =>
  s.threads === v.threads && s.storage === v.storage;

function medianRatio(
  samples: readonly ProfileSample[],
  kind: TaskKind,
  slow: (s: ProfileSample) => boolean,
  fast: (s: ProfileSample) => boolean,
): number | null {
  const mean = (list: ProfileSample[]) =>
    list.reduce((sum, s) => sum + s.wallSeconds, 0) / list.length;
  const ratios: number[] = [];
  for (const parameter of new Set(samples.filter((s) => s.kind === kind).map((s) => s.parameter))) {
    const at = samples.filter((s) => s.kind === kind && s.parameter === parameter);
    const a = at.filter(slow), b = at.filter(fast);
    if (a.length && b.length) ratios.push(mean(a) / mean(b));
  }
  if (!ratios.length) return null;
  ratios.sort((x, y) => x - y);
  return ratios[Math.floor(ratios.length / 2)]!;
}

/**
 * The samples the model is fitted on: each kind's first profiling variant (one worker, on
 * disk: the model's capacity, not the fit, accounts for a node's cores; the other variants
 * measure how well that holds).
 */
export function modelSamples(samples: readonly ProfileSample[]): DurationSample[] {
  return samples
    .filter((s) => sameVariant(s, kindSpec(s.kind).profiling.variants[0]!))
    .map((s) => ({ kind: s.kind, parameter: s.parameter, seconds: s.wallSeconds, capacity: 1 }));
}

/**
 * Fits a calibration from profile samples: a law for every kind profiled (a duration model
 * needs every registered kind, so profile them all for a scenario's calibration).
 *
 * @param samples the profile (every kind in it needs at least 3 distinct parameters)
 * @param options the calibration's name and source
 */
export function calibrate(
  samples: readonly ProfileSample[],
  options: { name: string; source: string },
): CalibrationReport {
  const model = modelSamples(samples);
  const profiled = TASK_KINDS.filter((kind) => samples.some((sample) => sample.kind === kind));
  const fitted = fitCalibration(model, { ...options, kinds: profiled });
  const kinds = Object.fromEntries(profiled.map((kind) => [
    kind,
    { ...fitted.kinds[kind], mape: crossValidatedMape(model.filter((s) => s.kind === kind)) },
  ])) as Record<TaskKind, CalibratedLaw>;
  const variants = profiled.flatMap((kind) => {
    const [base, ...others] = kindSpec(kind).profiling.variants;
    return others.flatMap((variant) => {
      const ratio = medianRatio(
        samples,
        kind,
        (s) => sameVariant(s, base!),
        (s) => sameVariant(s, variant),
      );
      return ratio === null ? [] : [{ kind, base: base!, variant, ratio }];
    });
  });
  return { calibration: { ...options, kinds }, variants };
}
