/**
 * Checkpoints: the networks' parameters and the optimizer's state in a folder, written
 * atomically (temporary files, then renames) and verified when read.
 *
 * Format `schedlab-checkpoint/2`: `checkpoint.json` holds the training config, the agent's
 * shape, the number of completed updates, the steps and episodes collected so far, and the
 * layout of `weights.bin` (name, shape, offset and length of every parameter, then of Adam's
 * step count and moments) with the SHA-256 of that file; `weights.bin` is their float32
 * values, little-endian. The learning curve lives beside it, in the run's
 * `learning_curve.csv`. Format `/1` (which also held the whole learning curve) still loads.
 *
 * @module
 */
import { z } from "zod";
import { sha256Hex, validate } from "../validation/mod.ts";
import { attentionSchema, type TrainConfig, trainConfigSchema } from "./config.ts";
import type { AdamState } from "./adam.ts";
import { type AgentShape, parameterLayout, type ParameterValues } from "./networks.ts";

/** The format tag. */
export const CHECKPOINT_FORMAT = "schedlab-checkpoint/2";
/** The older format, with the learning curve inside: read, never written. */
const CHECKPOINT_FORMAT_1 = "schedlab-checkpoint/1";

const entrySchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().min(0)),
  offset: z.number().int().min(0),
  length: z.number().int().min(0),
});

const progressSchema = z.object({
  steps: z.number().int().min(0),
  episodes: z.number().int().min(0),
});

const commonSchema = z.object({
  config: trainConfigSchema,
  shape: z.object({
    nodeCount: z.number().int().positive(),
    nodeStateSize: z.number().int().positive(),
    embeddingDim: z.number().int().min(0),
    learnedDim: z.number().int().positive().optional(),
    window: z.number().int().positive(),
    scorerHidden: z.array(z.number().int().positive()).min(1),
    criticHidden: z.array(z.number().int().positive()).min(1),
    preference: z.boolean().optional(),
    attention: attentionSchema.optional(),
  }),
  update: z.number().int().min(0),
  parameters: z.array(entrySchema),
  optimizer: z.array(entrySchema),
  sha256: z.string(),
});

const checkpointSchema = z.discriminatedUnion("format", [
  commonSchema.extend({ format: z.literal(CHECKPOINT_FORMAT), progress: progressSchema }),
  // Format /1: the progress is the last learning-curve row's (the rows are not kept).
  commonSchema.extend({
    format: z.literal(CHECKPOINT_FORMAT_1),
    history: z.array(z.looseObject({ steps: z.number(), episodes: z.number() })),
  }),
]);

/** What a checkpoint holds. */
export interface Checkpoint {
  /** The training config. */
  readonly config: TrainConfig;
  /** The networks' sizes. */
  readonly shape: AgentShape;
  /** Updates completed. */
  readonly update: number;
  /** Environment steps and episodes collected so far. */
  readonly progress: { readonly steps: number; readonly episodes: number };
  /** Parameter values by name. */
  readonly parameters: ParameterValues;
  /** Adam's state: step count and moments, in the parameters' order. */
  readonly optimizer: AdamState;
}

async function writeAtomically(path: string, data: Uint8Array): Promise<void> {
  const temporary = `${path}.tmp-${crypto.randomUUID()}`;
  await Deno.writeFile(temporary, data);
  await Deno.rename(temporary, path);
}

function optimizerFrom(
  entries: { name: string; values: Float32Array }[],
  layout: readonly { name: string }[],
  dir: string,
): AdamState {
  const byName = new Map(entries.map((entry) => [entry.name, entry.values]));
  const get = (name: string) => {
    const values = byName.get(name);
    if (!values) {
      throw new TypeError(`Invalid checkpoint ${dir}: optimizer entry ${name} is missing`);
    }
    return values;
  };
  return {
    step: get("adam/step")[0]!,
    m: layout.map((spec) => get(`adam/m/${spec.name}`)),
    v: layout.map((spec) => get(`adam/v/${spec.name}`)),
  };
}

/**
 * Writes a checkpoint into `dir` (created if needed); `weights.bin` first, then the JSON that
 * names its hash, each through a temporary file and a rename.
 */
export async function saveCheckpoint(dir: string, checkpoint: Checkpoint): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const layout = parameterLayout(checkpoint.shape);
  const { step, m, v } = checkpoint.optimizer;
  const named = (prefix: string, values: (name: string, i: number) => Float32Array) =>
    layout.map((spec, i) => ({
      name: `${prefix}${spec.name}`,
      shape: [...spec.shape],
      values: values(spec.name, i),
    }));
  const blocks = [
    ...named("", (name) => checkpoint.parameters.get(name)!),
    { name: "adam/step", shape: [1], values: Float32Array.of(step) },
    ...named("adam/m/", (_, i) => m[i]!),
    ...named("adam/v/", (_, i) => v[i]!),
  ];
  let offset = 0;
  const entries = blocks.map(({ name, shape, values }) => {
    const entry = { name, shape, offset, length: values.length };
    offset += values.length;
    return entry;
  });
  const all = new Float32Array(offset);
  blocks.forEach(({ values }, k) => all.set(values, entries[k]!.offset));
  const bytes = new Uint8Array(all.buffer);
  const meta = {
    format: CHECKPOINT_FORMAT,
    config: checkpoint.config,
    shape: checkpoint.shape,
    update: checkpoint.update,
    progress: checkpoint.progress,
    parameters: entries.slice(0, layout.length),
    optimizer: entries.slice(layout.length),
    sha256: await sha256Hex(bytes),
  };
  await writeAtomically(`${dir}/weights.bin`, bytes);
  await writeAtomically(
    `${dir}/checkpoint.json`,
    new TextEncoder().encode(JSON.stringify(meta)),
  );
}

/**
 * Reads and verifies a checkpoint folder.
 *
 * @param dir the folder
 * @param expected if given, the shape the caller's config implies: any difference is an error
 */
export async function loadCheckpoint(dir: string, expected?: AgentShape): Promise<Checkpoint> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/checkpoint.json`);
  } catch (error) {
    throw new TypeError(
      `Invalid checkpoint ${dir}: cannot read checkpoint.json (${(error as Error).message})`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TypeError(
      `Invalid checkpoint ${dir}: checkpoint.json is not JSON (${(error as Error).message})`,
    );
  }
  const meta = validate(checkpointSchema, value, `checkpoint ${dir}/checkpoint.json`);
  const bytes = await Deno.readFile(`${dir}/weights.bin`);
  if ((await sha256Hex(bytes)) !== meta.sha256) {
    throw new TypeError(
      `Invalid checkpoint ${dir}: weights.bin does not match the SHA-256 in checkpoint.json`,
    );
  }
  if (expected) {
    for (const key of Object.keys(expected) as (keyof AgentShape)[]) {
      if (JSON.stringify(expected[key]) !== JSON.stringify(meta.shape[key])) {
        throw new RangeError(
          `Checkpoint ${dir} does not match the config: ${key} is ${
            JSON.stringify(meta.shape[key])
          } in the checkpoint but ${JSON.stringify(expected[key])} in the config`,
        );
      }
    }
  }
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const slice = (entry: z.infer<typeof entrySchema>) => {
    const size = entry.shape.reduce((a, b) => a * b, 1);
    if (size !== entry.length || entry.offset + entry.length > all.length) {
      throw new TypeError(
        `Invalid checkpoint ${dir}: entry ${entry.name} does not fit weights.bin`,
      );
    }
    return all.slice(entry.offset, entry.offset + entry.length);
  };
  const layout = parameterLayout(meta.shape);
  const parameters = new Map(meta.parameters.map((entry) => [entry.name, slice(entry)]));
  for (const spec of layout) {
    const values = parameters.get(spec.name);
    if (!values || values.length !== spec.shape.reduce((a, b) => a * b, 1)) {
      throw new TypeError(
        `Invalid checkpoint ${dir}: parameter ${spec.name} is missing or of the wrong size`,
      );
    }
  }
  return {
    config: meta.config,
    shape: meta.shape,
    update: meta.update,
    progress: meta.format === CHECKPOINT_FORMAT ? meta.progress : {
      steps: meta.history.at(-1)?.steps ?? 0,
      episodes: meta.history.at(-1)?.episodes ?? 0,
    },
    parameters,
    optimizer: optimizerFrom(
      meta.optimizer.map((entry) => ({ name: entry.name, values: slice(entry) })),
      layout,
      dir,
    ),
  };
}

/** Where a checkpoint lives: the folder itself, or its `checkpoint/` subfolder. */
export async function checkpointFolder(dir: string): Promise<string> {
  try {
    await Deno.stat(`${dir}/checkpoint/checkpoint.json`);
    return `${dir}/checkpoint`;
  } catch {
    return dir;
  }
}
