// Against a real redis-server and real worker processes (Debian's redis-server; the launcher
// installs it for `./schedlab test`). Runs are tiny: the toy config, 2-100 PPO updates
// (200 for a run that is stopped at once).
import assert from "node:assert/strict";
import { Queue } from "bullmq";
import { connectRedis, startRedisServer } from "../../lib/live/redis.ts";
import { denoTasks, ROOT } from "../helpers/deno.ts";
import {
  codeVersion,
  DETERMINISTIC_FILES,
  loadSweep,
  resolveRuns,
  runJob,
  runRatios,
  type RunSpec,
  runSweep,
  startSweepWorker,
  SWEEP_KEYS,
  SWEEP_QUEUE,
  type SweepResult,
  workerCommand,
} from "../../lib/sweep/mod.ts";

const TINY = `${ROOT}tests/sweep/tiny.json`;
const VALID = ["seed-5d", "learned-4d"];
/** Learning-curve columns that are wall-clock measurements, not results. */
const TIMING_COLUMNS = ["stepsPerSecond", "updateMs"];

/** A learning curve without its timing columns. */
async function curveWithoutTimings(dir: string): Promise<string> {
  const rows = (await Deno.readTextFile(`${dir}/learning_curve.csv`)).trim().split("\n")
    .map((line) => line.split(","));
  const keep = rows[0]!.map((column, i) => TIMING_COLUMNS.includes(column) ? -1 : i)
    .filter((i) => i >= 0);
  return rows.map((row) => keep.map((i) => row[i]).join(",")).join("\n");
}

/** Runs `body` with a fresh temporary folder; always removes it. */
async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "schedlab-sweep-test-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * A worker process (`lib/cli/worker.ts`) whose stderr lines are collected; `stop` signals it
 * (if it still runs) and waits until it has exited and its stderr is read.
 */
function spawnWorker(url: string, stallSeconds: number) {
  const [command, args] = workerCommand(url, { stallSeconds, attached: false });
  const child = new Deno.Command(command, {
    args,
    cwd: ROOT,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const done = (async () => {
    let buffer = "";
    for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) {
      buffer += text;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      lines.push(...parts);
    }
  })();
  const stop = async (signal: Deno.Signal) => {
    try {
      child.kill(signal);
    } catch { /* exited */ }
    await child.status;
    await done;
  };
  return { child, lines, stop };
}

/** Whether a process exists and has not exited (an unreaped orphan is a zombie). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return false;
  }
}

/** Polls until `check` holds (every 100 ms, at most `seconds`). */
async function until(check: () => boolean | Promise<boolean>, seconds: number, what: string) {
  const deadline = performance.now() + seconds * 1000;
  while (!await check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function byStatus(result: SweepResult, status: "done" | "failed") {
  return result.runs.filter((run) => run.status === status);
}

Deno.test("runSweep() on 2 local workers equals serial runs bit for bit, reports failing arms, keeps finished runs", async () => {
  await withTempDir(async (dir) => {
    const sweep = await loadSweep(TINY);
    const result = await runSweep(sweep, { out: `${dir}/sweep`, workers: 2, figure: false });

    // 2 valid arms × 2 seeds done; the arm that throws in training and the invalid one fail.
    const done = byStatus(result, "done");
    assert.deepEqual(done.map((run) => `${run.arm}/${run.seedIndex}`).sort(), [
      "learned-4d/0",
      "learned-4d/1",
      "seed-5d/0",
      "seed-5d/1",
    ]);
    const failed = byStatus(result, "failed");
    assert.equal(failed.length, 4);
    for (const run of failed.filter((run) => run.arm === "broken")) {
      assert.match(run.error!, /no-such-embedding/);
    }
    for (const run of failed.filter((run) => run.arm === "invalid")) {
      assert.match(run.error!, /envs/);
    }
    assert.deepEqual(result.arms.map((arm) => [arm.arm, arm.seeds, arm.failed]), [
      ["seed-5d", 2, 0],
      ["learned-4d", 2, 0],
      ["broken", 0, 2],
      ["invalid", 0, 2],
    ]);
    assert.ok(result.arms[0]!.iqmLow <= result.arms[0]!.iqm);
    assert.ok(result.arms[0]!.iqm <= result.arms[0]!.iqmHigh);

    // The same runs, one after the other in this process.
    const { runs } = resolveRuns(sweep);
    for (const run of runs.filter((run: RunSpec) => VALID.includes(run.arm))) {
      const serial = `${dir}/serial/${run.arm}/seed-${run.seedIndex}`;
      await runJob(run, serial);
      const swept = `${dir}/sweep/runs/${run.arm}/seed-${run.seedIndex}`;
      for (const file of DETERMINISTIC_FILES) {
        assert.deepEqual(
          await Deno.readFile(`${swept}/${file}`),
          await Deno.readFile(`${serial}/${file}`),
          `${run.arm} seed-${run.seedIndex} ${file}`,
        );
      }
      assert.equal(await curveWithoutTimings(swept), await curveWithoutTimings(serial));
    }

    // Submitted again: the finished runs are kept as they are.
    const before = await Deno.stat(`${dir}/sweep/runs/seed-5d/seed-0/sweep.json`);
    const again = await runSweep(sweep, {
      out: `${dir}/sweep`,
      workers: 2,
      figure: false,
      overrides: { arms: VALID },
    });
    assert.equal(again.runs.length, 4);
    assert.ok(again.runs.every((run) => run.status === "done" && run.kept));
    const after = await Deno.stat(`${dir}/sweep/runs/seed-5d/seed-0/sweep.json`);
    assert.equal(after.mtime?.getTime(), before.mtime?.getTime());
  });
});

Deno.test("a worker killed with kill -9 mid-run: another worker re-runs it; every run once; a resubmission runs nothing", async () => {
  await withTempDir(async (dir) => {
    const server = await startRedisServer({ dir: `${dir}/redis` });
    const workers = [spawnWorker(server.url, 2), spawnWorker(server.url, 2)];
    try {
      await until(
        () => workers.every((w) => w.lines.some((line) => line.includes("waiting for runs"))),
        60,
        "2 workers",
      );
      const sweep = await loadSweep(TINY);
      const options = {
        redis: server.url,
        figure: false,
        overrides: { arms: ["seed-5d"], updates: 100 },
      };
      const sweeping = runSweep(sweep, { ...options, out: `${dir}/first` });
      // Kill the first worker to start a run, as soon as it started it (the run takes seconds).
      let victim: (typeof workers)[number] | undefined;
      await until(
        () => {
          victim = workers.find((w) => w.lines.some((line) => line.includes("started (pid")));
          return victim !== undefined;
        },
        60,
        "a run to start",
      );
      const started = victim!.lines.find((line) => line.includes("started (pid"))!;
      const killedJob = started.match(/: (run-[0-9a-f]+) /)![1]!;
      const childPid = Number(started.match(/pid (\d+)/)![1]);
      victim!.child.kill("SIGKILL");
      await victim!.child.status;
      // Its run's child process notices that its parent is gone and exits.
      await until(() => !alive(childPid), 10, "the killed worker's run process to exit");

      const result = await sweeping;
      assert.equal(byStatus(result, "done").length, 2, JSON.stringify(result.runs));
      const survivor = workers.find((w) => w !== victim)!;
      await until(
        () => survivor.lines.some((line) => line.includes(killedJob) && line.includes("done")),
        10,
        "the surviving worker to finish the killed worker's run",
      );
      const redis = await connectRedis(server.url);
      const starts = await redis.hgetall(SWEEP_KEYS.starts);
      assert.equal(starts[killedJob], "2", "the killed run started twice");
      assert.deepEqual(Object.values(starts).sort(), ["1", "2"]);
      for (const run of result.runs) {
        const sweepJson = JSON.parse(await Deno.readTextFile(`${run.dir}/sweep.json`));
        assert.equal(sweepJson.jobId, run.jobId);
        assert.equal((await runRatios(run.dir)).length, 3);
      }

      // The same sweep again, into another folder: gathered from Redis, nothing is run.
      const second = await runSweep(sweep, { ...options, out: `${dir}/second` });
      assert.equal(byStatus(second, "done").length, 2);
      assert.deepEqual(await redis.hgetall(SWEEP_KEYS.starts), starts);
      for (const run of second.runs) {
        const first = result.runs.find((r) => r.jobId === run.jobId)!;
        assert.deepEqual(
          await Deno.readFile(`${run.dir}/checkpoint/weights.bin`),
          await Deno.readFile(`${first.dir}/checkpoint/weights.bin`),
        );
      }
      redis.disconnect();
    } finally {
      for (const w of workers) await w.stop("SIGTERM");
      await server.stop();
    }
  });
});

Deno.test("a worker stopped with Ctrl-C kills its run's process and gives the run back to the queue", async () => {
  await withTempDir(async (dir) => {
    const server = await startRedisServer({ dir: `${dir}/redis` });
    const queue = new Queue(SWEEP_QUEUE, { connection: { url: server.url } });
    const worker = spawnWorker(server.url, 30);
    try {
      const [run] = resolveRuns(await loadSweep(TINY), { arms: ["seed-5d"], updates: 200 }).runs;
      await queue.add("seed-5d", { run, commit: await codeVersion() }, {
        jobId: "run-ctrl-c",
        attempts: 3,
      });
      await until(() => worker.lines.some((line) => line.includes("started (pid")), 60, "a run");
      const started = worker.lines.find((line) => line.includes("started (pid"))!;
      const childPid = Number(started.match(/pid (\d+)/)![1]);
      worker.child.kill("SIGINT");
      assert.equal((await worker.child.status).code, 0);
      assert.ok(!alive(childPid), "the run's process is gone");
      assert.equal(await queue.getJobState("run-ctrl-c"), "waiting");
      const job = await queue.getJob("run-ctrl-c");
      assert.match(job!.failedReason, /stopped during/);
    } finally {
      await worker.stop("SIGKILL");
      await queue.close();
      await server.stop();
    }
  });
});

Deno.test("a worker at another commit refuses a run, naming both commits", async () => {
  await withTempDir(async (dir) => {
    const server = await startRedisServer({ dir: `${dir}/redis` });
    const worker = await startSweepWorker({
      redis: server.url,
      commit: "0123456789abcdef",
      log: () => {},
    });
    try {
      const result = await runSweep(await loadSweep(TINY), {
        redis: server.url,
        out: `${dir}/out`,
        commit: "fedcba9876543210",
        figure: false,
        overrides: { arms: ["seed-5d"], seeds: 1 },
      });
      assert.equal(result.runs.length, 1);
      assert.equal(result.runs[0]!.status, "failed");
      assert.match(result.runs[0]!.error!, /fedcba9876543210/);
      assert.match(result.runs[0]!.error!, /0123456789abcdef/);
    } finally {
      await worker.close();
      await server.stop();
    }
  });
});

Deno.test("a sweep whose owner is killed with kill -9 resumes and keeps its finished runs", async () => {
  await withTempDir(async (dir) => {
    const out = `${dir}/out`;
    const flags = ["--arms", VALID.join(","), "--seeds", "1", "--updates", "10"];
    // `./schedlab sweep` as deno.json runs it (its permissions included), minus `deno task`.
    const [, ...task] = (await denoTasks()).sweep!.command.split(" ");
    const owner = new Deno.Command(Deno.execPath(), {
      args: [...task, TINY, "--workers", "1", "--out", out, ...flags],
      cwd: ROOT,
      stdout: "null",
      stderr: "null",
    }).spawn();
    const finished = async () => {
      const names = [];
      for (const arm of VALID) {
        try {
          await Deno.stat(`${out}/runs/${arm}/seed-0/sweep.json`);
          names.push(arm);
        } catch { /* not yet */ }
      }
      return names;
    };
    await until(async () => (await finished()).length === 1, 120, "the first run");
    owner.kill("SIGKILL");
    await owner.status;
    const [first] = await finished();
    const before = await Deno.stat(`${out}/runs/${first}/seed-0/sweep.json`);
    const server = JSON.parse(await Deno.readTextFile(`${out}/.sweep/redis/server.json`));

    const result = await runSweep(await loadSweep(TINY), {
      out,
      workers: 1,
      figure: false,
      overrides: { arms: VALID, seeds: 1, updates: 10 },
    });
    assert.equal(byStatus(result, "done").length, 2);
    assert.ok(result.runs.find((run) => run.arm === first)!.kept, "the finished run is kept");
    assert.ok(!result.runs.find((run) => run.arm !== first)!.kept);
    const after = await Deno.stat(`${out}/runs/${first}/seed-0/sweep.json`);
    assert.equal(after.mtime?.getTime(), before.mtime?.getTime());
    // The private broker is stopped and its folder removed.
    await assert.rejects(connectRedis(server.url), /no Redis answers/);
    await assert.rejects(Deno.stat(`${out}/.sweep`));
  });
});
