import assert from "node:assert/strict";
import fc from "fast-check";
import { makespanLowerBound, makespanOptimum, minSumCompletion } from "../../lib/bounds/mod.ts";
import {
  actualDurations,
  type EpisodeInfo,
  IDLE,
  type Instance,
  instanceFromMatrix,
  SchedulingEnv,
  splitOf,
} from "../../lib/env/mod.ts";
import { SEED_CLUSTER } from "../../lib/cluster/mod.ts";
import {
  drawInstance,
  evaluateInstance,
  evaluateScenario,
  reportTable,
  resolveScenario,
  summarise,
  tQuantile975,
} from "../../lib/experiment/mod.ts";
import { baselineNames, makeBaseline, type Policy, runEpisode } from "../../lib/policies/mod.ts";
import { hashInts, Rng } from "../../lib/random/mod.ts";

Deno.test("every baseline's makespan and ΣC respect the exact optima and the LP bound (fast-check)", async () => {
  const policies = baselineNames().map(makeBaseline);
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 1e6 }),
      fc.integer({ min: 2, max: 9 }),
      async (seed, n) => {
        const rng = new Rng(seed);
        const m = 1 + rng.int(4);
        const etc = Float64Array.from({ length: n * m }, () => rng.uniform(0.5, 30));
        const instance = {
          ...instanceFromMatrix("p", etc, { taskCount: n, nodeCount: m }),
          noise: 0.2,
          noiseSeed: seed,
        };
        const durations = actualDurations(instance);
        const lower = await makespanLowerBound(instance, durations);
        const optimum = await makespanOptimum(instance, { durations });
        const sumOptimum = minSumCompletion(instance, { durations }).sumCompletion;
        assert.ok(lower <= optimum.makespan * (1 + 1e-9));
        const env = new SchedulingEnv({ window: n, timeScale: 10 });
        for (const policy of policies) {
          const info = runEpisode(env, policy, { seed, instance });
          assert.ok(
            info.makespan >= optimum.makespan * (1 - 1e-9),
            `${policy.name} beat the optimum`,
          );
          assert.ok(
            info.sumCompletion >= sumOptimum * (1 - 1e-9),
            `${policy.name} beat the ΣC optimum`,
          );
        }
      },
    ),
    { numRuns: 25 },
  );
});

Deno.test("evaluateScenario() compares policies on the same episodes, reproducibly", async () => {
  const scenario = resolveScenario("seed-9");
  const runs: { instance: Instance; makespans: number[] }[] = [];
  const options = {
    episodes: 3,
    seed: 5,
    policies: ["greedy-sjf", "max-min"].map(makeBaseline),
    onEpisode: (instance: Instance, infos: readonly EpisodeInfo[]) =>
      runs.push({ instance, makespans: infos.map((info) => info.makespan) }),
  };
  const report = await evaluateScenario(scenario, options);
  assert.equal(report.episodes, 3);
  // onEpisode saw each episode's instance and every policy's run, in the policies' order.
  assert.equal(runs.length, 3);
  runs.forEach((run, e) => {
    assert.deepEqual(run.instance.expected, drawInstance(scenario, hashInts(5, e)).expected);
    assert.deepEqual(run.makespans, report.results.map((r) => r.perEpisode.makespan[e]));
  });
  assert.deepEqual(report.results.map((r) => r.policy), ["greedy-sjf", "max-min"]);
  assert.equal(report.bounds.makespanOptimalEpisodes, 3);
  assert.equal(report.bounds.makespanBounds.length, 3);
  for (const result of report.results) {
    assert.equal(result.perEpisode.makespan.length, 3);
    result.perEpisode.makespanRatio.forEach((ratio, e) =>
      assert.ok(
        Math.abs(ratio * report.bounds.makespanBounds[e]! - result.perEpisode.makespan[e]!) < 1e-9,
      )
    );
    assert.ok(result.makespanRatio.min >= 1 - 1e-9);
    assert.ok(result.sumCompletionRatio!.min >= 1 - 1e-9);
  }
  const again = await evaluateScenario(scenario, options);
  assert.deepEqual(again.results.map((r) => r.makespan), report.results.map((r) => r.makespan));
});

Deno.test("evaluateScenario() runs a policy under its own idle timeout, the others under the scenario's", async () => {
  // Waits whenever it may during the first 20 s, then takes the first candidate.
  const waiter: Policy = {
    name: "waiter",
    description: "",
    reset() {},
    act: (decision) => decision.canIdle && decision.now < 20 ? IDLE : 0,
  };
  const config = { name: "small", workload: { minTasks: 8, maxTasks: 10 } };
  const common = { episodes: 3, seed: 2, exactMakespan: false };
  const makespans = async (scenario: unknown, policies: Policy[], timeouts?: [string, number][]) =>
    (await evaluateScenario(resolveScenario(scenario), {
      ...common,
      policies,
      ...(timeouts ? { idleTimeouts: new Map(timeouts) } : {}),
    })).results.map((r) => ({
      policy: r.policy,
      timeout: r.idleTimeout,
      makespan: r.perEpisode.makespan,
    }));
  const mixed = await makespans(config, [waiter, makeBaseline("max-min")], [["waiter", 3]]);
  assert.deepEqual(mixed[0], (await makespans({ ...config, idleTimeout: 3 }, [waiter]))[0]);
  assert.deepEqual(mixed[1], (await makespans(config, [makeBaseline("max-min")]))[0]);
  assert.equal(mixed[0]!.timeout, 3);
  const table = reportTable(
    await evaluateScenario(resolveScenario(config), {
      ...common,
      policies: [waiter],
      idleTimeouts: new Map([["waiter", 3]]),
    }),
  );
  assert.match(table, /\| waiter \(idle ≤ 3 s\)/);
  assert.equal(mixed[1]!.timeout, undefined);
  const untimed = (await makespans(config, [waiter]))[0]!;
  assert.notDeepEqual(
    mixed[0]!.makespan,
    untimed.makespan,
    "the timeout changes the waiter's episodes",
  );
});

Deno.test("evaluateInstance() maps batch heuristics statically and bounds the instance", async () => {
  const instance = instanceFromMatrix("hand", Float64Array.from([1, 3, 2, 2, 4, 1]), {
    taskCount: 3,
    nodeCount: 2,
  });
  const report = await evaluateInstance(instance, {
    policies: ["olb", "min-min"].map(makeBaseline),
  });
  assert.deepEqual(report.results.map((r) => r.makespan), [5, 3]);
  assert.equal(report.bounds.makespanOptimum, 3);
  assert.equal(report.bounds.sumCompletionOptimum, 5); // 1 on node 0, 1 then 3 on node 1
});

Deno.test("summarise() gives the t-based 95% interval", () => {
  const summary = summarise([1, 2, 3, 4]);
  assert.equal(summary.mean, 2.5);
  assert.ok(Math.abs(summary.std - Math.sqrt(5 / 3)) < 1e-12);
  assert.equal(tQuantile975(3), 3.182);
  assert.ok(Math.abs(tQuantile975(31) - 2.040) < 0.001);
  assert.ok(Math.abs(tQuantile975(1000) - 1.962) < 0.001);
  assert.ok(Math.abs(tQuantile975(30) - 2.042) < 0.001);
  assert.ok(Math.abs(summary.ci95 - 3.182 * Math.sqrt(5 / 3) / 2) < 0.02);
  assert.throws(() => summarise([]), /at least one value/);
});

Deno.test("resolveScenario() names bad scenarios and fields", () => {
  assert.throws(() => resolveScenario("seed-10"), /seed-9.*"seed-10"/);
  assert.throws(
    () => resolveScenario({ name: "x", workload: { minTasks: 0, maxTasks: 3 } }),
    /workload\.minTasks/,
  );
  assert.throws(
    () => resolveScenario({ name: "x", embedding: "bert", workload: { minTasks: 1, maxTasks: 3 } }),
    /"bert"/,
  );
  assert.throws(
    () =>
      resolveScenario({
        name: "x",
        cluster: { name: "c", nodes: [] },
        workload: { minTasks: 1, maxTasks: 3 },
      }),
    /scenario\.cluster: nodes/,
  );
});

Deno.test("resolveScenario() loads a calibration by name or path, and names a missing one", () => {
  const root = new URL("../../", import.meta.url).pathname;
  const byPath = resolveScenario({
    name: "x",
    calibration: `${root}results/calibration/this-machine.json`,
    workload: { minTasks: 1, maxTasks: 2 },
  });
  assert.equal(byPath.model.calibration.name, "this-machine");
  assert.notEqual(
    byPath.model.mean("sort", 1e6, 3),
    resolveScenario("seed-9").model.mean("sort", 1e6, 3),
  );
  assert.throws(
    () =>
      resolveScenario({
        name: "x",
        calibration: "no-such-calibration",
        workload: { minTasks: 1, maxTasks: 2 },
      }),
    /calibration file \/.*\/results\/calibration\/no-such-calibration\.json/,
  );
  // A name is found in the repository's results/, whatever the working directory.
  assert.equal(resolveScenario("live-9").model.calibration.name, "this-machine");
});

Deno.test("resolveScenario() loads a cluster file by path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cluster = { name: "two", nodes: [SEED_CLUSTER.nodes[0], SEED_CLUSTER.nodes[3]] };
    await Deno.writeTextFile(`${dir}/two.json`, JSON.stringify(cluster));
    const scenario = resolveScenario({
      name: "x",
      cluster: `${dir}/two.json`,
      workload: { minTasks: 1, maxTasks: 2 },
    });
    assert.deepEqual(scenario.cluster.nodes.map((n) => n.name), ["pi5", "laptop-fast"]);
    await Deno.writeTextFile(
      `${dir}/bad.json`,
      JSON.stringify({ name: "bad", nodes: [{ name: "a" }] }),
    );
    assert.throws(
      () =>
        resolveScenario({
          name: "x",
          cluster: `${dir}/bad.json`,
          workload: { minTasks: 1, maxTasks: 2 },
        }),
      /bad\.json: nodes\.0\.arch/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resolveScenario() with clusterDraws runs each episode on a drawn mix of the cluster's node types, by its seed", () => {
  const config = {
    name: "drawn",
    clusterDraws: { pool: 4 },
    workload: { minTasks: 4, maxTasks: 6 },
  };
  const scenario = resolveScenario(config);
  assert.equal(scenario.drawn.length, 4);
  assert.equal(resolveScenario("seed-9").drawn.length, 0);
  const specs = (nodes: readonly { cores: number; cpuSpeed: number; diskMBps: number }[]) =>
    nodes.map((n) => `${n.cores}/${n.cpuSpeed}/${n.diskMBps}`).join(" ");
  const pool = new Set(scenario.drawn.map((on) => specs(on.cluster.nodes)));
  assert.ok(pool.size > 1, "the pool holds different mixes");
  const seen = new Set<string>();
  for (let seed = 0; seed < 40; seed++) {
    const instance = drawInstance(scenario, seed);
    assert.equal(instance.nodeCount, SEED_CLUSTER.nodes.length);
    const mix = specs(instance.nodes!);
    assert.ok(pool.has(mix), "an episode runs on a cluster of the pool");
    assert.equal(specs(drawInstance(resolveScenario(config), seed).nodes!), mix, "by its seed");
    seen.add(mix);
  }
  assert.ok(seen.size > 1, "episodes run on several clusters of the pool");
  assert.throws(
    () => resolveScenario({ ...config, clusterDraws: { pool: 0 } }),
    /clusterDraws\.pool/,
  );
  assert.throws(
    () => resolveScenario({ ...config, clusterDraws: { pool: 2, size: 3 } }),
    /clusterDraws.*size/,
  );
});

Deno.test("clusterDraws.clusterShare runs that share of the episodes on the configured cluster", () => {
  const config = { name: "drawn", workload: { minTasks: 4, maxTasks: 6 } };
  const plain = resolveScenario(config);
  const onConfigured = (clusterShare: number) => {
    const scenario = resolveScenario({ ...config, clusterDraws: { pool: 4, clusterShare } });
    let count = 0;
    for (let seed = 0; seed < 400; seed++) {
      const instance = drawInstance(scenario, seed);
      const expected = drawInstance(plain, seed);
      if (instance.nodes === SEED_CLUSTER.nodes) {
        assert.deepEqual(instance.expected, expected.expected, "the configured cluster's model");
        count++;
      }
    }
    return count / 400;
  };
  assert.equal(onConfigured(0), 0);
  assert.equal(onConfigured(1), 1);
  const half = onConfigured(0.5);
  assert.ok(half > 0.42 && half < 0.58, `about half on the configured cluster: ${half}`);
  assert.throws(
    () => resolveScenario({ ...config, clusterDraws: { pool: 4, clusterShare: 1.5 } }),
    /clusterDraws\.clusterShare/,
  );
});

Deno.test("the headline's training episodes never contain a held-out parameter", async () => {
  const root = new URL("../../", import.meta.url).pathname;
  const config = JSON.parse(await Deno.readTextFile(`${root}experiments/headline.json`));
  const train = resolveScenario(config.train);
  const heldout = resolveScenario(config.evaluate);
  for (let seed = 0; seed < 300; seed++) {
    for (const task of drawInstance(train, seed).tasks!) {
      assert.equal(splitOf(task.kind, task.parameter, 10), "train");
    }
    for (const task of drawInstance(heldout, seed).tasks!) {
      assert.equal(splitOf(task.kind, task.parameter, 10), "heldout");
    }
  }
});
