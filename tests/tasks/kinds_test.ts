import assert from "node:assert/strict";
import {
  kindSpec,
  logNormaliseParameter,
  makeTask,
  normaliseParameter,
  TASK_KINDS,
} from "../../lib/tasks/mod.ts";

Deno.test("kindSpec() follows the original's ranges and one-hot order", () => {
  assert.deepEqual(TASK_KINDS, ["matmul", "primes", "sort", "fileio"]);
  TASK_KINDS.forEach((kind, i) => assert.equal(kindSpec(kind).index, i));
  assert.deepEqual([kindSpec("matmul").min, kindSpec("matmul").max], [250, 5000]);
  assert.deepEqual([kindSpec("primes").min, kindSpec("primes").max], [240_000, 4_800_000]);
  assert.deepEqual([kindSpec("sort").min, kindSpec("sort").max], [500_000, 10_000_000]);
  assert.deepEqual([kindSpec("fileio").min, kindSpec("fileio").max], [100_000, 2_000_000]);
  assert.equal(kindSpec("fileio").resource, "disk-bound");
});

Deno.test("makeTask() rejects an unknown kind, naming it", () => {
  assert.throws(() => makeTask("bitcoin", 5), /task kind.*"bitcoin"/);
  assert.throws(() => kindSpec("Sort"), TypeError);
});

Deno.test("makeTask() rejects negative, zero and NaN parameters and arrivals", () => {
  assert.throws(() => makeTask("sort", -1), /sort parameter .*-1/);
  assert.throws(() => makeTask("sort", 0), RangeError);
  assert.throws(() => makeTask("matmul", NaN), /NaN/);
  assert.throws(() => makeTask("matmul", 300, { arrival: -2 }), /arrival/);
  assert.deepEqual(makeTask("primes", 1e6, { id: 4, arrival: 2 }), {
    id: 4,
    kind: "primes",
    parameter: 1e6,
    arrival: 2,
  });
});

Deno.test("normaliseParameter() maps the range to [0, 1] and clips outside", () => {
  assert.equal(normaliseParameter("matmul", 250), 0);
  assert.equal(normaliseParameter("matmul", 5000), 1);
  assert.equal(normaliseParameter("matmul", 2625), 0.5);
  assert.equal(normaliseParameter("matmul", 10), 0);
  assert.equal(normaliseParameter("matmul", 1e6), 1);
  assert.ok(
    Math.abs(logNormaliseParameter("fileio", Math.sqrt(100_000 * 2_000_000)) - 0.5) < 1e-12,
  );
});
