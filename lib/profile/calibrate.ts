/**
 * From a profile to a calibration: the duration model's power laws fitted by least squares in
 * log space, with R², the residual noise level and the cross-validated error on held-out
 * parameter values per kind, plus what the profile says about thread scaling (matrix product
 * on 1 vs 2 workers) and storage (file I/O on disk vs tmpfs).
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
import { TASK_KINDS, type TaskKind } from "../tasks/mod.ts";
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
  /** Median over parameters of time(1 worker) / time(2 workers) for the matrix product. */
  readonly matmulSpeedupTwoThreads: number | null;
  /** Median over parameters of time(disk) / time(tmpfs) for file I/O. */
  readonly fileioDiskOverTmpfs: number | null;
}

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
 * The samples the model is fitted on: single-worker runs (the model's capacity, not the fit,
 * accounts for a node's cores; the 2-worker runs measure how well that holds) and file I/O on
 * disk.
 */
export function modelSamples(samples: readonly ProfileSample[]): DurationSample[] {
  return samples
    .filter((s) => s.threads === 1 && (s.kind !== "fileio" || s.storage !== "tmpfs"))
    .map((s) => ({ kind: s.kind, parameter: s.parameter, seconds: s.wallSeconds, capacity: 1 }));
}

/**
 * Fits a calibration from profile samples.
 *
 * @param samples the profile (every kind needs at least 3 distinct parameters)
 * @param options the calibration's name and source
 */
export function calibrate(
  samples: readonly ProfileSample[],
  options: { name: string; source: string },
): CalibrationReport {
  const model = modelSamples(samples);
  const fitted = fitCalibration(model, options);
  const kinds = Object.fromEntries(TASK_KINDS.map((kind) => [
    kind,
    { ...fitted.kinds[kind], mape: crossValidatedMape(model.filter((s) => s.kind === kind)) },
  ])) as Record<TaskKind, CalibratedLaw>;
  return {
    calibration: { ...options, kinds },
    matmulSpeedupTwoThreads: medianRatio(
      samples,
      "matmul",
      (s) => s.threads === 1,
      (s) => s.threads === 2,
    ),
    fileioDiskOverTmpfs: medianRatio(
      samples,
      "fileio",
      (s) => s.storage === "disk",
      (s) => s.storage === "tmpfs",
    ),
  };
}
