/**
 * `./schedlab submit (--workload FILE | --generate N [--seed S]) [--redis URL] [--wait]`:
 * submits tasks to a live cluster's coordinator. Every task is validated before any is sent.
 *
 * @module
 */
import {
  connectRedis,
  formatStatus,
  loadLiveWorkload,
  readStatus,
  shortWorkload,
  submitTasks,
  waitForResults,
} from "../live/mod.ts";
import { exactlyOneFlag, integerFlag, parseFlags, runCommand } from "./common.ts";
import { redisUrlOf } from "./cluster_record.ts";

const USAGE =
  "./schedlab submit (--workload FILE | --generate N [--seed S]) [--redis URL] [--prefix NS] [--wait [--timeout S]]";

if (import.meta.main) {
  await runCommand("submit", USAGE, async (args) => {
    const flags = parseFlags(args, {
      workload: { type: "string", arg: "FILE", help: "a workload JSON file to submit" },
      generate: { type: "string", arg: "N", help: "generate N tasks instead" },
      seed: { type: "string", arg: "S", help: "seed of the generated tasks (default 0)" },
      redis: {
        type: "string",
        arg: "URL",
        help: "Redis URL (default $SCHEDLAB_REDIS or the local cluster's)",
      },
      prefix: { type: "string", arg: "NS", help: "key prefix of the cluster's streams" },
      wait: { type: "boolean", help: "wait until every task is done, then print the status" },
      timeout: { type: "string", arg: "S", help: "seconds to wait (default 600)" },
    });
    exactlyOneFlag({ workload: flags.workload, generate: flags.generate });
    const seed = integerFlag("seed", flags.seed, 0);
    const workload = flags.workload !== undefined
      ? await loadLiveWorkload(flags.workload)
      : shortWorkload({
        count: integerFlag("generate", flags.generate, 0, 1),
        seed,
        idPrefix: `s${seed}-${Date.now().toString(36)}-`,
      });
    const redis = await connectRedis(await redisUrlOf(flags.redis), "submit");
    try {
      await submitTasks(redis, workload.tasks, flags.prefix);
      console.log(`submitted ${workload.tasks.length} tasks of ${workload.name}`);
      if (!flags.wait) return;
      await waitForResults(redis, {
        ids: workload.tasks.map((task) => task.id),
        prefix: flags.prefix,
        timeoutMs: 1000 * integerFlag("timeout", flags.timeout, 600, 1),
      });
      console.log(formatStatus(await readStatus(redis, flags.prefix)));
    } finally {
      redis.disconnect();
    }
  });
}
