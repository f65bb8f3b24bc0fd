// `./schedlab cluster up|status|down`, `submit` and the dashboard's address, as a user runs them.
import assert from "node:assert/strict";
import { runDeno } from "../helpers/deno.ts";
import { isRunning } from "../../lib/cli/cluster.ts";
import { freePort } from "../../lib/live/mod.ts";

async function schedlab(task: string, ...args: string[]): Promise<{ code: number; out: string }> {
  const { code, stdout, stderr } = await runDeno(["task", "--quiet", task, ...args]);
  return { code, out: stdout + stderr };
}

Deno.test("cluster up starts 9 agents and a coordinator; submit --wait runs work; down stops all", async () => {
  const dir = await Deno.makeTempDir({ prefix: "schedlab-cluster-" });
  const port = String(freePort());
  let record:
    | { redisUrl: string; coordinatorPid: number; agentPids: Record<string, number> }
    | undefined;
  try {
    const bad = await schedlab("cluster", "up", "--dir", dir, "--policy", "nosuch");
    assert.equal(bad.code, 1);
    assert.match(bad.out, /Expected policy to be one of .* but found "nosuch"/);
    assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing started");
    const up = await schedlab("cluster", "up", "--dir", dir, "--dashboard-port", port);
    assert.equal(up.code, 0, up.out);
    assert.equal((up.out.match(/ alive /g) ?? []).length, 9, up.out);
    assert.match(up.out, new RegExp(`dashboard http://127\\.0\\.0\\.1:${port}/`));
    record = JSON.parse(await Deno.readTextFile(`${dir}/cluster.json`));
    assert.match(
      record!.redisUrl,
      /^redis:\/\/:[0-9a-f]{32}@127\.0\.0\.1:\d+$/,
      "loopback, password",
    );
    const again = await schedlab("cluster", "up", "--dir", dir);
    assert.equal(again.code, 1);
    assert.match(again.out, /already up/);

    const submit = await schedlab(
      "submit",
      "--generate",
      "8",
      "--redis",
      record!.redisUrl,
      "--wait",
    );
    assert.equal(submit.code, 0, submit.out);
    assert.match(submit.out, /8 submitted, 0 queued, 0 running, 8 completed/);
    const page = await fetch(`http://127.0.0.1:${port}/api/status`);
    const { status } = await page.json();
    assert.equal(status.completed, 8);
    assert.equal(status.policy, "earliest-finish-pull");

    const shown = await schedlab("cluster", "status", "--dir", dir);
    assert.match(shown.out, /coordinator \(--policy earliest-finish-pull\): running/);

    const down = await schedlab("cluster", "down", "--dir", dir);
    assert.equal(down.code, 0, down.out);
    assert.match(down.out, /stopped 10 processes and Redis/);
    assert.ok(!isRunning(record!.coordinatorPid));
    for (const pid of Object.values(record!.agentPids)) assert.ok(!isRunning(pid));
    assert.ok((await Deno.stat(`${dir}/redis/appendonlydir`)).isDirectory, "AOF kept");
    const gone = await schedlab("cluster", "status", "--dir", dir);
    assert.equal(gone.code, 1);
    assert.match(gone.out, /no cluster record/);
  } finally {
    // Whatever was started, even by an `up` that failed, is stopped: detached processes would
    // otherwise outlive the test (and hold the files it holds open, such as a lock).
    record ??= await Deno.readTextFile(`${dir}/cluster.json`).then(JSON.parse, () => undefined);
    if (record) {
      for (const pid of [record.coordinatorPid, ...Object.values(record.agentPids)]) {
        if (isRunning(pid)) Deno.kill(pid, "SIGKILL");
      }
      await schedlab("cluster", "down", "--dir", dir);
    }
    await Deno.remove(dir, { recursive: true });
  }
});
