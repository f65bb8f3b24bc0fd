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
import type { NodeSpec } from "../cluster/mod.ts";
import { kindSpec, type PowerLaw, type TaskKind, taskKinds } from "../tasks/mod.ts";

export type { PowerLaw };

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
 * The default calibration: every kind's `seedLaw`. For the four kinds of the original, these
 * are least-squares fits in log space to its measurements on its reference node
 * (`shared/benchmarks/seed-cluster/benchmark_results_laptop-fast.csv`, the first, warm-up run
 * of each kind dropped; `tests/duration/` re-fits them).
 */
export const SEED_CALIBRATION: Calibration = {
  name: "seed-laptop-fast",
  source: "fit to shared/benchmarks/seed-cluster/benchmark_results_laptop-fast.csv",
  get kinds() {
    return Object.fromEntries(taskKinds().map((spec) => [spec.name, spec.seedLaw]));
  },
};

/**
 * How many reference-node units of work per second a node delivers on a kind (the kind's
 * capacity rule: all its CPUs for the matrix product, at most one CPU for single-thread
 * kinds, its disk throughput relative to the reference SSD for file I/O).
 */
export function capacity(node: NodeSpec, kind: TaskKind): number {
  return kindSpec(kind).capacity(node);
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
  readonly #kinds: number;
  readonly #capacity: Float64Array;
  readonly #scale: Float64Array;
  readonly #exponent: Float64Array;

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
    const kinds = taskKinds();
    this.#kinds = kinds.length;
    this.#capacity = new Float64Array(nodes.length * kinds.length);
    nodes.forEach((node, i) =>
      kinds.forEach((spec, k) => {
        this.#capacity[i * kinds.length + k] = spec.capacity(node);
      })
    );
    const laws = kinds.map((spec) => {
      const law = calibration.kinds[spec.name];
      if (!law) {
        throw new TypeError(
          `Expected calibration ${calibration.name} to have a law for every task kind but found none for ${spec.name}`,
        );
      }
      return law;
    });
    this.#scale = Float64Array.from(laws, (law) => law.scale);
    this.#exponent = Float64Array.from(laws, (law) => law.exponent);
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
    const k = this.#kindIndex(kind);
    return this.#scale[k]! * Math.pow(parameter, this.#exponent[k]!);
  }

  /** Expected seconds of (kind, parameter) on node index `node`. */
  mean(kind: TaskKind, parameter: number, node: number): number {
    return this.referenceSeconds(kind, parameter) / this.#capacityOf(kind, node);
  }

  /** Writes the expected seconds on every node into `out` from `offset`. */
  meansOnAllNodes(kind: TaskKind, parameter: number, out: Float64Array, offset: number): void {
    const k = this.#kindIndex(kind), m = this.#nodes.length;
    const reference = this.#scale[k]! * Math.pow(parameter, this.#exponent[k]!);
    for (let node = 0; node < m; node++) {
      out[offset + node] = reference / this.#capacity[node * this.#kinds + k]!;
    }
  }

  /** A noisy duration from its mean and a standard normal deviate `z`. */
  sample(mean: number, z: number): number {
    return mean * Math.exp(this.noise * z - 0.5 * this.noise * this.noise);
  }

  #kindIndex(kind: TaskKind): number {
    const { index } = kindSpec(kind);
    if (index >= this.#kinds) {
      throw new RangeError(
        `Expected a task kind registered before the duration model was made but found ${kind}`,
      );
    }
    return index;
  }

  #capacityOf(kind: TaskKind, node: number): number {
    if (!(node >= 0 && node < this.#nodes.length)) {
      throw new RangeError(`Expected node to be in [0, ${this.#nodes.length}) but found ${node}`);
    }
    return this.#capacity[node * this.#kinds + this.#kindIndex(kind)]!;
  }
}
