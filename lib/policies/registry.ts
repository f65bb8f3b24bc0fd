/**
 * The baselines by name: the original system's five, the stronger classics, then the
 * energy-aware pull rules.
 *
 * @module
 */
import { energyAwareFinish, minEnergy, minEnergyDelay } from "./energy.ts";
import { BATCH_MAPPERS, PlannedPolicy } from "./mappers.ts";
import type { Policy } from "./policy.ts";
import { EarliestFinishPullPolicy, HungarianPolicy, LptPolicy } from "./pull.ts";
import * as original from "./seed.ts";

const ENERGY_FACTORIES = new Map<string, () => Policy>([
  ["energy-aware-finish", () => energyAwareFinish(0.5)],
  ["min-energy", minEnergy],
  ["min-energy-delay", minEnergyDelay],
]);

const FACTORIES: ReadonlyMap<string, () => Policy> = new Map<string, () => Policy>([
  ["random", () => new original.RandomPolicy()],
  ["greedy-sjf", () => new original.GreedySjfPolicy()],
  ["global-sjf", () => new original.GlobalSjfPolicy()],
  ["greedy-matching", () => new original.GreedyMatchingPolicy()],
  ["fcfs-shuffled", () => new original.ShuffledFcfsPolicy()],
  ["hungarian", () => new HungarianPolicy()],
  ["lpt", () => new LptPolicy()],
  ["earliest-finish-pull", () => new EarliestFinishPullPolicy()],
  ...BATCH_MAPPERS.map((mapper) => [mapper.name, () => new PlannedPolicy(mapper)] as const),
]);

/** The energy-aware baselines: they read the nodes' power, so they need a power model. */
export function energyBaselineNames(): string[] {
  return [...ENERGY_FACTORIES.keys()];
}

/** Names of every baseline that needs no power model, the original's first. */
export function baselineNames(): string[] {
  return [...FACTORIES.keys()];
}

/**
 * A fresh baseline policy by name.
 *
 * @param name one of {@linkcode baselineNames} or {@linkcode energyBaselineNames}
 */
export function makeBaseline(name: string): Policy {
  const factory = FACTORIES.get(name) ?? ENERGY_FACTORIES.get(name);
  if (!factory) {
    throw new TypeError(
      `Expected policy to be one of ${
        [...baselineNames(), ...energyBaselineNames()].join(", ")
      } but found "${name}"`,
    );
  }
  return factory();
}
