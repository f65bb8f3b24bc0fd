import assert from "node:assert/strict";
import { runDeno } from "../helpers/deno.ts";

const CLI = new URL("../../lib/cli/evaluate.ts", import.meta.url).pathname;

async function run(...args: string[]) {
  return await runDeno(["run", "--allow-read", "--allow-env", CLI, ...args]);
}

Deno.test("evaluate --scenario runs a checkpoint on a scenario file beside the baselines, with flow times", async () => {
  const { code, stdout, stderr } = await run(
    "--checkpoint",
    "results/headline",
    "--scenario",
    "experiments/scenarios/seed-9-poisson-high.json",
    "--episodes",
    "2",
    "--policies",
    "max-min,min-min",
    "--json",
  );
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout);
  assert.equal(report.instance, "seed-9-poisson-high");
  assert.deepEqual(report.results.map((r: { policy: string }) => r.policy), [
    "ppo",
    "max-min",
    "min-min",
  ]);
  for (const result of report.results) {
    assert.ok(result.meanFlowTimeSummary.mean > 0);
    assert.ok(result.meanSlowdownSummary.mean >= 1);
    assert.equal(result.perEpisode.meanFlowTime.length, 2);
  }
});

Deno.test("evaluate --scenario fails naming the mismatch when the seed scorer meets another cluster", async () => {
  const { code, stderr } = await run(
    "--checkpoint",
    "results/headline",
    "--scenario",
    "experiments/scenarios/mix-12.json",
    "--episodes",
    "1",
  );
  assert.equal(code, 1);
  assert.match(
    stderr,
    /seed scorer cannot run on scenario mix-12: nodeCount is 9 in the checkpoint but the scenario's cluster has 12 nodes; window is 24 in the checkpoint but 32 in the scenario/,
  );
});
