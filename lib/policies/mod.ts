/**
 * Schedulers behind one {@linkcode Policy} interface: the original's baselines, pull
 * heuristics, and the classic batch mappers (MCT, MET, OLB, Min-Min, Max-Min, Sufferage).
 *
 * @module
 */
export { expectedOn, idleOrShortest, runEpisode, shortestOnRequester } from "./policy.ts";
export type { Policy } from "./policy.ts";
export {
  GlobalSjfPolicy,
  GreedyMatchingPolicy,
  GreedySjfPolicy,
  RandomPolicy,
  ShuffledFcfsPolicy,
} from "./seed.ts";
export { EarliestFinishPullPolicy, HungarianPolicy, LptPolicy } from "./pull.ts";
export {
  BATCH_MAPPERS,
  mapInstance,
  MAX_MIN,
  MCT,
  MET,
  MIN_MIN,
  OLB,
  PlannedPolicy,
  SUFFERAGE,
} from "./mappers.ts";
export type { BatchMapper, MappingInput } from "./mappers.ts";
export { EstimatedDurationsPolicy } from "./estimated.ts";
export type { DurationEstimate } from "./estimated.ts";
export { energyAwareFinish, minEnergy, minEnergyDelay } from "./energy.ts";
export { baselineNames, energyBaselineNames, makeBaseline } from "./registry.ts";
