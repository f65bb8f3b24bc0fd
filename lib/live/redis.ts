/**
 * The broker: connecting to Redis with errors that say what went wrong (no server, wrong
 * password), and starting a private `redis-server` on loopback with AOF persistence for demos
 * and tests.
 *
 * @module
 */
import { Redis } from "ioredis";

export type { Redis } from "ioredis";

/** The URL with its password masked, for messages and logs. */
export function maskUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//***@");
}

/** Turns a client error into one that names the server and the likely cause. */
function explain(url: string, error: Error): Error {
  const where = maskUrl(url);
  const message = error.message;
  if (/WRONGPASS|invalid password|invalid username-password/i.test(message)) {
    return new Error(`Redis at ${where} refused the password (WRONGPASS): check --redis`);
  }
  if (/NOAUTH/i.test(message)) {
    return new Error(`Redis at ${where} needs a password: give it in --redis redis://:PASS@...`);
  }
  if (/ECONNREFUSED|connect/i.test(message)) {
    return new Error(`no Redis answers at ${where} (${message}): is the server running?`);
  }
  return new Error(`Redis at ${where}: ${message}`);
}

/**
 * Connects to Redis and checks it answers (authenticating when the URL has a password).
 * Fails fast: no reconnection attempts before the first success.
 *
 * @param url `redis://[:password@]host:port[/db]`
 * @param name the client name shown by `CLIENT LIST`
 * @returns a connected client
 */
export async function connectRedis(url: string, name = "schedlab"): Promise<Redis> {
  if (!/^rediss?:\/\//.test(url)) {
    throw new TypeError(`Expected a redis:// URL but found "${maskUrl(url)}"`);
  }
  let firstError: Error | undefined;
  const client = new Redis(url, {
    lazyConnect: true,
    protocol: 2, // RESP2: stream replies as nested arrays, as documented by Redis
    connectionName: name,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  client.on("error", (error: Error) => firstError ??= error);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw explain(url, firstError ?? error as Error);
  }
  return client;
}

/** A `redis-server` process owned by this program. */
export interface RedisServer {
  /** Its URL (with the password, if any). */
  readonly url: string;
  /** Its port on 127.0.0.1. */
  readonly port: number;
  /** Its process id. */
  readonly pid: number;
  /** Shuts it down (SHUTDOWN, then SIGKILL if it lingers). */
  stop(): Promise<void>;
}

/** Options of {@linkcode startRedisServer}. */
export interface RedisServerOptions {
  /** Folder for its AOF files and log (created). */
  dir: string;
  /** Port; default a free one. */
  port?: number;
  /** Password; default none. */
  password?: string;
  /** Address to bind; default 127.0.0.1 (loopback only). */
  bind?: string;
}

/** A TCP port that was free a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/**
 * The `redis-server` arguments of schedlab's brokers: bound to loopback unless told otherwise,
 * append-only persistence (and its log) in `dir`, no snapshots, an optional password.
 *
 * @param options folder (must exist), port, password, bind address
 */
export async function redisServerArgs(
  options: RedisServerOptions & { port: number },
): Promise<string[]> {
  const args = [
    "--port",
    String(options.port),
    "--bind",
    options.bind ?? "127.0.0.1",
    "--dir",
    await Deno.realPath(options.dir),
    "--appendonly",
    "yes",
    "--save",
    "",
    "--logfile",
    "redis.log",
  ];
  if (options.password) args.push("--requirepass", options.password);
  return args;
}

/**
 * Starts Debian's `redis-server` with append-only persistence in `dir`, bound to loopback,
 * and waits until it answers.
 *
 * @param options folder, port, password, bind address
 * @returns the running server
 */
export async function startRedisServer(options: RedisServerOptions): Promise<RedisServer> {
  await Deno.mkdir(options.dir, { recursive: true });
  const port = options.port ?? freePort();
  const args = [...await redisServerArgs({ ...options, port }), "--daemonize", "no"];
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("redis-server", { args, stdout: "null", stderr: "piped" }).spawn();
  } catch (error) {
    throw new Error(
      `cannot start redis-server (${(error as Error).message}): install Debian's redis-server`,
    );
  }
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : "";
  const url = `redis://${auth}127.0.0.1:${port}`;
  const exited = child.status.then((status) => status);
  for (let attempt = 0;; attempt++) {
    const done = await Promise.race([exited, new Promise((r) => setTimeout(r, 50, undefined))]);
    if (done) {
      const log = await Deno.readTextFile(`${options.dir}/redis.log`).catch(() => "");
      throw new Error(`redis-server exited at start: ${log.trim().split("\n").at(-1) ?? ""}`);
    }
    try {
      const probe = await connectRedis(url, "schedlab-probe");
      probe.disconnect();
      break;
    } catch (error) {
      if (attempt > 100) throw error;
    }
  }
  return {
    url,
    port,
    pid: child.pid,
    async stop() {
      try {
        const client = await connectRedis(url, "schedlab-stop");
        await client.call("SHUTDOWN", "NOSAVE").catch(() => {});
        client.disconnect();
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* exited */ }
      }, 3000);
      await exited;
      clearTimeout(timer);
      await child.stderr.cancel().catch(() => {});
    },
  };
}
