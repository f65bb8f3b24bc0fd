/**
 * Tables of results as danfojs DataFrames, written as CSV and markdown.
 *
 * @module
 */
import * as dfd from "danfojs";
import {
  type EnergyStudyReport,
  type EvaluationReport,
  interquartileMean,
  markdownTable,
  stratifiedBootstrap,
} from "../experiment/mod.ts";
import { Rng } from "../random/mod.ts";

/** A DataFrame of an evaluation: one row per policy, best makespan first. */
export function evaluationFrame(report: EvaluationReport, seed = 0): dfd.DataFrame {
  const rng = new Rng(seed);
  const rows = [...report.results].sort((a, b) => a.makespan - b.makespan).map((result) => {
    const iqm = stratifiedBootstrap([result.perEpisode.makespanRatio], interquartileMean, {
      rng,
      resamples: 1000,
    });
    return {
      policy: result.policy,
      makespan: result.makespanSummary.mean,
      makespan_ci95: result.makespanSummary.ci95,
      ratio_to_bound: result.makespanRatio.mean,
      ratio_ci95: result.makespanRatio.ci95,
      ratio_iqm: iqm.estimate,
      ratio_iqm_low: iqm.lower,
      ratio_iqm_high: iqm.upper,
      mean_completion: result.meanCompletionSummary.mean,
      mean_completion_ci95: result.meanCompletionSummary.ci95,
      sum_completion_ratio: result.sumCompletionRatio?.mean ?? NaN,
      mean_flow_time: result.meanFlowTimeSummary.mean,
      mean_slowdown: result.meanSlowdownSummary.mean,
    };
  });
  return new dfd.DataFrame(rows);
}

/**
 * The energy study's tables: every point (mean over episodes), the learned policies' points
 * averaged over seeds, and the fairness across tenants.
 */
export function energyFrames(report: EnergyStudyReport): {
  points: dfd.DataFrame;
  front: dfd.DataFrame;
  fairness: dfd.DataFrame;
} {
  const points = report.points.map((p) => ({
    family: p.family,
    policy: p.label,
    seed: p.seed ?? NaN,
    weight: p.weight ?? NaN,
    makespan: p.makespan,
    energy: p.energy,
    jain: p.jain ?? NaN,
  }));
  const groups = new Map<string, typeof report.points[number][]>();
  for (const p of report.points) {
    const key = p.family === "conditioned" || p.family === "fixed"
      ? `${p.family} w=${p.weight}`
      : p.label;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  const front = [...groups].map(([policy, members]) => ({
    policy,
    family: members[0]!.family,
    seeds: members.length,
    makespan: mean(members.map((m) => m.makespan)),
    energy: mean(members.map((m) => m.energy)),
  })).sort((a, b) => a.makespan - b.makespan);
  const tenants = Math.max(...report.fairness.map((row) => row.tenantSlowdown.length));
  const fairness = report.fairness.map((row) => ({
    policy: row.policy,
    makespan: row.makespan,
    jain: row.jain,
    ...Object.fromEntries(
      Array.from({ length: tenants }, (_, k) => [`slowdown_t${k}`, row.tenantSlowdown[k] ?? NaN]),
    ),
  }));
  return {
    points: new dfd.DataFrame(points),
    front: new dfd.DataFrame(front),
    fairness: new dfd.DataFrame(fairness),
  };
}

/** A number as a table shows it: "-" for NaN, integers as such, tiny values in exponent form. */
export function formatNumber(value: number, digits: number): string {
  if (Number.isNaN(value)) return "-";
  if (Number.isInteger(value)) return String(value);
  if (Math.abs(value) < 10 ** -digits) return value.toExponential(digits);
  return value.toFixed(digits);
}

/** The frame as a markdown table, numbers with `digits` decimals. */
export function frameMarkdown(frame: dfd.DataFrame, digits = 3): string {
  const rows = (frame.values as unknown[][]).map((row) =>
    row.map((cell) => (typeof cell === "number" ? formatNumber(cell, digits) : String(cell)))
  );
  return markdownTable(frame.columns, rows);
}

/** The frame as CSV text. */
export function frameCsv(frame: dfd.DataFrame): string {
  return dfd.toCSV(frame) as string;
}
