import assert from "node:assert/strict";
import fc from "fast-check";
import {
  binOf,
  generateTasks,
  sampleParameter,
  splitOf,
  workloadSchema,
} from "../../lib/env/mod.ts";
import { Rng } from "../../lib/random/mod.ts";
import { kindSpec, TASK_KINDS } from "../../lib/tasks/mod.ts";

Deno.test("sampleParameter() never draws a held-out value for training, nor the reverse", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1e9 }),
      fc.constantFrom(...TASK_KINDS),
      fc.integer({ min: 2, max: 20 }),
      (seed, kind, bins) => {
        const rng = new Rng(seed);
        for (let i = 0; i < 20; i++) {
          const train = sampleParameter(kind, rng, { split: "train", bins });
          const heldout = sampleParameter(kind, rng, { split: "heldout", bins });
          assert.equal(splitOf(kind, train, bins), "train");
          assert.equal(splitOf(kind, heldout, bins), "heldout");
          for (const value of [train, heldout]) {
            assert.ok(value >= kindSpec(kind).min && value <= kindSpec(kind).max);
          }
        }
      },
    ),
  );
});

Deno.test("generateTasks() draws counts, kinds and arrivals as specified", () => {
  const spec = workloadSchema.parse({
    minTasks: 16,
    maxTasks: 24,
    kinds: ["sort", "fileio"],
    arrivals: { type: "poisson", rate: 2 },
  });
  const tasks = generateTasks(spec, new Rng(3));
  assert.ok(tasks.length >= 16 && tasks.length <= 24);
  tasks.forEach((task, i) => {
    assert.equal(task.id, i);
    assert.ok(task.kind === "sort" || task.kind === "fileio");
    if (i > 0) assert.ok(task.arrival >= tasks[i - 1]!.arrival);
  });
  assert.ok(tasks.at(-1)!.arrival > 0);
});

Deno.test("workloadSchema rejects bad workloads, naming the field", () => {
  const error = workloadSchema.safeParse({ minTasks: 5, maxTasks: 2 }).error!;
  assert.equal(error.issues[0]!.path.join("."), "maxTasks");
  assert.equal(
    workloadSchema.safeParse({ minTasks: 1, maxTasks: 2, kinds: ["gpu"] }).success,
    false,
  );
});

Deno.test("sampleParameter() with a bin draws only from that bin", () => {
  const rng = new Rng(8);
  for (const kind of TASK_KINDS) {
    for (let bin = 0; bin < 10; bin++) {
      for (let i = 0; i < 10; i++) {
        assert.equal(
          binOf(kind, sampleParameter(kind, rng, { split: "train", bins: 10, bin }), 10),
          bin,
        );
      }
    }
  }
  assert.equal(
    workloadSchema.safeParse({ minTasks: 1, maxTasks: 2, bin: 10 }).error!.issues[0]!.path.join(
      ".",
    ),
    "bin",
  );
});
