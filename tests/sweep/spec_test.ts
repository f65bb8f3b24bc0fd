import assert from "node:assert/strict";
import { jobId, loadSweep, mergePatch, resolveRuns } from "../../lib/sweep/mod.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const TINY = `${ROOT}tests/sweep/tiny.json`;

Deno.test("mergePatch() follows RFC 7396: objects merge, null deletes, the rest replaces", () => {
  const target = { a: 1, b: { c: 2, d: [1, 2] }, e: "x" };
  assert.deepEqual(mergePatch(target, { a: null, b: { c: 3, d: [9] }, f: { g: 1 } }), {
    b: { c: 3, d: [9] },
    e: "x",
    f: { g: 1 },
  });
  assert.deepEqual(target, { a: 1, b: { c: 2, d: [1, 2] }, e: "x" }, "the target is unchanged");
  assert.deepEqual(mergePatch({ a: 1 }, [1]), [1]);
});

Deno.test("loadSweep() names the field of an invalid sweep file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/bad.json`;
    const sweep = JSON.parse(await Deno.readTextFile(TINY));
    await Deno.writeTextFile(path, JSON.stringify({ ...sweep, seeds: 0 }));
    await assert.rejects(loadSweep(path), /sweep file .*bad\.json: seeds: /);
    const arms = [...sweep.arms, sweep.arms[0]];
    await Deno.writeTextFile(path, JSON.stringify({ ...sweep, arms }));
    await assert.rejects(loadSweep(path), /arms: arm names must be unique/);
    await Deno.writeTextFile(
      path,
      JSON.stringify({ ...sweep, arms: [{ name: "A b", patch: {} }] }),
    );
    await assert.rejects(loadSweep(path), /arms\.0\.name: must be lower-case/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resolveRuns() patches the base per arm and seed; overrides shrink the grid", async () => {
  const sweep = await loadSweep(TINY);
  const { runs, invalid } = resolveRuns(sweep);
  assert.equal(runs.length, 3 * 2, "3 valid arms x 2 seeds");
  assert.deepEqual(invalid.map((arm) => arm.arm), ["invalid"]);
  assert.match(invalid[0]!.error, /config of arm invalid: envs: /);
  const learned = runs.filter((run) => run.arm === "learned-4d");
  assert.deepEqual(learned.map((run) => run.config.seed), [1, 2], "toy's seed 1, then 2");
  assert.equal(learned[0]!.config.learnedEmbedding, 4);
  assert.equal(learned[0]!.config.updates, 2);
  assert.equal(learned[0]!.config.scorerHidden[0], 32, "the base's value where no patch says");
  const small = resolveRuns(sweep, { arms: ["seed-5d"], seeds: 1, updates: 7, episodes: 1 });
  assert.equal(small.runs.length, 1);
  assert.equal(small.runs[0]!.config.updates, 7);
  assert.equal(small.runs[0]!.evaluation.episodes, 1);
  assert.throws(() => resolveRuns(sweep, { arms: ["nope"] }), /Unknown arm\(s\) nope/);
});

Deno.test("jobId() is the same for the same run and commit, different otherwise", async () => {
  const { runs } = resolveRuns(await loadSweep(TINY));
  const [a, b] = runs;
  assert.equal(await jobId(a!, "c1"), await jobId(structuredClone(a!), "c1"));
  assert.notEqual(await jobId(a!, "c1"), await jobId(b!, "c1"), "another seed");
  assert.notEqual(await jobId(a!, "c1"), await jobId(a!, "c2"), "another commit");
  assert.match(await jobId(a!, "c1"), /^run-[0-9a-f]{32}$/);
});

Deno.test("codeVersion() tells two different edits of one commit apart and ignores results/", async () => {
  const dir = await Deno.makeTempDir();
  const git = (...args: string[]) =>
    new Deno.Command("git", { args: ["-C", dir, ...args], stdout: "null", stderr: "null" })
      .output();
  // In a process of its own, whose working directory is the repository.
  const version = async () => {
    const script = `import { codeVersion } from "${ROOT}lib/sweep/spec.ts";
      console.log(await codeVersion());`;
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--config", `${ROOT}deno.json`, "--ext=ts", script],
      cwd: dir,
      stdout: "piped",
    }).output();
    return new TextDecoder().decode(output.stdout).trim();
  };
  try {
    await git("init", "-q");
    await Deno.writeTextFile(`${dir}/a.txt`, "one\n");
    await Deno.mkdir(`${dir}/results`);
    await Deno.writeTextFile(`${dir}/results/r.md`, "one\n");
    await git("add", "a.txt", "results/r.md");
    await git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "a");
    const clean = await version();
    assert.match(clean, /^[0-9a-f]{40}$/);
    await Deno.writeTextFile(`${dir}/results/r.md`, "rewritten by a run\n");
    assert.equal(await version(), clean, "results are not code");
    await Deno.writeTextFile(`${dir}/a.txt`, "two\n");
    const first = await version();
    await Deno.writeTextFile(`${dir}/a.txt`, "three\n");
    const second = await version();
    assert.ok(first.startsWith(`${clean}+dirty-`), first);
    assert.notEqual(first, second);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
