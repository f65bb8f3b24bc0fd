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
import { exactlyOneFlag, integerFlag, parseFlags, runCommand, stopSignal } from "./common.ts";
import { redisUrlOf } from "./cluster_record.ts";

const USAGE =
  "./schedlab serve (--policy NAME | --checkpoint DIR) [--redis URL] [--prefix NS] [--cluster NAME|FILE] [--calibration NAME|FILE] [--dashboard-port N] [--dashboard-host ADDR] [--no-dashboard] [--quiet]";

if (import.meta.main) {
  await runCommand("serve", USAGE, async (args) => {
    const flags = parseFlags(args, {
      policy: { type: "string", arg: "NAME", help: "a baseline to schedule with" },
      checkpoint: { type: "string", arg: "DIR", help: "a trained checkpoint to schedule with" },
      redis: {
        type: "string",
        arg: "URL",
        help: "Redis URL (default $SCHEDLAB_REDIS or the local cluster's)",
      },
      prefix: { type: "string", arg: "NS", help: "key prefix of the cluster's streams" },
      cluster: { type: "string", arg: "NAME|FILE", help: "the cluster (default live-9)" },
      calibration: { type: "string", arg: "NAME|FILE", help: "the duration model's calibration" },
      "dashboard-port": {
        type: "string",
        arg: "N",
        help: "the dashboard's port, 0 for any (default 8700)",
      },
      "dashboard-host": {
        type: "string",
        arg: "ADDR",
        help: "the dashboard's address (default 127.0.0.1)",
      },
      "no-dashboard": { type: "boolean", help: "no dashboard" },
      quiet: { type: "boolean", help: "no log lines" },
    });
    exactlyOneFlag({ policy: flags.policy, checkpoint: flags.checkpoint });
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
