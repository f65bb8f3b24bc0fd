/**
 * Plain-text rendering of an evaluation report as a markdown table.
 *
 * @module
 */
import type { EvaluationReport } from "./evaluate.ts";
import type { Summary } from "./stats.ts";

function meanCi(summary: Summary, digits = 1): string {
  return summary.n > 1
    ? `${summary.mean.toFixed(digits)} ± ${summary.ci95.toFixed(digits)}`
    : summary.mean.toFixed(digits);
}

/** Renders a markdown table, each column padded to its widest cell. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((title, c) =>
    Math.max(title.length, ...rows.map((row) => row[c]!.length))
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)]
    .join("\n");
}

/** The report as a markdown table of policies, then its bounds. */
export function reportTable(report: EvaluationReport): string {
  const bound = report.bounds.makespanOptimum !== null ? "optimum" : "LP bound";
  const tenants = report.results.some((result) => result.tenantSlowdown.length > 1);
  const rows = [...report.results]
    .sort((a, b) => a.makespan - b.makespan)
    .map((result) => [
      result.idleTimeout === undefined
        ? result.policy
        : `${result.policy} (idle ≤ ${result.idleTimeout} s)`,
      meanCi(result.makespanSummary),
      meanCi(result.makespanRatio, 3),
      meanCi(result.sumCompletionSummary, 0),
      result.sumCompletionRatio ? meanCi(result.sumCompletionRatio, 3) : "-",
      meanCi(result.meanFlowTimeSummary),
      meanCi(result.meanSlowdownSummary, 2),
      result.energySummary ? meanCi(result.energySummary, 0) : "-",
      ...(tenants ? [meanCi(result.jainSummary, 3)] : []),
      (result.seconds * 1000).toFixed(1),
    ]);
  const b = report.bounds;
  const bounds = [
    `makespan LP bound ${b.makespanLowerBound.toFixed(1)}`,
    b.makespanOptimum !== null
      ? `makespan optimum (MILP) ${b.makespanOptimum.toFixed(1)}`
      : `makespan optimum proved in ${b.makespanOptimalEpisodes}/${report.episodes} episodes`,
    b.sumCompletionOptimum !== null
      ? `ΣC optimum ${b.sumCompletionOptimum.toFixed(0)}`
      : "ΣC optimum n/a",
    `bounds took ${b.seconds.toFixed(2)} s`,
  ];
  return [
    `${report.instance}: ${report.episodes} episode(s), seed ${report.seed}; mean ± 95% CI, seconds`,
    "",
    markdownTable(
      [
        "policy",
        "makespan",
        `makespan / ${bound}`,
        "ΣC",
        "ΣC / optimum",
        "flow time",
        "slowdown",
        "energy (J)",
        ...(tenants ? ["Jain"] : []),
        "ms",
      ],
      rows,
    ),
    "",
    `Bounds (means): ${bounds.join("; ")}`,
  ].join("\n");
}
