import assert from "node:assert/strict";
import { runDeno } from "../helpers/deno.ts";

const CLI = new URL("../../lib/cli/baselines.ts", import.meta.url).pathname;
const BRAUN = new URL("../../../shared/benchmarks/braun-etc/", import.meta.url).pathname;

async function run(...args: string[]) {
  return await runDeno(["run", "--allow-read", "--allow-env", CLI, ...args]);
}

Deno.test("baselines --json prints one JSON report and nothing else on stdout", async () => {
  const { code, stdout } = await run(
    "--scenario",
    "seed-9",
    "--episodes",
    "2",
    "--seed",
    "3",
    "--json",
  );
  assert.equal(code, 0);
  const report = JSON.parse(stdout);
  assert.equal(report.instance, "seed-9");
  assert.ok(report.results.length >= 14);
  for (const result of report.results) {
    assert.equal(typeof result.policy, "string");
    assert.ok(result.makespan > 0 && result.sumCompletion > 0);
  }
  assert.ok(report.bounds.makespanOptimum > 0 && report.bounds.sumCompletionOptimum > 0);
});

Deno.test("baselines --etc evaluates a Braun instance with Min-Min's published makespan", async () => {
  const { code, stdout } = await run(
    "--etc",
    `${BRAUN}u_c_hihi.0`,
    "--policies",
    "min-min,mct",
    "--json",
  );
  assert.equal(code, 0);
  const report = JSON.parse(stdout);
  assert.deepEqual(report.results.map((r: { makespan: number }) => r.makespan.toFixed(1)), [
    "8460675.0",
    "11422624.5",
  ]);
  assert.ok(report.bounds.makespanLowerBound < 8460675);
});

Deno.test("baselines prints a table by default", async () => {
  const { code, stdout } = await run(
    "--scenario",
    "seed-9-poisson",
    "--episodes",
    "2",
    "--policies",
    "mct,lpt",
  );
  assert.equal(code, 0);
  assert.match(stdout, /\| policy +\| makespan/);
  assert.match(stdout, /ΣC optimum n\/a/);
});

Deno.test("baselines rejects bad flags and files with a clear error and exit code", async () => {
  const cases: [string[], number, RegExp][] = [
    [
      ["--scenario", "seed-9", "--episodes", "0"],
      2,
      /Expected --episodes to be an integer >= 1 but found "0"/,
    ],
    [
      ["--scenario", "seed-9", "--seed", "x"],
      2,
      /Expected --seed to be an integer >= 0 but found "x"/,
    ],
    [["--scenario", "seed-9", "--bogus"], 2, /Unknown option '--bogus'/],
    [["--episodes", "2"], 2, /Expected exactly one of --scenario, --etc but found none/],
    [["--scenario", "nope"], 1, /scenario to be one of/],
    [["--scenario", "seed-9", "--policies", "magic"], 1, /"magic"/],
    [["--etc", "/nonexistent/etc"], 1, /No such file/],
  ];
  for (const [args, code, message] of cases) {
    const result = await run(...args);
    assert.equal(result.code, code, args.join(" "));
    assert.match(result.stderr, message);
    assert.equal(result.stdout, "");
  }
});
