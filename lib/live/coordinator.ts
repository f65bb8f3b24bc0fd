/**
 * The coordinator: takes submitted tasks, and whenever a node requests work asks a `Policy`
 * (any baseline, or PPO) which pending task it gets, or whether it waits. Every change of
 * state is written to Redis in one transaction together with the acknowledgement of the
 * message that caused it, so a coordinator killed at any point is replaced by one that reads
 * the state back and carries on; messages it had read but not acknowledged are read again.
 * Tasks held by a node whose heartbeat expired are reclaimed (XAUTOCLAIM) and queued again;
 * results are recorded once per task, whatever ran twice. One coordinator runs at a time: it
 * holds a lease in Redis, and a second one waits until the lease is free.
 *
 * @module
 */
import type { Policy } from "../policies/mod.ts";
import {
  AGENT_GROUP,
  COORDINATOR_GROUP,
  flatten,
  LiveKeys,
  liveResultSchema,
  parseLiveTask,
} from "./protocol.ts";
import { connectRedis, type Redis } from "./redis.ts";
import { LiveState, type LiveStateOptions } from "./state.ts";

/** A MULTI/EXEC transaction being built. */
type Transaction = ReturnType<Redis["multi"]>;
import { ensureGroup, entryTime, readGroup, type StreamEntry } from "./streams.ts";

/** Options of {@linkcode Coordinator}. */
export interface CoordinatorOptions extends LiveStateOptions {
  /** Redis URL. */
  redisUrl: string;
  /** The scheduler. */
  policy: Policy;
  /** Key namespace; default `schedlab`. */
  prefix?: string;
  /** How often dead nodes are looked for, ms; default 500. */
  reapEveryMs?: number;
  /** Where progress lines go; default nowhere. */
  log?: (line: string) => void;
}

/** What the coordinator measured, for reports and the load test. */
export interface CoordinatorStats {
  /** Times a policy was asked. */
  decisions: number;
  /** Tasks assigned (reassignments included). */
  assignments: number;
  /** Answers "wait". */
  waits: number;
  /** Seconds spent inside `policy.act`. */
  policySeconds: number;
  /**
   * Per assignment, ms from the node's request (or, if later, from when work was last
   * pending again after an empty queue) to its assignment.
   */
  readonly latenciesMs: number[];
  /** The same, only for nodes the policy did not tell to wait first: the scheduling overhead. */
  readonly immediateLatenciesMs: number[];
  /** Seconds spent handling messages and deciding (not waiting for messages). */
  busySeconds: number;
  /** Tasks taken back from dead nodes. */
  reclaimed: number;
  /** Results of tasks that already had one. */
  duplicates: number;
  /** Messages sent to the dead-letter stream. */
  rejected: number;
}

/** How long the coordinator's lease lasts without renewal, ms. */
const LEASE_MS = 3000;
/** Extends the lease if `ARGV[1]` holds it. */
const RENEW = `if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("PEXPIRE", KEYS[1], ARGV[2]) else return 0 end`;
/** Drops the lease if `ARGV[1]` holds it. */
const RELEASE = `if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1]) else return 0 end`;

/** Task fields kept in the `tasks` hash. */
interface StoredTask {
  id: string;
  kind: string;
  parameter: number;
  seq: number;
  submittedAt: number;
}

/** A coordinator; `run` until the signal aborts. */
export class Coordinator {
  /** The live state (a mirror of what Redis holds). */
  readonly state: LiveState;
  /** What it measured since it started. */
  readonly stats: CoordinatorStats = {
    decisions: 0,
    assignments: 0,
    waits: 0,
    policySeconds: 0,
    latenciesMs: [],
    immediateLatenciesMs: [],
    busySeconds: 0,
    reclaimed: 0,
    duplicates: 0,
    rejected: 0,
  };
  readonly #options: CoordinatorOptions;
  readonly #keys: LiveKeys;
  readonly #toldToWait = new Set<string>();
  #workSince = Infinity; // when the pending queue last became non-empty, ms since the Unix epoch

  /** @param options Redis URL, policy, nodes and duration model, window, time scale */
  constructor(options: CoordinatorOptions) {
    this.#options = options;
    this.#keys = new LiveKeys(options.prefix);
    this.state = new LiveState(options);
  }

  /**
   * Schedules until `signal` aborts.
   *
   * @param signal stops the coordinator (between two rounds)
   */
  async run(signal: AbortSignal): Promise<void> {
    const { redisUrl, policy } = this.#options;
    const redis = await connectRedis(redisUrl, "coordinator");
    const blocking = await connectRedis(redisUrl, "coordinator-reader");
    const streams = [this.#keys.submit, this.#keys.results, this.#keys.requests];
    const holder = `${Deno.pid}:${crypto.randomUUID()}`;
    try {
      await this.#acquireLease(redis, holder, signal);
      if (signal.aborted) return;
      for (const stream of streams) await ensureGroup(redis, stream, COORDINATOR_GROUP);
      await this.#recover(redis);
      await redis.hset(this.#keys.meta, {
        policy: policy.name,
        nodes: JSON.stringify(this.#options.cluster.nodes.map((node) => node.name)),
        coordinatorStartedAt: Date.now(),
      });
      policy.reset(0);
      this.#log(`coordinating with ${policy.name}: ${JSON.stringify(this.state.counts)}`);
      let from: "0" | ">" = "0"; // first what a previous coordinator read and did not finish
      let reapedAt = 0;
      while (!signal.aborted) {
        await this.#renewLease(redis, holder);
        const batch = await readGroup(blocking, streams, {
          group: COORDINATOR_GROUP,
          consumer: "coordinator",
          from,
          count: 1000,
          blockMs: 200,
        });
        const [submitted, results, requests] = batch as [
          StreamEntry[],
          StreamEntry[],
          StreamEntry[],
        ];
        if (from === "0" && batch.every((entries) => entries.length === 0)) from = ">";
        const busy = performance.now();
        if (Date.now() - reapedAt >= (this.#options.reapEveryMs ?? 500)) {
          await this.#reap(redis);
          reapedAt = Date.now();
        }
        // What the messages change and what the policy decides commit in one transaction.
        const tx = redis.multi();
        const ingested = this.#ingest(tx, submitted, results, requests);
        const assigned = this.#schedule(tx);
        if (ingested || assigned) await tx.exec();
        this.stats.busySeconds += (performance.now() - busy) / 1000;
      }
      await redis.eval(RELEASE, 1, this.#keys.lease, holder);
    } finally {
      redis.disconnect();
      blocking.disconnect();
    }
  }

  /** Waits until no other coordinator holds the lease (one that died loses it in LEASE_MS). */
  async #acquireLease(redis: Redis, holder: string, signal: AbortSignal): Promise<void> {
    let told = false;
    while (!signal.aborted) {
      if (await redis.set(this.#keys.lease, holder, "PX", LEASE_MS, "NX")) return;
      if (!told) {
        this.#log(`another coordinator holds ${this.#keys.lease}; waiting for it to stop`);
        told = true;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Extends the lease; throws if another coordinator took it (this one was presumed dead). */
  async #renewLease(redis: Redis, holder: string): Promise<void> {
    if (!(await redis.eval(RENEW, 1, this.#keys.lease, holder, LEASE_MS))) {
      throw new Error(`lost ${this.#keys.lease} to another coordinator: stopping`);
    }
  }

  #log(line: string): void {
    this.#options.log?.(`[coordinator] ${line}`);
  }

  /** Rebuilds the state from Redis (after a restart; empty on a fresh run). */
  async #recover(redis: Redis): Promise<void> {
    const [tasks, running, done, waiting] = await Promise.all([
      redis.hgetall(this.#keys.tasks),
      redis.hgetall(this.#keys.running),
      redis.hgetall(this.#keys.done),
      redis.hgetall(this.#keys.waiting),
    ]);
    const stored = Object.values(tasks).map((text) => JSON.parse(text) as StoredTask)
      .sort((a, b) => a.seq - b.seq);
    for (const task of stored) this.state.submit(parseLiveTask(task), task.submittedAt);
    for (const [id, text] of Object.entries(running)) {
      const placement = JSON.parse(text) as { node: string; assignedAt: number };
      if (this.state.hasTask(id)) this.state.assign(id, placement);
    }
    for (const [id, text] of Object.entries(done)) {
      if (this.state.hasTask(id)) {
        this.state.complete(id, (JSON.parse(text) as { node: string }).node);
      }
    }
    for (const [node, at] of Object.entries(waiting)) this.state.request(node, Number(at));
  }

  /**
   * Applies new messages to the state and queues their effects and acknowledgements on `tx`;
   * returns whether there were any.
   */
  #ingest(
    tx: Transaction,
    submitted: StreamEntry[],
    results: StreamEntry[],
    requests: StreamEntry[],
  ): boolean {
    if (submitted.length + results.length + requests.length === 0) return false;
    const keys = this.#keys;
    const reject = (stream: string, entry: StreamEntry, reason: string) => {
      tx.xadd(
        keys.deadLetter,
        "*",
        ...flatten({ stream, entry: entry.id, reason, message: JSON.stringify(entry.fields) }),
      );
      this.stats.rejected++;
      this.#log(`rejected ${entry.id} of ${stream}: ${reason}`);
    };
    for (const entry of submitted) {
      try {
        const task = parseLiveTask(entry.fields, `submission ${entry.id}`);
        const submittedAt = entryTime(entry.id);
        const known = this.state.task(task.id);
        if (known && (known.kind !== task.kind || known.parameter !== task.parameter)) {
          throw new Error(
            `task id ${task.id} was already submitted as ${known.kind} ${known.parameter}`,
          );
        }
        // A repeated identical submission (a retry) is acknowledged and otherwise ignored.
        if (this.state.submit(task, submittedAt)) {
          this.#workSince = Math.min(this.#workSince, submittedAt);
          const stored: StoredTask = { ...task, seq: this.state.order(task.id), submittedAt };
          tx.hset(keys.tasks, task.id, JSON.stringify(stored));
          tx.zadd(keys.pending, stored.seq, task.id);
          tx.hsetnx(keys.meta, "epoch", String(this.state.epoch));
        }
      } catch (error) {
        reject(keys.submit, entry, (error as Error).message);
      }
      tx.xack(keys.submit, COORDINATOR_GROUP, entry.id);
    }
    for (const entry of results) {
      const parsed = liveResultSchema.safeParse(entry.fields);
      if (!parsed.success || !this.state.hasTask(parsed.data.task)) {
        reject(keys.results, entry, parsed.success ? "unknown task" : parsed.error.message);
      } else {
        const result = parsed.data;
        const wasRunningThere = this.state.placement(result.task)?.node === result.node;
        if (this.state.complete(result.task, result.node)) {
          tx.hset(keys.done, result.task, JSON.stringify(result));
          tx.zrem(keys.pending, result.task);
        } else {
          this.stats.duplicates++;
          tx.hincrby(keys.meta, "duplicates", 1);
        }
        if (wasRunningThere) tx.hdel(keys.running, result.task);
      }
      tx.xack(keys.results, COORDINATOR_GROUP, entry.id);
    }
    for (const entry of requests) {
      const node = entry.fields.node ?? "";
      if (!this.state.hasNode(node)) {
        reject(keys.requests, entry, `unknown node "${node}"`);
      } else if (this.state.requestedAt(node) === undefined) {
        this.state.request(node, entryTime(entry.id));
        tx.hset(keys.waiting, node, String(entryTime(entry.id)));
      }
      tx.xack(keys.requests, COORDINATOR_GROUP, entry.id);
    }
    return true;
  }

  /** Asks the policy for every waiting node, queues the assignments on `tx`; returns how many. */
  #schedule(tx: Transaction): number {
    const { policy } = this.#options;
    const keys = this.#keys;
    let assigned = 0;
    for (const node of this.state.askable(Date.now())) {
      if (this.state.counts.pending === 0) break;
      const now = Date.now();
      const started = performance.now();
      const choice = this.state.decide(policy, node, now);
      this.stats.policySeconds += (performance.now() - started) / 1000;
      this.stats.decisions++;
      if ("wait" in choice) {
        this.stats.waits++;
        this.#toldToWait.add(node);
        continue;
      }
      const task = this.state.task(choice.task)!;
      const requestedAt = Math.max(this.state.requestedAt(node)!, this.#workSince);
      const placement = { node, assignedAt: now };
      this.state.assign(task.id, placement);
      tx.zrem(keys.pending, task.id);
      tx.hset(keys.running, task.id, JSON.stringify(placement));
      tx.hdel(keys.waiting, node);
      tx.xadd(keys.assign(node), "*", ...flatten({ ...task, assignedAt: now }));
      this.stats.latenciesMs.push(now - requestedAt);
      if (!this.#toldToWait.delete(node)) this.stats.immediateLatenciesMs.push(now - requestedAt);
      assigned++;
    }
    if (this.state.counts.pending === 0) this.#workSince = Infinity;
    this.stats.assignments += assigned;
    return assigned;
  }

  /** Takes back the tasks of nodes whose heartbeat expired, and forgets their requests. */
  async #reap(redis: Redis): Promise<void> {
    const keys = this.#keys;
    const holders = new Set([
      ...[...this.state.running.values()].map((placement) => placement.node),
      ...this.state.waiting,
    ]);
    if (holders.size === 0) return;
    const nodes = [...holders];
    const alive = await Promise.all(nodes.map((node) => redis.exists(keys.heartbeat(node))));
    for (const [k, node] of nodes.entries()) {
      if (alive[k]) continue;
      // Deliveries the dead node never acknowledged: claim, acknowledge and drop them.
      const claimed: string[] = [];
      let cursor = "0-0";
      do {
        const [next, entries] = await redis.xautoclaim(
          keys.assign(node),
          AGENT_GROUP,
          "coordinator",
          0,
          cursor,
          "COUNT",
          100,
        ) as [string, [string, string[] | null][]];
        claimed.push(...entries.map(([id]) => id));
        cursor = next;
      } while (cursor !== "0-0");
      const tx = redis.multi();
      if (claimed.length > 0) {
        tx.xack(keys.assign(node), AGENT_GROUP, ...claimed);
        tx.xdel(keys.assign(node), ...claimed);
      }
      const held = [...this.state.running].filter(([, place]) => place.node === node);
      for (const [id] of held) {
        this.state.requeue(id);
        this.#workSince = Math.min(this.#workSince, Date.now());
        tx.hdel(keys.running, id);
        tx.zadd(keys.pending, this.state.order(id), id);
      }
      this.state.forget(node);
      tx.hdel(keys.waiting, node);
      if (held.length > 0) tx.hincrby(keys.meta, "reclaimed", held.length);
      await tx.exec();
      this.stats.reclaimed += held.length;
      if (held.length > 0) {
        this.#log(`${node} stopped beating: ${held.map(([id]) => id).join(", ")} queued again`);
      }
    }
  }
}
