import assert from "node:assert/strict";
import fc from "fast-check";
import {
  clusterPreset,
  drawCluster,
  loadCluster,
  parseCluster,
  SEED_CLUSTER,
} from "../../lib/cluster/mod.ts";
import { Rng } from "../../lib/random/mod.ts";

Deno.test("SEED_CLUSTER follows the original's 9-node table", () => {
  const nodes = SEED_CLUSTER.nodes;
  assert.equal(nodes.length, 9);
  assert.deepEqual(nodes.map((n) => n.arch), ["arm", "arm", "arm", ...Array(6).fill("x86")]);
  assert.deepEqual(nodes.slice(3).map((n) => n.cores), [2, 1, 0.5, 1, 0.5, 0.5]);
  const fast = nodes[3]!, pi5 = nodes[0]!, pi4 = nodes[1]!;
  assert.ok(fast.cpuSpeed / pi5.cpuSpeed > 2.8 && fast.cpuSpeed / pi5.cpuSpeed < 3.4);
  assert.ok(fast.cpuSpeed / pi4.cpuSpeed > 6.5 && fast.cpuSpeed / pi4.cpuSpeed < 9.5);
  assert.ok(nodes[6]!.diskMBps < fast.diskMBps);
  assert.equal(clusterPreset("seed-9"), SEED_CLUSTER);
  assert.throws(() => clusterPreset("moon"), /seed-9.*"moon"/);
});

Deno.test("parseCluster() names the offending field", () => {
  const node = { ...SEED_CLUSTER.nodes[0]! };
  assert.throws(
    () => parseCluster({ name: "c", nodes: [] }),
    /nodes: a cluster needs at least one node/,
  );
  assert.throws(
    () => parseCluster({ name: "c", nodes: [{ ...node, cores: -1 }] }),
    /nodes\.0\.cores/,
  );
  assert.throws(
    () => parseCluster({ name: "c", nodes: [{ ...node, arch: "mips" }] }),
    /nodes\.0\.arch/,
  );
  assert.throws(() => parseCluster({ name: "c", nodes: [node, node] }), /unique/);
  assert.equal(parseCluster({ name: "c", nodes: [node] }).nodes.length, 1);
});

Deno.test("loadCluster() reads a valid file and rejects malformed JSON, naming the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/ok.json`, JSON.stringify(SEED_CLUSTER));
    assert.deepEqual(await loadCluster(`${dir}/ok.json`), SEED_CLUSTER);
    await Deno.writeTextFile(`${dir}/bad.json`, "{ nodes: ");
    await assert.rejects(() => loadCluster(`${dir}/bad.json`), /bad\.json: not JSON/);
    await Deno.writeTextFile(
      `${dir}/field.json`,
      JSON.stringify({ name: "x", nodes: [{ name: "a" }] }),
    );
    await assert.rejects(() => loadCluster(`${dir}/field.json`), /field\.json: nodes\.0\.arch/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("drawCluster() draws the template's node types, unique names, speeds within the jitter (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.integer(),
      fc.integer({ min: 1, max: 40 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (seed, count, jitter) => {
        const drawn = drawCluster(SEED_CLUSTER, new Rng(seed), { name: "d", nodes: count, jitter });
        assert.equal(drawn.nodes.length, count);
        assert.equal(new Set(drawn.nodes.map((n) => n.name)).size, count);
        for (const node of drawn.nodes) {
          const type = SEED_CLUSTER.nodes.find((t) => node.name.startsWith(`${t.name}-`))!;
          assert.equal(node.cores, type.cores);
          assert.equal(node.power, type.power);
          for (const key of ["cpuSpeed", "diskMBps"] as const) {
            const ratio = Math.log(node[key] / type[key]);
            assert.ok(Math.abs(ratio) <= jitter + 1e-12, `${key} jittered by e^${ratio}`);
          }
        }
        assert.deepEqual(
          drawCluster(SEED_CLUSTER, new Rng(seed), { name: "d", nodes: count, jitter }),
          drawn,
        );
      },
    ),
    { numRuns: 50 },
  );
  for (
    const [options, field] of [[{ nodes: 0 }, "nodes"], [{ nodes: 2.5 }, "nodes"], [{
      jitter: -0.1,
    }, "jitter"], [{ jitter: NaN }, "jitter"]] as const
  ) {
    assert.throws(
      () => drawCluster(SEED_CLUSTER, new Rng(1), { name: "d", ...options }),
      new RegExp(`Expected ${field}`),
    );
  }
  assert.throws(
    () => drawCluster({ name: "empty", nodes: [] }, new Rng(1), { name: "d" }),
    /template empty/,
  );
  const exact = drawCluster(SEED_CLUSTER, new Rng(1), { name: "d" });
  assert.equal(exact.nodes.length, SEED_CLUSTER.nodes.length);
  assert.ok(exact.nodes.every((n) => SEED_CLUSTER.nodes.some((t) => t.cpuSpeed === n.cpuSpeed)));
});
