import assert from "node:assert/strict";
import { executeNotebook, installKernel, listNotebooks } from "../../lib/cli/notebooks.ts";
import { stripNotebook } from "../../lib/cli/strip_notebooks.ts";
import { notebookParams, PARAMS_VARIABLE } from "../../lib/report/mod.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("committed notebooks are stripped of outputs and each has a smoke budget", async () => {
  const smoke = JSON.parse(await Deno.readTextFile(`${ROOT}notebooks/smoke.json`));
  const names = await listNotebooks(`${ROOT}notebooks`, []);
  assert.ok(names.length >= 6, names.join(", "));
  for (const name of names) {
    const text = await Deno.readTextFile(`${ROOT}notebooks/${name}.ipynb`);
    assert.equal(
      stripNotebook(text),
      text,
      `${name} is not stripped: run ./schedlab strip-notebooks`,
    );
    assert.ok(smoke[name], `${name} has no entry in notebooks/smoke.json`);
    const cells = JSON.parse(text).cells as { metadata: { tags?: string[] } }[];
    assert.equal(
      cells.filter((c) => c.metadata.tags?.includes("parameters")).length,
      1,
      `${name}: one parameters cell`,
    );
  }
});

Deno.test("every notebook executes headless on the Deno kernel with its smoke budget", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}lib/cli/notebooks.ts`, "--smoke"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, `${stdout}\n${new TextDecoder().decode(output.stderr)}`);
  const executed = JSON.parse(
    await Deno.readTextFile(`${ROOT}results/smoke/notebooks/02_headline.ipynb`),
  );
  const outputs = executed.cells.flatMap((
    cell: { outputs?: { data?: Record<string, unknown> }[] },
  ) => cell.outputs ?? []);
  assert.ok(
    outputs.some((o: { data?: Record<string, unknown> }) =>
      o.data?.["application/vnd.plotly.v1+json"]
    ),
  );
  assert.ok(outputs.some((o: { data?: Record<string, unknown> }) => o.data?.["image/png"]));
  const manifest = JSON.parse(
    await Deno.readTextFile(`${ROOT}results/smoke/02_headline/manifest.json`),
  );
  assert.ok(
    manifest.files.some((f: { file: string; sha256: string }) =>
      f.file === "headline_makespan.png" && f.sha256.length === 64
    ),
  );
  const png = await Deno.readFile(`${ROOT}results/smoke/02_headline/headline_makespan.png`);
  assert.deepEqual(Array.from(png.subarray(1, 4)), [0x50, 0x4e, 0x47]); // "PNG"
});

Deno.test("a notebook with a throwing cell fails the run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const notebook = {
      cells: [
        {
          cell_type: "code",
          id: "a",
          metadata: {},
          execution_count: null,
          outputs: [],
          source: ["const x = 1;"],
        },
        {
          cell_type: "code",
          id: "b",
          metadata: {},
          execution_count: null,
          outputs: [],
          source: ['throw new Error("boom");'],
        },
      ],
      metadata: { kernelspec: { display_name: "Deno", language: "typescript", name: "deno" } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    await Deno.writeTextFile(`${dir}/throws.ipynb`, JSON.stringify(notebook));
    await installKernel();
    const result = await executeNotebook(`${dir}/throws.ipynb`, { outDir: dir, params: {} });
    assert.equal(result.ok, false);
    assert.match(result.log, /boom/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("notebookParams() applies overrides and rejects unknown or mistyped ones", () => {
  const defaults = { episodes: 200, out: "../results/x", names: ["a"] };
  const withEnv = (value: string, run: () => void) => {
    Deno.env.set(PARAMS_VARIABLE, value);
    try {
      run();
    } finally {
      Deno.env.delete(PARAMS_VARIABLE);
    }
  };
  assert.deepEqual(notebookParams(defaults), defaults);
  withEnv('{"episodes": 4}', () => assert.equal(notebookParams(defaults).episodes, 4));
  withEnv(
    '{"epsiodes": 4}',
    () =>
      assert.throws(
        () => notebookParams(defaults),
        /to name known parameters .* but found "epsiodes"/,
      ),
  );
  withEnv(
    '{"episodes": "4"}',
    () =>
      assert.throws(
        () => notebookParams(defaults),
        /Expected SCHEDLAB_PARAMS\.episodes to be a number but found a string/,
      ),
  );
  withEnv(
    '{"names": "a"}',
    () =>
      assert.throws(
        () => notebookParams(defaults),
        /SCHEDLAB_PARAMS\.names to be an array but found a string/,
      ),
  );
  withEnv("{", () => assert.throws(() => notebookParams(defaults), /is not JSON/));
});
