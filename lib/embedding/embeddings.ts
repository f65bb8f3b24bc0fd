/**
 * Named task embeddings: how a task is shown to a learned scheduler. The seed's is 5 numbers,
 * a one-hot of the kind and the normalised parameter; the others are its ablations.
 *
 * @module
 */
import {
  KIND_SPECS,
  logNormaliseParameter,
  normaliseParameter,
  TASK_KINDS,
  type TaskKind,
} from "../tasks/mod.ts";

/** A way to turn a task (kind, parameter) into a fixed-length vector. */
export interface Embedding {
  /** Registry name. */
  readonly name: string;
  /** Length of the vector. */
  readonly dimension: number;
  /** One line on what the numbers are. */
  readonly description: string;
  /** Writes the embedding of (kind, parameter) into `out` from `offset`. */
  encode(kind: TaskKind, parameter: number, out: Float32Array, offset: number): void;
}

function writeOneHot(kind: TaskKind, out: Float32Array, offset: number): void {
  for (let i = 0; i < TASK_KINDS.length; i++) out[offset + i] = 0;
  out[offset + KIND_SPECS[kind].index] = 1;
}

/** The seed's embedding: one-hot kind (4) + (p - min) / (max - min). */
export const SEED_EMBEDDING: Embedding = {
  name: "seed",
  dimension: TASK_KINDS.length + 1,
  description: "one-hot kind (4) + parameter normalised linearly to [0, 1]",
  encode(kind, parameter, out, offset) {
    writeOneHot(kind, out, offset);
    out[offset + TASK_KINDS.length] = normaliseParameter(kind, parameter);
  },
};

/** The seed's embedding with the parameter normalised on a log scale. */
export const LOG_EMBEDDING: Embedding = {
  name: "log",
  dimension: TASK_KINDS.length + 1,
  description: "one-hot kind (4) + parameter normalised on a log scale to [0, 1]",
  encode(kind, parameter, out, offset) {
    writeOneHot(kind, out, offset);
    out[offset + TASK_KINDS.length] = logNormaliseParameter(kind, parameter);
  },
};

/** Resource-profile features instead of the kind's identity, plus the parameter. */
export const PROFILE_EMBEDDING: Embedding = {
  name: "profile",
  dimension: 6,
  description:
    "core demand, CPU, memory and I/O intensity, CPU-vs-I/O balance, log-normalised parameter",
  encode(kind, parameter, out, offset) {
    const profile = KIND_SPECS[kind].profile;
    out[offset] = profile.coreDemand;
    out[offset + 1] = profile.cpuIntensity;
    out[offset + 2] = profile.memoryIntensity;
    out[offset + 3] = profile.ioIntensity;
    out[offset + 4] = profile.cpuIntensity / (profile.cpuIntensity + profile.ioIntensity);
    out[offset + 5] = logNormaliseParameter(kind, parameter);
  },
};

/**
 * How a kind's running time grows with its parameter, as a user states it from the algorithm
 * without timing anything: the exponent e of "time ~ parameter^e" (matrix product n^3, trial
 * division up to n about n^1.5, sorting n log n about n^1, file operations linear).
 */
export const STATED_GROWTH: Readonly<Record<TaskKind, number>> = {
  matmul: 3,
  primes: 1.5,
  sort: 1,
  fileio: 1,
};

/** The largest stated growth exponent, which maps to 1 in the character embedding. */
const GROWTH_SCALE = 3;

/**
 * The resource character of a kind, as a user can state it for a new kind without timing it:
 * the resource profile, the stated growth exponent and the parameter. Unlike the one-hot
 * embeddings it gives a never-seen kind a meaningful position.
 */
export const CHARACTER_EMBEDDING: Embedding = {
  name: "character",
  dimension: 7,
  description:
    "multi-core scaling, CPU, memory and I/O intensity, CPU-vs-I/O balance, stated growth exponent / 3, log-normalised parameter",
  encode(kind, parameter, out, offset) {
    PROFILE_EMBEDDING.encode(kind, parameter, out, offset);
    out[offset + 6] = out[offset + 5]!;
    out[offset + 5] = STATED_GROWTH[kind] / GROWTH_SCALE;
  },
};

/** The control of the embedding ablation: the task is not shown at all. */
export const NONE_EMBEDDING: Embedding = {
  name: "none",
  dimension: 0,
  description: "no task features (the ablation's control)",
  encode() {},
};

const REGISTRY = new Map<string, Embedding>(
  [SEED_EMBEDDING, LOG_EMBEDDING, PROFILE_EMBEDDING, CHARACTER_EMBEDDING, NONE_EMBEDDING].map((
    e,
  ) => [e.name, e]),
);

/** Names of the registered embeddings. */
export function embeddingNames(): string[] {
  return [...REGISTRY.keys()];
}

/**
 * Looks an embedding up by name.
 *
 * @param name a registered name (see {@linkcode embeddingNames})
 * @returns the embedding
 * @example
 * ```ts
 * const out = new Float32Array(5);
 * embedding("seed").encode("sort", 500_000, out, 0); // [0, 0, 1, 0, 0]
 * ```
 */
export function embedding(name: string): Embedding {
  const found = REGISTRY.get(name);
  if (!found) {
    throw new TypeError(
      `Expected embedding to be one of ${embeddingNames().join(", ")} but found "${name}"`,
    );
  }
  return found;
}

/** Adds an embedding to the registry (learned embeddings register themselves this way). */
export function registerEmbedding(entry: Embedding): void {
  if (REGISTRY.has(entry.name)) {
    throw new TypeError(`An embedding named "${entry.name}" is already registered`);
  }
  REGISTRY.set(entry.name, entry);
}
