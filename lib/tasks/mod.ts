/**
 * Task kinds (matrix product, prime search, sort, file I/O): their parameter ranges, resource
 * character, validation, normalisation, and the real workloads behind them.
 *
 * @module
 */
export {
  isTaskKind,
  KIND_SPECS,
  kindSpec,
  logNormaliseParameter,
  makeTask,
  normaliseParameter,
  TASK_KINDS,
} from "./kinds.ts";
export type { KindSpec, ResourceCharacter, ResourceProfile, Task, TaskKind } from "./kinds.ts";
export {
  countPrimes,
  FILE_BLOCK_BYTES,
  FILE_MAX_BLOCKS,
  MatmulPool,
  multiplyMatrices,
  multiplyRows,
  randomFileIo,
  runWorkload,
  sortRandomArray,
} from "./workloads.ts";
export type { WorkloadOptions, WorkloadResult } from "./workloads.ts";
export { Executor } from "./executor.ts";
export type { ExecutorJob, ExecutorRun } from "./executor.ts";
