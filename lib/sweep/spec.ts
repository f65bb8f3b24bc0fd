/**
 * A sweep file (`experiments/sweeps/NAME.json`): a base training config, a patch common to
 * every arm, named arms (JSON merge patches, RFC 7396, over the base), the number of training
 * seeds and the evaluation each run ends with. Resolving it gives one {@linkcode RunSpec} per
 * (arm, seed), each with a job id derived from its content and the repository commit.
 *
 * @module
 */
import { z } from "zod";
import { parseTrainConfig, type TrainConfig } from "../agent/mod.ts";
import { CODE_PATHSPEC, gitCommit } from "../experiment/mod.ts";
import { readJsonFile, sha256Hex } from "../validation/mod.ts";

const slug = z.string().regex(
  /^[a-z0-9][a-z0-9-]*$/,
  "must be lower-case letters, digits and dashes (it names a folder)",
);
const patch = z.record(z.string(), z.unknown());

/** Schema of a sweep file. */
export const sweepSchema = z.object({
  /** Sweep name: the results folder `results/<name>/`. */
  name: slug,
  /** The base training config: a path relative to the sweep file. */
  base: z.string().min(1),
  /** A merge patch applied to the base before each arm's (e.g. the budget). */
  patch: patch.default({}),
  /** The arms: a name (its folder) and a merge patch over the patched base. */
  arms: z.array(z.object({ name: slug, patch })).min(1).refine(
    (arms) => new Set(arms.map((arm) => arm.name)).size === arms.length,
    "arm names must be unique",
  ),
  /** Training seeds per arm: the config's seed, seed + 1, ... (folders seed-0, seed-1, ...). */
  seeds: z.number().int().positive(),
  /** The evaluation every run ends with: the trained policy on the held-out scenario. */
  evaluation: z.object({
    /** Episodes (the same ones for every run). */
    episodes: z.number().int().positive(),
    /** Seed of the episodes. */
    seed: z.number().int().min(0),
  }),
});

/** A validated sweep file. */
export type SweepFile = z.output<typeof sweepSchema>;

/** A sweep ready to resolve: its file and the base config's raw JSON. */
export interface Sweep {
  /** The validated file. */
  readonly file: SweepFile;
  /** The base config as written (before defaults), so that patches see what the file says. */
  readonly base: Record<string, unknown>;
}

/** Changes to a sweep's budget (reduced runs, notebooks' smoke budgets). */
export interface SweepOverrides {
  /** Training seeds per arm. */
  seeds?: number;
  /** PPO updates of every run. */
  updates?: number;
  /** Evaluation episodes of every run. */
  episodes?: number;
  /** Only these arms, by name. */
  arms?: readonly string[];
  /** Another base config (path). */
  base?: string;
}

/** What one job runs: an arm's config at one seed, and its evaluation. */
export interface RunSpec {
  /** The sweep's name. */
  readonly sweep: string;
  /** The arm's name. */
  readonly arm: string;
  /** The seed's index K (folder `seed-K`). */
  readonly seedIndex: number;
  /** The resolved, validated training config (its seed included). */
  readonly config: TrainConfig;
  /** Evaluation episodes and their seed. */
  readonly evaluation: SweepFile["evaluation"];
}

/** An arm whose patch gives an invalid config. */
export interface InvalidArm {
  /** The arm's name. */
  readonly arm: string;
  /** What is wrong, naming the field. */
  readonly error: string;
}

/** A JSON object (not an array, not null). */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Applies a JSON merge patch (RFC 7396): objects merge key by key, `null` deletes a key,
 * anything else replaces.
 *
 * @param target the document
 * @param patch the patch
 * @returns the patched document (the inputs are not modified)
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** Reads a JSON object file; errors name the file. */
async function readObject(path: string, what: string): Promise<Record<string, unknown>> {
  return await readJsonFile(patch, path, what);
}

/**
 * Reads and validates a sweep file and its base config.
 *
 * @param path the sweep file
 * @param base another base config path (relative to the working directory)
 */
export async function loadSweep(path: string, base?: string): Promise<Sweep> {
  const file = await readJsonFile(sweepSchema, path, "sweep file");
  const basePath = base ?? new URL(file.base, new URL(path, `file://${Deno.cwd()}/`)).pathname;
  return { file, base: await readObject(basePath, `base config of sweep ${file.name}`) };
}

/**
 * The runs of a sweep, arm by arm and seed by seed; arms whose config is invalid are set
 * aside with the error (the others still run).
 *
 * @param sweep the loaded sweep
 * @param overrides budget changes
 */
export function resolveRuns(
  sweep: Sweep,
  overrides: SweepOverrides = {},
): { runs: RunSpec[]; invalid: InvalidArm[] } {
  const { file } = sweep;
  const unknown = (overrides.arms ?? []).filter((a) => !file.arms.some((arm) => arm.name === a));
  if (unknown.length) {
    throw new RangeError(
      `Unknown arm(s) ${unknown.join(", ")} of sweep ${file.name}; it has ${
        file.arms.map((arm) => arm.name).join(", ")
      }`,
    );
  }
  const arms = overrides.arms
    ? file.arms.filter((a) => overrides.arms!.includes(a.name))
    : file.arms;
  const budget = overrides.updates === undefined ? {} : { updates: overrides.updates };
  const evaluation = {
    ...file.evaluation,
    ...(overrides.episodes ? { episodes: overrides.episodes } : {}),
  };
  const runs: RunSpec[] = [];
  const invalid: InvalidArm[] = [];
  for (const arm of arms) {
    let config: TrainConfig;
    try {
      const raw = mergePatch(mergePatch(sweep.base, file.patch), arm.patch);
      config = parseTrainConfig(
        mergePatch(raw, { ...budget, name: `${file.name}-${arm.name}` }),
        `config of arm ${arm.name}`,
      );
    } catch (error) {
      invalid.push({ arm: arm.name, error: (error as Error).message });
      continue;
    }
    for (let k = 0; k < (overrides.seeds ?? file.seeds); k++) {
      runs.push({
        sweep: file.name,
        arm: arm.name,
        seedIndex: k,
        config: { ...config, seed: config.seed + k },
        evaluation,
      });
    }
  }
  return { runs, invalid };
}

/** JSON with object keys sorted, so that equal values give equal text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a < b ? -1 : 1)) : v,
  );
}

/**
 * The BullMQ job id of a run: a hash of its config (seed included), its evaluation and the
 * commit, so that submitting the same run twice is one job.
 *
 * @param run the run
 * @param commit the repository commit the sweep was submitted from
 */
export async function jobId(run: RunSpec, commit: string): Promise<string> {
  const text = canonicalJson({ config: run.config, evaluation: run.evaluation, commit });
  return `run-${(await sha256Hex(new TextEncoder().encode(text))).slice(0, 32)}`;
}

/**
 * The code a run is made with: the repository's commit, and for a tree with uncommitted code
 * changes (`COMMIT+dirty`) a hash of those changes too, so that two different edits of one
 * commit differ. Files under `results/` are not code ({@linkcode CODE_PATHSPEC}): a calibration or
 * a pretrained run there that a config names is known by its path, so commit it (or give it a
 * new name) before sweeping again with a changed one.
 */
export async function codeVersion(): Promise<string> {
  const commit = await gitCommit();
  if (!commit.endsWith("+dirty")) return commit;
  const diff = await new Deno.Command("git", {
    args: ["diff", "HEAD", "--", ...CODE_PATHSPEC],
    stdout: "piped",
  }).output();
  return `${commit}-${(await sha256Hex(diff.stdout)).slice(0, 12)}`;
}
