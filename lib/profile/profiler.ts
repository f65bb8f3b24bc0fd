/**
 * The profiler: times the real workloads over a grid of parameters, each (kind, parameter,
 * threads, folder) in its own worker with a warm-up run, and appends every sample to a CSV as
 * soon as it is measured, so that a budget or Ctrl-C stops it without losing anything.
 *
 * CSV columns: kind, parameter, threads, storage, repetition, wallSeconds, cpuSeconds
 * (process CPU time during the run: all threads), bytesRead, bytesWritten.
 *
 * @module
 */
import { z } from "zod";
import { kindModules, kindSpec, TASK_KINDS, type TaskKind, taskKindSchema } from "../tasks/mod.ts";
import type { ProfileJob } from "./worker.ts";

/** One measured run. */
export interface ProfileSample {
  readonly kind: TaskKind;
  readonly parameter: number;
  readonly threads: number;
  /** Where file I/O ran: "disk" (the system's temporary folder) or "tmpfs" (/dev/shm); "-" for other kinds. */
  readonly storage: string;
  readonly repetition: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly bytesRead: number;
  readonly bytesWritten: number;
}

/** The CSV header. */
export const PROFILE_COLUMNS = [
  "kind",
  "parameter",
  "threads",
  "storage",
  "repetition",
  "wallSeconds",
  "cpuSeconds",
  "bytesRead",
  "bytesWritten",
] as const;

/** `count` integers spaced geometrically from min to max. */
export function geometricGrid(min: number, max: number, count: number): number[] {
  return Array.from(
    { length: count },
    (_, i) => Math.round(min * (max / min) ** (count === 1 ? 0 : i / (count - 1))),
  );
}

/** One unit of profiling work. */
export interface ProfilePlanEntry {
  readonly kind: TaskKind;
  readonly parameter: number;
  readonly threads: number;
  readonly storage: string;
}

/** The profiling grid of a kind: `points` parameters spaced geometrically over its range. */
export function profileGrid(kind: TaskKind, points: number): number[] {
  const { min, max } = kindSpec(kind).profiling;
  return geometricGrid(min, max, points);
}

/**
 * The plan: every kind over its grid in each of its variants (smallest parameters first,
 * kinds interleaved so that a budget cuts every kind's largest values, not a whole kind).
 */
export function profilePlan(
  options: { points: number; kinds?: readonly TaskKind[] },
): ProfilePlanEntry[] {
  const kinds = options.kinds ?? TASK_KINDS;
  const plan: ProfilePlanEntry[] = [];
  for (let i = 0; i < options.points; i++) {
    for (const kind of kinds) {
      const parameter = profileGrid(kind, options.points)[i]!;
      for (const variant of kindSpec(kind).profiling.variants) {
        plan.push({ kind, parameter, ...variant });
      }
    }
  }
  return plan;
}

/** Options of {@linkcode profile}. */
export interface ProfileOptions {
  /** The CSV to append to (created with its header when missing). */
  out: string;
  /** Seconds after which no new job starts. */
  budgetSeconds: number;
  /** Measured runs per job (after one warm-up). */
  repetitions: number;
  /** Seed of the workloads' inputs. */
  seed: number;
  /** Grid points per kind. */
  points: number;
  /** Kinds to profile (default all). */
  kinds?: readonly TaskKind[];
  /** Called after each sample. */
  onSample?: (sample: ProfileSample, done: number, total: number) => void;
  /** Aborts the job in progress (its finished samples are kept). */
  signal?: AbortSignal;
}

function csvLine(sample: ProfileSample): string {
  return PROFILE_COLUMNS.map((column) => sample[column]).join(",") + "\n";
}

function runJob(
  job: ProfileJob,
  onSample: (sample: Omit<ProfileSample, "kind" | "parameter" | "threads" | "storage">) => void,
  signal?: AbortSignal,
) {
  const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
  return new Promise<void>((resolve, reject) => {
    const abort = () => {
      worker.terminate();
      resolve();
    };
    signal?.addEventListener("abort", abort, { once: true });
    worker.onmessage = (event) => {
      if (event.data === "done") {
        signal?.removeEventListener("abort", abort);
        worker.terminate();
        resolve();
      } else {
        onSample(event.data);
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new Error(`profiling ${job.kind} ${job.parameter} failed: ${event.message}`));
    };
    worker.postMessage(job);
  });
}

/**
 * Profiles the workloads, appending to `options.out`.
 *
 * @returns the samples measured in this call, and whether it stopped early (budget or abort)
 */
export async function profile(
  options: ProfileOptions,
): Promise<{ samples: ProfileSample[]; complete: boolean }> {
  const plan = profilePlan(options);
  const total = plan.length * options.repetitions;
  const file = await Deno.open(options.out, { append: true, create: true });
  const encoder = new TextEncoder();
  const samples: ProfileSample[] = [];
  const started = performance.now();
  try {
    if ((await file.stat()).size === 0) {
      await file.write(encoder.encode(PROFILE_COLUMNS.join(",") + "\n"));
    }
    for (const entry of plan) {
      if (options.signal?.aborted || (performance.now() - started) / 1000 > options.budgetSeconds) {
        return { samples, complete: false };
      }
      const tempDir = entry.storage === "tmpfs" ? "/dev/shm" : undefined;
      await runJob({
        kind: entry.kind,
        parameter: entry.parameter,
        threads: entry.threads,
        repetitions: options.repetitions,
        seed: options.seed,
        modules: kindModules(),
        ...(tempDir ? { tempDir } : {}),
      }, (measured) => {
        const sample = { ...entry, ...measured };
        samples.push(sample);
        file.writeSync(encoder.encode(csvLine(sample)));
        options.onSample?.(sample, samples.length, total);
      }, options.signal);
    }
    return { samples, complete: !options.signal?.aborted };
  } finally {
    file.close();
  }
}

const sampleSchema = z.object({
  kind: taskKindSchema,
  parameter: z.coerce.number().positive(),
  threads: z.coerce.number().int().positive(),
  storage: z.string(),
  repetition: z.coerce.number().int().min(0),
  wallSeconds: z.coerce.number().positive(),
  cpuSeconds: z.coerce.number().min(0),
  bytesRead: z.coerce.number().min(0),
  bytesWritten: z.coerce.number().min(0),
});

/** Parses a profile CSV; errors name the file, the line and the field. */
export function parseProfile(text: string, source: string): ProfileSample[] {
  const lines = text.trim().split(/\r?\n/).filter((line) => line !== "");
  if (lines.length === 0) throw new TypeError(`Invalid profile ${source}: the file is empty`);
  const header = lines[0]!.split(",");
  const missing = PROFILE_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length) {
    throw new TypeError(`Invalid profile ${source}: missing columns ${missing.join(", ")}`);
  }
  if (lines.length === 1) {
    throw new TypeError(`Invalid profile ${source}: no samples after the header`);
  }
  return lines.slice(1).map((line, i) => {
    const cells = line.split(",");
    const record = Object.fromEntries(header.map((column, c) => [column, cells[c]]));
    const parsed = sampleSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new TypeError(
        `Invalid profile ${source} line ${i + 2}: ${issue.path.join(".")}: ${issue.message}`,
      );
    }
    return parsed.data;
  });
}
