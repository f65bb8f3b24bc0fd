/**
 * Task kinds: the registry (a kind is one definition: range, resource character, real
 * workload, capacity rule, duration law, profiling grid, warm-up), the four built-in kinds
 * (matrix product, prime search, sort, file I/O), validation, normalisation, and running the
 * workloads here or on a worker thread.
 *
 * @module
 */
export {
  isTaskKind,
  kindSpec,
  logNormaliseParameter,
  makeTask,
  normaliseParameter,
  registerTaskKind,
  TASK_KINDS,
  taskKinds,
  taskKindSchema,
} from "./kind.ts";
export type {
  KindSpec,
  PowerLaw,
  ProfileVariant,
  ResourceCharacter,
  ResourceProfile,
  Task,
  TaskKind,
  TaskKindDefinition,
  WorkloadContext,
  WorkloadOutput,
} from "./kind.ts";
export {
  closeMatmulPools,
  countPrimes,
  FILE_BLOCK_BYTES,
  FILE_MAX_BLOCKS,
  MatmulPool,
  multiplyMatrices,
  multiplyRows,
  randomFileIo,
  sortRandomArray,
} from "./kinds/mod.ts";
export { kindModules, loadKindModules, runWorkload } from "./workloads.ts";
export type { WorkloadOptions, WorkloadResult } from "./workloads.ts";
export { Executor } from "./executor.ts";
export type { ExecutorJob, ExecutorRun } from "./executor.ts";
