/**
 * Exact solutions and lower bounds, the "physical limits" results are reported against: the
 * Hungarian assignment solver, the exact R||ΣC_j optimum, makespan LP/MILP via HiGHS, and the
 * MILP optimum of the weighted makespan-energy objective.
 *
 * @module
 */
export { solveAssignment } from "./assignment.ts";
export type { Assignment } from "./assignment.ts";
export { minSumCompletion, slotAssignment } from "./completion.ts";
export type { CompletionOptimum } from "./completion.ts";
export {
  makespanLowerBound,
  makespanOptimum,
  makespanProgram,
  quickMakespanBound,
  releaseBound,
  solveAssignmentProgram,
} from "./makespan.ts";
export type { MakespanOptimum, ProgramCosts } from "./makespan.ts";
export { weightedOptimum } from "./energy.ts";
export type { EnergyWeighting, WeightedOptimum } from "./energy.ts";
