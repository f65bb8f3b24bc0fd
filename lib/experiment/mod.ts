/**
 * Scenarios, evaluation of policies against bounds, and summary statistics.
 *
 * @module
 */
export {
  calibrationPath,
  drawInstance,
  loadScenario,
  makeEnv,
  REFERENCE_RULE,
  resolveObjective,
  resolveScenario,
  scenarioNames,
  SCENARIOS,
  scenarioSchema,
} from "./scenario.ts";
export type { ClusterModel, Scenario, ScenarioConfig } from "./scenario.ts";
export { objectiveSchema, scheduleCost, stepCost } from "./objective.ts";
export type { Objective } from "./objective.ts";
export { evaluateInstance, evaluateScenario, meanTenantSlowdown } from "./evaluate.ts";
export type {
  BoundsReport,
  EvaluationOptions,
  EvaluationReport,
  PolicyResult,
} from "./evaluate.ts";
export { quantile, summarise, tQuantile975 } from "./stats.ts";
export { CODE_PATHSPEC, gitCommit } from "./manifest.ts";
export type { Summary } from "./stats.ts";
export { markdownTable, reportTable } from "./table.ts";
export { interquartileMean, performanceProfile, stratifiedBootstrap } from "./robust.ts";
export { parameterSweep } from "./sweep.ts";
export type { SweepPoint } from "./sweep.ts";
export { dominates, hypervolume, milpPoints, nonDominated, policyPoint } from "./front.ts";
export type { FrontPoint, MilpPoint, PolicyPoint } from "./front.ts";
export { energyFrontStudy } from "./energy_study.ts";
export type {
  ConditionedPolicy,
  EnergyStudyOptions,
  EnergyStudyReport,
  FairnessRow,
  StudyPoint,
} from "./energy_study.ts";
export {
  embeddingRegression,
  estimateDurations,
  fitProfiles,
  priceOfProfiling,
  profileGrid,
  profileRuns,
  profilingCrossover,
  summariseProfiling,
} from "./profiling.ts";
export type {
  DurationEstimator,
  PointSource,
  ProfiledRun,
  ProfilingPoint,
  ProfilingStudyOptions,
  ProfilingSummary,
} from "./profiling.ts";
