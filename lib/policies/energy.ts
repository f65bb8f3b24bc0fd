/**
 * Energy-aware pull rules: the requesting node takes the longest pending task (by mean
 * duration) whose placement cost is lowest on it among all nodes, given when each node is
 * expected to be free; if there is none it waits for the next event. The cost of task j on
 * node i compares its finish time f_ij (from now) and the joules e_ij it adds
 * ({@linkcode taskEnergy}) with the task's best node, so that no scale is needed (a node
 * that may not wait takes the task shortest on it):
 *
 * - energy-aware finish, weight w: (1 − w)·f_ij / min_k f_kj + w·e_ij / min_k e_kj; w = 0 is
 *   the earliest-finish pull rule, w = 1 is min-energy;
 * - min energy-delay: e_ij · f_ij (the energy-delay product of the placement).
 *
 * Every rule needs the instance's power model.
 *
 * @module
 */
import { taskEnergy } from "../cluster/mod.ts";
import type { Decision } from "../env/mod.ts";
import { expectedOn, idleOrShortest, type Policy } from "./policy.ts";
import { meanDuration, TaskStatistic } from "./seed.ts";

/** Cost of a placement from its finish time and joules, each relative to the task's best node. */
type PlacementCost = (
  finish: number,
  bestFinish: number,
  joules: number,
  bestJoules: number,
) => number;

const TINY = 1e-12;

class EnergyPullPolicy implements Policy {
  readonly #mean = new TaskStatistic(meanDuration);
  #finish = new Float64Array(0);
  #joules = new Float64Array(0);

  constructor(
    readonly name: string,
    readonly description: string,
    readonly cost: PlacementCost,
  ) {}

  reset(): void {}

  act(decision: Decision): number {
    const { node: self, now, freeAt, instance } = decision;
    const power = instance.power;
    if (!power) throw new TypeError(`${this.name} needs the instance's power model (node power)`);
    const m = instance.nodeCount;
    if (this.#finish.length !== m) {
      this.#finish = new Float64Array(m);
      this.#joules = new Float64Array(m);
    }
    let best = -1, bestLength = -Infinity;
    for (let slot = 0; slot < decision.candidateCount; slot++) {
      const task = decision.candidates[slot]!;
      let bestFinish = Infinity, bestJoules = Infinity;
      for (let node = 0; node < m; node++) {
        const seconds = expectedOn(decision, task, node);
        this.#finish[node] = (node === self ? now : Math.max(now, freeAt[node]!)) + seconds - now;
        this.#joules[node] = taskEnergy(power, node, seconds);
        bestFinish = Math.min(bestFinish, this.#finish[node]!);
        bestJoules = Math.min(bestJoules, this.#joules[node]!);
      }
      bestFinish = Math.max(bestFinish, TINY);
      bestJoules = Math.max(bestJoules, TINY);
      const here = this.cost(this.#finish[self]!, bestFinish, this.#joules[self]!, bestJoules);
      const length = this.#mean.of(instance, task);
      if (length <= bestLength) continue;
      let lowest = true;
      for (let node = 0; node < m && lowest; node++) {
        if (node === self) continue;
        const there = this.cost(this.#finish[node]!, bestFinish, this.#joules[node]!, bestJoules);
        if (there < here - 1e-12 * Math.abs(here)) lowest = false;
      }
      if (lowest) {
        best = slot;
        bestLength = length;
      }
    }
    return best >= 0 ? best : idleOrShortest(decision);
  }
}

/**
 * The energy-aware earliest-finish pull rule at weight `weight` in [0, 1] (0: earliest finish,
 * 1: least energy), named `energy-aware-finish` at 0.5 and `energy-aware-finish-w<weight>`
 * otherwise.
 */
export function energyAwareFinish(weight: number): Policy {
  if (!(weight >= 0 && weight <= 1)) {
    throw new RangeError(`Expected weight to be in [0, 1] but found ${weight}`);
  }
  return new EnergyPullPolicy(
    weight === 0.5 ? "energy-aware-finish" : `energy-aware-finish-w${weight}`,
    `the longest task whose (1-w)·finish + w·energy, relative to its best node, is lowest here (w = ${weight}), else wait`,
    (finish, bestFinish, joules, bestJoules) =>
      (1 - weight) * (finish / bestFinish) + weight * (joules / bestJoules),
  );
}

/** The pull rule that places each task only on a node where it costs the fewest joules. */
export function minEnergy(): Policy {
  return new EnergyPullPolicy(
    "min-energy",
    "the longest task that costs the fewest joules here, else wait",
    (_finish, _bestFinish, joules) => joules,
  );
}

/** The pull rule that places each task where its energy x finish time is smallest. */
export function minEnergyDelay(): Policy {
  return new EnergyPullPolicy(
    "min-energy-delay",
    "the longest task whose energy x finish time is lowest here, else wait",
    (finish, _bestFinish, joules) => finish * joules,
  );
}
