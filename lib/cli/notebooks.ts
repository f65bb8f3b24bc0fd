/**
 * `./schedlab notebooks [--smoke] [NAME...]`: executes notebooks headless on the Deno kernel
 * (`jupyter nbconvert --execute`), each with its parameters (the smoke budgets of
 * `notebooks/smoke.json` with `--smoke`), and writes the executed copies with their outputs to
 * `results/notebooks/` (`results/smoke/notebooks/` with `--smoke`). Exits 1 when any cell of
 * any notebook throws.
 *
 * @module
 */
import { basename } from "node:path";
import { parseCommandLine, runCommand, UsageError } from "./common.ts";

const USAGE = "./schedlab notebooks [--smoke] [NAME...]";

/** Registers the Deno kernel with Jupyter, pointing at this Deno. */
export async function installKernel(): Promise<void> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["jupyter", "--install", "--force"],
    stdout: "null",
    stderr: "piped",
  })
    .output();
  if (!output.success) {
    throw new Error(
      `deno jupyter --install failed: ${new TextDecoder().decode(output.stderr).trim()}`,
    );
  }
}

/** The notebooks of `dir`, sorted, optionally only those whose names start with one of `names`. */
export async function listNotebooks(dir: string, names: readonly string[]): Promise<string[]> {
  const all: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".ipynb")) {
      all.push(entry.name.slice(0, -".ipynb".length));
    }
  }
  all.sort();
  if (names.length === 0) return all;
  return names.map((name) => {
    const found = all.filter((notebook) => notebook.startsWith(name));
    if (found.length !== 1) {
      throw new UsageError(
        `"${name}" matches ${found.length ? found.join(", ") : "no notebook"} (have: ${
          all.join(", ")
        })`,
      );
    }
    return found[0]!;
  });
}

/**
 * Executes one notebook with the given parameters.
 *
 * @returns whether every cell ran, the seconds it took, and nbconvert's last lines on failure
 */
export async function executeNotebook(
  path: string,
  options: { outDir: string; params: Record<string, unknown> },
): Promise<{ ok: boolean; seconds: number; log: string }> {
  const started = performance.now();
  const output = await new Deno.Command("jupyter", {
    args: [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      "--ExecutePreprocessor.kernel_name=deno",
      "--ExecutePreprocessor.timeout=-1",
      "--output-dir",
      options.outDir,
      path,
    ],
    env: { SCHEDLAB_PARAMS: JSON.stringify(options.params), PYDEVD_DISABLE_FILE_VALIDATION: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const log = new TextDecoder().decode(output.stderr).split("\n").filter((line) =>
    !/frozen|Debugger|0\.00s/.test(line)
  );
  return {
    ok: output.success,
    seconds: (performance.now() - started) / 1000,
    log: log.slice(-25).join("\n"),
  };
}

if (import.meta.main) {
  await runCommand("notebooks", USAGE, async (args) => {
    const { flags, positionals } = parseCommandLine(args, {
      smoke: {
        type: "boolean",
        help: "the small budgets of notebooks/smoke.json, into results/smoke/notebooks",
      },
    }, { positionals: true });
    const smoke = flags.smoke ?? false;
    const notebooks = await listNotebooks("notebooks", positionals);
    const smokeParams: Record<string, Record<string, unknown>> = smoke
      ? JSON.parse(await Deno.readTextFile("notebooks/smoke.json"))
      : {};
    const outDir = smoke ? "results/smoke/notebooks" : "results/notebooks";
    await Deno.mkdir(outDir, { recursive: true });
    await installKernel();
    let failed = 0;
    for (const name of notebooks) {
      const params = smokeParams[name] ?? {};
      const result = await executeNotebook(`notebooks/${name}.ipynb`, { outDir, params });
      console.log(
        `${result.ok ? "ok    " : "FAILED"} ${name} (${result.seconds.toFixed(1)} s) -> ${outDir}/${
          basename(name)
        }.ipynb`,
      );
      if (!result.ok) {
        failed++;
        console.error(result.log);
      }
    }
    if (failed > 0) throw new Error(`${failed} of ${notebooks.length} notebook(s) failed`);
  });
}
