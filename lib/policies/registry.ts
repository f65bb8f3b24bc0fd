/**
 * The baselines by name: the original system's five, then the stronger classics.
 *
 * @module
 */
import { BATCH_MAPPERS, PlannedPolicy } from "./mappers.ts";
import type { Policy } from "./policy.ts";
import { EarliestFinishPullPolicy, HungarianPolicy, LptPolicy } from "./pull.ts";
import {
  GlobalSjfPolicy,
  GreedyMatchingPolicy,
  GreedySjfPolicy,
  RandomPolicy,
  ShuffledFcfsPolicy,
} from "./seed.ts";

const FACTORIES: ReadonlyMap<string, () => Policy> = new Map<string, () => Policy>([
  ["random", () => new RandomPolicy()],
  ["greedy-sjf", () => new GreedySjfPolicy()],
  ["global-sjf", () => new GlobalSjfPolicy()],
  ["greedy-matching", () => new GreedyMatchingPolicy()],
  ["fcfs-shuffled", () => new ShuffledFcfsPolicy()],
  ["hungarian", () => new HungarianPolicy()],
  ["lpt", () => new LptPolicy()],
  ["earliest-finish-pull", () => new EarliestFinishPullPolicy()],
  ...BATCH_MAPPERS.map((mapper) => [mapper.name, () => new PlannedPolicy(mapper)] as const),
]);

/** The original system's baselines (the ones PPO must beat). */
export const SEED_BASELINES = ["random", "greedy-sjf", "global-sjf", "greedy-matching"] as const;

/** Names of every baseline, the original's first. */
export function baselineNames(): string[] {
  return [...FACTORIES.keys()];
}

/**
 * A fresh baseline policy by name.
 *
 * @param name one of {@linkcode baselineNames}
 */
export function makeBaseline(name: string): Policy {
  const factory = FACTORIES.get(name);
  if (!factory) {
    throw new TypeError(
      `Expected policy to be one of ${baselineNames().join(", ")} but found "${name}"`,
    );
  }
  return factory();
}
