import assert from "node:assert/strict";
import fc from "fast-check";
import {
  checkDeterminism,
  checkEpisode,
  type Decision,
  IDLE,
  instanceFromMatrix,
  nodeStateSize,
  SchedulingEnv,
} from "../../lib/env/mod.ts";
import { makeEnv, resolveScenario, SCENARIOS } from "../../lib/experiment/mod.ts";
import { Rng } from "../../lib/random/mod.ts";

const matrix = (rows: number[][]) =>
  instanceFromMatrix("tiny", Float64Array.from(rows.flat()), {
    taskCount: rows.length,
    nodeCount: rows[0]!.length,
  });

Deno.test("SchedulingEnv passes the determinism check on every built-in scenario", () => {
  for (const name of ["seed-9", "seed-9-heldout", "seed-9-poisson"]) {
    const env = makeEnv(resolveScenario(name));
    for (const seed of [1, 2, 3]) checkDeterminism(env, seed, (d) => d.candidateCount - 1);
    checkDeterminism(env, 4, (d) => (d.canIdle && d.now < 5 ? IDLE : 0));
    const timed = makeEnv(resolveScenario({ ...SCENARIOS[name], idleTimeout: 0.7 }));
    checkDeterminism(timed, 5, (d) => (d.canIdle && d.now < 5 ? IDLE : 0));
  }
});

Deno.test("SchedulingEnv.step() follows hand-checked schedules", () => {
  // Node 0 is fast on task 0, node 1 on task 1; task 2 takes 5 s anywhere.
  const instance = matrix([[2, 4], [3, 1], [5, 5]]);
  const env = new SchedulingEnv({ window: 4, timeScale: 10 });
  const run = (node1Idles: boolean) => {
    let decision = env.reset({ seed: 0, instance });
    let total = 0;
    const requests: string[] = [];
    for (;;) {
      requests.push(`${decision.now}:${decision.node}`);
      let slot = 0;
      for (let k = 1; k < decision.candidateCount; k++) {
        const task = decision.candidates[k]!, best = decision.candidates[slot]!;
        if (
          instance.expected[task * 2 + decision.node]! <
            instance.expected[best * 2 + decision.node]!
        ) slot = k;
      }
      const idle = node1Idles && decision.node === 1 && decision.canIdle;
      const result = env.step(idle ? IDLE : slot);
      total += result.reward;
      if (result.info) {
        checkEpisode(instance, result.info);
        assert.equal(total, -result.info.makespan);
        return { info: result.info, requests };
      }
      decision = result.observation;
    }
  };
  // Greedy: both start at 0; node 1 is free at 1 and takes task 2.
  const greedy = run(false).info;
  assert.deepEqual(Array.from(greedy.completion), [2, 1, 6]);
  assert.deepEqual(Array.from(greedy.assignedNode), [0, 1, 1]);
  assert.equal(greedy.sumCompletion, 9);
  // Node 1 declines at 1 (task 0 runs); at 2 nothing runs and node 1, idle longest, must take task 2.
  const { info, requests } = run(true);
  assert.deepEqual(requests.slice(2), ["1:1", "2:1"]);
  assert.deepEqual(Array.from(info.completion), [2, 1, 7]);
  assert.equal(info.makespan, 7);
  assert.deepEqual(info.utilisation, [2 / 7, 6 / 7]);
});

Deno.test("SchedulingEnv asks an idling node again after idleTimeout, else at the next event", () => {
  // Task 0 runs 10 s; the second node to request idles once, then takes task 1 (1 s).
  const run = (idleTimeout?: number): { asked: number[]; completion: number[] } => {
    const env = new SchedulingEnv({
      window: 2,
      timeScale: 1,
      ...(idleTimeout ? { idleTimeout } : {}),
    });
    let decision: Decision = env.reset({ seed: 0, instance: matrix([[10, 10], [1, 1]]) });
    const asked: number[] = [];
    let idled = false;
    for (;;) {
      asked.push(decision.now);
      const idle: boolean = decision.canIdle && !idled;
      idled ||= idle;
      const result = env.step(idle ? IDLE : 0);
      if (result.info) return { asked, completion: Array.from(result.info.completion) };
      decision = result.observation;
    }
  };
  assert.deepEqual(run(), { asked: [0, 0, 10], completion: [10, 11] });
  assert.deepEqual(run(3), { asked: [0, 0, 3], completion: [10, 4] });
  // A timeout past the next event changes nothing.
  assert.deepEqual(run(20), run());
  // Two nodes idle at 0 under a 3 s timeout: both are asked again at 3, together.
  const env = new SchedulingEnv({ window: 3, timeScale: 1, idleTimeout: 3 });
  let decision: Decision = env.reset({
    seed: 0,
    instance: matrix([[9, 9, 9], [1, 1, 1], [1, 1, 1]]),
  });
  const asked: number[] = [];
  for (;;) {
    asked.push(decision.now);
    const result = env.step(decision.now === 0 && decision.canIdle ? IDLE : 0);
    if (result.info) break;
    decision = result.observation;
  }
  assert.deepEqual(asked, [0, 0, 0, 3, 3]);
  for (const bad of [0, -1, NaN]) {
    assert.throws(
      () => new SchedulingEnv({ window: 2, timeScale: 1, idleTimeout: bad }),
      /idleTimeout > 0/,
    );
  }
});

Deno.test("SchedulingEnv counts simultaneous completions and clears a finished node's state", () => {
  const instance = matrix([[1, 1], [1, 1], [1, 1], [1, 1]]);
  const env = new SchedulingEnv({ window: 4, timeScale: 1 });
  let decision: Decision = env.reset({ seed: 5, instance });
  const seen: { now: number; state: number[] }[] = [];
  for (;;) {
    seen.push({ now: decision.now, state: Array.from(decision.state) });
    const result = env.step(0);
    if (result.info) {
      assert.equal(result.info.makespan, 2);
      assert.deepEqual(Array.from(result.info.completion).sort(), [1, 1, 2, 2]);
      break;
    }
    decision = result.observation;
  }
  assert.deepEqual(seen.map((s) => s.now), [0, 0, 1, 1]);
  // At t = 1 both nodes have just finished: the first requester sees an empty cluster.
  assert.deepEqual(seen[2]!.state, new Array(2 * nodeStateSize()).fill(0));
});

Deno.test("SchedulingEnv refuses IDLE when nothing runs, and bad actions", () => {
  const env = new SchedulingEnv({ window: 2, timeScale: 1 });
  const decision = env.reset({ seed: 0, instance: matrix([[1], [2], [3]]) });
  assert.equal(decision.canIdle, false);
  assert.deepEqual(Array.from(decision.mask), [1, 1, 0]);
  assert.throws(() => env.step(IDLE), /may not idle/);
  assert.throws(() => env.step(2), /action in \[0, 2\)/);
  assert.throws(() => env.step(0.5), RangeError);
  env.step(0);
  env.step(0);
  const last = env.step(0);
  assert.equal(last.info?.makespan, 6);
  assert.throws(() => env.step(0), /finished episode/);
});

Deno.test("SchedulingEnv observation encodes the seed's 45 + window x 5 numbers", () => {
  const env = makeEnv(resolveScenario("seed-9"));
  let decision = env.reset({ seed: 9 });
  assert.equal(decision.state.length, 45);
  assert.equal(decision.features.length, 32 * 5);
  assert.equal(decision.mask.length, 33);
  decision = env.step(0).observation;
  const busy = Array.from({ length: 9 }, (_, i) => decision.state.subarray(i * 5, i * 5 + 4))
    .filter((oneHot) => oneHot.reduce((s, v) => s + v, 0) === 1);
  assert.equal(busy.length, 1);
  for (let slot = 0; slot < decision.candidateCount; slot++) {
    const oneHot = decision.features.subarray(slot * 5, slot * 5 + 4);
    assert.equal(oneHot.reduce((s, v) => s + v, 0), 1);
    const p = decision.features[slot * 5 + 4]!;
    assert.ok(p >= 0 && p <= 1);
  }
});

Deno.test("SchedulingEnv's observation equals the decision encoded from scratch", () => {
  // The simulator rewrites only what changed since the last decision; here every decision is
  // encoded again in full, across window sizes, arrivals over time and random idling.
  for (const window of [1, 3, 32]) {
    const env = makeEnv(resolveScenario({
      name: "incremental",
      workload: { minTasks: 5, maxTasks: 40, arrivals: { type: "poisson", rate: 0.5 } },
      window,
    }));
    const encoder = env.encoder, size = encoder.nodeStateSize, rng = new Rng(window);
    const { features, mask } = encoder.buffers(0);
    for (let seed = 0; seed < 20; seed++) {
      let decision = env.reset({ seed });
      const tasks = decision.instance.tasks!;
      const running = new Int32Array(decision.instance.nodeCount).fill(-1);
      for (;;) {
        const { candidates, candidateCount: count, now, state } = decision;
        features.fill(0);
        for (let slot = 0; slot < count; slot++) {
          const task = tasks[candidates[slot]!]!;
          encoder.embedTask(task.kind, task.parameter, features, slot * encoder.featureSize);
        }
        encoder.writeMask(mask, count, decision.canIdle);
        assert.deepEqual(decision.features, features);
        assert.deepEqual(decision.mask, mask);
        const idle = [
          decision.node,
          ...decision.otherWaiting.subarray(0, decision.otherWaitingCount),
        ];
        for (const node of idle) running[node] = -1;
        running.forEach((task, node) => {
          const remaining = Math.fround((decision.freeAt[node]! - now) / encoder.timeScale);
          assert.equal(state[(node + 1) * size - 1], remaining);
          // A node expected to run past now runs the task it last took; a requester runs none.
          const oneHot = Array.from(state.subarray(node * size, (node + 1) * size - 1));
          const kind = task < 0 ? -1 : encoder.kindIndex(tasks[task]!.kind);
          if (decision.freeAt[node]! > now || task < 0) {
            assert.deepEqual(oneHot, oneHot.map((_, k) => (k === kind ? 1 : 0)));
          }
        });
        const slot = decision.canIdle && rng.next() < 0.3 ? IDLE : rng.int(count);
        if (slot !== IDLE) running[decision.node] = candidates[slot]!;
        const result = env.step(slot);
        if (result.info) break;
        decision = result.observation;
      }
    }
  }
});

const instances = fc.record({
  n: fc.integer({ min: 1, max: 10 }),
  m: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer({ min: 0, max: 1e6 }),
  poisson: fc.boolean(),
});

Deno.test("SchedulingEnv invariants hold under random policies (fast-check)", () => {
  fc.assert(
    fc.property(instances, ({ n, m, seed, poisson }) => {
      const rng = new Rng(seed);
      const etc = Float64Array.from({ length: n * m }, () => rng.uniform(0.1, 10));
      const base = instanceFromMatrix("random", etc, { taskCount: n, nodeCount: m });
      const arrival = Float64Array.from({ length: n }, () => (poisson ? rng.uniform(0, 20) : 0));
      const instance = { ...base, arrival, noise: 0.3, noiseSeed: seed };
      const env = new SchedulingEnv({ window: 3, timeScale: 5 });
      let decision = env.reset({ seed, instance });
      const firstDecision = decision.now;
      let clock = 0, total = 0;
      for (;;) {
        assert.ok(decision.now >= clock, "time never goes back");
        clock = decision.now;
        const idle = decision.canIdle && rng.next() < 0.3;
        const result = env.step(idle ? IDLE : rng.int(decision.candidateCount));
        total += result.reward;
        if (result.info) {
          checkEpisode(instance, result.info);
          const elapsed = result.info.makespan - firstDecision;
          assert.ok(
            Math.abs(total + elapsed) <= 1e-9 * result.info.makespan,
            "return = -elapsed time",
          );
          return;
        }
        decision = result.observation;
      }
    }),
    { numRuns: 300 },
  );
});
