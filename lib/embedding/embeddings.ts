/**
 * Named task embeddings: how a task is shown to a learned scheduler. The seed's is a one-hot of
 * the kind (one entry per registered kind: 4 for the original's) and the normalised parameter;
 * the others are its ablations.
 *
 * @module
 */
import {
  kindSpec,
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

/** An embedding of the one-hot kind followed by the parameter normalised by `normalise`. */
function oneHotEmbedding(
  name: string,
  description: string,
  normalise: (kind: TaskKind, parameter: number) => number,
): Embedding {
  return {
    name,
    get dimension() {
      return TASK_KINDS.length + 1;
    },
    description,
    encode(kind, parameter, out, offset) {
      const kinds = TASK_KINDS.length;
      // A loop, not fill(): a builtin call costs more than these few numbers (every task of
      // every episode).
      for (let k = offset; k < offset + kinds; k++) out[k] = 0;
      out[offset + kindSpec(kind).index] = 1;
      out[offset + kinds] = normalise(kind, parameter);
    },
  };
}

/** The seed's embedding: one-hot kind + (p - min) / (max - min). */
export const SEED_EMBEDDING: Embedding = oneHotEmbedding(
  "seed",
  "one-hot kind + parameter normalised linearly to [0, 1]",
  normaliseParameter,
);

/** The seed's embedding with the parameter normalised on a log scale. */
export const LOG_EMBEDDING: Embedding = oneHotEmbedding(
  "log",
  "one-hot kind + parameter normalised on a log scale to [0, 1]",
  logNormaliseParameter,
);

/** Resource-profile features instead of the kind's identity, plus the parameter. */
export const PROFILE_EMBEDDING: Embedding = {
  name: "profile",
  dimension: 6,
  description:
    "core demand, CPU, memory and I/O intensity, CPU-vs-I/O balance, log-normalised parameter",
  encode(kind, parameter, out, offset) {
    const profile = kindSpec(kind).profile;
    out[offset] = profile.coreDemand;
    out[offset + 1] = profile.cpuIntensity;
    out[offset + 2] = profile.memoryIntensity;
    out[offset + 3] = profile.ioIntensity;
    out[offset + 4] = profile.cpuIntensity / (profile.cpuIntensity + profile.ioIntensity);
    out[offset + 5] = logNormaliseParameter(kind, parameter);
  },
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
    out[offset + 5] = kindSpec(kind).statedGrowth / GROWTH_SCALE;
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

/** Adds an embedding to the registry, so that configs can name it. */
export function registerEmbedding(entry: Embedding): void {
  if (REGISTRY.has(entry.name)) {
    throw new TypeError(`An embedding named "${entry.name}" is already registered`);
  }
  REGISTRY.set(entry.name, entry);
}
