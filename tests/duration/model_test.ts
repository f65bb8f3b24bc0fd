import assert from "node:assert/strict";
import { SEED_CLUSTER } from "../../lib/cluster/mod.ts";
import {
  capacity,
  DurationModel,
  fitCalibration,
  fitPowerLaw,
  parseOriginalCsv,
  SEED_CALIBRATION,
} from "../../lib/duration/mod.ts";
import { Rng } from "../../lib/random/mod.ts";
import { TASK_KINDS } from "../../lib/tasks/mod.ts";

const SEED_CSV = new URL(
  "../../../shared/benchmarks/seed-cluster/benchmark_results_laptop-fast.csv",
  import.meta.url,
);
const [pi5, pi4, , fast, , constrained] = SEED_CLUSTER.nodes;

Deno.test("capacity() uses all cores for matmul, one CPU for single-thread kinds, the disk for file I/O", () => {
  assert.equal(capacity(fast!, "matmul"), 2);
  assert.equal(capacity(fast!, "primes"), 1);
  assert.equal(capacity(constrained!, "sort"), 0.5);
  assert.equal(capacity(constrained!, "matmul"), 0.5);
  assert.ok(capacity(pi4!, "matmul") > capacity(pi4!, "primes"));
  assert.ok(capacity(fast!, "fileio") / capacity(pi5!, "fileio") > 2.9);
});

Deno.test("DurationModel.mean() reproduces the original's Raspberry Pi ratios at the defaults", () => {
  const model = new DurationModel(SEED_CALIBRATION, SEED_CLUSTER.nodes);
  const ratio = (kind: "primes" | "sort" | "fileio", parameter: number, node: number) =>
    model.mean(kind, parameter, node) / model.mean(kind, parameter, 3);
  // pi-timings.txt: primes 16.5 s / 37.5 s, sort 7.5 / 15.5, file I/O 6.5 / 20.5; laptop-fast 5.6, 2.3, 2.2.
  assert.ok(Math.abs(ratio("primes", 2.4e6, 0) - 16.5 / 5.6) < 0.3);
  assert.ok(Math.abs(ratio("primes", 2.4e6, 1) - 37.5 / 5.6) < 0.5);
  assert.ok(Math.abs(ratio("sort", 5e6, 1) - 15.5 / 2.3) < 0.5);
  assert.ok(Math.abs(ratio("fileio", 1e6, 1) - 20.5 / 2.2) < 0.5);
  assert.ok(Math.abs(model.mean("primes", 2.4e6, 3) - 5.6) < 0.3);
});

Deno.test("DurationModel.sample() is mean-preserving log-normal noise", () => {
  const model = new DurationModel(SEED_CALIBRATION, SEED_CLUSTER.nodes, { noise: 0.3 });
  const rng = new Rng(4);
  const n = 40_000;
  let sum = 0, sumLog = 0;
  for (let i = 0; i < n; i++) {
    const value = model.sample(10, rng.normal());
    sum += value;
    sumLog += Math.log(value / 10);
  }
  assert.ok(Math.abs(sum / n - 10) < 0.06, `mean ${sum / n}`);
  assert.ok(Math.abs(sumLog / n + 0.045) < 0.01);
  assert.equal(
    new DurationModel(SEED_CALIBRATION, SEED_CLUSTER.nodes, { noise: 0 }).sample(3, 2),
    3,
  );
});

Deno.test("DurationModel() rejects a bad noise level or an empty cluster", () => {
  assert.throws(
    () => new DurationModel(SEED_CALIBRATION, SEED_CLUSTER.nodes, { noise: -1 }),
    /noise/,
  );
  assert.throws(() => new DurationModel(SEED_CALIBRATION, []), /at least one node/);
});

Deno.test("fitPowerLaw() recovers known coefficients from noisy samples of the model itself", () => {
  const rng = new Rng(11);
  const xs = Array.from({ length: 200 }, () => rng.uniform(1e3, 1e6));
  const ys = xs.map((x) => 3e-7 * x ** 1.3 * Math.exp(0.1 * rng.normal()));
  const law = fitPowerLaw(xs, ys);
  assert.ok(Math.abs(law.exponent - 1.3) < 0.03, `exponent ${law.exponent}`);
  assert.ok(Math.abs(Math.log(law.scale / 3e-7)) < 0.3, `scale ${law.scale}`);
  assert.ok(Math.abs(law.sigma - 0.1) < 0.02, `sigma ${law.sigma}`);
  assert.ok(law.r2 > 0.99);
  assert.throws(() => fitPowerLaw([5, 5], [1, 2]), /distinct/);
});

Deno.test("fitCalibration() on the original's CSV reproduces SEED_CALIBRATION", async () => {
  const samples = parseOriginalCsv(
    await Deno.readTextFile(SEED_CSV),
    SEED_CLUSTER.nodes,
    "seed CSV",
  );
  assert.equal(samples.length, 76);
  const fitted = fitCalibration(samples, { name: "refit", source: "test" });
  for (const kind of TASK_KINDS) {
    const law = fitted.kinds[kind]!, reference = SEED_CALIBRATION.kinds[kind]!;
    assert.ok(Math.abs(law.exponent - reference.exponent) < 1e-3, kind);
    assert.ok(Math.abs(law.scale / reference.scale - 1) < 1e-3, kind);
    assert.ok(law.r2 > 0.99, kind);
  }
});

Deno.test("fitCalibration() and parseOriginalCsv() reject bad input, naming it", () => {
  assert.throws(() => fitCalibration([], { name: "x", source: "y" }), /kind matmul/);
  assert.throws(
    () =>
      fitCalibration([{ kind: "sort", parameter: 1, seconds: -1, capacity: 1 }], {
        name: "x",
        source: "y",
      }),
    /samples\[0\]\.seconds/,
  );
  assert.throws(
    () => parseOriginalCsv("node,task\n", SEED_CLUSTER.nodes, "f.csv"),
    /f\.csv: no "parameter_value"/,
  );
  const header = "node,task,parameter,parameter_value,execution_time,iteration";
  assert.throws(
    () => parseOriginalCsv(`${header}\nlaptop-fast,quantum,n,5,1,1`, SEED_CLUSTER.nodes, "f.csv"),
    /line 2: expected task to be a known kind's original name but found "quantum"/,
  );
});
