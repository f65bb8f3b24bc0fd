import assert from "node:assert/strict";
import { SEED_CLUSTER } from "../../lib/cluster/mod.ts";
import { DurationModel, SEED_CALIBRATION } from "../../lib/duration/mod.ts";
import {
  embeddingRegression,
  fitProfiles,
  makeEnv,
  priceOfProfiling,
  profileGrid,
  profileRuns,
  profilingCrossover,
  resolveScenario,
  summariseProfiling,
} from "../../lib/experiment/mod.ts";
import { EstimatedDurationsPolicy, makeBaseline, runEpisode } from "../../lib/policies/mod.ts";
import { TASK_KINDS } from "../../lib/tasks/mod.ts";

const exactModel = new DurationModel(SEED_CALIBRATION, SEED_CLUSTER.nodes, { noise: 0 });

Deno.test("a heuristic on estimated durations equal to the true ones schedules exactly as the heuristic", () => {
  const env = makeEnv(resolveScenario("seed-9-heldout"));
  for (const name of ["max-min", "sufferage", "earliest-finish-pull"]) {
    const wrapped = new EstimatedDurationsPolicy(
      makeBaseline(name),
      (instance) => instance.expected.slice(),
      `${name} (estimated)`,
    );
    for (let seed = 0; seed < 5; seed++) {
      const plain = runEpisode(env, makeBaseline(name), { seed });
      const estimated = runEpisode(env, wrapped, { seed });
      assert.deepEqual(estimated.assignedNode, plain.assignedNode, `${name} seed ${seed}`);
      assert.equal(estimated.makespan, plain.makespan);
    }
  }
});

Deno.test("a heuristic on wrong durations schedules differently (the estimate is what it reads)", () => {
  const env = makeEnv(resolveScenario("seed-9-heldout"));
  const reversed = new EstimatedDurationsPolicy(
    makeBaseline("max-min"),
    (instance) => instance.expected.map((d) => 1 / d),
    "max-min (inverted)",
  );
  const plain = runEpisode(env, makeBaseline("max-min"), { seed: 3 });
  assert.ok(runEpisode(env, reversed, { seed: 3 }).makespan > plain.makespan * 1.2);
});

Deno.test("profiled runs without noise give back the true power law, with one run or three", () => {
  for (const k of [1, 3]) {
    const runs = profileRuns(exactModel, TASK_KINDS, k, 7);
    assert.equal(runs.length, TASK_KINDS.length * k * exactModel.nodeCount);
    const estimate = fitProfiles(runs);
    for (const kind of TASK_KINDS) {
      const [parameter] = profileGrid(kind, 1);
      for (let node = 0; node < exactModel.nodeCount; node++) {
        const truth = exactModel.mean(kind, parameter!, node);
        // One run extrapolates with the stated exponent: exact at its own parameter only.
        assert.ok(Math.abs(estimate(kind, parameter!, node) / truth - 1) < 1e-9, `${kind} k=${k}`);
        const far = exactModel.mean(kind, profileGrid(kind, 10)[9]!, node);
        const error = Math.abs(estimate(kind, profileGrid(kind, 10)[9]!, node) / far - 1);
        assert.ok(k === 3 ? error < 1e-9 : error < 0.2, `${kind} k=${k} far error ${error}`);
      }
    }
  }
});

Deno.test("noisy profiles cost their runs' node-seconds and differ by profile seed", () => {
  const noisy = new DurationModel(SEED_CALIBRATION, SEED_CLUSTER.nodes, { noise: 0.1 });
  const a = profileRuns(noisy, ["sort"], 3, 1), b = profileRuns(noisy, ["sort"], 3, 2);
  assert.notDeepEqual(a, b);
  const cost = a.reduce((s, r) => s + r.seconds, 0);
  const mean = a.reduce((s, r) => s + noisy.mean(r.kind, r.parameter, r.node), 0);
  assert.ok(Math.abs(cost / mean - 1) < 0.1);
});

Deno.test("the embedding regression fits the kinds it saw and predicts a positive duration for a new one", () => {
  const truth = (kind: typeof TASK_KINDS[number], p: number, node: number) =>
    exactModel.mean(kind, p, node);
  const seen = ["matmul", "primes", "sort"] as const;
  const estimate = embeddingRegression("character", seen, truth, { nodeCount: 9 });
  for (const kind of seen) {
    for (const p of profileGrid(kind, 4)) {
      const ratio = estimate(kind, p, 0) / truth(kind, p, 0);
      assert.ok(ratio > 0.5 && ratio < 2, `${kind} ${p}: ${ratio}`);
    }
  }
  const guess = estimate("fileio", 1_000_000, 0);
  assert.ok(Number.isFinite(guess) && guess > 0);
});

Deno.test("priceOfProfiling: cost grows with k, exact and learned points at zero, a crossover per heuristic", async () => {
  const scenario = resolveScenario("seed-9-heldout");
  const points = await priceOfProfiling(scenario, {
    heuristics: ["max-min"],
    runsPerPair: [1, 3],
    profileSeeds: 2,
    episodes: 3,
    seed: 5,
    learned: [makeBaseline("greedy-sjf")],
    regressionEmbedding: "character",
  });
  assert.deepEqual(
    points.map((p) => [p.policy, p.source, p.runsPerPair]),
    [["max-min", "profiled", 1], ["max-min", "profiled", 3], ["max-min", "exact", null], [
      "greedy-sjf",
      "learned",
      null,
    ]],
  );
  assert.ok(points[1]!.nodeHours > points[0]!.nodeHours * 2);
  assert.equal(points[0]!.ratios.length, 2);
  assert.equal(points[3]!.ratios.length, 1);
  for (const p of points) for (const r of p.ratios.flat()) assert.ok(r >= 1 - 1e-6);
  const summaries = summariseProfiling(points, 1);
  const crossover = profilingCrossover(summaries, summaries[3]!.mean);
  assert.equal(crossover[0]!.heuristic, "max-min");
  assert.equal(crossover[0]!.runsPerPair, 1); // greedy SJF is ~2.6x the optimum
  await assert.rejects(
    () =>
      priceOfProfiling(scenario, {
        heuristics: ["max-min"],
        runsPerPair: [0],
        profileSeeds: 1,
        episodes: 1,
        seed: 5,
        learned: [],
        regressionEmbedding: "character",
      }),
    /k = 0 needs a withheld kind/,
  );
});
