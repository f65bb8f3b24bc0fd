/**
 * The generalisation sweep: makespan ratio to the bound as a function of the task parameter.
 * For each bin of the kinds' parameter ranges, episodes whose every task has its parameter in
 * that bin; even bins are the training split, odd bins are held out.
 *
 * @module
 */
import type { Policy } from "../policies/mod.ts";
import { evaluateScenario } from "./evaluate.ts";
import { resolveScenario, type ScenarioConfig } from "./scenario.ts";
import type { Summary } from "./stats.ts";

/** One (bin, policy) cell of the sweep. */
export interface SweepPoint {
  /** The bin, 0-based. */
  readonly bin: number;
  /** The bin's centre as a fraction of each kind's range (0 = min, 1 = max). */
  readonly centre: number;
  /** Whether training saw this bin. */
  readonly split: "train" | "heldout";
  /** The policy. */
  readonly policy: string;
  /** Makespan divided by each episode's bound. */
  readonly ratio: Summary;
}

/**
 * Runs the sweep over the bins of the scenario's workload (the training split's bins).
 *
 * @param base the scenario whose workload is narrowed to each bin in turn
 * @param options policies, episodes per bin, seed, progress
 */
export async function parameterSweep(
  base: ScenarioConfig,
  options: {
    policies: readonly Policy[];
    episodes: number;
    seed: number;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<SweepPoint[]> {
  const points: SweepPoint[] = [];
  const bins = resolveScenario(base).config.workload.bins;
  for (let bin = 0; bin < bins; bin++) {
    const scenario = resolveScenario({
      ...base,
      name: `${base.name}-bin${bin}`,
      workload: { ...base.workload, bin },
    });
    const report = await evaluateScenario(scenario, {
      policies: options.policies,
      episodes: options.episodes,
      seed: options.seed + bin,
    });
    for (const result of report.results) {
      points.push({
        bin,
        centre: (bin + 0.5) / bins,
        split: bin % 2 === 0 ? "train" : "heldout",
        policy: result.policy,
        ratio: result.makespanRatio,
      });
    }
    options.onProgress?.(bin + 1, bins);
  }
  return points;
}
