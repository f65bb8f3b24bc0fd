// Against a real redis-server and real agent processes (Debian's redis-server).
import assert from "node:assert/strict";
import { loadTest } from "../../../lib/experiment/live/mod.ts";
import { resolveLivePolicy } from "../../../lib/live/policy.ts";

Deno.test("loadTest() runs a short workload per policy into a run folder with its manifest", async () => {
  const out = await Deno.makeTempDir();
  try {
    const rows = await loadTest({
      policies: [
        await resolveLivePolicy({ policy: "earliest-finish-pull" }),
        await resolveLivePolicy({ policy: "max-min" }),
      ],
      tasks: 30,
      seed: 4,
      timeoutMs: 120_000,
      out,
    });
    assert.deepEqual(rows.map((row) => row.policy), ["earliest-finish-pull", "max-min"]);
    for (const row of rows) {
      assert.equal(row.tasks, 30);
      assert.ok(row.reports >= 30);
      assert.ok(row.makespan > 0 && row.assignmentsPerSecond > 0);
      assert.ok(row.immediateLatencyMs.p50 <= row.immediateLatencyMs.max);
    }
    const saved = JSON.parse(await Deno.readTextFile(`${out}/load.json`));
    assert.deepEqual(
      saved.map((row: { makespan: number }) => row.makespan),
      rows.map((row) => row.makespan),
    );
    const table = (await Deno.readTextFile(`${out}/load.md`)).trim().split("\n");
    assert.equal(table.length, 2 + rows.length);
    assert.match(table[2]!, /^\| earliest-finish-pull +\| 30 +\|/);
    const manifest = JSON.parse(await Deno.readTextFile(`${out}/manifest.json`));
    assert.equal(manifest.run, "load-test");
    assert.equal(manifest.seed, 4);
    assert.equal(manifest.parameters.tasks, 30);
    assert.deepEqual(manifest.files.map((file: { file: string }) => file.file).sort(), [
      "load.json",
      "load.md",
    ]);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
