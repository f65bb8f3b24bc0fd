import assert from "node:assert/strict";
import { runDeno } from "../helpers/deno.ts";

Deno.test("sim-to-real writes its result and the folder's manifest of the call", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { code, stderr } = await runDeno([
      "task",
      "--quiet",
      "sim-to-real",
      "--calibration",
      "results/calibration/this-machine.json",
      "--tasks",
      "2",
      "--nodes",
      "1",
      "--points",
      "3",
      "--out",
      dir,
    ]);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(await Deno.readTextFile(`${dir}/sim_to_real.json`));
    assert.equal(result.tasks.length, 2);
    assert.ok(result.measuredMakespan > 0 && result.simulatedMakespan > 0);
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`));
    assert.equal(manifest.run, "sim-to-real");
    assert.equal(manifest.parameters.tasks, 2);
    assert.deepEqual(manifest.files.map((f: { file: string }) => f.file), ["sim_to_real.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
