/**
 * Exact solutions and lower bounds, the "physical limits" results are reported against: the
 * Hungarian assignment solver, the exact R||ΣC_j optimum, and makespan LP/MILP via HiGHS.
 *
 * @module
 */
export { solveAssignment } from "./assignment.ts";
export type { Assignment } from "./assignment.ts";
export { minSumCompletion } from "./completion.ts";
export type { CompletionOptimum } from "./completion.ts";
export { makespanLowerBound, makespanOptimum, makespanProgram, releaseBound } from "./makespan.ts";
export type { MakespanOptimum } from "./makespan.ts";
