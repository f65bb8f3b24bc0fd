/**
 * Sweeps: grids of training runs (arms × seeds) from a sweep file, run as BullMQ jobs over
 * Redis by workers on any host, gathered into `results/<sweep>/runs/<arm>/seed-K/` and
 * summarised with IQMs and stratified-bootstrap CIs.
 *
 * @module
 */
export { codeVersion, jobId, loadSweep, mergePatch, resolveRuns, sweepSchema } from "./spec.ts";
export type { InvalidArm, RunSpec, Sweep, SweepFile, SweepOverrides } from "./spec.ts";
export { DETERMINISTIC_FILES, runJob, stdinClosed } from "./job.ts";
export { runSweep, workerCommand } from "./sweep.ts";
export type { RunOutcome, SweepOptions, SweepProgress, SweepResult } from "./sweep.ts";
export { startSweepWorker, SWEEP_KEYS, SWEEP_QUEUE } from "./worker.ts";
export type { JobData, JobResult, SweepWorker, SweepWorkerOptions } from "./worker.ts";
export { runRatios, summariseArms, summaryFigure } from "./summary.ts";
export type { ArmSummary } from "./summary.ts";
export { CHUNK_BYTES, fetchFolder, storeFolder } from "./transfer.ts";
export type { StoredFile } from "./transfer.ts";
