/**
 * Pull heuristics beyond the original's: the true min-sum matching of idle nodes to pending
 * tasks (Hungarian), longest-processing-time-first, and a pull rule that may decline work.
 *
 * @module
 */
import { solveAssignment } from "../bounds/mod.ts";
import { type Decision, IDLE } from "../env/mod.ts";
import { expectedOn, idleOrShortest, type Policy } from "./policy.ts";
import { freeNodes, meanDuration, MeanDurationPolicy, TaskStatistic } from "./seed.ts";

/** Idle nodes matched to pending tasks at least total duration (Hungarian algorithm). */
export class HungarianPolicy implements Policy {
  readonly name = "hungarian";
  readonly description = "min-sum matching of the idle nodes to the pending tasks";
  reset(): void {}
  act(decision: Decision): number {
    const nodes = freeNodes(decision);
    const slots = decision.candidateCount;
    const nodesAreRows = nodes.length <= slots;
    const rows = nodesAreRows ? nodes.length : slots;
    const cols = nodesAreRows ? slots : nodes.length;
    const cost = new Float64Array(rows * cols);
    nodes.forEach((node, n) => {
      for (let slot = 0; slot < slots; slot++) {
        const time = expectedOn(decision, decision.candidates[slot]!, node);
        cost[nodesAreRows ? n * cols + slot : slot * cols + n] = time;
      }
    });
    const { columnOf } = solveAssignment(cost, { rows, cols });
    if (nodesAreRows) return columnOf[0]!; // the requester is row 0
    const slot = columnOf.indexOf(0); // the requester is column 0
    return slot >= 0 ? slot : idleOrShortest(decision);
  }
}

/** Longest processing time first: the requesting node takes the longest pending task. */
export class LptPolicy extends MeanDurationPolicy {
  constructor() {
    super({
      name: "lpt",
      description: "the pending task with the longest mean duration over all nodes",
      longest: true,
    });
  }
}

/**
 * A pull rule that may decline: the requesting node takes the longest pending task (by mean
 * duration) that would finish on it no later than on any other node given when each node is
 * expected to be free; if there is none it waits for the next event.
 */
export class EarliestFinishPullPolicy implements Policy {
  readonly name = "earliest-finish-pull";
  readonly description = "the longest task that finishes earliest on the requester, else wait";
  readonly #mean = new TaskStatistic(meanDuration);
  reset(): void {}
  act(decision: Decision): number {
    const { node: self, now, freeAt } = decision;
    const m = decision.instance.nodeCount;
    let best = -1, bestLength = -Infinity;
    for (let slot = 0; slot < decision.candidateCount; slot++) {
      const task = decision.candidates[slot]!;
      const length = this.#mean.of(decision.instance, task);
      if (length <= bestLength) continue;
      const finishHere = now + expectedOn(decision, task, self);
      let finishesFirst = true;
      for (let node = 0; node < m && finishesFirst; node++) {
        if (node !== self && freeAt[node]! + expectedOn(decision, task, node) < finishHere) {
          finishesFirst = false;
        }
      }
      if (finishesFirst) {
        best = slot;
        bestLength = length;
      }
    }
    if (best >= 0) return best;
    return decision.canIdle ? IDLE : idleOrShortest(decision);
  }
}
