/**
 * Decisions of random play, copied so that they outlive the environment's reused buffers: the
 * material on which tests and benches compare networks that read observations.
 *
 * @module
 */
import { Rng } from "../random/mod.ts";
import { type Decision, IDLE, type SchedulingEnv } from "./simulator.ts";

/** A copy of `decision` that owns its arrays (the environment reuses its own between steps). */
export function copyDecision(decision: Decision): Decision {
  return {
    ...decision,
    candidates: decision.candidates.slice(),
    freeAt: decision.freeAt.slice(),
    otherWaiting: decision.otherWaiting.slice(),
    state: decision.state.slice(),
    features: decision.features.slice(),
    mask: decision.mask.slice(),
  };
}

/** How {@linkcode sampleDecisions} plays. */
export interface SampleOptions {
  /** Seed of the random actions. */
  readonly seed: number;
  /** Seed of the first episode; each later episode's seed is the number of decisions so far. */
  readonly firstEpisode: number;
  /** Probability of idling where idling is allowed (default 0.3). */
  readonly idleProbability?: number;
}

/**
 * Copies of `count` decisions met while playing uniformly random candidates (idling with
 * `idleProbability` where allowed), across as many episodes as it takes.
 *
 * @example
 * ```ts
 * const decisions = sampleDecisions(env, 200, { seed: 3, firstEpisode: 1 });
 * ```
 */
export function sampleDecisions(
  env: SchedulingEnv,
  count: number,
  options: SampleOptions,
): Decision[] {
  const rng = new Rng(options.seed);
  const idleProbability = options.idleProbability ?? 0.3;
  const copies: Decision[] = [];
  let decision = env.reset({ seed: options.firstEpisode });
  while (copies.length < count) {
    copies.push(copyDecision(decision));
    const result = env.step(
      decision.canIdle && rng.next() < idleProbability ? IDLE : rng.int(decision.candidateCount),
    );
    decision = result.info ? env.reset({ seed: copies.length }) : result.observation;
  }
  return copies;
}
