/**
 * Live workloads: files of tasks to submit (validated with zod), a seeded generator of short
 * real tasks, and submission to a coordinator through the `submit` stream.
 *
 * @module
 */
import { z } from "zod";
import { generateTasks, workloadSchema } from "../env/mod.ts";
import { Rng } from "../random/mod.ts";
import type { TaskKind } from "../tasks/mod.ts";
import { readJsonFile } from "../validation/mod.ts";
import { flatten, LiveKeys, type LiveTask, liveTaskSchema, parseLiveTask } from "./protocol.ts";
import { pollUntil } from "./poll.ts";
import type { Redis } from "./redis.ts";
import { formatStatus, readStatus } from "./status.ts";

/** Schema of a workload file: `{ "name": ..., "tasks": [{ "id", "kind", "parameter" }] }`. */
export const liveWorkloadSchema = z.object({
  name: z.string().min(1),
  tasks: z.array(liveTaskSchema).min(1, "a workload needs at least one task").refine(
    (tasks) => new Set(tasks.map((task) => task.id)).size === tasks.length,
    "task ids must be unique",
  ),
});

/** A named list of live tasks. */
export interface LiveWorkload {
  /** Name, for reports. */
  readonly name: string;
  /** The tasks, in submission order. */
  readonly tasks: readonly LiveTask[];
}

/** Reads and validates a workload file; errors name the file, the task and the field. */
export function loadLiveWorkload(path: string): Promise<LiveWorkload> {
  return readJsonFile(liveWorkloadSchema, path, "workload file");
}

/** Options of {@linkcode shortWorkload}. */
export interface ShortWorkloadOptions {
  /** Number of tasks. */
  count: number;
  /** Seed of the draw. */
  seed: number;
  /** Kinds to draw from; default all four. */
  kinds?: TaskKind[];
  /** Prefix of the task ids; default `t`. */
  idPrefix?: string;
}

/**
 * A seeded workload of short real tasks, drawn as the `live-9` scenario draws its episodes:
 * kinds uniformly at random, parameters from the lowest tenth of each kind's range (tasks of
 * 0.01-0.7 s on the reference core).
 */
export function shortWorkload(options: ShortWorkloadOptions): LiveWorkload {
  const { count } = options;
  const spec = workloadSchema.parse({
    minTasks: count,
    maxTasks: count,
    bins: 10,
    bin: 0,
    ...(options.kinds ? { kinds: options.kinds } : {}),
  });
  const width = String(count - 1).length;
  const tasks = generateTasks(spec, new Rng(options.seed)).map((task) =>
    parseLiveTask({
      id: `${options.idPrefix ?? "t"}${String(task.id).padStart(width, "0")}`,
      kind: task.kind,
      parameter: task.parameter,
    })
  );
  return { name: `short-${count}-s${options.seed}`, tasks };
}

/**
 * Submits tasks to the coordinator (one pipelined round trip). Each is validated first, so a
 * bad task fails here, before anything is sent.
 *
 * @param redis a connection
 * @param tasks the tasks
 * @param prefix key namespace; default `schedlab`
 * @returns the stream ids of the submissions
 */
export async function submitTasks(
  redis: Redis,
  tasks: readonly LiveTask[],
  prefix?: string,
): Promise<string[]> {
  const keys = new LiveKeys(prefix);
  const valid = tasks.map((task, i) => parseLiveTask(task, `task ${i}`));
  const pipeline = redis.pipeline();
  for (const task of valid) pipeline.xadd(keys.submit, "*", ...flatten({ ...task }));
  const replies = await pipeline.exec();
  return (replies ?? []).map(([error, id]) => {
    if (error) throw error;
    return id as string;
  });
}

/**
 * Waits until every task of `ids` has a result.
 *
 * @param redis a connection
 * @param options the task ids, namespace, time limit
 * @throws Error with the cluster's status when the time limit passes
 */
export async function waitForResults(
  redis: Redis,
  options: { ids: readonly string[]; prefix?: string | undefined; timeoutMs: number },
): Promise<void> {
  const keys = new LiveKeys(options.prefix);
  let left = [...options.ids];
  try {
    await pollUntil(async () => {
      if (left.length === 0) return true;
      const found = await redis.hmget(keys.done, ...left);
      left = left.filter((_, i) => found[i] === null);
      return left.length === 0;
    }, { what: "every task done", timeoutMs: options.timeoutMs, everyMs: 50 });
  } catch (error) {
    const done = options.ids.length - left.length;
    throw new Error(
      `${done} of ${options.ids.length} tasks done: ${(error as Error).message}\n${
        formatStatus(await readStatus(redis, options.prefix))
      }`,
    );
  }
}
