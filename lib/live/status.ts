/**
 * The live cluster's status read from Redis alone (so `cluster status`, the dashboard and
 * tests see the same thing, whichever coordinator runs): nodes with their heartbeat, the
 * queue, every task's placement and timing for the Gantt chart, and the energy the nodes
 * would have drawn, estimated by the power model of lib/cluster/power.ts.
 *
 * @module
 */
import { energyOf, powerOfNodes } from "../cluster/mod.ts";
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
  /** Estimated energy, when every node registered a power spec. */
  readonly energy: LiveEnergy | undefined;
}

/** The live cluster's estimated energy: its nodes' power model over the run's busy times. */
export interface LiveEnergy {
  /** Joules since the first submission (idle nodes stay on). */
  readonly joules: number;
  /** Of which idle nodes drew. */
  readonly idleJoules: number;
  /** Watts drawn now: busy watts of nodes running a task, idle watts of the others. */
  readonly watts: number;
}

/**
 * The energy estimate of the nodes (in status order) from the Gantt bars, between the epoch
 * and the last finish (or `now` while tasks run): each node's busy seconds at its busy watts,
 * the rest at its idle watts.
 *
 * @param nodes the nodes (those without a registered power spec make the estimate undefined)
 * @param gantt the bars
 * @param clock the run's epoch and the current time, ms since the Unix epoch
 */
export function liveEnergy(
  nodes: readonly NodeStatus[],
  gantt: readonly GanttBar[],
  clock: { epoch: number | undefined; now: number },
): LiveEnergy | undefined {
  const specs = nodes.map((node) => ({
    name: node.name,
    power: node.registration?.spec.power,
  }));
  const power = powerOfNodes(specs, "on");
  if (!power || nodes.length === 0) return undefined;
  const index = new Map(nodes.map((node, i) => [node.name, i]));
  const busy = new Float64Array(nodes.length);
  let end = clock.epoch ?? clock.now;
  for (const bar of gantt) {
    const finish = bar.end ?? clock.now;
    const i = index.get(bar.node);
    if (i !== undefined) busy[i]! += Math.max(0, finish - bar.start) / 1000;
    end = Math.max(end, finish);
  }
  const elapsed = clock.epoch === undefined ? 0 : Math.max(0, end - clock.epoch) / 1000;
  const { energy, idleEnergy } = energyOf(power, busy, elapsed);
  const watts = nodes.reduce(
    (sum, node, i) => sum + (node.running ? power.busyW[i]! : power.idleW[i]!),
    0,
  );
  return { joules: energy, idleJoules: idleEnergy, watts };
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
  const epoch = meta.epoch ? Number(meta.epoch) : undefined;
  const nodes: NodeStatus[] = names.map((name, i) => ({
    name,
    alive: beats[i] !== null,
    heartbeatAgeMs: beats[i] ? now - Number(beats[i]) : undefined,
    registration: registered[name] ? JSON.parse(registered[name]) : undefined,
    running: runningOn.get(name),
    waiting: name in waiting,
  }));
  gantt.sort((a, b) => a.start - b.start);
  return {
    policy: meta.policy,
    epoch,
    nodes,
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
    gantt,
    energy: liveEnergy(nodes, gantt, { epoch, now }),
  };
}

/** One line on the estimated energy. */
export function energyLine(energy: LiveEnergy): string {
  return `energy (estimated from the nodes' power model): ${energy.joules.toFixed(0)} J so far (${
    energy.idleJoules.toFixed(0)
  } J idle), drawing ${energy.watts.toFixed(1)} W now`;
}

/** The status as a few lines of text (for `cluster status`). */
export function formatStatus(status: ClusterStatus): string {
  const lines = [
    `policy ${
      status.policy ?? "-"
    }: ${status.submitted} submitted, ${status.queued} queued, ${status.running} running, ${status.completed} completed; ${status.reclaimed} reclaimed, ${status.duplicates} duplicate results, ${status.deadLetters} dead letters`,
  ];
  if (status.energy) lines.push(`  ${energyLine(status.energy)}`);
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
