/**
 * `./schedlab serve (--policy NAME | --checkpoint DIR) [--redis URL] ...`: the coordinator of
 * a live cluster, with its dashboard. State lives in Redis: a restarted coordinator carries on.
 *
 * @module
 */
import { resolveCluster } from "../cluster/mod.ts";
import { Coordinator, maskUrl } from "../live/mod.ts";
import { serveDashboard } from "../live/dashboard.ts";
import { coordinatorOptions, resolveLivePolicy } from "../live/policy.ts";
import { integerFlag, parseFlags, runCommand, stopSignal, UsageError } from "./common.ts";
import { redisUrlOf } from "./cluster_record.ts";

const USAGE =
  "./schedlab serve (--policy NAME | --checkpoint DIR) [--redis URL] [--prefix NS] [--cluster NAME|FILE] [--calibration NAME|FILE] [--dashboard-port N] [--dashboard-host ADDR] [--no-dashboard] [--quiet]";

if (import.meta.main) {
  await runCommand("serve", USAGE, async (args) => {
    const flags = parseFlags(args, {
      policy: { type: "string" },
      checkpoint: { type: "string" },
      redis: { type: "string" },
      prefix: { type: "string" },
      cluster: { type: "string" },
      calibration: { type: "string" },
      "dashboard-port": { type: "string" },
      "dashboard-host": { type: "string" },
      "no-dashboard": { type: "boolean" },
      quiet: { type: "boolean" },
    });
    if ((flags.policy === undefined) === (flags.checkpoint === undefined)) {
      throw new UsageError("give exactly one of --policy NAME and --checkpoint DIR");
    }
    const live = await resolveLivePolicy(
      flags.policy !== undefined ? { policy: flags.policy } : { checkpoint: flags.checkpoint! },
    );
    const cluster = resolveCluster(flags.cluster ?? "live-9");
    const redisUrl = await redisUrlOf(flags.redis);
    const signal = stopSignal();
    const coordinator = new Coordinator(coordinatorOptions(live, {
      redisUrl,
      prefix: flags.prefix,
      cluster,
      calibration: flags.calibration,
      log: flags.quiet ? undefined : (line: string) => console.error(line),
    }));
    if (!flags["no-dashboard"]) {
      const dashboard = await serveDashboard({
        redisUrl,
        ...(flags.prefix ? { prefix: flags.prefix } : {}),
        hostname: flags["dashboard-host"] ?? "127.0.0.1",
        port: integerFlag("dashboard-port", flags["dashboard-port"], 8700, 0),
        signal,
      });
      console.log(`dashboard ${dashboard.url}`);
    }
    console.log(`coordinator: ${live.source} on ${cluster.name}, Redis ${maskUrl(redisUrl)}`);
    await coordinator.run(signal);
  });
}
