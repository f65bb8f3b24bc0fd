/**
 * The live cluster's status read from Redis alone (so `cluster status`, the dashboard and
 * tests see the same thing, whichever coordinator runs): nodes with their heartbeat, the
 * queue, and every task's placement and timing for the Gantt chart.
 *
 * @module
 */
import { LiveKeys, type LiveResult, type Registration } from "./protocol.ts";
import type { Redis } from "./redis.ts";

/** How many queued tasks a status lists. */
export const QUEUE_SHOWN = 12;

/** One node as the broker sees it. */
export interface NodeStatus {
  /** Node name. */
  readonly name: string;
  /** Whether its heartbeat is current. */
  readonly alive: boolean;
  /** Milliseconds since its last heartbeat, while it is current. */
  readonly heartbeatAgeMs: number | undefined;
  /** What it registered, if it ever did. */
  readonly registration: Registration | undefined;
  /** Id of the task it runs, if any. */
  readonly running: string | undefined;
  /** Whether it waits for work. */
  readonly waiting: boolean;
}

/** One bar of the Gantt chart. */
export interface GanttBar {
  /** Task id. */
  readonly task: string;
  /** Task kind. */
  readonly kind: string;
  /** Node that ran (or runs) it. */
  readonly node: string;
  /** Start, ms since the Unix epoch (assignment time while it runs). */
  readonly start: number;
  /** End, ms since the Unix epoch; undefined while it runs. */
  readonly end: number | undefined;
}

/** Everything the status shows. */
export interface ClusterStatus {
  /** The policy of the (last) coordinator. */
  readonly policy: string | undefined;
  /** First submission, ms since the Unix epoch. */
  readonly epoch: number | undefined;
  /** Nodes in the coordinator's cluster order, then any other in the order they registered. */
  readonly nodes: readonly NodeStatus[];
  /** Submitted tasks. */
  readonly submitted: number;
  /** Tasks waiting for a node. */
  readonly queued: number;
  /** The first tasks of the queue, in submission order (at most {@linkcode QUEUE_SHOWN}). */
  readonly queueHead: readonly { id: string; kind: string; parameter: number }[];
  /** Tasks running. */
  readonly running: number;
  /** Tasks with a recorded result. */
  readonly completed: number;
  /** Messages in the dead-letter stream. */
  readonly deadLetters: number;
  /** Tasks taken back from dead nodes. */
  readonly reclaimed: number;
  /** Results recorded for tasks that already had one. */
  readonly duplicates: number;
  /** Running and finished tasks. */
  readonly gantt: readonly GanttBar[];
}

/**
 * Reads the status of the live cluster under `prefix`.
 *
 * @param redis a connection
 * @param prefix key namespace; default `schedlab`
 */
export async function readStatus(redis: Redis, prefix?: string): Promise<ClusterStatus> {
  const keys = new LiveKeys(prefix);
  const [meta, registered, tasks, running, done, waiting, queued, head, deadLetters] = await Promise
    .all([
      redis.hgetall(keys.meta),
      redis.hgetall(keys.nodes),
      redis.hgetall(keys.tasks),
      redis.hgetall(keys.running),
      redis.hgetall(keys.done),
      redis.hgetall(keys.waiting),
      redis.zcard(keys.pending),
      redis.zrange(keys.pending, "0", String(QUEUE_SHOWN - 1)),
      redis.xlen(keys.deadLetter),
    ]);
  const order: string[] = meta.nodes ? JSON.parse(meta.nodes) : [];
  const byStart = Object.values(registered).map((text) => JSON.parse(text) as Registration)
    .sort((a, b) => a.startedAt - b.startedAt).map((registration) => registration.name);
  const names = [...new Set([...order, ...byStart])];
  const beats = names.length > 0
    ? await redis.mget(...names.map((name) => keys.heartbeat(name)))
    : [];
  const now = Date.now();
  const kindOf = (id: string) => (tasks[id] ? JSON.parse(tasks[id]).kind : "?") as string;
  const runningOn = new Map<string, string>();
  const gantt: GanttBar[] = [];
  for (const [task, text] of Object.entries(running)) {
    const { node, assignedAt } = JSON.parse(text) as { node: string; assignedAt: number };
    runningOn.set(node, task);
    if (!done[task]) {
      gantt.push({ task, kind: kindOf(task), node, start: assignedAt, end: undefined });
    }
  }
  for (const [task, text] of Object.entries(done)) {
    const result = JSON.parse(text) as LiveResult;
    gantt.push({
      task,
      kind: kindOf(task),
      node: result.node,
      start: result.startedAt,
      end: result.finishedAt,
    });
  }
  return {
    policy: meta.policy,
    epoch: meta.epoch ? Number(meta.epoch) : undefined,
    nodes: names.map((name, i) => ({
      name,
      alive: beats[i] !== null,
      heartbeatAgeMs: beats[i] ? now - Number(beats[i]) : undefined,
      registration: registered[name] ? JSON.parse(registered[name]) : undefined,
      running: runningOn.get(name),
      waiting: name in waiting,
    })),
    submitted: Object.keys(tasks).length,
    queued,
    queueHead: head.map((id) => {
      const { kind, parameter } = JSON.parse(tasks[id] ?? "{}");
      return { id, kind, parameter };
    }),
    running: Object.keys(running).length,
    completed: Object.keys(done).length,
    deadLetters,
    reclaimed: Number(meta.reclaimed ?? 0),
    duplicates: Number(meta.duplicates ?? 0),
    gantt: gantt.sort((a, b) => a.start - b.start),
  };
}

/** The status as a few lines of text (for `cluster status`). */
export function formatStatus(status: ClusterStatus): string {
  const lines = [
    `policy ${
      status.policy ?? "-"
    }: ${status.submitted} submitted, ${status.queued} queued, ${status.running} running, ${status.completed} completed; ${status.reclaimed} reclaimed, ${status.duplicates} duplicate results, ${status.deadLetters} dead letters`,
  ];
  for (const node of status.nodes) {
    const registration = node.registration;
    const emulation = registration
      ? `threads ${registration.threads}, slowdown ${registration.slowdown.toFixed(2)}`
      : "never registered";
    const activity = node.running ? `running ${node.running}` : node.waiting ? "waiting" : "idle";
    lines.push(
      `  ${node.name.padEnd(20)} ${node.alive ? "alive" : "DOWN "}  ${
        activity.padEnd(20)
      } ${emulation}`,
    );
  }
  return lines.join("\n");
}
