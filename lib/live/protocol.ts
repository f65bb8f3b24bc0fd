/**
 * What crosses the broker: the Redis keys of one live cluster and the messages on its
 * streams, each validated with zod. A task message names one of the four known workloads and
 * a parameter inside its kind's range, so no message can make an agent run arbitrary code or
 * an unbounded task.
 *
 * Streams (consumer groups in brackets): `submit` (coordinator) tasks submitted;
 * `requests` (coordinator) idle nodes asking for work; `assign:NODE` (agents) the tasks given
 * to one node; `results` (coordinator) measured executions; `dead-letter` rejected messages
 * with the reason. Hashes: `tasks` id -> task, `running` id -> placement, `done` id -> result,
 * `waiting` node -> request time, `nodes` name -> registration, `meta` run facts; the sorted
 * set `pending` holds unassigned task ids by submission order; `heartbeat:NODE` expires when
 * a node stops beating.
 *
 * @module
 */
import { z } from "zod";
import type { NodeSpec } from "../cluster/mod.ts";
import { isTaskKind, kindSpec, type TaskKind, taskKindSchema } from "../tasks/mod.ts";
import { describeIssues } from "../validation/mod.ts";

/** Consumer group of the coordinator on `submit`, `requests` and `results`. */
export const COORDINATOR_GROUP = "coordinator";
/** Consumer group of the agents on their `assign:NODE` streams. */
export const AGENT_GROUP = "agents";

/** The Redis keys of one live cluster, under a namespace. */
export class LiveKeys {
  /** The namespace every key starts with. */
  readonly prefix: string;
  /** @param prefix namespace, default `schedlab` */
  constructor(prefix = "schedlab") {
    if (!/^[A-Za-z0-9_.-]+$/.test(prefix)) {
      throw new TypeError(`Expected prefix to be letters, digits, _ . - but found "${prefix}"`);
    }
    this.prefix = prefix;
  }
  /** Stream of submitted tasks. */
  get submit(): string {
    return `${this.prefix}:submit`;
  }
  /** Stream of idle nodes' requests. */
  get requests(): string {
    return `${this.prefix}:requests`;
  }
  /** Stream of results. */
  get results(): string {
    return `${this.prefix}:results`;
  }
  /** Stream of rejected messages. */
  get deadLetter(): string {
    return `${this.prefix}:dead-letter`;
  }
  /** Hash task id -> submitted task (JSON). */
  get tasks(): string {
    return `${this.prefix}:tasks`;
  }
  /** Sorted set of unassigned task ids, scored by submission order. */
  get pending(): string {
    return `${this.prefix}:pending`;
  }
  /** Hash task id -> placement (JSON). */
  get running(): string {
    return `${this.prefix}:running`;
  }
  /** Hash task id -> first recorded result (JSON). */
  get done(): string {
    return `${this.prefix}:done`;
  }
  /** Hash node -> time of its outstanding request (ms since the Unix epoch). */
  get waiting(): string {
    return `${this.prefix}:waiting`;
  }
  /** Hash node name -> registration (JSON). */
  get nodes(): string {
    return `${this.prefix}:nodes`;
  }
  /** Hash of run facts: epoch, policy, counters. */
  get meta(): string {
    return `${this.prefix}:meta`;
  }
  /** Key held by the one running coordinator (a lease that expires if it dies). */
  get lease(): string {
    return `${this.prefix}:coordinator-lease`;
  }
  /** Stream of the tasks assigned to `node`. */
  assign(node: string): string {
    return `${this.prefix}:assign:${node}`;
  }
  /** Key that exists while `node` beats. */
  heartbeat(node: string): string {
    return `${this.prefix}:heartbeat:${node}`;
  }
}

/** Stream entry fields as a record (ioredis gives `[key, value, key, value, ...]`). */
export function fieldsOf(flat: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}

/** A record as stream entry fields. */
export function flatten(fields: Record<string, string | number>): string[] {
  return Object.entries(fields).flatMap(([key, value]) => [key, String(value)]);
}

/** A task of the live cluster. */
export interface LiveTask {
  /** Unique id chosen by the submitter. */
  readonly id: string;
  /** One of the four known workloads. */
  readonly kind: TaskKind;
  /** Its complexity parameter, an integer inside the kind's range. */
  readonly parameter: number;
}

const taskIdSchema = z.string().regex(
  /^[A-Za-z0-9_.:-]{1,128}$/,
  "must be 1-128 letters, digits or _ . : -",
);

/** Schema of a task (in a submission, an assignment, a workload file). */
export const liveTaskSchema = z.object({
  id: taskIdSchema,
  kind: taskKindSchema,
  parameter: z.coerce.number().int("must be an integer"),
}).superRefine((task, context) => {
  if (!isTaskKind(task.kind)) return; // already an issue of `kind`
  const { min, max, parameterName } = kindSpec(task.kind);
  if (!(task.parameter >= min && task.parameter <= max)) {
    context.addIssue({
      code: "custom",
      path: ["parameter"],
      message:
        `Expected ${task.kind} ${parameterName} to be in [${min}, ${max}] but found ${task.parameter}`,
    });
  }
});

/**
 * Validates a task message.
 *
 * @param value stream fields or parsed JSON
 * @param source what it is, for the error
 * @throws TypeError naming every bad field
 */
export function parseLiveTask(value: unknown, source = "task message"): LiveTask {
  const parsed = liveTaskSchema.safeParse(value);
  if (!parsed.success) throw new TypeError(`Invalid ${source}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** What a node agent reports after running a task. */
export interface LiveResult {
  /** Task id. */
  readonly task: string;
  /** The node that ran it. */
  readonly node: string;
  /** When it started and finished, ms since the Unix epoch (the agent's clock). */
  readonly startedAt: number;
  /** When it finished (slowdown included). */
  readonly finishedAt: number;
  /** Seconds the workload itself took, before emulated slowdown. */
  readonly computeSeconds: number;
  /** The workload's checksum (proof of work). */
  readonly checksum: number;
}

/** Schema of a result message. */
export const liveResultSchema = z.object({
  task: taskIdSchema,
  node: z.string().min(1),
  startedAt: z.coerce.number().nonnegative(),
  finishedAt: z.coerce.number().nonnegative(),
  computeSeconds: z.coerce.number().nonnegative(),
  checksum: z.coerce.number(),
});

/** A node agent's registration, kept in the `nodes` hash. */
export interface Registration {
  /** Node name (its position in the coordinator's cluster). */
  readonly name: string;
  /** The node's spec, as in the cluster file. */
  readonly spec: NodeSpec;
  /** Worker threads for the matrix product. */
  readonly threads: number;
  /** Emulation factor: wall time = measured time x slowdown. */
  readonly slowdown: number;
  /** Host and process. */
  readonly host: string;
  /** Process id. */
  readonly pid: number;
  /** When the agent started, ms since the Unix epoch. */
  readonly startedAt: number;
}
