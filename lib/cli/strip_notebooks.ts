/**
 * `./schedlab strip-notebooks [--check]`: notebooks are committed without outputs. Clears
 * every cell's outputs and execution count, gives cells stable ids, and drops run-specific
 * metadata; with `--check`, changes nothing and exits 1 if a notebook is not stripped.
 *
 * @module
 */
import { parseFlags, runCommand } from "./common.ts";

interface Cell {
  cell_type: string;
  id?: string;
  metadata?: Record<string, unknown>;
  source: string | string[];
  outputs?: unknown[];
  execution_count?: number | null;
}

/** The stripped form of a notebook's JSON text. */
export function stripNotebook(text: string): string {
  const notebook = JSON.parse(text) as {
    cells: Cell[];
    metadata: Record<string, unknown>;
    nbformat: number;
    nbformat_minor: number;
  };
  notebook.cells = notebook.cells.map((cell, index) => {
    const tags = (cell.metadata?.tags as string[] | undefined) ?? [];
    const stripped: Cell = {
      cell_type: cell.cell_type,
      id: `cell-${String(index).padStart(2, "0")}`,
      metadata: tags.length ? { tags } : {},
      source: cell.source,
    };
    if (cell.cell_type === "code") {
      stripped.execution_count = null;
      stripped.outputs = [];
    }
    return stripped;
  });
  notebook.metadata = {
    kernelspec: { display_name: "Deno", language: "typescript", name: "deno" },
    language_info: { name: "typescript" },
  };
  notebook.nbformat = 4;
  notebook.nbformat_minor = 5;
  return JSON.stringify(notebook, null, 1) + "\n";
}

if (import.meta.main) {
  await runCommand("strip-notebooks", "./schedlab strip-notebooks [--check]", async (args) => {
    const flags = parseFlags(args, {
      check: { type: "boolean", help: "change nothing; exit 1 if a notebook is not stripped" },
    });
    const unstripped: string[] = [];
    for await (const entry of Deno.readDir("notebooks")) {
      if (!entry.name.endsWith(".ipynb")) continue;
      const path = `notebooks/${entry.name}`;
      const text = await Deno.readTextFile(path);
      const stripped = stripNotebook(text);
      if (stripped === text) continue;
      unstripped.push(path);
      if (!flags.check) await Deno.writeTextFile(path, stripped);
    }
    if (flags.check && unstripped.length) throw new Error(`not stripped: ${unstripped.join(", ")}`);
    console.log(
      unstripped.length ? `stripped ${unstripped.join(", ")}` : "all notebooks are stripped",
    );
  });
}
