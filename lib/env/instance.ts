/**
 * A scheduling instance: tasks with release times and, for every (task, node) pair, the
 * expected duration (what a profile-based scheduler knows) and the actual one (what the
 * simulator's clock uses, the expected one times seeded log-normal noise).
 *
 * @module
 */
import { hashPair, unitFloat } from "../random/mod.ts";
import type { Task } from "../tasks/mod.ts";
import type { DurationModel } from "../duration/mod.ts";
import type { NodeSpec } from "../cluster/mod.ts";
import type { ClusterPower } from "../cluster/mod.ts";

/** The tenants of a multi-tenant instance. */
export interface Tenants {
  /** Number of tenants of the workload (some may have no task in an instance). */
  readonly count: number;
  /** Tenant of each task, in [0, count). */
  readonly of: Int32Array;
}

/** A static instance of R|r_j|· : n tasks, m unrelated nodes. */
export interface Instance {
  /** Name, for reports. */
  readonly name: string;
  /** Number of tasks n. */
  readonly taskCount: number;
  /** Number of nodes m. */
  readonly nodeCount: number;
  /** Release time of each task, seconds. */
  readonly arrival: Float64Array;
  /** Expected duration of task j on node i at `expected[j * nodeCount + i]`. */
  readonly expected: Float64Array;
  /** Standard deviation of ln(actual / expected); 0 = actual equals expected. */
  readonly noise: number;
  /** Seed of the noise: actual durations are a pure function of (seed, task, node). */
  readonly noiseSeed: number;
  /** The tasks' kinds and parameters, where the instance has them (not for ETC matrices). */
  readonly tasks?: readonly Task[];
  /** The nodes' specs, where the instance has them (not for ETC matrices). */
  readonly nodes?: readonly NodeSpec[];
  /** The nodes' power, where known: episodes then report their energy. */
  readonly power?: ClusterPower | undefined;
  /** Who submitted each task, for multi-tenant workloads; default one tenant. */
  readonly tenants?: Tenants | undefined;
}

/** A standard normal deviate that depends only on (seed, task, node) (Box-Muller). */
export function hashedNormal(seed: number, task: number, node: number): number {
  const pair = hashPair(hashPair(seed, task), node);
  const u1 = (hashPair(pair, 1) + 1) / 4294967297;
  const u2 = unitFloat(hashPair(pair, 2));
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** The actual duration of `task` on `node`. */
export function actualDuration(instance: Instance, task: number, node: number): number {
  const mean = instance.expected[task * instance.nodeCount + node]!;
  if (instance.noise === 0) return mean;
  const sigma = instance.noise;
  return mean *
    Math.exp(sigma * hashedNormal(instance.noiseSeed, task, node) - 0.5 * sigma * sigma);
}

/** The n x m matrix of actual durations, task-major (for bounds and oracles). */
export function actualDurations(instance: Instance): Float64Array {
  const out = new Float64Array(instance.taskCount * instance.nodeCount);
  for (let task = 0; task < instance.taskCount; task++) {
    for (let node = 0; node < instance.nodeCount; node++) {
      out[task * instance.nodeCount + node] = actualDuration(instance, task, node);
    }
  }
  return out;
}

/**
 * Builds the instance of a list of tasks on the duration model's cluster.
 *
 * @param tasks the tasks; `tasks[j].id` must be j
 * @param model the duration model (nodes, calibration, noise)
 * @param options instance name, noise seed, the nodes' power and the tasks' tenants
 * @returns the instance
 */
export function buildInstance(
  tasks: readonly Task[],
  model: DurationModel,
  options: { name?: string; noiseSeed: number; power?: ClusterPower; tenants?: Tenants },
): Instance {
  if (options.tenants && options.tenants.of.length !== tasks.length) {
    throw new RangeError(
      `Expected a tenant per task (${tasks.length}) but found ${options.tenants.of.length}`,
    );
  }
  const nodeCount = model.nodeCount;
  const expected = new Float64Array(tasks.length * nodeCount);
  const arrival = new Float64Array(tasks.length);
  tasks.forEach((task, j) => {
    if (task.id !== j) {
      throw new RangeError(`Expected tasks[${j}].id to be ${j} but found ${task.id}`);
    }
    arrival[j] = task.arrival;
    model.meansOnAllNodes(task.kind, task.parameter, expected, j * nodeCount);
  });
  return {
    name: options.name ?? "workload",
    taskCount: tasks.length,
    nodeCount,
    arrival,
    expected,
    noise: model.noise,
    noiseSeed: options.noiseSeed,
    tasks,
    nodes: model.nodes,
    power: options.power,
    tenants: options.tenants,
  };
}

/**
 * An instance from an expected-time-to-compute matrix (no noise, all released at 0).
 *
 * @param name instance name
 * @param etc durations, task-major, `taskCount * nodeCount` of them
 * @param shape task and node counts
 */
export function instanceFromMatrix(
  name: string,
  etc: Float64Array,
  shape: { taskCount: number; nodeCount: number },
): Instance {
  const { taskCount, nodeCount } = shape;
  if (taskCount < 1 || nodeCount < 1 || etc.length !== taskCount * nodeCount) {
    throw new RangeError(
      `Expected ${taskCount} x ${nodeCount} durations but found ${etc.length} values`,
    );
  }
  etc.forEach((value, i) => {
    if (!(value >= 0) || !Number.isFinite(value)) {
      throw new RangeError(
        `Expected duration of task ${Math.floor(i / nodeCount)} on node ${
          i % nodeCount
        } to be a finite number >= 0 but found ${value}`,
      );
    }
  });
  return {
    name,
    taskCount,
    nodeCount,
    arrival: new Float64Array(taskCount),
    expected: etc,
    noise: 0,
    noiseSeed: 0,
  };
}
