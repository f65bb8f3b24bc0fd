/**
 * The scheduler a coordinator runs, from a baseline's name or a PPO checkpoint, with the view
 * it needs: candidate window, time scale and task embedding (a checkpoint brings its own;
 * baselines take the `live-9` scenario's).
 *
 * @module
 */
import { type Cluster, LIVE_CLUSTER } from "../cluster/mod.ts";
import { DurationModel, loadCalibrationSync } from "../duration/mod.ts";
import { type Embedding, embedding } from "../embedding/mod.ts";
import { calibrationPath, resolveScenario } from "../experiment/mod.ts";
import { makeBaseline, type Policy } from "../policies/mod.ts";
import type { CoordinatorOptions } from "./coordinator.ts";

/** A policy with the decision view it expects. */
export interface LivePolicy {
  /** The scheduler. */
  readonly policy: Policy;
  /** Candidate slots. */
  readonly window: number;
  /** Seconds that map to 1 in the state. */
  readonly timeScale: number;
  /** Task embedding (a learned policy's own). */
  readonly embedding: Embedding | undefined;
  /** Longest wait, seconds (the scenario's `idleTimeout`; undefined: until the next event). */
  readonly idleTimeout: number | undefined;
  /** Where it came from, for manifests and the dashboard. */
  readonly source: string;
}

/**
 * Resolves `{ policy: NAME }` (a baseline) or `{ checkpoint: DIR }` (a trained PPO run).
 *
 * @param source the baseline's name or the checkpoint folder
 * @param name name to give a learned policy; default `ppo`
 */
export async function resolveLivePolicy(
  source: { policy: string } | { checkpoint: string },
  name = "ppo",
): Promise<LivePolicy> {
  if ("policy" in source) {
    const { window, timeScale, idleTimeout } = resolveScenario("live-9").config;
    return {
      policy: makeBaseline(source.policy),
      window,
      timeScale,
      embedding: undefined,
      idleTimeout,
      source: `baseline ${source.policy}`,
    };
  }
  // Loaded on demand: the learned policy's module brings TensorFlow.js along.
  const { loadLearnedPolicy } = await import("../agent/mod.ts");
  const { policy, config } = await loadLearnedPolicy(source.checkpoint, name);
  const scenario = config.train;
  return {
    policy,
    window: scenario.window,
    timeScale: scenario.timeScale,
    embedding: embedding(scenario.embedding),
    idleTimeout: scenario.idleTimeout,
    source: `checkpoint ${source.checkpoint} (trained on ${scenario.name})`,
  };
}

/**
 * A coordinator's options for a policy on a cluster: the duration model (what duration-aware
 * baselines read) uses a measured calibration of the machine the agents run on.
 *
 * @param live the policy and its view
 * @param options Redis URL and namespace; cluster (default `live-9`), calibration name or
 *   path (default `this-machine`), log
 */
export function coordinatorOptions(
  live: LivePolicy,
  options: {
    redisUrl: string;
    prefix?: string | undefined;
    cluster?: Cluster | undefined;
    calibration?: string | undefined;
    log?: ((line: string) => void) | undefined;
  },
): CoordinatorOptions {
  const cluster = options.cluster ?? LIVE_CLUSTER;
  const calibration = loadCalibrationSync(calibrationPath(options.calibration ?? "this-machine"));
  return {
    redisUrl: options.redisUrl,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    ...(options.log ? { log: options.log } : {}),
    policy: live.policy,
    cluster,
    model: new DurationModel(calibration, cluster.nodes, { noise: 0 }),
    window: live.window,
    timeScale: live.timeScale,
    embedding: live.embedding,
    idleTimeout: live.idleTimeout,
  };
}
