/**
 * Makespan bounds for R|r_j|C_max through the HiGHS solver (WebAssembly): the lower bound of
 * the linear relaxation, and the exact optimum of the mixed-integer program for small
 * instances.
 *
 *   min C  s.t.  Σ_i x_ij = 1 (each task j),  Σ_j p_ij x_ij <= C (each node i),  x_ij >= 0
 *
 * @module
 */
import highsModule, { type Highs, type InitOptions } from "highs";
import type { Instance } from "../env/mod.ts";

// The package is CommonJS: its default export is the loader, typed as the module namespace.
const loadHighs = highsModule as unknown as (options?: InitOptions) => Promise<Highs>;
let solver: Promise<Highs> | undefined;

function highs(): Promise<Highs> {
  return solver ??= loadHighs();
}

/** The makespan program in CPLEX LP format; binary x when `integer`. */
export function makespanProgram(
  instance: Instance,
  durations: Float64Array,
  integer: boolean,
): string {
  const { taskCount: n, nodeCount: m } = instance;
  const lines = ["Minimize", " obj: C", "Subject To"];
  for (let j = 0; j < n; j++) {
    const terms = [];
    for (let i = 0; i < m; i++) terms.push(`x${j}_${i}`);
    lines.push(` t${j}: ${terms.join(" + ")} = 1`);
  }
  for (let i = 0; i < m; i++) {
    const terms = [];
    for (let j = 0; j < n; j++) terms.push(`${durations[j * m + i]!} x${j}_${i}`);
    lines.push(` n${i}: ${terms.join(" + ")} - C <= 0`);
  }
  lines.push("Bounds", " C >= 0");
  for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) lines.push(` 0 <= x${j}_${i} <= 1`);
  if (integer) {
    lines.push("Binary");
    for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) lines.push(` x${j}_${i}`);
  }
  lines.push("End");
  return lines.join("\n");
}

/** The simple bound max_j (r_j + min_i p_ij): every task runs somewhere after its release. */
export function releaseBound(instance: Instance, durations: Float64Array): number {
  const { taskCount: n, nodeCount: m } = instance;
  let bound = 0;
  for (let j = 0; j < n; j++) {
    let fastest = Infinity;
    for (let i = 0; i < m; i++) fastest = Math.min(fastest, durations[j * m + i]!);
    bound = Math.max(bound, instance.arrival[j]! + fastest);
  }
  return bound;
}

/**
 * A lower bound on the makespan: the larger of the LP relaxation's optimum and
 * {@linkcode releaseBound}.
 *
 * @param instance the instance
 * @param durations n x m durations, task-major; default the expected ones
 */
export async function makespanLowerBound(
  instance: Instance,
  durations: Float64Array = instance.expected,
): Promise<number> {
  const result = (await highs()).solve(makespanProgram(instance, durations, false));
  if (result.Status !== "Optimal") throw new Error(`makespan LP: HiGHS says ${result.Status}`);
  return Math.max(result.ObjectiveValue, releaseBound(instance, durations));
}

/** The MILP's outcome: the optimum when proved, else the best bounds found in time. */
export interface MakespanOptimum {
  /** Whether `makespan` is proved optimal. */
  readonly optimal: boolean;
  /** Best makespan found (the optimum when `optimal`). */
  readonly makespan: number;
  /** Node of each task in that schedule. */
  readonly nodeOf: Int32Array;
}

/**
 * The exact minimum makespan of a batch instance by MILP (exponential in the worst case: for
 * small instances, e.g. 24 tasks on 9 nodes).
 *
 * @param instance a batch instance (every arrival 0)
 * @param options durations (default the expected ones) and a time limit in seconds (default 60)
 */
export async function makespanOptimum(
  instance: Instance,
  options: { durations?: Float64Array; timeLimit?: number } = {},
): Promise<MakespanOptimum> {
  if (instance.arrival.some((release) => release !== 0)) {
    throw new RangeError("makespanOptimum needs every task released at 0 (R||C_max)");
  }
  const durations = options.durations ?? instance.expected;
  const result = (await highs()).solve(makespanProgram(instance, durations, true), {
    time_limit: options.timeLimit ?? 60,
    mip_rel_gap: 1e-9,
  });
  if (result.Status !== "Optimal" && result.Status !== "Time limit reached") {
    throw new Error(`makespan MILP: HiGHS says ${result.Status}`);
  }
  const { taskCount: n, nodeCount: m } = instance;
  const nodeOf = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    let best = 0;
    for (let i = 1; i < m; i++) {
      if (result.Columns[`x${j}_${i}`]!.Primal > result.Columns[`x${j}_${best}`]!.Primal) best = i;
    }
    nodeOf[j] = best;
  }
  return { optimal: result.Status === "Optimal", makespan: result.ObjectiveValue, nodeOf };
}
