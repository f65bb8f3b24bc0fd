/**
 * Runs Deno itself in the repository's root, as a user runs a command, for the CLI tests.
 *
 * @module
 */

/** The repository's root. */
export const ROOT = new URL("../../", import.meta.url).pathname;

/** What a finished command returned and printed. */
export interface CommandOutput {
  /** Exit code. */
  readonly code: number;
  /** Standard output, decoded. */
  readonly stdout: string;
  /** Standard error, decoded. */
  readonly stderr: string;
}

/** Runs `deno ...args` in the repository's root and waits for it. */
export async function runDeno(args: readonly string[]): Promise<CommandOutput> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

/** A task of deno.json: a schedlab command, its one-line description and the line it runs. */
export interface DenoTask {
  /** What `./schedlab --help` prints beside the command's name. */
  readonly description: string;
  /** The command line `deno task` runs. */
  readonly command: string;
}

/** deno.json's tasks by name, in their order. */
export async function denoTasks(): Promise<Record<string, DenoTask>> {
  return JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).tasks;
}
