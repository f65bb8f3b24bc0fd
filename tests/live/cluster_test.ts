// Against a real redis-server and real agent processes (Debian's redis-server; the launcher
// installs it for `./schedlab test`).
import assert from "node:assert/strict";
import {
  connectRedis,
  Coordinator,
  LiveKeys,
  LocalCluster,
  readStatus,
  shortWorkload,
  startRedisServer,
  submitTasks,
  waitForResults,
} from "../../lib/live/mod.ts";
import { coordinatorOptions, resolveLivePolicy } from "../../lib/live/policy.ts";
import { type LiveRunResult, runLive } from "../../lib/experiment/live/mod.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const CHECKPOINT = `${ROOT}results/live`;
const HEARTBEAT_MS = 200;

/** Runs `body` with a fresh local cluster of the 9 emulated nodes; always stops it. */
async function withCluster(
  body: (local: LocalCluster) => Promise<void>,
  heartbeatMs = HEARTBEAT_MS,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "schedlab-live-" });
  const local = await LocalCluster.start({ dir, heartbeatMs });
  try {
    await body(local);
  } finally {
    await local.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Every task has exactly one recorded result, from a node of the cluster, with its work. */
function assertEachOnce(result: LiveRunResult, nodes: readonly string[]): void {
  assert.equal(result.results.length, result.tasks.length);
  result.results.forEach((entry, i) => {
    assert.equal(entry.task, result.tasks[i]!.id);
    assert.ok(nodes.includes(entry.node), entry.node);
    assert.ok(entry.finishedAt >= entry.startedAt);
    assert.ok(entry.computeSeconds > 0);
  });
  assert.ok(result.makespan > 0 && result.makespan < result.wallSeconds + 1);
}

Deno.test("a 30-task workload completes live under a baseline, each task once", async () => {
  await withCluster(async (local) => {
    const live = await resolveLivePolicy({ policy: "earliest-finish-pull" });
    const workload = shortWorkload({ count: 30, seed: 11 });
    const result = await runLive(workload.tasks, {
      ...coordinatorOptions(live, { redisUrl: local.redis.url }),
      timeoutMs: 120_000,
    });
    assertEachOnce(result, local.nodes);
    assert.equal(result.reports, 30, "no task ran twice");
    assert.equal(result.stats.assignments, 30);
    assert.equal(result.stats.latenciesMs.length, 30);
    // The duration-aware rule spreads the work: more than one node ran something.
    assert.ok(new Set(result.results.map((entry) => entry.node)).size > 1);
  });
});

Deno.test("a 30-task workload completes live under the PPO checkpoint", async () => {
  await withCluster(async (local) => {
    const live = await resolveLivePolicy({ checkpoint: CHECKPOINT });
    assert.equal(live.policy.name, "ppo");
    const workload = shortWorkload({ count: 30, seed: 12 });
    const result = await runLive(workload.tasks, {
      ...coordinatorOptions(live, { redisUrl: local.redis.url }),
      timeoutMs: 120_000,
    });
    assertEachOnce(result, local.nodes);
    assert.ok(result.stats.decisions >= 30);
  });
});

Deno.test("kill -9 of an agent in the middle loses no task: all 30 complete exactly once", async () => {
  await withCluster(async (local) => {
    const live = await resolveLivePolicy({ policy: "lpt" });
    const workload = shortWorkload({ count: 30, seed: 13 });
    const redis = await connectRedis(local.redis.url);
    let victim = "";
    const killer = (async () => {
      // Once a few tasks are done, kill a node that holds one.
      for (;;) {
        const status = await readStatus(redis);
        const holder = status.nodes.find((node) => node.running !== undefined);
        if (status.completed >= 3 && holder) {
          victim = holder.name;
          await local.kill(victim, "SIGKILL");
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      const result = await runLive(workload.tasks, {
        ...coordinatorOptions(live, { redisUrl: local.redis.url }),
        reapEveryMs: 100,
        timeoutMs: 120_000,
      });
      await killer;
      assertEachOnce(result, local.nodes);
      assert.ok(result.stats.reclaimed >= 1, "the dead node's task was taken back");
      const status = await readStatus(redis);
      assert.equal(status.completed, 30);
      assert.equal(status.nodes.find((node) => node.name === victim)?.alive, false);
      // Nothing of the dead node is left pending in its consumer group.
      const pending = await redis.xpending(new LiveKeys().assign(victim), "agents") as unknown[];
      assert.equal(pending[0], 0);
    } finally {
      redis.disconnect();
    }
  });
});

Deno.test("a coordinator killed mid-run is replaced by one that finishes the work (PPO)", async () => {
  await withCluster(async (local) => {
    const serve = () =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-read",
          "--allow-env",
          "--allow-net",
          `${ROOT}lib/cli/serve.ts`,
          "--checkpoint",
          CHECKPOINT,
          "--redis",
          local.redis.url,
          "--no-dashboard",
          "--quiet",
        ],
        stdout: "null",
        stderr: "piped",
      }).spawn();
    const redis = await connectRedis(local.redis.url);
    const workload = shortWorkload({ count: 30, seed: 14 });
    const ids = workload.tasks.map((task) => task.id);
    let second: Deno.ChildProcess | undefined;
    try {
      const first = serve();
      await submitTasks(redis, workload.tasks);
      while ((await readStatus(redis)).completed < 5) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      first.kill("SIGKILL");
      assert.equal((await first.status).signal, "SIGKILL");
      await first.stderr.cancel();
      const midway = await readStatus(redis);
      assert.ok(midway.completed < 30, `killed too late: ${midway.completed} done`);
      second = serve();
      await waitForResults(redis, { ids, timeoutMs: 120_000 });
      const status = await readStatus(redis);
      assert.equal(status.completed, 30);
      assert.equal(status.submitted, 30, "no submission lost or doubled");
      assert.equal(status.queued, 0);
      assert.equal(status.policy, "ppo");
      const done = await redis.hkeys(new LiveKeys().done);
      assert.deepEqual(done.sort(), [...ids].sort());
    } finally {
      second?.kill("SIGTERM");
      if (second) {
        await second.status;
        await second.stderr.cancel();
      }
      redis.disconnect();
    }
  });
});

Deno.test("malformed and out-of-range messages land in the dead-letter stream", async () => {
  await withCluster(async (local) => {
    const keys = new LiveKeys();
    const redis = await connectRedis(local.redis.url);
    const live = await resolveLivePolicy({ policy: "greedy-sjf" });
    try {
      // Straight into an agent's stream, as a rogue producer would.
      await redis.xadd(
        keys.assign("pi5"),
        "*",
        "id",
        "bad-1",
        "kind",
        "matmul",
        "parameter",
        "100000",
      );
      await redis.xadd(
        keys.assign("pi5"),
        "*",
        "id",
        "bad-2",
        "kind",
        "sh -c reboot",
        "parameter",
        "1",
      );
      await redis.xadd(keys.assign("pi5"), "*", "garbage", "yes");
      // And to the coordinator: an out-of-range task, and a reused id with other content.
      await redis.xadd(keys.submit, "*", "id", "bad-3", "kind", "primes", "parameter", "-5");
      const workload = shortWorkload({ count: 10, seed: 15 });
      const [first] = workload.tasks;
      await submitTasks(redis, [first!, first!]); // a retry: accepted once, silently
      await submitTasks(redis, [{ ...first!, parameter: first!.parameter + 1 }]);
      const result = await runLive(workload.tasks, {
        ...coordinatorOptions(live, { redisUrl: local.redis.url }),
        timeoutMs: 60_000,
      });
      assertEachOnce(result, local.nodes);
      assert.equal((await readStatus(redis)).submitted, 10);
      const letters = (await redis.xrange(keys.deadLetter, "-", "+")).map(([, flat]) => {
        const fields: Record<string, string> = {};
        for (let i = 0; i < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
        return fields;
      });
      assert.equal(letters.length, 5);
      const reasons = letters.map((letter) => letter.reason!).join("\n");
      assert.match(
        reasons,
        /parameter: Expected matmul matrix size n to be in \[250, 5000\] but found 100000/,
      );
      assert.match(reasons, /kind: Expected task kind to be one of .* but found "sh -c reboot"/);
      assert.match(reasons, /id: Invalid input/);
      assert.match(
        reasons,
        /Expected primes range upper bound to be in \[240000, 4800000\] but found -5/,
      );
      assert.match(
        reasons,
        new RegExp(`task id ${first!.id} was already submitted as ${first!.kind}`),
      );
      assert.equal(letters.filter((letter) => letter.node === "pi5").length, 3);
      // The agent kept running: it is alive and nothing of its stream is left unacknowledged.
      const status = await readStatus(redis);
      assert.ok(status.nodes.find((node) => node.name === "pi5")?.alive);
      const pending = await redis.xpending(keys.assign("pi5"), "agents") as unknown[];
      assert.equal(pending[0], 0);
      assert.equal(status.deadLetters, 5);
    } finally {
      redis.disconnect();
    }
  });
});

Deno.test("a wrong Redis password gives a clear error, from the library and the CLI", async () => {
  const dir = await Deno.makeTempDir({ prefix: "schedlab-redis-" });
  const server = await startRedisServer({ dir, password: "right" });
  try {
    const wrong = server.url.replace(":right@", ":wrong@");
    await assert.rejects(
      () => connectRedis(wrong),
      /Redis at redis:\/\/\*\*\*@127\.0\.0\.1:\d+ refused the password \(WRONGPASS\)/,
    );
    await assert.rejects(() => connectRedis(server.url.replace(":right@", "")), /needs a password/);
    const agent = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}lib/cli/node.ts`, "--id", "pi5", "--redis", wrong],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(agent.code, 1);
    const stderr = new TextDecoder().decode(agent.stderr);
    assert.match(stderr, /^schedlab node: Redis at .* refused the password/m);
    assert.ok(!stderr.includes("wrong"), "the password is not echoed");
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("startRedisServer() persists to an append-only file under its folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "schedlab-redis-" });
  let server = await startRedisServer({ dir });
  try {
    const redis = await connectRedis(server.url);
    await submitTasks(redis, shortWorkload({ count: 3, seed: 1 }).tasks);
    redis.disconnect();
    await server.stop();
    server = await startRedisServer({ dir, port: server.port });
    const again = await connectRedis(server.url);
    assert.equal(await again.xlen(new LiveKeys().submit), 3, "submissions survive a restart");
    again.disconnect();
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a second coordinator waits until the first one stops: one scheduler at a time", async () => {
  await withCluster(async (local) => {
    const live = await resolveLivePolicy({ policy: "greedy-sjf" });
    const lines: string[] = [];
    const options = coordinatorOptions(live, { redisUrl: local.redis.url });
    const first = new Coordinator(options);
    const second = new Coordinator({ ...options, log: (line) => lines.push(line) });
    const stopFirst = new AbortController(), stopSecond = new AbortController();
    const firstRun = first.run(stopFirst.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const secondRun = second.run(stopSecond.signal);
    const redis = await connectRedis(local.redis.url);
    try {
      const workload = shortWorkload({ count: 12, seed: 16 });
      await submitTasks(redis, workload.tasks.slice(0, 6));
      await waitForResults(redis, {
        ids: workload.tasks.slice(0, 6).map((t) => t.id),
        timeoutMs: 60_000,
      });
      assert.match(lines.join("\n"), /another coordinator holds schedlab:coordinator-lease/);
      assert.equal(second.stats.decisions, 0, "the waiting coordinator decided nothing");
      assert.ok(first.stats.assignments >= 6);
      stopFirst.abort();
      await firstRun;
      await submitTasks(redis, workload.tasks.slice(6));
      await waitForResults(redis, { ids: workload.tasks.map((t) => t.id), timeoutMs: 60_000 });
      assert.ok(second.stats.assignments >= 6, "the second took over once the lease was free");
    } finally {
      stopFirst.abort();
      stopSecond.abort();
      await Promise.all([firstRun, secondRun]);
      redis.disconnect();
    }
  });
});

Deno.test("an agent restarted before its heartbeat expires runs what it held, nothing reclaimed", async () => {
  // A long heartbeat (expires after 6 s): the restarted agent is back well before.
  await withCluster(async (local) => {
    const live = await resolveLivePolicy({ policy: "lpt" });
    const workload = shortWorkload({ count: 20, seed: 17 });
    const redis = await connectRedis(local.redis.url);
    let victim = "", held = "";
    const restarter = (async () => {
      for (;;) {
        const status = await readStatus(redis);
        const holder = status.nodes.find((node) => node.running !== undefined);
        if (holder) {
          victim = holder.name;
          held = holder.running!;
          await local.kill(victim, "SIGKILL");
          await local.startAgent(victim);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      const result = await runLive(workload.tasks, {
        ...coordinatorOptions(live, { redisUrl: local.redis.url }),
        timeoutMs: 120_000,
      });
      await restarter;
      assertEachOnce(result, local.nodes);
      assert.equal(result.stats.reclaimed, 0);
      const entry = result.results.find((r) => r.task === held)!;
      assert.equal(entry.node, victim, "the held task ran on the restarted node");
      assert.equal(result.reports, 20, "and only there");
    } finally {
      redis.disconnect();
    }
  }, 2000);
});
