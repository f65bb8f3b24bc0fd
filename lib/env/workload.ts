/**
 * Workload generators: how many tasks, of which kinds, with which parameters, arriving when.
 * Parameters come from a training or a held-out split of each kind's range, so that a
 * learned scheduler can be evaluated on values it never saw.
 *
 * @module
 */
import { z } from "zod";
import type { Rng } from "../random/mod.ts";
import type { Tenants } from "./instance.ts";
import {
  kindSpec,
  makeTask,
  type Task,
  TASK_KINDS,
  type TaskKind,
  taskKindSchema,
} from "../tasks/mod.ts";

/** Which part of each kind's parameter range to draw from. */
export type ParameterSplit = "train" | "heldout" | "all";

/** Schema of a workload specification (also the `workload` field of experiment configs). */
export const workloadSchema = z.object({
  /** Fewest tasks in an episode. */
  minTasks: z.number().int().positive(),
  /** Most tasks in an episode. */
  maxTasks: z.number().int().positive(),
  /** Kinds to draw from, uniformly. */
  kinds: z.array(taskKindSchema).min(1).default(() => [...TASK_KINDS]),
  /** Part of each kind's range that parameters come from. */
  split: z.enum(["train", "heldout", "all"]).default("all"),
  /** Number of equal-width bins of the range; even bins train, odd bins are held out. */
  bins: z.number().int().min(2).default(10),
  /** Draw every parameter from this one bin instead (parameter sweeps); overrides `split`. */
  bin: z.number().int().min(0).optional(),
  /** Release times: all at 0, or a Poisson process of the given rate (tasks per second). */
  arrivals: z.discriminatedUnion("type", [
    z.object({ type: z.literal("batch") }),
    z.object({ type: z.literal("poisson"), rate: z.number().positive() }),
  ]).default({ type: "batch" }),
  /** Tenants submitting the tasks: how many, and their shares of the tasks (default equal). */
  tenants: z.object({
    count: z.number().int().min(1).max(1000),
    mix: z.array(z.number().positive()).optional(),
  }).refine((tenants) => !tenants.mix || tenants.mix.length === tenants.count, {
    message: "mix needs one share per tenant",
    path: ["mix"],
  }).optional(),
}).refine((spec) => spec.minTasks <= spec.maxTasks, {
  message: "minTasks must be <= maxTasks",
  path: ["maxTasks"],
}).refine((spec) => spec.bin === undefined || spec.bin < spec.bins, {
  message: "bin must be < bins",
  path: ["bin"],
});

/** A workload specification. */
export type WorkloadSpec = z.infer<typeof workloadSchema>;

/** The bin (0-based, of `bins` equal-width bins of the kind's range) a parameter falls in. */
export function binOf(kind: TaskKind, parameter: number, bins: number): number {
  const { min, max } = kindSpec(kind);
  return Math.min(bins - 1, Math.max(0, Math.floor(((parameter - min) / (max - min)) * bins)));
}

/** Which split a parameter value of a kind falls in, for `bins` equal-width bins. */
export function splitOf(kind: TaskKind, parameter: number, bins: number): "train" | "heldout" {
  return binOf(kind, parameter, bins) % 2 === 0 ? "train" : "heldout";
}

/**
 * Draws an integer parameter of `kind` uniformly from the split's bins, or from one bin.
 *
 * @param kind the task kind
 * @param rng the generator
 * @param options split, bin count, and optionally the one bin to draw from
 */
export function sampleParameter(
  kind: TaskKind,
  rng: Rng,
  options: { split: ParameterSplit; bins: number; bin?: number | undefined },
): number {
  const { min, max } = kindSpec(kind);
  const { split, bins } = options;
  for (;;) {
    let bin = options.bin;
    if (bin === undefined && split !== "all") {
      const first = split === "train" ? 0 : 1;
      bin = first + 2 * rng.int(Math.floor((bins - first + 1) / 2));
    }
    const low = bin === undefined ? min : min + ((max - min) * bin) / bins;
    const high = bin === undefined ? max : min + ((max - min) * (bin + 1)) / bins;
    const value = Math.round(rng.uniform(low, high));
    if (bin === undefined || binOf(kind, value, bins) === bin) return value;
  }
}

/**
 * Generates one episode's tasks, sorted by arrival.
 *
 * @param spec the workload specification
 * @param rng the generator
 * @returns tasks with ids 0..n-1 in arrival order
 */
export function generateTasks(spec: WorkloadSpec, rng: Rng): Task[] {
  const count = rng.intBetween(spec.minTasks, spec.maxTasks);
  let clock = 0;
  const tasks: Task[] = [];
  for (let id = 0; id < count; id++) {
    if (spec.arrivals.type === "poisson" && id > 0) clock += rng.exponential(spec.arrivals.rate);
    const kind = spec.kinds[rng.int(spec.kinds.length)]!;
    const parameter = sampleParameter(kind, rng, spec);
    tasks.push(makeTask(kind, parameter, { id, arrival: clock }));
  }
  return tasks;
}

/**
 * Draws the tenant of each of `taskCount` tasks from the workload's mix, or undefined when the
 * workload has no tenants. Use its own random stream, so that adding tenants changes no task.
 *
 * @param spec the workload specification
 * @param taskCount tasks in the episode
 * @param rng the generator
 */
export function drawTenants(spec: WorkloadSpec, taskCount: number, rng: Rng): Tenants | undefined {
  if (!spec.tenants) return undefined;
  const { count } = spec.tenants;
  const mix = spec.tenants.mix ?? Array.from({ length: count }, () => 1);
  const total = mix.reduce((sum, share) => sum + share, 0);
  const of = new Int32Array(taskCount);
  for (let j = 0; j < taskCount; j++) {
    let u = rng.next() * total, tenant = 0;
    while (tenant < count - 1 && (u -= mix[tenant]!) >= 0) tenant++;
    of[j] = tenant;
  }
  return { count, of };
}
