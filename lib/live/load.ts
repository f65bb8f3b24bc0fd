/**
 * The live cluster's load figures: how fast the coordinator hands out work, and how long a
 * requesting node waits for its assignment.
 *
 * @module
 */
import { quantile } from "../experiment/mod.ts";
import type { LiveRunResult } from "./run.ts";

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
