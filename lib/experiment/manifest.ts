/**
 * Run manifests: what produced a result (config, seed, commit, versions, timings, files).
 *
 * @module
 */

/** The current git commit of the working tree, or "unknown" (needs --allow-run). */
export async function gitCommit(): Promise<string> {
  try {
    const output = await new Deno.Command("git", {
      args: ["rev-parse", "HEAD"],
      stdout: "piped",
      stderr: "null",
    })
      .output();
    if (!output.success) return "unknown";
    const dirty = await new Deno.Command("git", {
      args: ["status", "--porcelain", "--untracked-files=no"],
      stdout: "piped",
    })
      .output();
    const commit = new TextDecoder().decode(output.stdout).trim();
    return new TextDecoder().decode(dirty.stdout).trim() ? `${commit}+dirty` : commit;
  } catch {
    return "unknown";
  }
}

/** A manifest's common fields. */
export interface Manifest {
  /** What ran (command or notebook). */
  readonly run: string;
  /** The seed. */
  readonly seed: number;
  /** The full config. */
  readonly config: unknown;
  /** The git commit (with "+dirty" when the tree had changes). */
  readonly commit: string;
  /** Runtime versions. */
  readonly versions: Record<string, string>;
  /** Wall-clock seconds per phase. */
  readonly timings: Record<string, number>;
  /** Files written, relative to the run folder. */
  readonly files: readonly string[];
  /** When it finished (ISO 8601). */
  readonly finishedAt: string;
}

/** Writes `manifest.json` into a run folder. */
export async function writeManifest(
  dir: string,
  manifest: Omit<Manifest, "finishedAt">,
): Promise<void> {
  const full: Manifest = { ...manifest, finishedAt: new Date().toISOString() };
  await Deno.writeTextFile(`${dir}/manifest.json`, JSON.stringify(full, null, 2) + "\n");
}

/** Writes rows of numbers as CSV with the given columns; NaN (not measured) is left empty. */
export async function writeCsv(
  path: string,
  columns: readonly string[],
  rows: readonly Record<string, number>[],
): Promise<void> {
  const lines = [
    columns.join(","),
    ...rows.map((row) => columns.map((c) => (Number.isNaN(row[c] ?? NaN) ? "" : row[c])).join(",")),
  ];
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
}
