/**
 * The four task kinds of the original system, each with one complexity parameter, its range
 * and its resource character.
 *
 * @module
 */

/** Names of the task kinds, in the order of their one-hot index. */
export const TASK_KINDS = ["matmul", "primes", "sort", "fileio"] as const;

/** A task kind's name. */
export type TaskKind = typeof TASK_KINDS[number];

/** Which resource bounds a kind's execution time. */
export type ResourceCharacter =
  | "multi-core compute"
  | "single-core integer"
  | "memory-bound"
  | "disk-bound";

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

/** Everything schedlab knows about a task kind. */
export interface KindSpec {
  /** The kind's name. */
  readonly kind: TaskKind;
  /** Its position in {@linkcode TASK_KINDS}, the one-hot index. */
  readonly index: number;
  /** What the parameter measures. */
  readonly parameterName: string;
  /** Smallest parameter of the original system. */
  readonly min: number;
  /** Largest parameter of the original system. */
  readonly max: number;
  /** The original's default parameter. */
  readonly defaultParameter: number;
  /** The resource that bounds it. */
  readonly resource: ResourceCharacter;
  /** Its demands on a node, as numbers. */
  readonly profile: ResourceProfile;
}

/** The kinds' specifications; ranges from `shared/benchmarks/seed-cluster/README.md`. */
export const KIND_SPECS: Readonly<Record<TaskKind, KindSpec>> = {
  matmul: {
    kind: "matmul",
    index: 0,
    parameterName: "matrix size n",
    min: 250,
    max: 5000,
    defaultParameter: 425,
    resource: "multi-core compute",
    profile: { coreDemand: 1, cpuIntensity: 1, memoryIntensity: 0.3, ioIntensity: 0 },
  },
  primes: {
    kind: "primes",
    index: 1,
    parameterName: "range upper bound",
    min: 240_000,
    max: 4_800_000,
    defaultParameter: 2_400_000,
    resource: "single-core integer",
    profile: { coreDemand: 0.25, cpuIntensity: 1, memoryIntensity: 0, ioIntensity: 0 },
  },
  sort: {
    kind: "sort",
    index: 2,
    parameterName: "array length",
    min: 500_000,
    max: 10_000_000,
    defaultParameter: 5_000_000,
    resource: "memory-bound",
    profile: { coreDemand: 0.25, cpuIntensity: 0.4, memoryIntensity: 1, ioIntensity: 0 },
  },
  fileio: {
    kind: "fileio",
    index: 3,
    parameterName: "operation count",
    min: 100_000,
    max: 2_000_000,
    defaultParameter: 1_000_000,
    resource: "disk-bound",
    profile: { coreDemand: 0.25, cpuIntensity: 0.1, memoryIntensity: 0.1, ioIntensity: 1 },
  },
};

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

/** Whether `name` is a known task kind. */
export function isTaskKind(name: string): name is TaskKind {
  return (TASK_KINDS as readonly string[]).includes(name);
}

/** The spec of a kind by name; throws a `TypeError` naming the unknown kind. */
export function kindSpec(kind: string): KindSpec {
  if (!isTaskKind(kind)) {
    throw new TypeError(
      `Expected task kind to be one of ${TASK_KINDS.join(", ")} but found "${kind}"`,
    );
  }
  return KIND_SPECS[kind];
}

/**
 * Builds a validated task.
 *
 * @param kind one of {@linkcode TASK_KINDS}
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
      `Expected ${spec.kind} parameter (${spec.parameterName}) to be a finite number greater than 0 but found ${parameter}`,
    );
  }
  const arrival = options.arrival ?? 0;
  if (!Number.isFinite(arrival) || arrival < 0) {
    throw new RangeError(`Expected arrival to be a finite number >= 0 but found ${arrival}`);
  }
  return { id: options.id ?? 0, kind: spec.kind, parameter, arrival };
}

/** The original's normalisation: (p - min) / (max - min), clipped to [0, 1]. */
export function normaliseParameter(kind: TaskKind, parameter: number): number {
  const { min, max } = KIND_SPECS[kind];
  return Math.min(1, Math.max(0, (parameter - min) / (max - min)));
}

/** Log-scaled normalisation: (ln p - ln min) / (ln max - ln min), clipped to [0, 1]. */
export function logNormaliseParameter(kind: TaskKind, parameter: number): number {
  const { min, max } = KIND_SPECS[kind];
  const value = (Math.log(parameter) - Math.log(min)) / (Math.log(max) - Math.log(min));
  return Math.min(1, Math.max(0, value));
}
