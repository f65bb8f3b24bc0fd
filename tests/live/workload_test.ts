import assert from "node:assert/strict";
import { loadLiveWorkload, shortWorkload } from "../../lib/live/mod.ts";
import { kindSpec } from "../../lib/tasks/mod.ts";

Deno.test("loadLiveWorkload() reads a valid file and names the bad field of a bad one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const good = `${dir}/good.json`;
    await Deno.writeTextFile(
      good,
      JSON.stringify({
        name: "two",
        tasks: [{ id: "a", kind: "sort", parameter: 600000 }, {
          id: "b",
          kind: "primes",
          parameter: 300000,
        }],
      }),
    );
    assert.deepEqual((await loadLiveWorkload(good)).tasks.map((task) => task.id), ["a", "b"]);
    const bad = `${dir}/bad.json`;
    await Deno.writeTextFile(
      bad,
      JSON.stringify({
        name: "bad",
        tasks: [{ id: "a", kind: "sort", parameter: 600000 }, {
          id: "a",
          kind: "matmul",
          parameter: 9,
        }],
      }),
    );
    await assert.rejects(
      () => loadLiveWorkload(bad),
      /Invalid workload file .*bad\.json: tasks\.1\.parameter: Expected matmul matrix size n to be in \[250, 5000\] but found 9; tasks: task ids must be unique/,
    );
    await Deno.writeTextFile(bad, "{ not json");
    await assert.rejects(() => loadLiveWorkload(bad), /bad\.json: not JSON/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shortWorkload() is seeded and draws from the lowest tenth of each range", () => {
  const a = shortWorkload({ count: 200, seed: 3 });
  assert.deepEqual(a, shortWorkload({ count: 200, seed: 3 }));
  assert.notDeepEqual(a.tasks, shortWorkload({ count: 200, seed: 4 }).tasks);
  for (const task of a.tasks) {
    const { min, max } = kindSpec(task.kind);
    assert.ok(task.parameter >= min && task.parameter <= min + (max - min) / 10, `${task.id}`);
  }
  assert.equal(new Set(a.tasks.map((task) => task.kind)).size, 4);
  assert.equal(a.tasks[0]!.id, "t000");
});
