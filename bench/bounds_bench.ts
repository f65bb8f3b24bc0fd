/**
 * Exact and lower bounds on Braun et al.'s u_c_hihi.0 (512 tasks x 16 machines) and on a
 * 24-task episode of the seed's 9 nodes. Run with `./schedlab bench`.
 */
import { makespanLowerBound, makespanOptimum, minSumCompletion } from "../lib/bounds/mod.ts";
import { actualDurations, loadEtc, scoreSchedule } from "../lib/env/mod.ts";
import { drawInstance, resolveScenario } from "../lib/experiment/mod.ts";
import { mapInstance, MIN_MIN } from "../lib/policies/mod.ts";

const braun = await loadEtc(
  new URL("../../shared/benchmarks/braun-etc/u_c_hihi.0", import.meta.url).pathname,
);
const upperBound = scoreSchedule(braun, mapInstance(MIN_MIN, braun)).sumCompletion;

Deno.bench("exact ΣC optimum, 512x16 (Hungarian, slots capped by Min-Min's ΣC)", {
  n: 3,
  warmup: 1,
}, () => {
  minSumCompletion(braun, { upperBound });
});

Deno.bench("makespan LP bound, 512x16 (HiGHS)", { n: 3, warmup: 1 }, async () => {
  await makespanLowerBound(braun);
});

const scenario = resolveScenario({ name: "bench-24", workload: { minTasks: 24, maxTasks: 24 } });
const episode = drawInstance(scenario, 1);
const durations = actualDurations(episode);

Deno.bench(
  "makespan MILP optimum, 24x9 seed-cluster episode (HiGHS)",
  { n: 5, warmup: 1 },
  async () => {
    await makespanOptimum(episode, { durations });
  },
);
