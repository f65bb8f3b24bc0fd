import assert from "node:assert/strict";
import { loadEtc, parseEtc, parseEtcSolution, scoreSchedule } from "../../lib/env/mod.ts";
import { mapInstance, MCT, MIN_MIN } from "../../lib/policies/mod.ts";

const BRAUN = new URL("../../../shared/benchmarks/braun-etc/", import.meta.url);

/** Best-known makespans from the folder's README (recomputed there from the .sol files). */
const BEST_KNOWN: Record<string, [number, number]> = {
  "u_c_hihi.0": [7358942.8, 7360953.7],
  "u_c_hilo.0": [152812.2, 152833.7],
  "u_c_lohi.0": [238649.0, 238762.0],
  "u_c_lolo.0": [5135.7, 5138.0],
  "u_i_hihi.0": [2924720.0, 2926237.4],
  "u_i_hilo.0": [73202.1, 73204.5],
  "u_i_lohi.0": [101527.0, 101698.9],
  "u_i_lolo.0": [2533.4, 2535.0],
  "u_s_hihi.0": [4080153.5, 4087583.7],
  "u_s_hilo.0": [95553.3, 95602.4],
  "u_s_lohi.0": [121000.9, 121117.4],
  "u_s_lolo.0": [3419.4, 3421.4],
};

Deno.test("Min-Min and MCT reproduce Braun et al.'s published makespans on u_c_hihi.0", async () => {
  const instance = await loadEtc(new URL("u_c_hihi.0", BRAUN).pathname);
  assert.equal(instance.taskCount, 512);
  assert.equal(instance.nodeCount, 16);
  assert.equal(
    scoreSchedule(instance, mapInstance(MIN_MIN, instance)).makespan.toFixed(1),
    "8460675.0",
  );
  assert.equal(
    scoreSchedule(instance, mapInstance(MCT, instance)).makespan.toFixed(1),
    "11422624.5",
  );
});

Deno.test("the best-known schedules have the makespans the benchmark lists", async () => {
  for (const [name, [ms, cpr]] of Object.entries(BEST_KNOWN)) {
    const instance = await loadEtc(new URL(name, BRAUN).pathname);
    for (const [suffix, expected] of [["ms", ms], ["cpr", cpr]] as const) {
      const text = await Deno.readTextFile(new URL(`${name}.${suffix}.sol`, BRAUN));
      const makespan = scoreSchedule(instance, parseEtcSolution(text, instance, name)).makespan;
      // The README rounds to one decimal.
      assert.ok(
        Math.abs(makespan - expected) <= 0.051,
        `${name}.${suffix}.sol: ${makespan} vs ${expected}`,
      );
    }
  }
});

Deno.test("parseEtc() rejects malformed and truncated files with a clear error", () => {
  assert.throws(() => parseEtc("", "empty"), /empty: expected line 1/);
  assert.throws(() => parseEtc("2 x 0\n1\n2", "hdr"), /hdr: expected line 1 to be/);
  assert.throws(() => parseEtc("2 2 0\n1\n2\n3", "short"), /short: truncated, 3 of 4 values/);
  assert.throws(() => parseEtc("1 2 0\n1\nabc", "word"), /word: line 3 has "abc"/);
  assert.throws(() => parseEtc("1 2 0\n1\n-4", "neg"), /neg: line 3/);
  assert.throws(() => parseEtc("1 1 0\n1\n2", "long"), /more than the 1 values/);
  const instance = parseEtc("2 2 0\n1\n2\n3\n4\n", "ok");
  assert.deepEqual(Array.from(instance.expected), [1, 2, 3, 4]);
  assert.throws(() => parseEtcSolution("0 5", instance, "sol"), /task 1 has machine "5"/);
  assert.throws(() => parseEtcSolution("0", instance, "sol"), /1 machine indices for 2 tasks/);
});
