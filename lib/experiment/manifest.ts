/**
 * Provenance: the git commit a result was produced from.
 *
 * @module
 */

/**
 * What counts as the code in `git status` and `git diff`: the whole repository but `results/`,
 * which experiments rewrite as they run (from any working directory inside it).
 */
export const CODE_PATHSPEC: readonly string[] = [":(top)", ":(top,exclude)results"];

/**
 * The current git commit of the working tree ("+dirty" when the code has uncommitted changes;
 * results do not count, see {@linkcode CODE_PATHSPEC}), or "unknown".
 */
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
      args: ["status", "--porcelain", "--untracked-files=no", "--", ...CODE_PATHSPEC],
      stdout: "piped",
    }).output();
    const commit = new TextDecoder().decode(output.stdout).trim();
    return new TextDecoder().decode(dirty.stdout).trim() ? `${commit}+dirty` : commit;
  } catch {
    return "unknown";
  }
}
