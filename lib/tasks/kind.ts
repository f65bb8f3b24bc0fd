/**
 * What a task kind is, and the registry of kinds. A kind is one definition (one file under
 * `lib/tasks/kinds/`, or any module that calls {@linkcode registerTaskKind}): its parameter
 * range, resource character, real workload, capacity rule, duration law, profiling grid and
 * warm-up. {@linkcode TASK_KINDS}, the one-hot order, the seed calibration, the profiler's plan
 * and every schema derive from the registered definitions.
 *
 * @module
 */
import { z } from "zod";
import type { NodeSpec } from "../cluster/mod.ts";
import type { Rng } from "../random/mod.ts";

/** A task kind's name (a registered one: see {@linkcode isTaskKind}). */
export type TaskKind = string;

/** Which resource bounds a kind's execution time, in a few words. */
export type ResourceCharacter = string;

/** Demands of a kind on a node's resources, each in [0, 1]: the "profile" embedding's features. */
export interface ResourceProfile {
  /** Share of a node's cores the kind can use (1 = all of them). */
  readonly coreDemand: number;
  /** How much of its time goes to arithmetic on the CPU. */
  readonly cpuIntensity: number;
  /** How much of its time goes to moving data through memory. */
  readonly memoryIntensity: number;
  /** How much of its time goes to the disk. */
  readonly ioIntensity: number;
}

/** Seconds on a node of capacity 1 (one reference CPU) = scale * parameter ^ exponent. */
export interface PowerLaw {
  /** Seconds at parameter 1. */
  readonly scale: number;
  /** Growth exponent in the parameter. */
  readonly exponent: number;
}

/** What a workload run is given. */
export interface WorkloadContext {
  /** The seeded source of its random inputs. */
  readonly rng: Rng;
  /** Worker threads it may use (only a threaded kind uses more than one). */
  readonly threads: number;
  /** Folder for its files (default the system's temporary folder). */
  readonly tempDir?: string | undefined;
}

/** What a workload run did, so that its work cannot be optimised away and can be checked. */
export interface WorkloadOutput {
  /** A number derived from the work's output (trace, prime count, ...). */
  readonly checksum: number;
  /** Bytes read from disk (0 when it does not touch the disk). */
  readonly bytesRead: number;
  /** Bytes written to disk. */
  readonly bytesWritten: number;
}

/** One way the profiler runs a kind: on how many threads, in which folder. */
export interface ProfileVariant {
  /** Worker threads. */
  readonly threads: number;
  /** "disk" (the system's temporary folder), "tmpfs" (/dev/shm) or "-" (no files). */
  readonly storage: "disk" | "tmpfs" | "-";
}

/** Everything schedlab knows about a task kind. */
export interface TaskKindDefinition {
  /** The kind's name. */
  readonly name: string;
  /**
   * URL of the module that registers it (its `import.meta.url`): worker threads import it
   * to run the workload.
   */
  readonly module: string;
  /** What the parameter measures. */
  readonly parameterName: string;
  /** Smallest parameter of the range tasks are drawn from. */
  readonly min: number;
  /** Largest parameter of that range. */
  readonly max: number;
  /** A typical parameter (the original's default). */
  readonly defaultParameter: number;
  /** The resource that bounds it. */
  readonly resource: ResourceCharacter;
  /** Its demands on a node, as numbers. */
  readonly profile: ResourceProfile;
  /** Whether the workload uses several threads (the others run on one). */
  readonly threaded: boolean;
  /** Its name in the original system's benchmark CSV, if it had it. */
  readonly originalName?: string;
  /**
   * Reference-node units of work per second a node delivers on this kind (1 = one CPU of
   * the reference node).
   */
  capacity(node: NodeSpec): number;
  /** Its duration law in the seed calibration (the original's reference node). */
  readonly seedLaw: PowerLaw;
  /**
   * How its running time grows with its parameter, as a user states it from the algorithm
   * without timing anything: the exponent e of "time ~ parameter^e".
   */
  readonly statedGrowth: number;
  /** Runs the real workload once. */
  run(parameter: number, context: WorkloadContext): WorkloadOutput | Promise<WorkloadOutput>;
  /** The profiler's grid (geometric from min to max, sized for this machine) and variants. */
  readonly profiling: {
    readonly min: number;
    readonly max: number;
    readonly variants: readonly ProfileVariant[];
  };
  /** A parameter small enough to warm the workload up in milliseconds. */
  readonly warmUpParameter: number;
}

/** A registered kind: its definition and its one-hot index. */
export interface KindSpec extends TaskKindDefinition {
  /** Its position in {@linkcode TASK_KINDS}, the one-hot index. */
  readonly index: number;
}

const REGISTRY = new Map<string, KindSpec>();
const NAMES: string[] = [];

/**
 * Names of the registered kinds, in the order of their one-hot index (a live view: a kind
 * registered later appears at the end).
 */
export const TASK_KINDS: readonly TaskKind[] = NAMES;

/**
 * Adds a task kind to the registry; returns its spec. Registering the same definition again
 * (a module imported twice) returns the first; another definition of a known name is an error.
 */
export function registerTaskKind(definition: TaskKindDefinition): KindSpec {
  const known = REGISTRY.get(definition.name);
  if (known) {
    if (known.module === definition.module) return known;
    throw new TypeError(
      `Expected a new task kind name but "${definition.name}" is already registered by ${known.module}`,
    );
  }
  const { name, min, max, defaultParameter, warmUpParameter, profiling } = definition;
  if (!/^[a-z][a-z0-9-]*$/.test(name)) {
    throw new TypeError(`Expected task kind name to be lower-case letters but found "${name}"`);
  }
  if (!(min > 0 && max > min && defaultParameter >= min && defaultParameter <= max)) {
    throw new RangeError(
      `Expected task kind ${name} to have 0 < min < max and min <= defaultParameter <= max but found ${min}, ${max}, ${defaultParameter}`,
    );
  }
  if (!(warmUpParameter > 0 && profiling.min > 0 && profiling.max > profiling.min)) {
    throw new RangeError(
      `Expected task kind ${name} to have warmUpParameter > 0 and 0 < profiling.min < profiling.max but found ${warmUpParameter}, ${profiling.min}, ${profiling.max}`,
    );
  }
  const spec: KindSpec = { ...definition, index: NAMES.length };
  REGISTRY.set(name, spec);
  NAMES.push(name);
  return spec;
}

/** Whether `name` is a registered task kind. */
export function isTaskKind(name: string): name is TaskKind {
  return REGISTRY.has(name);
}

/** The spec of a kind by name; throws a `TypeError` naming the unknown kind. */
export function kindSpec(kind: string): KindSpec {
  const spec = REGISTRY.get(kind);
  if (!spec) {
    throw new TypeError(
      `Expected task kind to be one of ${TASK_KINDS.join(", ")} but found "${kind}"`,
    );
  }
  return spec;
}

/** The registered kinds' specs, in one-hot order. */
export function taskKinds(): KindSpec[] {
  return NAMES.map((name) => REGISTRY.get(name)!);
}

/** Schema of a task kind's name: any registered kind (checked when parsing, not at import). */
export const taskKindSchema: z.ZodType<TaskKind, string> = z.string().refine(isTaskKind, {
  error: (issue) =>
    `Expected task kind to be one of ${TASK_KINDS.join(", ")} but found ${
      JSON.stringify(issue.input)
    }`,
});

/** One unit of work: a kind, its parameter and when it arrives. */
export interface Task {
  /** Position of the task in its workload, 0-based. */
  readonly id: number;
  /** The task kind. */
  readonly kind: TaskKind;
  /** The complexity parameter, in the kind's own unit (not normalised). */
  readonly parameter: number;
  /** Arrival (release) time in seconds. */
  readonly arrival: number;
}

/**
 * Builds a validated task.
 *
 * @param kind a registered kind (see {@linkcode TASK_KINDS})
 * @param parameter a finite positive number
 * @param options id (default 0) and arrival time (default 0)
 * @returns the task
 * @example
 * ```ts
 * const task = makeTask("sort", 1_000_000, { id: 3 });
 * ```
 */
export function makeTask(
  kind: string,
  parameter: number,
  options: { id?: number; arrival?: number } = {},
): Task {
  const spec = kindSpec(kind);
  if (!Number.isFinite(parameter) || parameter <= 0) {
    throw new RangeError(
      `Expected ${spec.name} parameter (${spec.parameterName}) to be a finite number greater than 0 but found ${parameter}`,
    );
  }
  const arrival = options.arrival ?? 0;
  if (!Number.isFinite(arrival) || arrival < 0) {
    throw new RangeError(`Expected arrival to be a finite number >= 0 but found ${arrival}`);
  }
  return { id: options.id ?? 0, kind: spec.name, parameter, arrival };
}

/** The original's normalisation: (p - min) / (max - min), clipped to [0, 1]. */
export function normaliseParameter(kind: TaskKind, parameter: number): number {
  const { min, max } = kindSpec(kind);
  return Math.min(1, Math.max(0, (parameter - min) / (max - min)));
}

/** Log-scaled normalisation: (ln p - ln min) / (ln max - ln min), clipped to [0, 1]. */
export function logNormaliseParameter(kind: TaskKind, parameter: number): number {
  const { min, max } = kindSpec(kind);
  const value = (Math.log(parameter) - Math.log(min)) / (Math.log(max) - Math.log(min));
  return Math.min(1, Math.max(0, value));
}
