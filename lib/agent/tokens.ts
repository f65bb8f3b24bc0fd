/**
 * The size-agnostic view of a decision that the attention allocator reads: one token per node
 * and a few context numbers. Nothing in it depends on the number of nodes or the window, and
 * nothing in it is a task's duration.
 *
 * A node token is what an operator knows without profiling any task — its spec on log scales
 * (cores, single-thread speed, CPU share, RAM, disk throughput relative to the reference SSD)
 * and its architecture — then its dynamic state (the simulator's one-hot kind of the running
 * task and expected remaining time, normalised by the time scale), whether it is the requester,
 * and whether it also waits for work at this instant. The context is the window's fill and the
 * queue's length per node, and the share of busy nodes: ratios, so that a cluster twice the size
 * with twice the tasks looks the same.
 *
 * @module
 */
import type { NodeSpec } from "../cluster/mod.ts";
import { type Decision, NODE_SPEC_SIZE, nodeSpecFeatures } from "../env/mod.ts";

export { NODE_SPEC_SIZE, nodeSpecFeatures };

/**
 * Numbers in a node token: spec, dynamic state (`nodeStateSize` numbers, as the decision's state
 * has them per node), requester flag, waiting flag.
 */
export function nodeTokenSize(nodeStateSize: number): number {
  return NODE_SPEC_SIZE + nodeStateSize + 2;
}

/** Numbers of a decision's context. */
export const CONTEXT_SIZE = 3;

const specCache = new WeakMap<readonly NodeSpec[], Float32Array>();

/** The spec features of every node, computed once per node list. */
function specsOf(decision: Decision): Float32Array {
  const nodes = decision.instance.nodes;
  if (!nodes) {
    throw new TypeError(
      `instance ${decision.instance.name} has no node specs: the attention allocator needs them`,
    );
  }
  let specs = specCache.get(nodes);
  if (!specs) {
    specs = new Float32Array(nodes.length * NODE_SPEC_SIZE);
    nodes.forEach((node, i) => nodeSpecFeatures(node, specs!, i * NODE_SPEC_SIZE));
    specCache.set(nodes, specs);
  }
  return specs;
}

/** Writes the decision's node tokens, `nodeCount * nodeTokenSize(…)` numbers, into `out`. */
export function writeNodeTokens(
  decision: Decision,
  out: Float32Array | Float64Array,
  offset = 0,
): void {
  const specs = specsOf(decision), state = decision.state;
  const m = decision.instance.nodeCount;
  const stateSize = state.length / m, tokenSize = nodeTokenSize(stateSize);
  for (let i = 0; i < m; i++) {
    const base = offset + i * tokenSize;
    for (let k = 0; k < NODE_SPEC_SIZE; k++) out[base + k] = specs[i * NODE_SPEC_SIZE + k]!;
    for (let k = 0; k < stateSize; k++) {
      out[base + NODE_SPEC_SIZE + k] = state[i * stateSize + k]!;
    }
    out[base + NODE_SPEC_SIZE + stateSize] = i === decision.node ? 1 : 0;
    out[base + NODE_SPEC_SIZE + stateSize + 1] = 0;
  }
  for (let k = 0; k < decision.otherWaitingCount; k++) {
    out[offset + decision.otherWaiting[k]! * tokenSize + tokenSize - 1] = 1;
  }
}

/** Writes the decision's context, {@linkcode CONTEXT_SIZE} numbers, into `out`. */
export function writeContext(decision: Decision, out: Float32Array, offset = 0): void {
  const m = decision.instance.nodeCount, state = decision.state, stateSize = state.length / m;
  let busy = 0;
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < stateSize - 1; k++) busy += state[i * stateSize + k]!;
  }
  out[offset] = decision.candidateCount / m;
  out[offset + 1] = Math.log1p(decision.pendingCount / m);
  out[offset + 2] = busy / m;
}
