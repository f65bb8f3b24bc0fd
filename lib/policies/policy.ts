/**
 * The one interface every scheduler implements, heuristic or learned, and the loop that runs
 * a policy through an episode of the simulator.
 *
 * @module
 */
import {
  type Decision,
  type EpisodeInfo,
  IDLE,
  type Instance,
  type SchedulingEnv,
} from "../env/mod.ts";
import { hashInts } from "../random/mod.ts";

/** A scheduler: answers each decision with a candidate slot or `IDLE`. */
export interface Policy {
  /** Registry name. */
  readonly name: string;
  /** One line on what it does. */
  readonly description: string;
  /** Starts an episode; `seed` feeds the policy's own randomness, if any. */
  reset(seed: number): void;
  /** The slot of the candidate the requesting node takes, or `IDLE`. */
  act(decision: Decision): number;
}

/** Expected duration of `task` on `node` in the decision's instance. */
export function expectedOn(decision: Decision, task: number, node: number): number {
  return decision.instance.expected[task * decision.instance.nodeCount + node]!;
}

/** The slot of the candidate that is shortest on the requesting node (ties: earliest slot). */
export function shortestOnRequester(decision: Decision): number {
  const { candidates, candidateCount, node } = decision;
  let best = 0, bestTime = Infinity;
  for (let slot = 0; slot < candidateCount; slot++) {
    const time = expectedOn(decision, candidates[slot]!, node);
    if (time < bestTime) {
      bestTime = time;
      best = slot;
    }
  }
  return best;
}

/** `IDLE` where allowed, else the candidate shortest on the requester. */
export function idleOrShortest(decision: Decision): number {
  return decision.canIdle ? IDLE : shortestOnRequester(decision);
}

/**
 * Runs one episode of `policy` in `env`.
 *
 * @param env the simulator
 * @param policy the scheduler
 * @param options the episode seed and, optionally, the instance to schedule
 * @returns the episode's metrics and schedule
 */
export function runEpisode(
  env: SchedulingEnv,
  policy: Policy,
  options: { seed: number; instance?: Instance },
): EpisodeInfo {
  policy.reset(hashInts(options.seed, 0x5ced));
  let decision = env.reset(options);
  for (;;) {
    const result = env.step(policy.act(decision));
    if (result.info) return result.info;
    decision = result.observation;
  }
}
