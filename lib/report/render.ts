/**
 * Figures as files: standalone HTML with plotly.js inlined (opens offline), and PNG or SVG
 * rendered by Debian's headless Chromium through puppeteer-core, one page reused for every
 * figure with `Plotly.toImage`.
 *
 * @module
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import type { Figure } from "./figures.ts";

let plotlySource: string | undefined;

/** The minified plotly.js bundle from the npm package. */
export async function plotlyBundle(): Promise<string> {
  plotlySource ??= await Deno.readTextFile(new URL(import.meta.resolve("plotly.js-dist-min")));
  return plotlySource;
}

/** A standalone HTML page showing the figure (plotly.js inlined, no network). */
export async function figureHtml(figure: Figure, title: string): Promise<string> {
  const escapedTitle = title.replace(
    /[<>&]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;" }[c]!),
  );
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapedTitle}</title>
<script>${await plotlyBundle()}</script></head>
<body style="margin:0"><div id="figure" style="width:100vw;height:100vh"></div>
<script>Plotly.newPlot("figure", ${JSON.stringify(figure.data)}, ${
    JSON.stringify(figure.layout)
  }, {responsive: true});</script>
</body></html>
`;
}

/** Where Debian puts Chromium; override with SCHEDLAB_CHROMIUM. */
export function chromiumPath(): string {
  return Deno.env.get("SCHEDLAB_CHROMIUM") ?? "/usr/bin/chromium";
}

/** A headless Chromium with its own fresh profile folder. */
export interface Chromium {
  /** The puppeteer handle. */
  readonly browser: Browser;
  /** Stops Chromium and removes its profile folder. */
  close(): Promise<void>;
}

/** Starts Debian's Chromium headless with the flags that work on this workplace's machines. */
export async function launchChromium(): Promise<Chromium> {
  const profile = await Deno.makeTempDir({ prefix: "schedlab-chromium-" });
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    userDataDir: profile,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      await Deno.remove(profile, { recursive: true });
    },
  };
}

/** Renders figures to images with one headless Chromium page; `close()` when done. */
export class FigureRenderer {
  readonly #chromium: Chromium;
  readonly #page: Page;

  private constructor(chromium: Chromium, page: Page) {
    this.#chromium = chromium;
    this.#page = page;
  }

  /** Starts Chromium and loads plotly.js into a page. */
  static async start(): Promise<FigureRenderer> {
    const chromium = await launchChromium();
    const page = await chromium.browser.newPage();
    await page.setContent(
      `<html><head><script>${await plotlyBundle()}</script></head><body></body></html>`,
    );
    return new FigureRenderer(chromium, page);
  }

  /** Renders a figure and writes it to `path` (PNG, or SVG when the path ends in .svg). */
  async write(
    figure: Figure,
    path: string,
    size: { width: number; height: number } = { width: 960, height: 560 },
  ): Promise<void> {
    const format = path.endsWith(".svg") ? "svg" : "png";
    type Plotly = { toImage(figure: unknown, options: unknown): Promise<string> };
    const url = await this.#page.evaluate(
      (data, layout, format, width, height) =>
        (globalThis as unknown as { Plotly: Plotly }).Plotly.toImage({ data, layout }, {
          format,
          width,
          height,
          scale: format === "png" ? 2 : 1,
        }),
      figure.data as unknown as Record<string, unknown>[],
      figure.layout,
      format,
      size.width,
      size.height,
    ) as string;
    const [, payload = ""] = url.split(",", 2);
    if (format === "png") {
      await Deno.writeFile(path, Uint8Array.from(atob(payload), (c) => c.charCodeAt(0)));
    } else {
      await Deno.writeTextFile(path, decodeURIComponent(payload));
    }
  }

  /** Stops Chromium and removes its profile folder. */
  close(): Promise<void> {
    return this.#chromium.close();
  }
}
