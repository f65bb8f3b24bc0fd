/**
 * The execution-time model: per task kind a power law in the parameter, scaled by the node's
 * capacity for that kind, sampled with multiplicative log-normal noise. It is the simulator's
 * clock and the "profile" that duration-aware baselines read.
 *
 *   mean(kind, p, node) = scale[kind] * p ^ exponent[kind] / capacity(node, kind)
 *   sample              = mean * exp(sigma * z - sigma^2 / 2),  z ~ N(0, 1)  (mean-preserving)
 *
 * @module
 */
import { type NodeSpec, REFERENCE_DISK_MBPS } from "../cluster/mod.ts";
import { KIND_SPECS, TASK_KINDS, type TaskKind } from "../tasks/mod.ts";

/** The power law of one kind on a node of capacity 1: seconds = scale * parameter ^ exponent. */
export interface PowerLaw {
  /** Seconds at parameter 1. */
  readonly scale: number;
  /** Growth exponent in the parameter. */
  readonly exponent: number;
}

/** A calibration table: a power law per kind and the noise level. */
export interface Calibration {
  /** Name, for manifests. */
  readonly name: string;
  /** Where the coefficients come from. */
  readonly source: string;
  /** The power law per kind. */
  readonly kinds: Readonly<Record<TaskKind, PowerLaw>>;
}

/**
 * The default calibration: least-squares fits in log space to the original system's
 * measurements on its reference node (`shared/benchmarks/seed-cluster/
 * benchmark_results_laptop-fast.csv`, the first, warm-up run of each kind dropped;
 * `tests/duration/` re-fits it).
 */
export const SEED_CALIBRATION: Calibration = {
  name: "seed-laptop-fast",
  source: "fit to shared/benchmarks/seed-cluster/benchmark_results_laptop-fast.csv",
  kinds: {
    matmul: { scale: 4.6713e-10, exponent: 3.1327 },
    primes: { scale: 3.7333e-9, exponent: 1.4380 },
    sort: { scale: 2.4175e-7, exponent: 1.0401 },
    fileio: { scale: 2.2190e-6, exponent: 0.99993 },
  },
};

/**
 * How many reference-node units of work per second a node delivers on a kind: all its CPUs
 * for the multi-core kind, at most one CPU for single-thread kinds (a fractional container
 * time-slices it), its disk throughput relative to the reference SSD for file I/O (throttled
 * by a fractional CPU share too).
 */
export function capacity(node: NodeSpec, kind: TaskKind): number {
  const oneCpu = Math.min(1, node.cores);
  switch (kind) {
    case "matmul":
      return node.cpuSpeed * node.cores;
    case "primes":
    case "sort":
      return node.cpuSpeed * oneCpu;
    case "fileio":
      return (node.diskMBps / REFERENCE_DISK_MBPS) * oneCpu;
  }
}

/** Options of {@linkcode DurationModel}. */
export interface DurationModelOptions {
  /** Standard deviation of the log-normal noise (0 = deterministic); default 0.1. */
  noise?: number;
}

/** The calibrated model bound to a cluster's nodes. */
export class DurationModel {
  /** The calibration in use. */
  readonly calibration: Calibration;
  /** Standard deviation of ln(actual / mean). */
  readonly noise: number;
  readonly #nodes: readonly NodeSpec[];
  readonly #capacity: Float64Array;

  /**
   * @param calibration the power laws
   * @param nodes the cluster's nodes
   * @param options noise level
   */
  constructor(
    calibration: Calibration,
    nodes: readonly NodeSpec[],
    options: DurationModelOptions = {},
  ) {
    const noise = options.noise ?? 0.1;
    if (!Number.isFinite(noise) || noise < 0) {
      throw new RangeError(`Expected noise to be a finite number >= 0 but found ${noise}`);
    }
    if (nodes.length === 0) throw new RangeError("Expected at least one node but found none");
    this.calibration = calibration;
    this.noise = noise;
    this.#nodes = nodes;
    this.#capacity = new Float64Array(nodes.length * TASK_KINDS.length);
    nodes.forEach((node, i) =>
      TASK_KINDS.forEach((kind, k) => {
        this.#capacity[i * TASK_KINDS.length + k] = capacity(node, kind);
      })
    );
  }

  /** The cluster's nodes. */
  get nodes(): readonly NodeSpec[] {
    return this.#nodes;
  }

  /** Number of nodes. */
  get nodeCount(): number {
    return this.#nodes.length;
  }

  /** Seconds on a node of capacity 1 (the reference node's single CPU). */
  referenceSeconds(kind: TaskKind, parameter: number): number {
    const law = this.calibration.kinds[kind];
    return law.scale * Math.pow(parameter, law.exponent);
  }

  /** Expected seconds of (kind, parameter) on node index `node`. */
  mean(kind: TaskKind, parameter: number, node: number): number {
    return this.referenceSeconds(kind, parameter) / this.#capacityOf(kind, node);
  }

  /** Writes the expected seconds on every node into `out` from `offset`. */
  meansOnAllNodes(kind: TaskKind, parameter: number, out: Float64Array, offset: number): void {
    const reference = this.referenceSeconds(kind, parameter);
    for (let node = 0; node < this.#nodes.length; node++) {
      out[offset + node] = reference / this.#capacityOf(kind, node);
    }
  }

  /** A noisy duration from its mean and a standard normal deviate `z`. */
  sample(mean: number, z: number): number {
    return mean * Math.exp(this.noise * z - 0.5 * this.noise * this.noise);
  }

  #capacityOf(kind: TaskKind, node: number): number {
    const index = node * TASK_KINDS.length + KIND_SPECS[kind].index;
    const value = this.#capacity[index];
    if (value === undefined) {
      throw new RangeError(`Expected node to be in [0, ${this.#nodes.length}) but found ${node}`);
    }
    return value;
  }
}
