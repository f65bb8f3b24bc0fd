/**
 * A live cluster on this machine: a private `redis-server` and one agent process per node of
 * a cluster (each `./schedlab node`, emulating its node), for demos, tests and experiments.
 *
 * @module
 */
import { type Cluster, LIVE_CLUSTER } from "../cluster/mod.ts";
import { LiveKeys } from "./protocol.ts";
import { pollUntil } from "./poll.ts";
import { connectRedis, type RedisServer, startRedisServer } from "./redis.ts";

/** Options of {@linkcode LocalCluster.start}. */
export interface LocalClusterOptions {
  /** Folder for Redis's AOF files and the agents' logs (created). */
  dir: string;
  /** The nodes to start agents for; default the seed's 9 emulated (`live-9`). */
  cluster?: Cluster;
  /** Cluster argument given to the agents (a preset name or a file); default `live-9`. */
  clusterSource?: string;
  /** Key namespace; default `schedlab`. */
  prefix?: string;
  /** Redis password; default none. */
  password?: string;
  /** Agents' heartbeat period, ms; default 1000. */
  heartbeatMs?: number;
  /** A Redis to use instead of starting one. */
  redis?: RedisServer;
}

/**
 * The command line of a node agent (`./schedlab node` with the permissions it needs).
 *
 * @param options node name, Redis URL, namespace, cluster (preset or file), heartbeat period
 */
export function agentCommand(options: {
  node: string;
  redisUrl: string;
  prefix?: string | undefined;
  cluster?: string | undefined;
  heartbeatMs?: number | undefined;
}): string[] {
  return [
    Deno.execPath(),
    "run",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-net",
    "--allow-sys=hostname",
    new URL("../cli/node.ts", import.meta.url).pathname,
    "--id",
    options.node,
    "--redis",
    options.redisUrl,
    "--prefix",
    options.prefix ?? "schedlab",
    "--cluster",
    options.cluster ?? "live-9",
    "--heartbeat-ms",
    String(options.heartbeatMs ?? 1000),
  ];
}

/** A running local cluster. */
export class LocalCluster {
  /** The broker. */
  readonly redis: RedisServer;
  /** Key namespace. */
  readonly prefix: string;
  readonly #options: LocalClusterOptions;
  readonly #agents = new Map<string, Deno.ChildProcess>();
  readonly #ownsRedis: boolean;

  private constructor(redis: RedisServer, options: LocalClusterOptions) {
    this.redis = redis;
    this.prefix = options.prefix ?? "schedlab";
    this.#options = options;
    this.#ownsRedis = options.redis === undefined;
  }

  /**
   * Starts Redis (unless given one) and an agent per node, and waits until every agent beats.
   *
   * @param options folder, nodes, namespace, password, heartbeat
   */
  static async start(options: LocalClusterOptions): Promise<LocalCluster> {
    await Deno.mkdir(options.dir, { recursive: true });
    const redis = options.redis ?? await startRedisServer({
      dir: `${options.dir}/redis`,
      ...(options.password ? { password: options.password } : {}),
    });
    const local = new LocalCluster(redis, options);
    try {
      for (const node of local.nodes) await local.startAgent(node);
    } catch (error) {
      await local.stop();
      throw error;
    }
    return local;
  }

  /** Names of the nodes. */
  get nodes(): string[] {
    return (this.#options.cluster ?? LIVE_CLUSTER).nodes.map((node) => node.name);
  }

  /**
   * Starts the agent of `node` (again, after a kill) and waits for its first heartbeat.
   *
   * @param node a node name
   */
  async startAgent(node: string): Promise<void> {
    const log = await Deno.open(`${this.#options.dir}/agent-${node}.log`, {
      create: true,
      append: true,
    });
    const [deno, ...args] = agentCommand({
      node,
      redisUrl: this.redis.url,
      prefix: this.prefix,
      cluster: this.#options.clusterSource,
      heartbeatMs: this.#options.heartbeatMs,
    });
    const child = new Deno.Command(deno!, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    child.stderr.pipeTo(log.writable).catch(() => {});
    this.#agents.set(node, child);
    const redis = await connectRedis(this.redis.url, "local-cluster");
    try {
      const key = new LiveKeys(this.prefix).heartbeat(node);
      await pollUntil(async () => (await redis.exists(key)) === 1, {
        what: `agent ${node} (log: agent-${node}.log) did not beat`,
        everyMs: 50,
      });
    } finally {
      redis.disconnect();
    }
  }

  /**
   * Sends a signal to a node's agent and waits for it to exit.
   *
   * @param node a node name
   * @param signal default SIGKILL (a crash: nothing is cleaned up)
   */
  async kill(node: string, signal: Deno.Signal = "SIGKILL"): Promise<void> {
    const child = this.#agents.get(node);
    if (!child) throw new RangeError(`No agent runs for node "${node}"`);
    this.#agents.delete(node);
    try {
      child.kill(signal);
    } catch { /* already exited */ }
    await child.status;
  }

  /** Stops every agent (SIGTERM: each finishes its task) and the Redis it started. */
  async stop(): Promise<void> {
    await Promise.all([...this.#agents].map(async ([node, child]) => {
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* exited */ }
      }, 10_000);
      await this.kill(node, "SIGTERM");
      clearTimeout(timer);
    }));
    if (this.#ownsRedis) await this.redis.stop();
  }
}
