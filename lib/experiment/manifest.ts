/**
 * Provenance: the git commit a result was produced from.
 *
 * @module
 */

/** The current git commit of the working tree ("+dirty" when it has changes), or "unknown". */
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
    }).output();
    const commit = new TextDecoder().decode(output.stdout).trim();
    return new TextDecoder().decode(dirty.stdout).trim() ? `${commit}+dirty` : commit;
  } catch {
    return "unknown";
  }
}
