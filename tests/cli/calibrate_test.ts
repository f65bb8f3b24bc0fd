import assert from "node:assert/strict";
import { runDeno } from "../helpers/deno.ts";

Deno.test("calibrate writes the calibration and the call's manifest beside it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/fitted.json`;
    const { code, stderr } = await runDeno([
      "task",
      "--quiet",
      "calibrate",
      "--profile",
      "results/profile/profile.csv",
      "--name",
      "fitted",
      "--out",
      out,
    ]);
    assert.equal(code, 0, stderr);
    const calibration = JSON.parse(await Deno.readTextFile(out));
    assert.equal(calibration.name, "fitted");
    const manifest = JSON.parse(await Deno.readTextFile(`${dir}/fitted.manifest.json`));
    assert.equal(manifest.run, "calibrate");
    assert.deepEqual(manifest.parameters, {
      profile: "results/profile/profile.csv",
      name: "fitted",
      out,
    });
    assert.deepEqual(manifest.files.map((f: { file: string }) => f.file), ["fitted.json"]);
    assert.ok(manifest.timings.fit > 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
