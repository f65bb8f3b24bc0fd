import assert from "node:assert/strict";
import { interruptWhen } from "../helpers/interrupt.ts";
import {
  calibrate,
  parseProfile,
  profile,
  PROFILE_COLUMNS,
  profilePlan,
  type ProfileSample,
} from "../../lib/profile/mod.ts";
import { Rng } from "../../lib/random/mod.ts";
import { TASK_KINDS } from "../../lib/tasks/mod.ts";
import { MatmulPool, multiplyMatrices } from "../../lib/tasks/mod.ts";

Deno.test("MatmulPool computes the same product as one thread", async () => {
  const pool = new MatmulPool(2);
  try {
    assert.equal(await pool.multiply(33, new Rng(4)), multiplyMatrices(33, new Rng(4)));
  } finally {
    pool.close();
  }
});

Deno.test("profilePlan() interleaves kinds, 1 and 2 workers for matmul, disk and tmpfs for file I/O", () => {
  const plan = profilePlan({ points: 3 });
  assert.equal(plan.length, 3 * 6);
  assert.deepEqual(plan.slice(0, 6).map((e) => `${e.kind}/${e.threads}/${e.storage}`), [
    "matmul/1/-",
    "matmul/2/-",
    "primes/1/-",
    "sort/1/-",
    "fileio/1/disk",
    "fileio/1/tmpfs",
  ]);
});

Deno.test("calibrate() recovers the exponents and scales of synthetic noisy samples", () => {
  const rng = new Rng(9);
  const truth = {
    matmul: [2e-9, 3],
    primes: [4e-9, 1.5],
    sort: [2e-7, 1.05],
    fileio: [3e-6, 1],
  } as Record<string, readonly [number, number]>;
  const samples: ProfileSample[] = [];
  for (const kind of TASK_KINDS) {
    const [scale, exponent] = truth[kind]!;
    for (let i = 0; i < 8; i++) {
      const parameter = 1000 * 2 ** i;
      for (let repetition = 0; repetition < 3; repetition++) {
        const threads = kind === "matmul" ? 1 + (repetition % 2) : 1;
        const seconds = scale * parameter ** exponent / threads * Math.exp(0.05 * rng.normal());
        // Two-worker runs are measured too but not fitted: their speed-up is reported.
        samples.push({
          kind,
          parameter,
          threads,
          storage: kind === "fileio" ? "disk" : "-",
          repetition,
          wallSeconds: seconds,
          cpuSeconds: seconds,
          bytesRead: 0,
          bytesWritten: 0,
        });
      }
    }
  }
  const report = calibrate(samples, { name: "synthetic", source: "test" });
  for (const kind of TASK_KINDS) {
    const law = report.calibration.kinds[kind]!;
    assert.ok(Math.abs(law.exponent - truth[kind]![1]) < 0.02, `${kind} exponent ${law.exponent}`);
    assert.ok(Math.abs(Math.log(law.scale / truth[kind]![0])) < 0.2, `${kind} scale ${law.scale}`);
    assert.ok(law.mape < 0.05, `${kind} MAPE ${law.mape}`);
    assert.ok(Math.abs(law.sigma - 0.05) < 0.03, `${kind} sigma ${law.sigma}`);
  }
  assert.deepEqual(report.variants.map((v) => [v.kind, v.variant.threads]), [["matmul", 2]]);
  assert.ok(Math.abs(report.variants[0]!.ratio - 2) < 0.2);
});

Deno.test("parseProfile() rejects empty, headless and malformed files, naming the line and field", () => {
  const header = PROFILE_COLUMNS.join(",");
  assert.throws(() => parseProfile("", "p.csv"), /p\.csv: the file is empty/);
  assert.throws(() => parseProfile("kind,parameter\n", "p.csv"), /missing columns threads/);
  assert.throws(() => parseProfile(`${header}\n`, "p.csv"), /no samples after the header/);
  assert.throws(
    () => parseProfile(`${header}\nsort,-5,1,-,0,1,1,0,0`, "p.csv"),
    /line 2: parameter/,
  );
  assert.throws(() => parseProfile(`${header}\ngpu,5,1,-,0,1,1,0,0`, "p.csv"), /line 2: kind/);
  assert.equal(parseProfile(`${header}\nsort,5,1,-,0,1,1,0,0`, "p.csv")[0]!.kind, "sort");
});

Deno.test("profile() keeps the samples measured before it is stopped", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const controller = new AbortController();
    const { samples, complete } = await profile({
      out: `${dir}/p.csv`,
      budgetSeconds: 60,
      repetitions: 2,
      seed: 0,
      points: 3,
      kinds: ["primes", "sort"],
      signal: controller.signal,
      onSample: (_, done) => {
        if (done === 3) controller.abort();
      },
    });
    assert.equal(complete, false);
    assert.ok(samples.length >= 3 && samples.length < 12);
    const written = parseProfile(await Deno.readTextFile(`${dir}/p.csv`), "p.csv");
    assert.equal(written.length, samples.length);
    const budgeted = await profile({
      out: `${dir}/b.csv`,
      budgetSeconds: 0,
      repetitions: 1,
      seed: 0,
      points: 3,
    });
    assert.equal(budgeted.complete, false);
    assert.equal((await Deno.readTextFile(`${dir}/b.csv`)).trim(), PROFILE_COLUMNS.join(","));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("schedlab profile stops on Ctrl-C with exit code 130 and keeps its samples", async () => {
  const dir = await Deno.makeTempDir();
  const root = new URL("../../", import.meta.url).pathname;
  try {
    const { code, stderr } = await interruptWhen(
      [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        `${root}lib/cli/profile.ts`,
        "--out",
        `${dir}/p.csv`,
        "--points",
        "3",
        "--repetitions",
        "2",
      ],
      { when: /\[4\/\d+\]/ },
    );
    assert.equal(code, 130, stderr);
    const samples = parseProfile(await Deno.readTextFile(`${dir}/p.csv`), "p.csv");
    assert.ok(samples.length >= 4);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
