/**
 * The learned allocator behind the same `Policy` interface as every baseline.
 *
 * @module
 */
import { type Decision, IDLE } from "../env/mod.ts";
import type { Policy } from "../policies/mod.ts";
import { Rng } from "../random/mod.ts";
import { logSoftmaxInPlace, makeScorer, type Scorer } from "./fast_scorer.ts";
import type { AgentShape, ParameterValues } from "./networks.ts";

/** How the learned policy picks among its probabilities. */
export type ActionMode = "greedy" | "sample";

/** A trained scorer acting greedily (the most probable slot) or by sampling its softmax. */
export class LearnedPolicy implements Policy {
  readonly name: string;
  readonly description: string;
  readonly #scorer: Scorer;
  #logits: Float64Array;
  readonly #mode: ActionMode;
  #rng = new Rng(0);
  /** The energy weight w the policy acts for (read when its networks have preference). */
  preference: number;

  /**
   * @param shape the networks' sizes
   * @param values the parameters
   * @param options name, action mode (default greedy), energy weight (default 0)
   */
  constructor(
    shape: AgentShape,
    values: ParameterValues,
    options: { name?: string; mode?: ActionMode; preference?: number } = {},
  ) {
    this.preference = options.preference ?? 0;
    this.#scorer = makeScorer(shape, values);
    this.#logits = new Float64Array(shape.window + 1);
    this.#mode = options.mode ?? "greedy";
    this.name = options.name ?? "ppo";
    const attention = shape.attention;
    this.description = `PPO allocator (${this.#mode}), ${
      attention
        ? `attention width ${attention.width}, ${attention.heads} head(s), ${attention.layers} layer(s)`
        : `scorer ${shape.scorerHidden.join("-")}`
    }`;
  }

  reset(seed: number): void {
    this.#rng = new Rng(seed);
  }

  act(decision: Decision): number {
    const slot = this.#mode === "greedy"
      ? this.greedySlot(decision)
      : this.sampleSlot(decision, this.#rng).slot;
    return slot === decision.mask.length - 1 ? IDLE : slot;
  }

  /** Log-probabilities of every slot of the decision (idle last), in a reused array. */
  logProbabilities(decision: Decision): Float64Array {
    if (this.#logits.length !== decision.mask.length) {
      this.#logits = new Float64Array(decision.mask.length);
    }
    this.#scorer.score(decision, this.#logits, this.preference);
    logSoftmaxInPlace(this.#logits);
    return this.#logits;
  }

  /**
   * The greedy action of the policy read as two stages, wait or work, then which task: idle
   * when P(idle) > 1/2, else the most probable task (ties: the earliest slot). Plain argmax
   * over all slots would idle whenever the idle action beats each task alone, even when the
   * policy means to work.
   */
  greedySlot(decision: Decision): number {
    const logits = this.logProbabilities(decision);
    const idle = logits.length - 1;
    if (logits[idle]! > Math.log(0.5)) return idle;
    let best = 0;
    for (let slot = 1; slot < idle; slot++) if (logits[slot]! > logits[best]!) best = slot;
    return best;
  }

  /** A slot drawn from the policy, with its log-probability. */
  sampleSlot(decision: Decision, rng: Rng): { slot: number; logProbability: number } {
    const logits = this.logProbabilities(decision);
    let u = rng.next(), slot = 0;
    for (; slot < logits.length - 1; slot++) {
      u -= Math.exp(logits[slot]!);
      if (u < 0) break;
    }
    while (logits[slot] === -Infinity) slot--; // rounding at the tail: last allowed slot
    return { slot, logProbability: logits[slot]! };
  }
}
