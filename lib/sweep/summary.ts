/**
 * A sweep's summary: per arm, the interquartile mean of makespan / optimum over every
 * evaluation episode of every seed, with a stratified-bootstrap 95% CI (seeds as strata), the
 * plain mean with its t interval, and the runs that failed; as a table and a bar chart.
 *
 * @module
 */
import { interquartileMean, stratifiedBootstrap, summarise } from "../experiment/mod.ts";
import type { EvaluationReport } from "../experiment/mod.ts";
import { Rng } from "../random/mod.ts";
import { barChart, type Figure } from "../report/mod.ts";

/** One arm's row of the summary. */
export interface ArmSummary {
  /** The arm. */
  readonly arm: string;
  /** Seeds that finished. */
  readonly seeds: number;
  /** Seeds that failed. */
  readonly failed: number;
  /** IQM of makespan / optimum (NaN when no seed finished). */
  readonly iqm: number;
  /** Lower end of its 95% stratified-bootstrap CI. */
  readonly iqmLow: number;
  /** Upper end. */
  readonly iqmHigh: number;
  /** Plain mean of the ratios. */
  readonly mean: number;
  /** Half-width of the mean's 95% t interval. */
  readonly meanCi95: number;
}

/** The per-episode makespan ratios of a run folder's evaluation. */
export async function runRatios(dir: string): Promise<number[]> {
  const report = JSON.parse(await Deno.readTextFile(`${dir}/evaluation.json`)) as EvaluationReport;
  return [...report.results[0]!.perEpisode.makespanRatio];
}

/**
 * Summarises arms from their seeds' ratios.
 *
 * @param arms per arm: the ratios of each finished seed, and the number of failed seeds
 * @param seed seed of the bootstrap
 */
export function summariseArms(
  arms: readonly { arm: string; ratios: readonly (readonly number[])[]; failed: number }[],
  seed: number,
): ArmSummary[] {
  const rng = new Rng(seed);
  return arms.map(({ arm, ratios, failed }) => {
    if (ratios.length === 0) {
      return {
        arm,
        seeds: 0,
        failed,
        iqm: NaN,
        iqmLow: NaN,
        iqmHigh: NaN,
        mean: NaN,
        meanCi95: NaN,
      };
    }
    const iqm = stratifiedBootstrap(ratios, interquartileMean, { rng });
    const plain = summarise(ratios.flat());
    return {
      arm,
      seeds: ratios.length,
      failed,
      iqm: iqm.estimate,
      iqmLow: iqm.lower,
      iqmHigh: iqm.upper,
      mean: plain.mean,
      meanCi95: plain.ci95,
    };
  });
}

/** The summary's bar chart: IQM per arm with its CI, the optimum as a reference line. */
export function summaryFigure(name: string, rows: readonly ArmSummary[]): Figure {
  const shown = rows.filter((row) => row.seeds > 0);
  const seeds = Math.max(0, ...shown.map((row) => row.seeds));
  return barChart({
    title:
      `${name}, held-out parameters<br><sup>IQM of makespan / optimum, 95% stratified-bootstrap CI, ${seeds} seeds</sup>`,
    categories: shown.map((row) => row.arm),
    values: shown.map((row) => row.iqm),
    errors: shown.map((row) => row.iqmHigh - row.iqm),
    errorsBelow: shown.map((row) => row.iqm - row.iqmLow),
    xTitle: "arm",
    yTitle: "makespan / optimum (IQM)",
    reference: { name: "optimum", y: 1 },
  });
}
