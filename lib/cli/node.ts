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
      id: { type: "string" },
      redis: { type: "string" },
      prefix: { type: "string" },
      cluster: { type: "string" },
      threads: { type: "string" },
      slowdown: { type: "string" },
      "heartbeat-ms": { type: "string" },
      "temp-dir": { type: "string" },
      quiet: { type: "boolean" },
    });
    if (!flags.id) throw new UsageError("--id is required");
    const cluster = resolveCluster(flags.cluster ?? "live-9");
    const spec = cluster.nodes.find((node) => node.name === flags.id);
    if (!spec) {
      throw new UsageError(
        `--id must be a node of cluster ${cluster.name} (${
          cluster.nodes.map((node) => node.name).join(", ")
        }) but is "${flags.id}"`,
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
