/**
 * The live experiments, run on the live system of `lib/live`: one live run
 * ({@linkcode runLive}), the loop over workloads and policies that every live experiment uses
 * ({@linkcode runLiveSeries}), the comparison with the simulator and its shared-core replay
 * (notebook 08), the load test (`./schedlab load-test`) and a dashboard screenshot.
 *
 * Not re-exported from `lib/experiment/mod.ts`: it loads the Redis client.
 *
 * @module
 */
export { runLive } from "./run.ts";
export type { LiveRunResult } from "./run.ts";
export { runLiveSeries } from "./series.ts";
export type { LiveSeriesOptions, SeriesRun, SeriesWorkload } from "./series.ts";
export { compareLiveWithSimulation, simulateLive } from "./compare.ts";
export type { LiveComparison, LiveComparisonOptions, LiveComparisonRow } from "./compare.ts";
export { loadSummary, loadTable, loadTest, percentiles } from "./load.ts";
export type { LoadSummary, LoadTestOptions, Percentiles } from "./load.ts";
export { sharedCoreMakespan } from "./shared_cores.ts";
export type { ReplayTask } from "./shared_cores.ts";
export { screenshotLiveRun } from "./screenshot.ts";
export type { ScreenshotOptions } from "./screenshot.ts";
