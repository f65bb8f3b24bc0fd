/**
 * The discrete-event simulator (reset/step), instances and workload generators, and the
 * scoring of complete schedules.
 *
 * @module
 */
export {
  actualDuration,
  actualDurations,
  buildInstance,
  hashedNormal,
  instanceFromMatrix,
} from "./instance.ts";
export type { Instance, Tenants } from "./instance.ts";
export { jainIndex, slowdownOf, tenantSlowdowns } from "./fairness.ts";
export {
  binOf,
  drawTenants,
  generateTasks,
  sampleParameter,
  splitOf,
  workloadSchema,
} from "./workload.ts";
export type { ParameterSplit, WorkloadSpec } from "./workload.ts";
export { metricsOf, scoreSchedule } from "./schedule.ts";
export { diagnoseSchedule } from "./diagnosis.ts";
export type { Placement, ScheduleDiagnosis } from "./diagnosis.ts";
export { loadEtc, parseEtc, parseEtcSolution } from "./etc.ts";
export type { Schedule, ScheduleMetrics } from "./schedule.ts";
export { assertIdleTimeout, IDLE, SchedulingEnv } from "./simulator.ts";
export { DecisionEncoder, NODE_SPEC_SIZE, nodeSpecFeatures, nodeStateSize } from "./encoder.ts";
export type { EncoderOptions } from "./encoder.ts";
export { checkDeterminism, checkEpisode } from "./check.ts";
export { copyDecision, sampleDecisions } from "./sample.ts";
export type { SampleOptions } from "./sample.ts";
export type {
  Decision,
  EnvOptions,
  EpisodeInfo,
  InstanceGenerator,
  ResetOptions,
  StepResult,
} from "./simulator.ts";
