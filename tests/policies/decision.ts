/** A hand-made decision for unit tests of policies. */
import { type Decision, instanceFromMatrix } from "../../lib/env/mod.ts";

/** Builds a decision on an ETC-style instance given as rows of durations per node. */
export function handDecision(
  rows: number[][],
  options: {
    node: number;
    candidates?: number[];
    freeAt?: number[];
    others?: number[];
    canIdle?: boolean;
  },
): Decision {
  const m = rows[0]!.length;
  const instance = instanceFromMatrix("hand", Float64Array.from(rows.flat()), {
    taskCount: rows.length,
    nodeCount: m,
  });
  const candidates = Int32Array.from(options.candidates ?? rows.map((_, j) => j));
  const others = Int32Array.from(options.others ?? []);
  return {
    now: 0,
    node: options.node,
    instance,
    candidates,
    candidateCount: candidates.length,
    pendingCount: candidates.length,
    canIdle: options.canIdle ?? true,
    freeAt: Float64Array.from(options.freeAt ?? new Array(m).fill(0)),
    otherWaiting: others,
    otherWaitingCount: others.length,
    state: new Float32Array(m * 5),
    features: new Float32Array(0),
    mask: new Uint8Array(candidates.length + 1).fill(1),
  };
}
