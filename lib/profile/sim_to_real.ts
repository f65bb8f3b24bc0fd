/**
 * The sim-to-real check: a batch of real tasks runs on this machine's cores, each core a node
 * pulling the next task of a baseline scheduler's list when it is free; the measured makespan
 * is compared with the one the calibrated duration model predicts for the same list.
 *
 * @module
 */
import type { Cluster } from "../cluster/mod.ts";
import { REFERENCE_DISK_MBPS } from "../cluster/mod.ts";
import { type Calibration, DurationModel } from "../duration/mod.ts";
import { buildInstance, type Instance, SchedulingEnv } from "../env/mod.ts";
import { makeBaseline, runEpisode } from "../policies/mod.ts";
import { Rng } from "../random/mod.ts";
import { Executor, kindSpec, makeTask, type Task, TASK_KINDS } from "../tasks/mod.ts";
import { profileGrid } from "./profiler.ts";

/** A cluster of `cores` identical nodes, one per CPU of this machine (the calibration's unit). */
export function localCluster(cores: number): Cluster {
  return {
    name: `local-${cores}`,
    nodes: Array.from({ length: cores }, (_, i) => ({
      name: `core-${i}`,
      arch: "x86" as const,
      cores: 1,
      cpuSpeed: 1,
      ramGiB: 1,
      diskMBps: REFERENCE_DISK_MBPS,
    })),
  };
}

/**
 * Draws `count` tasks with parameters log-uniform over the profiler's ranges, avoiding its grid
 * points (so none was measured for the fit), kinds uniformly at random.
 */
export function drawLocalTasks(count: number, rng: Rng, gridPoints: number): Task[] {
  return Array.from({ length: count }, (_, id) => {
    const kind = TASK_KINDS[rng.int(TASK_KINDS.length)]!;
    const { min, max } = kindSpec(kind).profiling;
    const grid = new Set(profileGrid(kind, gridPoints));
    let parameter: number;
    do parameter = Math.round(min * (max / min) ** rng.next()); while (grid.has(parameter));
    return makeTask(kind, parameter, { id });
  });
}

/** The task list a baseline's schedule implies: tasks in the order it starts them. */
export function listOrder(instance: Instance, policy: string): number[] {
  const env = new SchedulingEnv({ window: instance.taskCount, timeScale: 1 });
  const info = runEpisode(env, makeBaseline(policy), { seed: 0, instance });
  return Array.from({ length: instance.taskCount }, (_, j) => j)
    .sort((a, b) =>
      info.start[a]! - info.start[b]! || info.assignedNode[a]! - info.assignedNode[b]!
    );
}

/** List scheduling: each node, when free, takes the next task of the list; returns the makespan. */
export function listMakespan(
  order: readonly number[],
  durationOf: (task: number, node: number) => number,
  nodes: number,
): number {
  const free = new Float64Array(nodes);
  for (const task of order) {
    let node = 0;
    for (let i = 1; i < nodes; i++) if (free[i]! < free[node]!) node = i;
    free[node]! += durationOf(task, node);
  }
  return Math.max(...free);
}

/** Result of {@linkcode simToReal}. */
export interface SimToRealResult {
  /** The tasks, in list order. */
  readonly tasks: readonly Task[];
  /** Measured seconds of each task (in task id order). */
  readonly measured: readonly number[];
  /** Predicted seconds of each task (in task id order). */
  readonly predicted: readonly number[];
  /** Measured makespan of the real run. */
  readonly measuredMakespan: number;
  /** The model's makespan for the same list. */
  readonly simulatedMakespan: number;
  /** (simulated - measured) / measured. */
  readonly gap: number;
}

/**
 * Runs the check.
 *
 * @param calibration the calibrated model (seconds on one CPU of this machine)
 * @param options task count, nodes (cores), the baseline that orders the list, seed
 */
export async function simToReal(
  calibration: Calibration,
  options: { tasks: number; nodes: number; policy: string; seed: number; gridPoints: number },
): Promise<SimToRealResult> {
  const cluster = localCluster(options.nodes);
  const model = new DurationModel(calibration, cluster.nodes, { noise: 0 });
  const tasks = drawLocalTasks(options.tasks, new Rng(options.seed), options.gridPoints);
  const instance = buildInstance(tasks, model, { name: "sim-to-real", noiseSeed: 0 });
  const order = listOrder(instance, options.policy);
  const predicted = tasks.map((task) => model.mean(task.kind, task.parameter, 0));
  const simulatedMakespan = listMakespan(order, (task) => predicted[task]!, options.nodes);

  const measured = new Array<number>(tasks.length).fill(NaN);
  const executors = Array.from({ length: options.nodes }, () => new Executor());
  let next = 0, started = 0;
  try {
    // Warm agents: load the workloads before the clock starts.
    await Promise.all(
      executors.map((executor) => executor.run({ kind: "primes", parameter: 1000, seed: 0 })),
    );
    started = performance.now();
    await Promise.all(executors.map(async (executor) => {
      while (next < order.length) {
        const task = tasks[order[next++]!]!;
        const job = { kind: task.kind, parameter: task.parameter, seed: options.seed + task.id };
        measured[task.id] = (await executor.run(job)).seconds;
      }
    }));
  } finally {
    for (const executor of executors) executor.close();
  }
  const measuredMakespan = (performance.now() - started) / 1000;
  return {
    tasks: order.map((j) => tasks[j]!),
    measured,
    predicted,
    measuredMakespan,
    simulatedMakespan,
    gap: (simulatedMakespan - measuredMakespan) / measuredMakespan,
  };
}
