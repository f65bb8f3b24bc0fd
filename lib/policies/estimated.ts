/**
 * A duration-aware policy fed estimated durations instead of the true expected ones: what a
 * profile-based scheduler knows after profiling only a few runs. The simulator's clock still
 * runs on the true durations; the policy sees an instance whose `expected` matrix is the
 * estimate, and free times recomputed from its own estimates of the running tasks (a node is
 * known to be busy, from the state's one-hot of its running kind, not when it will finish).
 *
 * @module
 */
import { type Decision, IDLE, type Instance } from "../env/mod.ts";
import type { Policy } from "./policy.ts";

/** Estimated expected durations of an instance, task-major like `Instance.expected`. */
export type DurationEstimate = (instance: Instance) => Float64Array;

/** Wraps a duration-aware policy so that it decides on estimated durations. */
export class EstimatedDurationsPolicy implements Policy {
  readonly name: string;
  readonly description: string;
  readonly #inner: Policy;
  readonly #estimate: DurationEstimate;
  #source: Instance | undefined;
  #view: Instance | undefined;
  #running = new Int32Array(0);
  #start = new Float64Array(0);
  #freeAt = new Float64Array(0);

  /**
   * @param inner the duration-aware policy
   * @param estimate the estimated durations of an instance
   * @param name the wrapped policy's name in reports
   */
  constructor(inner: Policy, estimate: DurationEstimate, name: string) {
    this.#inner = inner;
    this.#estimate = estimate;
    this.name = name;
    this.description = `${inner.description} (on estimated durations)`;
  }

  reset(seed: number): void {
    this.#source = undefined;
    this.#inner.reset(seed);
  }

  act(decision: Decision): number {
    const instance = decision.instance, m = instance.nodeCount;
    if (this.#source !== instance) {
      this.#source = instance;
      this.#view = { ...instance, expected: this.#estimate(instance) };
      this.#running = new Int32Array(m).fill(-1);
      this.#start = new Float64Array(m);
      this.#freeAt = new Float64Array(m);
    }
    const expected = this.#view!.expected;
    const stateSize = decision.state.length / m;
    for (let node = 0; node < m; node++) {
      let busy = decision.freeAt[node]! > decision.now;
      for (let k = 0; k < stateSize - 1; k++) {
        if (decision.state[node * stateSize + k] !== 0) busy = true;
      }
      const task = this.#running[node]!;
      const end = busy && task >= 0 ? this.#start[node]! + expected[task * m + node]! : 0;
      this.#freeAt[node] = Math.max(decision.now, end);
    }
    const slot = this.#inner.act({ ...decision, instance: this.#view!, freeAt: this.#freeAt });
    if (slot !== IDLE) {
      this.#running[decision.node] = decision.candidates[slot]!;
      this.#start[decision.node] = decision.now;
    }
    return slot;
  }
}
