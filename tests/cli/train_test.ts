import assert from "node:assert/strict";
import { ROOT, runDeno } from "../helpers/deno.ts";
import { interruptWhen } from "../helpers/interrupt.ts";

async function schedlab(
  script: string,
  args: string[],
  permissions = ["--allow-read", "--allow-write", "--allow-env", "--allow-run=git"],
) {
  return await runDeno(["run", ...permissions, `${ROOT}lib/cli/${script}.ts`, ...args]);
}

Deno.test("train on the toy instance writes a run folder and beats random on held-out parameters", async () => {
  const out = await Deno.makeTempDir();
  try {
    const trained = await schedlab("train", ["--config", "experiments/toy.json", "--out", out]);
    assert.equal(trained.code, 0, trained.stderr);
    assert.match(trained.stderr, /update 30\/30/);
    for (
      const file of [
        "config.json",
        "learning_curve.csv",
        "evaluation.json",
        "evaluation.md",
        "manifest.json",
      ]
    ) {
      await Deno.stat(`${out}/${file}`);
    }
    const curve = (await Deno.readTextFile(`${out}/learning_curve.csv`)).trim().split("\n");
    assert.equal(curve.length, 31);
    assert.match(curve[0]!, /^update,steps,episodes,trainMakespan/);
    const { heldout, training } = JSON.parse(await Deno.readTextFile(`${out}/evaluation.json`));
    const makespan = (
      report: { results: { policy: string; makespan: number }[] },
      policy: string,
    ) => report.results.find((r) => r.policy === policy)!.makespan;
    assert.ok(
      makespan(heldout, "ppo") < makespan(heldout, "random"),
      "PPO beats random on held-out parameters",
    );
    assert.ok(training.results.length === heldout.results.length);
    const manifest = JSON.parse(await Deno.readTextFile(`${out}/manifest.json`));
    assert.equal(manifest.seed, 1);
    assert.match(manifest.commit, /^([0-9a-f]{40}(\+dirty)?|unknown)$/);
    assert.ok(manifest.timings.trainSeconds > 0);

    const evaluated = await schedlab(
      "evaluate",
      ["--checkpoint", out, "--episodes", "3", "--json"],
      [
        "--allow-read",
        "--allow-env",
      ],
    );
    assert.equal(evaluated.code, 0, evaluated.stderr);
    const report = JSON.parse(evaluated.stdout);
    assert.equal(report.results[0].policy, "ppo");
    assert.equal(report.episodes, 3);
    assert.ok(report.bounds.makespanOptimum > 0);

    // Resuming with more updates continues the same run.
    const resumed = await schedlab("train", [
      "--config",
      "experiments/toy.json",
      "--out",
      out,
      "--resume",
      out,
      "--updates",
      "32",
    ]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /update 32\/32/);
    assert.doesNotMatch(resumed.stderr, /update 30\/32/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("train --learner tfjs trains on the TensorFlow.js reference and its manifest says so", async () => {
  const out = await Deno.makeTempDir();
  try {
    const args = ["--config", "experiments/toy.json", "--updates", "2", "--no-evaluate"];
    const trained = await schedlab("train", [...args, "--out", out, "--learner", "tfjs"]);
    assert.equal(trained.code, 0, trained.stderr);
    assert.match(trained.stderr, /update 2\/2/);
    const manifest = JSON.parse(await Deno.readTextFile(`${out}/manifest.json`));
    assert.equal(manifest.run, "train toy (tfjs learner)");
    const array = await schedlab("train", [...args, "--out", `${out}/array`]);
    assert.equal(array.code, 0, array.stderr);
    const arrayManifest = JSON.parse(await Deno.readTextFile(`${out}/array/manifest.json`));
    assert.equal(arrayManifest.run, "train toy");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("train and evaluate reject bad flags, configs and checkpoints clearly", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bad.json`, JSON.stringify({ name: "bad", updates: -1 }));
    const cases: [string, string[], number, RegExp][] = [
      ["train", [], 2, /Expected --config but found none/],
      ["train", ["--config", `${dir}/missing.json`], 1, /No such file/],
      [
        "train",
        ["--config", `${dir}/bad.json`],
        1,
        /training config .*bad\.json: .*train: .*updates/s,
      ],
      [
        "train",
        ["--config", "experiments/toy.json", "--updates", "x"],
        2,
        /Expected --updates to be an integer/,
      ],
      [
        "train",
        ["--config", "experiments/toy.json", "--resume", dir, "--init-from", dir],
        2,
        /Expected --resume or --init-from but found both/,
      ],
      [
        "train",
        ["--config", "experiments/toy.json", "--learner", "torch"],
        2,
        /Expected --learner to be array or tfjs but found "torch"/,
      ],
      ["evaluate", ["--checkpoint", dir], 1, /Invalid checkpoint .*cannot read checkpoint\.json/],
      [
        "evaluate",
        ["--checkpoint", dir, "--split", "test"],
        2,
        /Expected --split to be heldout or train/,
      ],
    ];
    for (const [script, args, code, message] of cases) {
      const result = await schedlab(script, args);
      assert.equal(result.code, code, `${script} ${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("train stops on Ctrl-C after the current update and still writes its run folder", async () => {
  const out = await Deno.makeTempDir();
  try {
    const permissions = ["--allow-read", "--allow-write", "--allow-env", "--allow-run=git"];
    const { code, stderr } = await interruptWhen(
      [
        "run",
        ...permissions,
        `${ROOT}lib/cli/train.ts`,
        "--config",
        "experiments/toy.json",
        "--out",
        out,
        "--updates",
        "100000",
      ],
      { cwd: ROOT, when: /update 3\// },
    );
    assert.equal(code, 0, stderr);
    assert.match(stderr, /stopping after this update/);
    const curve = (await Deno.readTextFile(`${out}/learning_curve.csv`)).trim().split("\n");
    assert.ok(curve.length > 3 && curve.length < 1000, `${curve.length - 1} updates`);
    const manifest = JSON.parse(await Deno.readTextFile(`${out}/manifest.json`));
    assert.ok(manifest.files.some((f: { file: string }) => f.file === "checkpoint/weights.bin"));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
