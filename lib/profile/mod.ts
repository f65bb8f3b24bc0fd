/**
 * Measuring the real workloads (the profiler, each job in its own worker, results appended as
 * they come) and fitting the duration model to what was measured.
 *
 * @module
 */
export {
  geometricGrid,
  parseProfile,
  profile,
  PROFILE_COLUMNS,
  profileGrid,
  profilePlan,
} from "./profiler.ts";
export type { ProfileOptions, ProfilePlanEntry, ProfileSample } from "./profiler.ts";
export { calibrate, modelSamples } from "./calibrate.ts";
export type { CalibratedLaw, CalibrationReport, VariantRatio } from "./calibrate.ts";
export { drawLocalTasks, listMakespan, listOrder, localCluster, simToReal } from "./sim_to_real.ts";
export type { SimToRealResult } from "./sim_to_real.ts";
