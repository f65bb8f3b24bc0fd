/**
 * The original system's baselines, defined as it defines them: random, greedy
 * shortest-job-first, global shortest-job-first, "optimal" greedy matching, and its live
 * scheduler's first-come-first-served over a shuffled list.
 *
 * @module
 */
import type { Decision, Instance } from "../env/mod.ts";
import { Rng } from "../random/mod.ts";
import { expectedOn, idleOrShortest, type Policy, shortestOnRequester } from "./policy.ts";

/** Picks a candidate uniformly at random (never idles). */
export class RandomPolicy implements Policy {
  readonly name = "random";
  readonly description = "a pending task uniformly at random";
  #rng = new Rng(0);
  reset(seed: number): void {
    this.#rng = new Rng(seed);
  }
  act(decision: Decision): number {
    return this.#rng.int(decision.candidateCount);
  }
}

/** The requesting node takes the pending task that is shortest on it. */
export class GreedySjfPolicy implements Policy {
  readonly name = "greedy-sjf";
  readonly description = "the requesting node takes the pending task shortest on it";
  reset(): void {}
  act(decision: Decision): number {
    return shortestOnRequester(decision);
  }
}

/** Per-task statistic over nodes, cached per instance. */
export class TaskStatistic {
  #instance: Instance | undefined;
  #values = new Float64Array(0);
  readonly #reduce: (durations: Float64Array) => number;

  /** @param reduce maps a task's durations on all nodes to one number */
  constructor(reduce: (durations: Float64Array) => number) {
    this.#reduce = reduce;
  }

  /** The statistic of `task` in `instance`. */
  of(instance: Instance, task: number): number {
    if (this.#instance !== instance) {
      const m = instance.nodeCount;
      this.#values = Float64Array.from(
        { length: instance.taskCount },
        (_, j) => this.#reduce(instance.expected.subarray(j * m, (j + 1) * m)),
      );
      this.#instance = instance;
    }
    return this.#values[task]!;
  }
}

/** Mean of a task's durations over all nodes. */
export function meanDuration(durations: Float64Array): number {
  return durations.reduce((sum, value) => sum + value, 0) / durations.length;
}

/** The slot whose task has the smallest (or largest) statistic; ties: earliest slot. */
export function extremeSlot(
  decision: Decision,
  statistic: TaskStatistic,
  largest: boolean,
): number {
  let best = 0, bestValue = largest ? -Infinity : Infinity;
  for (let slot = 0; slot < decision.candidateCount; slot++) {
    const value = statistic.of(decision.instance, decision.candidates[slot]!);
    if (largest ? value > bestValue : value < bestValue) {
      bestValue = value;
      best = slot;
    }
  }
  return best;
}

/** The requesting node takes the pending task of shortest (or longest) mean duration. */
export class MeanDurationPolicy implements Policy {
  readonly name: string;
  readonly description: string;
  readonly #longest: boolean;
  readonly #mean = new TaskStatistic(meanDuration);

  /** @param options name, description, and whether the longest task is taken */
  constructor(options: { name: string; description: string; longest: boolean }) {
    this.name = options.name;
    this.description = options.description;
    this.#longest = options.longest;
  }

  reset(): void {}

  act(decision: Decision): number {
    return extremeSlot(decision, this.#mean, this.#longest);
  }
}

/** Tasks in order of their mean duration over all nodes, shortest first. */
export class GlobalSjfPolicy extends MeanDurationPolicy {
  constructor() {
    super({
      name: "global-sjf",
      description: "the pending task with the shortest mean duration over all nodes",
      longest: false,
    });
  }
}

/** The idle nodes that can take a task at this instant: the requester first. */
export function freeNodes(decision: Decision): number[] {
  const nodes = [decision.node];
  for (let k = 0; k < decision.otherWaitingCount; k++) nodes.push(decision.otherWaiting[k]!);
  return nodes;
}

/**
 * The original's "optimal matching": all (idle node, pending task) pairs sorted by duration
 * and taken greedily while both are free.
 */
export class GreedyMatchingPolicy implements Policy {
  readonly name = "greedy-matching";
  readonly description =
    "(idle node, task) pairs by duration, taken greedily (the seed's 'optimal')";
  reset(): void {}
  act(decision: Decision): number {
    const nodes = freeNodes(decision);
    const pairs: { node: number; slot: number; time: number }[] = [];
    for (const node of nodes) {
      for (let slot = 0; slot < decision.candidateCount; slot++) {
        pairs.push({ node, slot, time: expectedOn(decision, decision.candidates[slot]!, node) });
      }
    }
    pairs.sort((a, b) => a.time - b.time);
    const nodeTaken = new Set<number>(), slotTaken = new Set<number>();
    for (const { node, slot } of pairs) {
      if (nodeTaken.has(node) || slotTaken.has(slot)) continue;
      if (node === decision.node) return slot;
      nodeTaken.add(node);
      slotTaken.add(slot);
    }
    return idleOrShortest(decision);
  }
}

/** The original's live scheduler: a shuffled task list handed out first-come first-served. */
export class ShuffledFcfsPolicy implements Policy {
  readonly name = "fcfs-shuffled";
  readonly description =
    "a shuffled task list, first come first served (the seed's live scheduler)";
  #rng = new Rng(0);
  #instance: Instance | undefined;
  #rank = new Int32Array(0);
  reset(seed: number): void {
    this.#rng = new Rng(seed);
    this.#instance = undefined;
  }
  act(decision: Decision): number {
    if (this.#instance !== decision.instance) {
      this.#instance = decision.instance;
      const order = this.#rng.shuffle(
        Array.from({ length: decision.instance.taskCount }, (_, j) => j),
      );
      this.#rank = new Int32Array(order.length);
      order.forEach((task, rank) => (this.#rank[task] = rank));
    }
    let best = 0;
    for (let slot = 1; slot < decision.candidateCount; slot++) {
      if (this.#rank[decision.candidates[slot]!]! < this.#rank[decision.candidates[best]!]!) {
        best = slot;
      }
    }
    return best;
  }
}
