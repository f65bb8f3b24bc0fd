/**
 * What a notebook needs from the library: its parameters (defaults overridden from the
 * `SCHEDLAB_PARAMS` environment variable, as `./schedlab notebooks` sets it: the small
 * equivalent of papermill) and rich display on the Deno kernel. Notebooks run in
 * `notebooks/`, so their paths (and imports) start with `../`.
 *
 * @module
 */
import type * as dfd from "danfojs";
import type { Figure } from "./figures.ts";
import { frameMarkdown } from "./table.ts";

/** The environment variable that carries parameter overrides as a JSON object. */
export const PARAMS_VARIABLE = "SCHEDLAB_PARAMS";

const article = (type: string) => `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;

/**
 * The notebook's parameters: `defaults`, with the overrides of `SCHEDLAB_PARAMS` applied. An
 * unknown name or a value of another type than its default is an error naming it.
 */
export function notebookParams<T extends Record<string, unknown>>(defaults: T): T {
  const text = Deno.env.get(PARAMS_VARIABLE);
  if (!text) return defaults;
  let overrides: unknown;
  try {
    overrides = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`${PARAMS_VARIABLE} is not JSON: ${(error as Error).message}`);
  }
  if (typeof overrides !== "object" || overrides === null || Array.isArray(overrides)) {
    throw new TypeError(`Expected ${PARAMS_VARIABLE} to be a JSON object but found ${text}`);
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (!(name in defaults)) {
      throw new TypeError(
        `Expected ${PARAMS_VARIABLE} to name known parameters (${
          Object.keys(defaults).join(", ")
        }) but found "${name}"`,
      );
    }
    const expected = Array.isArray(defaults[name]) ? "array" : typeof defaults[name];
    const found = Array.isArray(value) ? "array" : typeof value;
    if (expected !== found) {
      throw new TypeError(
        `Expected ${PARAMS_VARIABLE}.${name} to be ${article(expected)} but found ${
          article(found)
        }`,
      );
    }
  }
  return { ...defaults, ...overrides as Partial<T> };
}

function jupyter() {
  // deno-lint-ignore no-explicit-any
  return (Deno as any).jupyter as {
    display(bundle: Record<string, unknown>, options: { raw: boolean }): Promise<void>;
  } | undefined;
}

/** A PNG file as a display bundle's image and HTML entries. */
async function pngBundle(png: string, alt: string): Promise<Record<string, string>> {
  const bytes = await Deno.readFile(png);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  const base64 = btoa(binary);
  return {
    "image/png": base64,
    "text/html": `<img alt="${alt}" src="data:image/png;base64,${base64}" style="max-width:100%">`,
  };
}

/** Shows a figure: the plotly bundle, with its PNG as the fallback for viewers without plotly. */
export async function showFigure(figure: Figure, png?: string): Promise<void> {
  const bundle: Record<string, unknown> = {
    "application/vnd.plotly.v1+json": figure,
    "text/plain": "[plotly figure]",
    ...(png ? await pngBundle(png, "figure") : {}),
  };
  await jupyter()?.display(bundle, { raw: true });
}

/** Shows a PNG image (a screenshot). */
export async function showImage(png: string, alt = "image"): Promise<void> {
  await jupyter()?.display({ ...await pngBundle(png, alt), "text/plain": `[${alt}]` }, {
    raw: true,
  });
}

/** Shows a table (DataFrame or markdown text). */
export async function showTable(table: dfd.DataFrame | string, digits = 3): Promise<void> {
  const markdown = typeof table === "string" ? table : frameMarkdown(table, digits);
  await jupyter()?.display({ "text/markdown": markdown, "text/plain": markdown }, { raw: true });
}

/** Shows markdown text. */
export async function showMarkdown(markdown: string): Promise<void> {
  await jupyter()?.display({ "text/markdown": markdown, "text/plain": markdown }, { raw: true });
}
