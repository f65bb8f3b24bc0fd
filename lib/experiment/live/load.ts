/**
 * The load test: many short real tasks through the emulated cluster under each policy, and
 * its figures: how fast the coordinator hands out work, and how long a requesting node waits
 * for its assignment. Writes a run folder (`load.json`, `load.md`, `manifest.json`).
 *
 * @module
 */
import { shortWorkload } from "../../live/mod.ts";
import type { LivePolicy } from "../../live/policy.ts";
import { ResultsFolder } from "../../report/results.ts";
import { quantile } from "../stats.ts";
import { markdownTable } from "../table.ts";
import type { LiveRunResult } from "./run.ts";
import { runLiveSeries } from "./series.ts";

/** Median, 90th and 99th percentiles and maximum. */
export interface Percentiles {
  /** Median. */
  readonly p50: number;
  /** 90th percentile. */
  readonly p90: number;
  /** 99th percentile. */
  readonly p99: number;
  /** Largest value. */
  readonly max: number;
}

/** The percentiles of a sample. */
export function percentiles(values: readonly number[]): Percentiles {
  return {
    p50: quantile(values, 0.5),
    p90: quantile(values, 0.9),
    p99: quantile(values, 0.99),
    max: Math.max(...values),
  };
}

/** What a load run measured. */
export interface LoadSummary {
  /** The policy. */
  readonly policy: string;
  /** Tasks run. */
  readonly tasks: number;
  /** Seconds from the first submission to the last result. */
  readonly makespan: number;
  /** Assignments per second of makespan: the live cluster's scheduling throughput. */
  readonly assignmentsPerSecond: number;
  /**
   * Assignments per second of the coordinator's busy time (messages, Redis round trips,
   * policy): what it could hand out if nodes asked faster.
   */
  readonly assignmentsPerBusySecond: number;
  /** Times the policy was asked (waits included). */
  readonly decisions: number;
  /** Decisions per second of time spent inside the policy (its own speed). */
  readonly policyDecisionsPerSecond: number;
  /** Request-to-assignment time of every assignment, ms (includes waits the policy chose). */
  readonly latencyMs: Percentiles;
  /** The same for nodes given work at their first ask: the scheduling overhead alone. */
  readonly immediateLatencyMs: Percentiles;
  /** Results reported (more than the tasks if some ran twice). */
  readonly reports: number;
}

/** Summarises a live run for the load report. */
export function loadSummary(result: LiveRunResult): LoadSummary {
  const { stats } = result;
  return {
    policy: result.policy,
    tasks: result.tasks.length,
    makespan: result.makespan,
    assignmentsPerSecond: stats.assignments / result.makespan,
    assignmentsPerBusySecond: stats.assignments / stats.busySeconds,
    decisions: stats.decisions,
    policyDecisionsPerSecond: stats.decisions / stats.policySeconds,
    latencyMs: percentiles(stats.latenciesMs),
    immediateLatencyMs: percentiles(stats.immediateLatenciesMs),
    reports: result.reports,
  };
}

/** The load report as a markdown table, one row per policy. */
export function loadTable(rows: readonly LoadSummary[]): string {
  const ms = ({ p50, p90, p99, max }: Percentiles) =>
    [p50, p90, p99].map((value) => value.toFixed(1)).join(" / ") + ` / ${max.toFixed(0)}`;
  return markdownTable(
    [
      "policy",
      "tasks",
      "makespan (s)",
      "assignments / s",
      "assignments / s of coordinator busy time",
      "decisions (waits included)",
      "decisions / s inside the policy",
      "request→assignment, first ask: p50 / p90 / p99 / max (ms)",
      "request→assignment, all (incl. chosen waits)",
      "results reported",
    ],
    rows.map((row) => [
      row.policy,
      String(row.tasks),
      row.makespan.toFixed(1),
      row.assignmentsPerSecond.toFixed(0),
      row.assignmentsPerBusySecond.toFixed(0),
      String(row.decisions),
      row.policyDecisionsPerSecond.toFixed(0),
      ms(row.immediateLatencyMs),
      ms(row.latencyMs),
      String(row.reports),
    ]),
  );
}

/** Options of {@linkcode loadTest}. */
export interface LoadTestOptions {
  /** The policies, each with its view. */
  policies: readonly LivePolicy[];
  /** Short tasks per policy (prime searches from the lowest tenth of the range). */
  tasks: number;
  /** Seed of the workload. */
  seed: number;
  /** Time limit of one policy's run, ms. */
  timeoutMs: number;
  /** The run folder. */
  out: string;
  /** Called after each policy's run. */
  onRun?: (row: LoadSummary) => void;
}

/**
 * Runs the load test: the same short workload under every policy on a fresh local cluster,
 * into a run folder with its manifest.
 *
 * @returns one summary per policy
 */
export async function loadTest(options: LoadTestOptions): Promise<LoadSummary[]> {
  const kinds = ["primes"];
  const results = await ResultsFolder.open(options.out, {
    run: "load-test",
    parameters: {
      tasks: options.tasks,
      kinds,
      bin: "0 of 10",
      cluster: "live-9",
      timeoutMs: options.timeoutMs,
      policies: options.policies.map((live) => live.source),
      cores: navigator.hardwareConcurrency,
    },
    seed: options.seed,
  });
  const scratch = await Deno.makeTempDir({ prefix: "schedlab-load-" });
  const rows: LoadSummary[] = [];
  try {
    await results.time("live runs", () =>
      runLiveSeries({
        policies: options.policies,
        workloads: [{
          seed: options.seed,
          tasks: shortWorkload({ count: options.tasks, seed: options.seed, kinds }).tasks,
        }],
        dir: scratch,
        timeoutMs: options.timeoutMs,
        onRun: ({ run }) => {
          const row = loadSummary(run);
          rows.push(row);
          options.onRun?.(row);
        },
      }));
  } finally {
    await Deno.remove(scratch, { recursive: true });
  }
  await results.json("load", rows);
  await results.text("load.md", loadTable(rows) + "\n");
  await results.finish();
  return rows;
}
