/**
 * Running a task kind's real workload, here or on a worker thread: {@linkcode runWorkload}
 * validates the task and calls its kind's `run`; {@linkcode loadKindModules} makes a worker
 * thread know every kind the caller registered.
 *
 * @module
 */
import { Rng } from "../random/mod.ts";
import { kindSpec, makeTask, type TaskKind, taskKinds } from "./kind.ts";

/** What a workload run did, so that its work cannot be optimised away and can be checked. */
export interface WorkloadResult {
  /** The kind that ran. */
  readonly kind: TaskKind;
  /** Its parameter. */
  readonly parameter: number;
  /** A number derived from the work's output (trace, prime count, ...). */
  readonly checksum: number;
  /** Bytes read from disk (file I/O only). */
  readonly bytesRead: number;
  /** Bytes written to disk (file I/O only). */
  readonly bytesWritten: number;
}

/** Options of {@linkcode runWorkload}. */
export interface WorkloadOptions {
  /** Seed of the random inputs (matrices, arrays, file offsets); default 0. */
  seed?: number;
  /** Folder in which file I/O makes its temporary folder; default the system's. */
  tempDir?: string;
  /** Worker threads a threaded kind may use; default 1 (this thread). */
  threads?: number;
}

/**
 * Runs a task kind's real workload once.
 *
 * @param kind the task kind
 * @param parameter its complexity parameter (> 0; rounded to an integer)
 * @param options seed, temporary folder, threads
 * @returns what the run did
 * @example
 * ```ts
 * const result = await runWorkload("primes", 10_000);
 * console.log(result.checksum); // 1229
 * ```
 */
export async function runWorkload(
  kind: TaskKind,
  parameter: number,
  options: WorkloadOptions = {},
): Promise<WorkloadResult> {
  const task = makeTask(kind, parameter);
  const output = await kindSpec(kind).run(task.parameter, {
    rng: new Rng(options.seed ?? 0),
    threads: options.threads ?? 1,
    tempDir: options.tempDir,
  });
  return { kind, parameter, ...output };
}

/** The modules that registered the kinds, in one-hot order (what a worker thread imports). */
export function kindModules(): string[] {
  return [...new Set(taskKinds().map((spec) => spec.module))];
}

/** Imports kind modules (on a worker thread: the caller's {@linkcode kindModules}). */
export async function loadKindModules(modules: readonly string[]): Promise<void> {
  for (const module of modules) await import(module);
}
