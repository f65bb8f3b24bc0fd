/**
 * A results folder: what an experiment writes (tables as CSV and markdown, figures as
 * standalone HTML and PNG, JSON) and its manifest (run, parameters, seed, commit, versions,
 * wall times, every file with its SHA-256).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type * as dfd from "danfojs";
import { gitCommit } from "../experiment/mod.ts";
import { sha256Hex } from "../validation/mod.ts";
import type { Figure } from "./figures.ts";
import type { FigureRenderer } from "./render.ts";

// Chromium's driver and danfojs load only when a figure or a table is written, so that code
// that writes neither (a training run) does not pay for them.

/** Writes an experiment's outputs into one folder and, at the end, its manifest. */
export class ResultsFolder {
  /** The folder. */
  readonly dir: string;
  readonly #run: string;
  readonly #parameters: unknown;
  readonly #seed: number;
  readonly #manifest: string;
  readonly #files = new Set<string>();
  readonly #started = performance.now();
  readonly #timings: Record<string, number> = {};
  #renderer: FigureRenderer | undefined;

  private constructor(
    dir: string,
    options: { run: string; parameters: unknown; seed: number; manifest?: string },
  ) {
    this.dir = dir;
    this.#run = options.run;
    this.#parameters = options.parameters;
    this.#seed = options.seed;
    this.#manifest = options.manifest ?? "manifest.json";
  }

  /**
   * Creates (or reuses) the folder.
   *
   * @param dir the folder
   * @param options the run's name, parameters and seed, and the manifest's file name (default
   *   `manifest.json`; another for a folder that holds several runs' outputs side by side)
   * @returns the open folder
   */
  static async open(
    dir: string,
    options: { run: string; parameters: unknown; seed: number; manifest?: string },
  ): Promise<ResultsFolder> {
    await Deno.mkdir(dir, { recursive: true });
    return new ResultsFolder(dir, options);
  }

  /** Records the wall time of a named phase. */
  async time<T>(phase: string, work: () => Promise<T> | T): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.#timings[phase] = (this.#timings[phase] ?? 0) + (performance.now() - start) / 1000;
    }
  }

  /** Writes `name.csv` and `name.md`; returns the markdown. */
  async table(name: string, frame: dfd.DataFrame, digits = 3): Promise<string> {
    const { frameCsv, frameMarkdown } = await import("./table.ts");
    const markdown = frameMarkdown(frame, digits);
    await this.#write(`${name}.csv`, frameCsv(frame));
    await this.#write(`${name}.md`, markdown + "\n");
    return markdown;
  }

  /** Writes `name.html` (standalone) and `name.png` (headless Chromium); returns the PNG's path. */
  async figure(
    name: string,
    figure: Figure,
    size?: { width: number; height: number },
  ): Promise<string> {
    const { figureHtml, FigureRenderer } = await import("./render.ts");
    await this.#write(`${name}.html`, await figureHtml(figure, name));
    this.#renderer ??= await FigureRenderer.start();
    const png = `${this.dir}/${name}.png`;
    await this.#renderer.write(figure, png, size);
    this.#files.add(`${name}.png`);
    return png;
  }

  /** Writes `name.json`. */
  async json(name: string, value: unknown): Promise<void> {
    await this.#write(`${name}.json`, JSON.stringify(value, null, 2) + "\n");
  }

  /** Writes rows of numbers as `name.csv`; NaN (not measured) is left empty. */
  async csv(
    name: string,
    columns: readonly string[],
    rows: readonly Record<string, number>[],
  ): Promise<void> {
    const cell = (
      value: number | undefined,
    ) => (value === undefined || Number.isNaN(value) ? "" : String(value));
    const lines = [
      columns.join(","),
      ...rows.map((row) => columns.map((column) => cell(row[column])).join(",")),
    ];
    await this.#write(`${name}.csv`, lines.join("\n") + "\n");
  }

  /** Writes a text file (its name includes the extension). */
  async text(file: string, content: string): Promise<void> {
    await this.#write(file, content);
  }

  /** Lists in the manifest a file written into the folder by someone else (e.g. a checkpoint). */
  track(file: string): void {
    this.#files.add(file);
  }

  async #write(file: string, text: string): Promise<void> {
    await Deno.writeTextFile(`${this.dir}/${file}`, text);
    this.#files.add(file);
  }

  /** Writes the manifest (`manifest.json` unless named at open) and stops the renderer. */
  async finish(): Promise<Record<string, unknown>> {
    await this.#renderer?.close();
    this.#renderer = undefined;
    const files = await Promise.all(
      [...this.#files].sort().map(async (file) => ({
        file,
        sha256: await sha256Hex(await Deno.readFile(`${this.dir}/${file}`)),
      })),
    );
    const manifest = {
      run: this.#run,
      parameters: this.#parameters,
      seed: this.#seed,
      commit: await gitCommit(),
      versions: {
        deno: Deno.version.deno,
        typescript: Deno.version.typescript,
        tfjs: tf.version.tfjs,
      },
      timings: { ...this.#timings, totalSeconds: (performance.now() - this.#started) / 1000 },
      files,
      finishedAt: new Date().toISOString(),
    };
    await Deno.writeTextFile(
      `${this.dir}/${this.#manifest}`,
      JSON.stringify(manifest, null, 2) + "\n",
    );
    return manifest;
  }
}
