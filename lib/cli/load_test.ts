/**
 * `./schedlab load-test [--tasks N] [--seed S] [--timeout S] [--out DIR]`: a bounded load
 * test on loopback: N short real tasks (prime searches from the lowest tenth of the range)
 * through the 9 emulated agents, once under a baseline and once under the live PPO
 * checkpoint; reports assignments per second and the request-to-assignment latency.
 *
 * @module
 */
import { gitCommit } from "../experiment/mod.ts";
import {
  type LoadSummary,
  loadSummary,
  LocalCluster,
  type Percentiles,
  runLive,
  shortWorkload,
  startRedisServer,
} from "../live/mod.ts";
import { coordinatorOptions, resolveLivePolicy } from "../live/policy.ts";
import { integerFlag, parseFlags, runCommand } from "./common.ts";

const USAGE =
  "./schedlab load-test [--tasks N] [--seed S] [--timeout S] [--policy NAME] [--checkpoint DIR] [--out DIR]";

function markdown(rows: readonly LoadSummary[]): string {
  const ms = ({ p50, p90, p99, max }: Percentiles) =>
    [p50, p90, p99].map((value) => value.toFixed(1)).join(" / ") + ` / ${max.toFixed(0)}`;
  const lines = [
    "| policy | tasks | makespan (s) | assignments / s | assignments / s of coordinator busy time | decisions (waits included) | decisions / s inside the policy | request→assignment, first ask: p50 / p90 / p99 / max (ms) | request→assignment, all (incl. chosen waits) | results reported |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map((row) =>
      `| ${row.policy} | ${row.tasks} | ${row.makespan.toFixed(1)} | ${
        row.assignmentsPerSecond.toFixed(0)
      } | ${row.assignmentsPerBusySecond.toFixed(0)} | ${row.decisions} | ${
        row.policyDecisionsPerSecond.toFixed(0)
      } | ${ms(row.immediateLatencyMs)} | ${ms(row.latencyMs)} | ${row.reports} |`
    ),
  ];
  return lines.join("\n");
}

if (import.meta.main) {
  await runCommand("load-test", USAGE, async (args) => {
    const flags = parseFlags(args, {
      tasks: { type: "string", arg: "N", help: "short tasks per policy (default 2000)" },
      seed: { type: "string", arg: "S", help: "seed of the workload (default 0)" },
      timeout: { type: "string", arg: "S", help: "seconds allowed per policy (default 600)" },
      policy: {
        type: "string",
        arg: "NAME",
        help: "the baseline to compare (default earliest-finish-pull)",
      },
      checkpoint: {
        type: "string",
        arg: "DIR",
        help: "the learned policy's checkpoint (default results/live)",
      },
      out: { type: "string", arg: "DIR", help: "the run folder (default results/live-load)" },
    });
    const tasks = integerFlag("tasks", flags.tasks, 2000, 1);
    const seed = integerFlag("seed", flags.seed, 0);
    const timeoutMs = 1000 * integerFlag("timeout", flags.timeout, 600, 1);
    const out = flags.out ?? "results/live-load";
    const policies = [
      await resolveLivePolicy({ policy: flags.policy ?? "earliest-finish-pull" }),
      await resolveLivePolicy({ checkpoint: flags.checkpoint ?? "results/live" }),
    ];
    await Deno.mkdir(out, { recursive: true });
    const scratch = await Deno.makeTempDir({ prefix: "schedlab-load-" });
    const redis = await startRedisServer({ dir: `${scratch}/redis` });
    const rows: LoadSummary[] = [];
    const started = performance.now();
    try {
      for (const [k, live] of policies.entries()) {
        const prefix = `load-${k}`;
        const local = await LocalCluster.start({ dir: `${scratch}/${prefix}`, redis, prefix });
        try {
          const workload = shortWorkload({ count: tasks, seed, kinds: ["primes"] });
          const result = await runLive(workload.tasks, {
            ...coordinatorOptions(live, { redisUrl: redis.url, prefix }),
            timeoutMs,
          });
          rows.push(loadSummary(result));
          console.error(`${live.policy.name}: ${tasks} tasks in ${result.makespan.toFixed(1)} s`);
        } finally {
          await local.stop();
        }
      }
    } finally {
      await redis.stop();
      await Deno.remove(scratch, { recursive: true });
    }
    const table = markdown(rows);
    await Deno.writeTextFile(`${out}/load.md`, table + "\n");
    await Deno.writeTextFile(
      `${out}/load.json`,
      JSON.stringify(
        {
          run: "load-test",
          parameters: { tasks, kinds: ["primes"], bin: "0 of 10", cluster: "live-9", timeoutMs },
          seed,
          commit: await gitCommit(),
          machine: { cores: navigator.hardwareConcurrency, deno: Deno.version.deno },
          totalSeconds: (performance.now() - started) / 1000,
          results: rows,
        },
        null,
        2,
      ) + "\n",
    );
    console.log(table);
  });
}
