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

/**
 * Objective coefficients other than "minimise C": `makespan`·C + Σ `assignment`[j·m+i]·x_ij
 * (the weighted makespan-energy objective of lib/bounds/energy.ts).
 */
export interface ProgramCosts {
  /** Coefficient of the makespan C. */
  readonly makespan: number;
  /** Coefficient of each x_ij, task-major. */
  readonly assignment: Float64Array;
}

/** The makespan program in CPLEX LP format; binary x when `integer`; objective C unless `costs`. */
export function makespanProgram(
  instance: Instance,
  durations: Float64Array,
  integer: boolean,
  costs?: ProgramCosts,
): string {
  const { taskCount: n, nodeCount: m } = instance;
  let objective = " obj: C";
  if (costs) {
    const terms = [`${costs.makespan} C`];
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < m; i++) terms.push(`${costs.assignment[j * m + i]!} x${j}_${i}`);
    }
    objective = ` obj: ${terms.join(" + ")}`;
  }
  const lines = ["Minimize", objective, "Subject To"];
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
 * A lower bound without a solver: the larger of {@linkcode releaseBound} and the work bound
 * Σ_j min_i p_ij / m (every task's fastest duration, spread evenly over the nodes).
 *
 * @param instance the instance (release times count through {@linkcode releaseBound})
 * @param durations n x m durations, task-major; default the expected ones
 * @returns seconds no schedule of these durations can beat
 */
export function quickMakespanBound(
  instance: Instance,
  durations: Float64Array = instance.expected,
): number {
  const { taskCount: n, nodeCount: m } = instance;
  let work = 0;
  for (let j = 0; j < n; j++) {
    let fastest = Infinity;
    for (let i = 0; i < m; i++) fastest = Math.min(fastest, durations[j * m + i]!);
    work += fastest;
  }
  return Math.max(releaseBound(instance, durations), work / m);
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
  const durations = options.durations ?? instance.expected;
  const solved = await solveAssignmentProgram(instance, {
    durations,
    timeLimit: options.timeLimit ?? 60,
  });
  return { optimal: solved.optimal, makespan: solved.objective, nodeOf: solved.nodeOf };
}

/**
 * Solves the assignment MILP of a batch instance under an objective (default: the makespan).
 *
 * @param instance a batch instance (every arrival 0)
 * @param options durations, time limit (seconds), objective coefficients
 * @returns whether proved optimal, the objective's value, and each task's node
 */
export async function solveAssignmentProgram(
  instance: Instance,
  options: { durations: Float64Array; timeLimit: number; costs?: ProgramCosts },
): Promise<{ optimal: boolean; objective: number; nodeOf: Int32Array }> {
  if (instance.arrival.some((release) => release !== 0)) {
    throw new RangeError("the assignment MILP needs every task released at 0 (R||C_max)");
  }
  const program = makespanProgram(instance, options.durations, true, options.costs);
  const result = (await highs()).solve(program, {
    time_limit: options.timeLimit,
    mip_rel_gap: 1e-9,
  });
  if (result.Status !== "Optimal" && result.Status !== "Time limit reached") {
    throw new Error(`assignment MILP: HiGHS says ${result.Status}`);
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
  return { optimal: result.Status === "Optimal", objective: result.ObjectiveValue, nodeOf };
}
