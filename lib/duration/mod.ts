/**
 * The execution-time model (power law per kind, node capacity, log-normal noise), its default
 * calibration from the original's measurements, least-squares fitting with cross-validation,
 * and calibration files.
 *
 * @module
 */
export { capacity, DurationModel, SEED_CALIBRATION } from "./model.ts";
export type { Calibration, DurationModelOptions, PowerLaw } from "./model.ts";
export { crossValidatedMape, fitCalibration, fitPowerLaw } from "./fit.ts";
export type { DurationSample, FittedCalibration, FittedLaw } from "./fit.ts";
export { parseOriginalCsv } from "./measurements.ts";
export {
  calibrationSchema,
  loadCalibration,
  loadCalibrationSync,
  saveCalibration,
} from "./calibration.ts";
