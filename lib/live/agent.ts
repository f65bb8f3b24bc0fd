/**
 * A node agent: registers its node, beats, requests work when idle (the seed's "requesting
 * node"), runs each real workload it is given on a worker thread, and reports the measured
 * time. A message that is not a valid task goes to the dead-letter stream with the reason;
 * the agent keeps running.
 *
 * @module
 */
import type { NodeSpec } from "../cluster/mod.ts";
import { Executor } from "../tasks/mod.ts";
import {
  AGENT_GROUP,
  flatten,
  LiveKeys,
  type LiveTask,
  parseLiveTask,
  type Registration,
} from "./protocol.ts";
import { connectRedis, type Redis } from "./redis.ts";
import { ensureGroup, readGroup, type StreamEntry, stringSeed } from "./streams.ts";

/** Options of {@linkcode NodeAgent}. */
export interface AgentOptions {
  /** Node name: one of the coordinator's cluster nodes. */
  name: string;
  /** The node's spec (registered for the dashboard and status). */
  spec: NodeSpec;
  /** Redis URL. */
  redisUrl: string;
  /** Key namespace; default `schedlab`. */
  prefix?: string;
  /** Worker threads of threaded kinds (the matrix product); default 1. */
  threads?: number;
  /** Emulation factor >= 1: each task's wall time is stretched to measured x slowdown. */
  slowdown?: number;
  /** Heartbeat period, ms; the heartbeat expires after 3 periods. Default 1000. */
  heartbeatMs?: number;
  /** Folder for the file I/O workload; default the system's temporary folder. */
  tempDir?: string;
  /** Where progress lines go; default nowhere. */
  log?: (line: string) => void;
}

/** What an agent did before it stopped. */
export interface AgentSummary {
  /** Tasks run and reported. */
  readonly executed: number;
  /** Messages sent to the dead-letter stream. */
  readonly rejected: number;
  /** Assignments skipped because the task had been reclaimed from this node. */
  readonly stale: number;
}

/** Period after which a waiting agent repeats its request (idempotent at the coordinator). */
const REQUEST_REFRESH_MS = 3000;

/** A node agent; `run` until the signal aborts. */
export class NodeAgent {
  /** The options. */
  readonly options: Readonly<AgentOptions>;
  readonly #keys: LiveKeys;
  readonly #threads: number;
  readonly #slowdown: number;
  #executed = 0;
  #rejected = 0;
  #stale = 0;

  /** @param options name, Redis URL, threads, slowdown, heartbeat */
  constructor(options: AgentOptions) {
    this.options = options;
    this.#keys = new LiveKeys(options.prefix);
    this.#threads = options.threads ?? 1;
    this.#slowdown = options.slowdown ?? 1;
    if (!Number.isInteger(this.#threads) || this.#threads < 1 || this.#threads > 64) {
      throw new RangeError(
        `Expected threads to be an integer in [1, 64] but found ${this.#threads}`,
      );
    }
    if (!(this.#slowdown >= 1 && this.#slowdown <= 100)) {
      throw new RangeError(`Expected slowdown to be in [1, 100] but found ${this.#slowdown}`);
    }
  }

  /**
   * Serves until `signal` aborts: the task in hand is finished and reported first.
   *
   * @param signal stops the agent
   * @returns counts of what it did
   */
  async run(signal: AbortSignal): Promise<AgentSummary> {
    const { name, redisUrl } = this.options;
    const heartbeatMs = this.options.heartbeatMs ?? 1000;
    const redis = await connectRedis(redisUrl, `agent-${name}`);
    const blocking = await connectRedis(redisUrl, `agent-${name}-reader`);
    const executor = new Executor({ threads: this.#threads });
    const stream = this.#keys.assign(name);
    let beat: ReturnType<typeof setInterval> | undefined;
    try {
      await ensureGroup(redis, stream, AGENT_GROUP);
      await executor.warmUp(this.options.tempDir);
      const registration: Registration = {
        name,
        spec: this.options.spec,
        threads: this.#threads,
        slowdown: this.#slowdown,
        host: Deno.hostname(),
        pid: Deno.pid,
        startedAt: Date.now(),
      };
      await redis.hset(this.#keys.nodes, name, JSON.stringify(registration));
      const beatOnce = () =>
        redis.set(this.#keys.heartbeat(name), String(Date.now()), "PX", 3 * heartbeatMs)
          .catch((error: Error) => this.#log(`heartbeat failed: ${error.message}`));
      await beatOnce();
      beat = setInterval(beatOnce, heartbeatMs);
      this.#log(`registered as ${name} (threads ${this.#threads}, slowdown ${this.#slowdown})`);

      // Tasks delivered before a restart and never acknowledged come first.
      for (const entry of await this.#read(blocking, "0", 0)) {
        await this.#handle(redis, executor, entry);
      }
      while (!signal.aborted) {
        await this.#request(redis);
        let requested = Date.now();
        while (!signal.aborted) {
          const [entry] = await this.#read(blocking, ">", 500);
          if (entry) {
            await this.#handle(redis, executor, entry);
            break;
          }
          if (Date.now() - requested > REQUEST_REFRESH_MS) {
            await this.#request(redis);
            requested = Date.now();
          }
        }
      }
      await redis.del(this.#keys.heartbeat(name));
    } finally {
      clearInterval(beat);
      executor.close();
      redis.disconnect();
      blocking.disconnect();
    }
    return { executed: this.#executed, rejected: this.#rejected, stale: this.#stale };
  }

  #log(line: string): void {
    this.options.log?.(`[${this.options.name}] ${line}`);
  }

  #request(redis: Redis): Promise<unknown> {
    return redis.xadd(this.#keys.requests, "*", "node", this.options.name);
  }

  async #read(blocking: Redis, from: "0" | ">", blockMs: number): Promise<StreamEntry[]> {
    const [entries] = await readGroup(blocking, [this.#keys.assign(this.options.name)], {
      group: AGENT_GROUP,
      consumer: this.options.name,
      from,
      count: from === "0" ? 1000 : 1,
      blockMs,
    });
    return entries!;
  }

  async #handle(redis: Redis, executor: Executor, entry: StreamEntry): Promise<void> {
    const stream = this.#keys.assign(this.options.name);
    let task: LiveTask;
    try {
      task = parseLiveTask(entry.fields, `task message ${entry.id} on ${stream}`);
    } catch (error) {
      const reason = (error as Error).message;
      await redis.multi()
        .xadd(
          this.#keys.deadLetter,
          "*",
          ...flatten({
            stream,
            entry: entry.id,
            node: this.options.name,
            reason,
            message: JSON.stringify(entry.fields),
          }),
        )
        .xack(stream, AGENT_GROUP, entry.id)
        .exec();
      this.#rejected++;
      this.#log(`rejected ${entry.id}: ${reason}`);
      return;
    }
    // Run only what is still ours: a task reclaimed while this node looked dead is skipped.
    const placement = await redis.hget(this.#keys.running, task.id);
    const owner = placement ? JSON.parse(placement) as { node: string; assignedAt: number } : null;
    if (owner?.node !== this.options.name || String(owner.assignedAt) !== entry.fields.assignedAt) {
      await redis.xack(stream, AGENT_GROUP, entry.id);
      this.#stale++;
      this.#log(`skipped ${task.id}: no longer assigned here`);
      return;
    }
    const startedAt = Date.now();
    const run = await executor.run({
      kind: task.kind,
      parameter: task.parameter,
      seed: stringSeed(task.id),
      ...(this.options.tempDir ? { tempDir: this.options.tempDir } : {}),
    });
    const stretch = run.seconds * 1000 * (this.#slowdown - 1);
    if (stretch > 0) await new Promise((resolve) => setTimeout(resolve, stretch));
    const finishedAt = Date.now();
    await redis.multi()
      .xadd(
        this.#keys.results,
        "*",
        ...flatten({
          task: task.id,
          node: this.options.name,
          startedAt,
          finishedAt,
          computeSeconds: run.seconds,
          checksum: run.checksum,
        }),
      )
      .xack(stream, AGENT_GROUP, entry.id)
      .exec();
    this.#executed++;
    this.#log(`ran ${task.id} (${task.kind} ${task.parameter}) in ${finishedAt - startedAt} ms`);
  }
}
