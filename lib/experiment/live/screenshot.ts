/**
 * A picture of the live dashboard during a run: a workload run live on a fresh local cluster
 * with the coordinator's page open in headless Chromium.
 *
 * @module
 */
import { LocalCluster } from "../../live/local.ts";
import { serveDashboard } from "../../live/dashboard.ts";
import { coordinatorOptions, type LivePolicy } from "../../live/policy.ts";
import type { LiveTask } from "../../live/protocol.ts";
import { type LiveRunResult, runLive } from "./run.ts";

/** Options of {@linkcode screenshotLiveRun}. */
export interface ScreenshotOptions {
  /** The policy and its view. */
  live: LivePolicy;
  /** Scratch folder for Redis and the agents. */
  dir: string;
  /** Where the PNG goes. */
  png: string;
  /** Share of the tasks done when the picture is taken; default 0.5. */
  at?: number;
}

/**
 * Runs a workload live on a fresh local cluster with the dashboard open in headless Chromium,
 * and saves a screenshot of the page part-way through.
 *
 * @param tasks the workload
 * @param options policy, scratch folder, PNG path, when to take it
 * @returns the run
 */
export async function screenshotLiveRun(
  tasks: readonly LiveTask[],
  options: ScreenshotOptions,
): Promise<LiveRunResult> {
  // Chromium's driver loads only here.
  const { launchChromium } = await import("../../report/mod.ts");
  const local = await LocalCluster.start({ dir: options.dir });
  const stop = new AbortController();
  const chromium = await launchChromium();
  try {
    const dashboard = await serveDashboard({ redisUrl: local.redis.url, signal: stop.signal });
    const page = await chromium.browser.newPage();
    await page.setViewport({ width: 1280, height: 1000 });
    await page.goto(dashboard.url);
    const run = runLive(tasks, {
      ...coordinatorOptions(options.live, { redisUrl: local.redis.url }),
      timeoutMs: 300_000,
    });
    const target = String(Math.ceil(tasks.length * (options.at ?? 0.5)));
    await page.waitForFunction(
      (count: string) => Number(document.body.dataset.completed) >= Number(count),
      { timeout: 300_000 },
      target,
    );
    await page.screenshot({ path: options.png, fullPage: true });
    return await run;
  } finally {
    stop.abort();
    await chromium.close();
    await local.stop();
  }
}
