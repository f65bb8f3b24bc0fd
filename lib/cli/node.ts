/**
 * `./schedlab node --id NAME --redis URL [--cluster NAME|FILE] [--threads N] [--slowdown F]`:
 * a node agent. Its spec is the cluster's node of that name; threads and slowdown default to
 * how that node is emulated on this machine (see `emulationOf`).
 *
 * @module
 */
import { emulationOf, resolveCluster } from "../cluster/mod.ts";
import { NodeAgent } from "../live/mod.ts";
import {
  integerFlag,
  numberFlag,
  parseFlags,
  requiredFlag,
  runCommand,
  stopSignal,
  UsageError,
} from "./common.ts";
import { redisUrlOf } from "./cluster_record.ts";

const USAGE =
  "./schedlab node --id NAME [--redis URL] [--prefix NS] [--cluster NAME|FILE] [--threads N] [--slowdown F] [--heartbeat-ms MS] [--temp-dir DIR] [--quiet]";

if (import.meta.main) {
  await runCommand("node", USAGE, async (args) => {
    const flags = parseFlags(args, {
      id: { type: "string", arg: "NAME", help: "the node's name in the cluster (required)" },
      redis: {
        type: "string",
        arg: "URL",
        help: "Redis URL (default $SCHEDLAB_REDIS or the local cluster's)",
      },
      prefix: { type: "string", arg: "NS", help: "key prefix of the cluster's streams" },
      cluster: {
        type: "string",
        arg: "NAME|FILE",
        help: "the cluster the node belongs to (default live-9)",
      },
      threads: {
        type: "string",
        arg: "N",
        help: "worker threads (default: the node's emulation on this machine)",
      },
      slowdown: {
        type: "string",
        arg: "F",
        help: "slowdown factor in [1, 100] (default: the node's emulation)",
      },
      "heartbeat-ms": { type: "string", arg: "MS", help: "heartbeat period (default 1000)" },
      "temp-dir": {
        type: "string",
        arg: "DIR",
        help: "where file I/O tasks write (default: the system's temporary folder)",
      },
      quiet: { type: "boolean", help: "no log lines" },
    });
    const id = requiredFlag("id", flags.id);
    const cluster = resolveCluster(flags.cluster ?? "live-9");
    const spec = cluster.nodes.find((node) => node.name === id);
    if (!spec) {
      throw new UsageError(
        `Expected --id to be a node of cluster ${cluster.name} (${
          cluster.nodes.map((node) => node.name).join(", ")
        }) but found "${id}"`,
      );
    }
    const emulation = emulationOf(spec, navigator.hardwareConcurrency);
    const agent = new NodeAgent({
      name: spec.name,
      spec,
      redisUrl: await redisUrlOf(flags.redis),
      ...(flags.prefix ? { prefix: flags.prefix } : {}),
      threads: integerFlag("threads", flags.threads, emulation.threads, 1),
      slowdown: numberFlag("slowdown", flags.slowdown, emulation.slowdown, { min: 1, max: 100 }),
      heartbeatMs: integerFlag("heartbeat-ms", flags["heartbeat-ms"], 1000, 50),
      ...(flags["temp-dir"] ? { tempDir: flags["temp-dir"] } : {}),
      ...(flags.quiet ? {} : { log: (line: string) => console.error(line) }),
    });
    const summary = await agent.run(stopSignal());
    console.error(
      `[${spec.name}] stopped: ${summary.executed} run, ${summary.rejected} rejected, ${summary.stale} stale`,
    );
  });
}
