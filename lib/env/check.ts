/**
 * Checkers every environment variant must pass (after Gymnasium's env_checker): the same seed
 * gives the same episode, and an episode's schedule is physically possible.
 *
 * @module
 */
import { actualDuration, type Instance } from "./instance.ts";
import type { Decision, EpisodeInfo, SchedulingEnv } from "./simulator.ts";

function snapshot(decision: Decision): string {
  return JSON.stringify({
    now: decision.now,
    node: decision.node,
    candidates: Array.from(decision.candidates.subarray(0, decision.candidateCount)),
    canIdle: decision.canIdle,
    state: Array.from(decision.state),
    features: Array.from(decision.features),
    mask: Array.from(decision.mask),
  });
}

/**
 * Runs an episode twice from `seed` with the same action rule and throws unless every
 * observation, reward and the final metrics are identical.
 *
 * @param env the environment (it must draw its own instances)
 * @param seed the episode seed
 * @param choose the action rule, a pure function of the decision (default: first candidate)
 */
export function checkDeterminism(
  env: SchedulingEnv,
  seed: number,
  choose: (decision: Decision) => number = () => 0,
): void {
  const trace = () => {
    let decision = env.reset({ seed });
    const records = [snapshot(decision)];
    for (;;) {
      const result = env.step(choose(decision));
      records.push(`reward ${result.reward}`);
      if (result.info) {
        records.push(
          JSON.stringify({ ...result.info, assignedNode: Array.from(result.info.assignedNode) }),
        );
        return records;
      }
      decision = result.observation;
      records.push(snapshot(decision));
    }
  };
  const first = trace();
  const second = trace();
  const diverge = first.findIndex((record, i) => record !== second[i]);
  if (diverge >= 0 || first.length !== second.length) {
    throw new Error(`seed ${seed} gave two different episodes, first at record ${diverge}`);
  }
}

/**
 * Throws unless an episode's schedule is possible: every task ran exactly once, after its
 * arrival, for its actual duration, and no node ran two tasks at once.
 *
 * @param instance the instance scheduled
 * @param info the episode's result
 */
export function checkEpisode(instance: Instance, info: EpisodeInfo): void {
  const { taskCount: n, nodeCount: m } = instance;
  const byNode: { start: number; end: number; task: number }[][] = Array.from(
    { length: m },
    () => [],
  );
  for (let task = 0; task < n; task++) {
    const node = info.assignedNode[task]!, start = info.start[task]!, end = info.completion[task]!;
    if (!(node >= 0 && node < m)) throw new Error(`task ${task} never ran`);
    if (!(start >= instance.arrival[task]!)) {
      throw new Error(`task ${task} started before it arrived`);
    }
    const duration = actualDuration(instance, task, node);
    if (Math.abs(end - start - duration) > 1e-9 * Math.max(1, duration)) {
      throw new Error(`task ${task} ran ${end - start}s, not its ${duration}s`);
    }
    byNode[node]!.push({ start, end, task });
  }
  byNode.forEach((runs, node) => {
    runs.sort((a, b) => a.start - b.start);
    for (let k = 1; k < runs.length; k++) {
      if (runs[k]!.start < runs[k - 1]!.end - 1e-9) {
        throw new Error(`node ${node} ran tasks ${runs[k - 1]!.task} and ${runs[k]!.task} at once`);
      }
    }
  });
  const last = Math.max(...info.completion);
  if (Math.abs(info.makespan - last) > 1e-9 * Math.max(1, last)) {
    throw new Error(`makespan ${info.makespan} is not the last completion ${last}`);
  }
}
