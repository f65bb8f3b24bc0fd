/**
 * `./schedlab cluster up|down|status`: a demo live cluster on this machine. `up` starts a
 * private Redis (loopback, password, AOF), the seed's 9 nodes as emulated agents, and a
 * coordinator with its dashboard, all in the background; `status` shows nodes, running,
 * queued and completed; `down` stops them (agents finish their task first).
 *
 * @module
 */
import { LIVE_CLUSTER } from "../cluster/mod.ts";
import {
  agentCommand,
  connectRedis,
  formatStatus,
  freePort,
  LiveKeys,
  pollUntil,
  readStatus,
  redisServerArgs,
} from "../live/mod.ts";
import { integerFlag, parseCommandLine, runCommand, UsageError } from "./common.ts";
import {
  type ClusterRecord,
  DEFAULT_CLUSTER_DIR,
  readClusterRecord,
  recordPath,
} from "./cluster_record.ts";
import { resolveLivePolicy } from "../live/policy.ts";

const USAGE =
  "./schedlab cluster up [--policy NAME | --checkpoint DIR] [--dir DIR] [--dashboard-port N] | down [--dir DIR] | status [--dir DIR]";

/** The demo's scheduler unless told otherwise. */
const DEFAULT_POLICY = "earliest-finish-pull";

const CLI = (name: string) => new URL(`./${name}.ts`, import.meta.url).pathname;

/** Starts a command in its own session, detached, with output appended to `log`. */
function spawnDetached(command: string[], log: string): number {
  const child = new Deno.Command("setsid", {
    args: ["sh", "-c", 'exec "$@" >>"$SCHEDLAB_LOG" 2>&1', "sh", ...command],
    env: { SCHEDLAB_LOG: log },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  child.unref();
  return child.pid;
}

/** Whether a process of this id exists (signal 0 is not available: SIGCONT is harmless). */
export function isRunning(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

async function up(flags: {
  dir: string;
  policy: string | undefined;
  checkpoint: string | undefined;
  dashboardPort: number;
}): Promise<void> {
  const { dir } = flags;
  const existing = await readClusterRecord(dir);
  if (existing && isRunning(existing.coordinatorPid)) {
    throw new Error(`a cluster is already up in ${dir} (./schedlab cluster down first)`);
  }
  // A bad policy or checkpoint is reported here, before anything starts.
  await resolveLivePolicy(
    flags.checkpoint
      ? { checkpoint: flags.checkpoint }
      : { policy: flags.policy ?? DEFAULT_POLICY },
  );
  await Deno.mkdir(`${dir}/redis`, { recursive: true });
  const port = freePort();
  const password = crypto.randomUUID().replaceAll("-", "");
  const redisUrl = `redis://:${password}@127.0.0.1:${port}`;
  const redisPidFile = `${await Deno.realPath(dir)}/redis.pid`;
  const redisArgs = await redisServerArgs({ dir: `${dir}/redis`, port, password });
  const redis = await new Deno.Command("redis-server", {
    args: [...redisArgs, "--daemonize", "yes", "--pidfile", redisPidFile],
  }).output();
  if (!redis.success) {
    throw new Error(`redis-server failed: ${new TextDecoder().decode(redis.stderr)}`);
  }
  await pollUntil(
    () =>
      connectRedis(redisUrl, "cluster-up").then((client) => {
        client.disconnect();
        return true;
      }, () => false),
    { what: "Redis did not answer" },
  );

  const deno = Deno.execPath();
  const agentPids: Record<string, number> = {};
  for (const node of LIVE_CLUSTER.nodes) {
    agentPids[node.name] = spawnDetached(
      agentCommand({ node: node.name, redisUrl }),
      `${dir}/agent-${node.name}.log`,
    );
  }
  const policy = flags.checkpoint
    ? ["--checkpoint", flags.checkpoint]
    : ["--policy", flags.policy ?? DEFAULT_POLICY];
  const coordinatorPid = spawnDetached(
    [
      deno,
      "run",
      "--allow-all",
      CLI("serve"),
      ...policy,
      "--redis",
      redisUrl,
      "--dashboard-port",
      String(flags.dashboardPort),
    ],
    `${dir}/coordinator.log`,
  );
  const record: ClusterRecord = {
    redisUrl,
    redisPidFile,
    coordinatorPid,
    agentPids,
    dashboard: `http://127.0.0.1:${flags.dashboardPort}/`,
    policy: policy.join(" "),
    startedAt: new Date().toISOString(),
  };
  await Deno.writeTextFile(recordPath(dir), JSON.stringify(record, null, 2) + "\n");
  try {
    await waitUntilUp(record);
  } catch (error) {
    // Nothing started is left running when the cluster does not come up.
    await down(dir).catch(() => {});
    throw error;
  }
  console.log(`\ndashboard ${record.dashboard}\nsubmit work: ./schedlab submit --generate 30`);
  console.log(`logs and Redis files in ${dir}/; stop with ./schedlab cluster down`);
}

/** Waits until every agent beats and the coordinator has started; prints the status. */
async function waitUntilUp(record: ClusterRecord): Promise<void> {
  const client = await connectRedis(record.redisUrl, "cluster-up");
  try {
    const keys = new LiveKeys();
    await pollUntil(
      async () =>
        (await Promise.all(
          LIVE_CLUSTER.nodes.map((node) => client.exists(keys.heartbeat(node.name))),
        ))
          .every(Boolean),
      { what: "not every agent beat" },
    );
    await pollUntil(async () => (await client.hget(keys.meta, "policy")) !== null, {
      what: "the coordinator did not start",
      timeoutMs: 60_000,
    });
    console.log(formatStatus(await readStatus(client)));
  } finally {
    client.disconnect();
  }
}

async function down(dir: string): Promise<void> {
  const record = await readClusterRecord(dir);
  if (!record) throw new Error(`no cluster record in ${dir}: nothing to stop`);
  const pids = [record.coordinatorPid, ...Object.values(record.agentPids)].filter(isRunning);
  for (const pid of pids) Deno.kill(pid, "SIGTERM");
  await pollUntil(() => Promise.resolve(!pids.some(isRunning)), {
    what: "processes still running",
    timeoutMs: 15_000,
  }).catch(() => pids.filter(isRunning).forEach((pid) => Deno.kill(pid, "SIGKILL")));
  try {
    const client = await connectRedis(record.redisUrl, "cluster-down");
    await client.call("SHUTDOWN").catch(() => {}); // persists the AOF
    client.disconnect();
  } catch (error) {
    console.error(`Redis: ${(error as Error).message}`);
  }
  await Deno.remove(recordPath(dir));
  console.log(`stopped ${pids.length} processes and Redis; logs and AOF kept in ${dir}/`);
}

async function status(dir: string): Promise<void> {
  const record = await readClusterRecord(dir);
  if (!record) throw new Error(`no cluster record in ${dir}: run ./schedlab cluster up`);
  const client = await connectRedis(record.redisUrl, "cluster-status");
  try {
    console.log(formatStatus(await readStatus(client)));
  } finally {
    client.disconnect();
  }
  const coordinator = isRunning(record.coordinatorPid) ? "running" : "NOT RUNNING";
  console.log(`coordinator (${record.policy}): ${coordinator}; dashboard ${record.dashboard}`);
}

if (import.meta.main) {
  await runCommand("cluster", USAGE, async (args) => {
    const { flags, positionals } = parseCommandLine(args, {
      dir: {
        type: "string",
        arg: "DIR",
        help: "the cluster's folder: record, logs, Redis files (default .schedlab-cluster)",
      },
      policy: {
        type: "string",
        arg: "NAME",
        help: "up: the coordinator's baseline (default earliest-finish-pull)",
      },
      checkpoint: {
        type: "string",
        arg: "DIR",
        help: "up: a trained checkpoint instead of a baseline",
      },
      "dashboard-port": {
        type: "string",
        arg: "N",
        help: "up: the dashboard's port (default 8700)",
      },
    }, { positionals: true });
    const [action, ...extra] = positionals;
    if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
    const dir = flags.dir ?? DEFAULT_CLUSTER_DIR;
    switch (action) {
      case "up":
        return await up({
          dir,
          policy: flags.policy,
          checkpoint: flags.checkpoint,
          dashboardPort: integerFlag("dashboard-port", flags["dashboard-port"], 8700, 1),
        });
      case "down":
        return await down(dir);
      case "status":
        return await status(dir);
      default:
        throw new UsageError(`Expected up, down or status but found "${action ?? ""}"`);
    }
  });
}
