/**
 * Preference conditioning: the networks read the objective's energy weight w, so that one
 * policy serves every point of the makespan-energy front (conditioned networks in
 * multi-objective RL, Abels et al. 2019). The conditioning vector is [w, w·node one-hot]: the
 * first entry lets w shift every first-layer unit, the rest let it shift each node's units
 * separately (how eager each node is to take work depends on its power). It is appended to
 * the scorer's and the critic's inputs; with `preference` unset the networks are unchanged.
 * In the scorer it enters the task slots only, not the idle slot: w moves, node by node, the
 * balance between taking work and waiting directly, rather than only through the ReLUs.
 *
 * Both networks also get one output head per knot of w (0, 1/4, ..., 1; the head at w = 0
 * is the original one): the scorer's logits and the critic's value are the heads interpolated
 * piecewise-linearly in w ({@linkcode knotWeights}). A head learns from the episodes near its
 * knot only, so a behaviour that switches at some w (a node that should wait once energy
 * weighs enough) is not averaged away over the whole range, as it is with w as an input alone
 * (which an earlier attempt found not to respond to w).
 *
 * @module
 */
import type { AgentShape, ParameterSpec, ParameterValues } from "./networks.ts";

/** Length of the conditioning vector: m + 1 when the shape reads w, else 0. */
export function preferenceSize(shape: AgentShape): number {
  return shape.preference ? shape.nodeCount + 1 : 0;
}

/** Knots of w that have their own output heads: 0, 1/4, 1/2, 3/4, 1. */
export const PREFERENCE_KNOTS = [0, 0.25, 0.5, 0.75, 1] as const;

/** Suffix of the parameters of knot k's heads ("" for knot 0, the original heads). */
export function knotSuffix(knot: number): string {
  return knot === 0 ? "" : `@${knot}`;
}

/**
 * Weights of the knots' heads at w: the piecewise-linear (hat) interpolation, at most two
 * nonzero, summing to 1.
 *
 * @param weight w in [0, 1] (clamped)
 * @param out one entry per knot
 */
export function knotWeights(weight: number, out: Float32Array | Float64Array): void {
  const w = Math.min(1, Math.max(0, weight)), last = PREFERENCE_KNOTS.length - 1;
  out.fill(0);
  const position = w * last, low = Math.min(last - 1, Math.floor(position));
  out[low] = low + 1 - position;
  out[low + 1] = position - low;
}

/** The heads of knots 1.. (after every other parameter), for shapes with preference. */
export function knotHeadLayout(shape: AgentShape): ParameterSpec[] {
  if (!shape.preference) return [];
  return PREFERENCE_KNOTS.slice(1).flatMap((_, k) => {
    const at = knotSuffix(k + 1);
    return [
      { name: `scorer/wOut${at}`, shape: [shape.scorerHidden.at(-1)!, 1], gain: 0.01 },
      { name: `scorer/bOut${at}`, shape: [1], gain: 0 },
      { name: `scorer/idle${at}`, shape: [1], gain: 0 },
      { name: `critic/wOut${at}`, shape: [shape.criticHidden.at(-1)!, 1], gain: 1 },
      { name: `critic/bOut${at}`, shape: [1], gain: 0 },
    ];
  });
}

/** Writes [w, w·one-hot(node)] at `out[offset..]`. */
export function writePreference(
  shape: AgentShape,
  node: number,
  weight: number,
  out: Float32Array,
  offset: number,
): void {
  out.fill(0, offset, offset + shape.nodeCount + 1);
  out[offset] = weight;
  out[offset + 1 + node] = weight;
}

/**
 * Parameters of a network that reads w, from those of one that does not (a makespan policy to
 * fine-tune): the first layers of the scorer and the critic gain zero rows for the
 * conditioning inputs and every knot's heads start as copies of the original heads, so the
 * widened networks start as the originals at every w.
 *
 * @param values the original parameters
 * @param from the original's shape (no preference)
 * @param to the shape with preference
 */
export function widenForPreference(
  values: ParameterValues,
  from: AgentShape,
  to: AgentShape,
): Map<string, Float32Array> {
  if (from.preference || !to.preference) {
    throw new RangeError("widenForPreference goes from a shape without preference to one with it");
  }
  const extra = preferenceSize(to);
  const widened = new Map(values);
  for (
    const [name, width] of [["scorer/w0", to.scorerHidden[0]!], [
      "critic/w0",
      to.criticHidden[0]!,
    ]] as const
  ) {
    const old = values.get(name);
    if (!old) throw new RangeError(`Expected parameter ${name} but found none`);
    const grown = new Float32Array(old.length + extra * width);
    grown.set(old); // rows are inputs: the conditioning rows come last, zero
    widened.set(name, grown);
  }
  for (const spec of knotHeadLayout(to)) {
    const source = spec.name.split("@")[0]!;
    const value = values.get(source);
    if (!value) throw new RangeError(`Expected parameter ${source} but found none`);
    widened.set(spec.name, value.slice());
  }
  return widened;
}
