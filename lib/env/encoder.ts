/**
 * The decision encoder: how a decision is written as numbers for a policy, with its sizes
 * declared in one place. The simulator ({@linkcode SchedulingEnv}) and the live coordinator's
 * state both write their decisions through it, so the two cannot drift.
 *
 * - node state, {@linkcode DecisionEncoder.nodeStateSize} numbers per node: the one-hot kind of
 *   its running task (zeros when idle), then its expected remaining time / time scale;
 * - candidate features, {@linkcode DecisionEncoder.featureSize} numbers per candidate slot:
 *   the task embedding (zeros past the candidate count);
 * - mask, {@linkcode DecisionEncoder.maskSize} entries: 1 per occupied slot, then the idle
 *   action;
 * - a node's spec, {@linkcode NODE_SPEC_SIZE} numbers ({@linkcode nodeSpecFeatures}): what
 *   set-based policies put in a node's token beside its state (`lib/agent/tokens.ts`).
 *
 * @module
 */
import { type NodeSpec, REFERENCE_DISK_MBPS } from "../cluster/mod.ts";
import type { Embedding } from "../embedding/mod.ts";
import { kindSpec, TASK_KINDS, type TaskKind } from "../tasks/mod.ts";

/** Options of {@linkcode DecisionEncoder}. */
export interface EncoderOptions {
  /** Number of candidate slots shown to a policy. */
  window: number;
  /** Seconds that map to 1 in the state's remaining-time entries. */
  timeScale: number;
  /** How tasks are shown; default not at all (no features). */
  embedding?: Embedding | undefined;
}

/** Numbers per node in the cluster state, for the kinds registered now. */
export function nodeStateSize(): number {
  return TASK_KINDS.length + 1;
}

/** Numbers describing a node's spec (see {@linkcode nodeSpecFeatures}). */
export const NODE_SPEC_SIZE = 7;

/**
 * A node's spec as numbers, what an operator knows without profiling any task, on log2 scales
 * so that specs outside the seed's range extrapolate: cores, single-thread speed, CPU share,
 * RAM, disk throughput relative to the reference SSD, then the architecture (ARM, x86).
 */
export function nodeSpecFeatures(node: NodeSpec, out: Float32Array, offset: number): void {
  out[offset] = Math.log2(node.cores) / 2;
  out[offset + 1] = Math.log2(node.cpuSpeed) / 2;
  out[offset + 2] = Math.log2(Math.min(1, node.cores)) / 2;
  out[offset + 3] = Math.log2(node.ramGiB) / 3;
  out[offset + 4] = Math.log2(node.diskMBps / REFERENCE_DISK_MBPS) / 2;
  out[offset + 5] = node.arch === "arm" ? 1 : 0;
  out[offset + 6] = node.arch === "x86" ? 1 : 0;
}

/** Writes decisions as numbers; see the module's documentation for the layout. */
export class DecisionEncoder {
  /** Candidate slots. */
  readonly window: number;
  /** Seconds that map to 1 in the remaining-time entries. */
  readonly timeScale: number;
  /** The task embedding, if tasks are shown. */
  readonly embedding: Embedding | undefined;
  /** Numbers per node in the state: one per kind (the running task's), then remaining time. */
  readonly nodeStateSize: number;
  /** Numbers per candidate slot: the embedding's dimension. */
  readonly featureSize: number;
  /** Entries of the mask: one per slot, then the idle action. */
  readonly maskSize: number;

  /** @param options window, time scale, embedding */
  constructor(options: EncoderOptions) {
    if (!Number.isInteger(options.window) || options.window < 1) {
      throw new RangeError(`Expected window to be an integer >= 1 but found ${options.window}`);
    }
    if (!(options.timeScale > 0)) {
      throw new RangeError(`Expected timeScale to be a number > 0 but found ${options.timeScale}`);
    }
    this.window = options.window;
    this.timeScale = options.timeScale;
    this.embedding = options.embedding;
    this.nodeStateSize = nodeStateSize();
    this.featureSize = options.embedding?.dimension ?? 0;
    this.maskSize = options.window + 1;
  }

  /** Zeroed buffers of a decision on `nodeCount` nodes: state, features and mask. */
  buffers(nodeCount: number): {
    state: Float32Array<ArrayBuffer>;
    features: Float32Array<ArrayBuffer>;
    mask: Uint8Array<ArrayBuffer>;
  } {
    return {
      state: new Float32Array(nodeCount * this.nodeStateSize),
      features: new Float32Array(this.window * this.featureSize),
      mask: new Uint8Array(this.maskSize),
    };
  }

  /** The one-hot index of a kind in the node state. */
  kindIndex(kind: TaskKind): number {
    const { index } = kindSpec(kind);
    if (index >= this.nodeStateSize - 1) {
      throw new RangeError(
        `Expected a task kind registered before the encoder was made but found ${kind}`,
      );
    }
    return index;
  }

  /**
   * Writes node `node`'s state: the one-hot index of its running task's kind (< 0: idle, or a
   * task without a kind) and the seconds until it is expected to end (0 when idle).
   */
  writeNode(state: Float32Array, node: number, kindIndex: number, remaining: number): void {
    const base = node * this.nodeStateSize, last = this.nodeStateSize - 1;
    // A loop, not fill(): a builtin call costs more than these few numbers (hot path).
    for (let k = base; k < base + last; k++) state[k] = 0;
    if (kindIndex >= 0) state[base + kindIndex] = 1;
    this.writeRemaining(state, node, remaining);
  }

  /**
   * Writes only node `node`'s expected remaining seconds, leaving its kind as written: what
   * changes between two decisions while the node runs the same task.
   */
  writeRemaining(state: Float32Array, node: number, remaining: number): void {
    state[(node + 1) * this.nodeStateSize - 1] = remaining / this.timeScale;
  }

  /** Writes the embedding of a task into `out` from `offset` (nothing without an embedding). */
  embedTask(kind: TaskKind, parameter: number, out: Float32Array, offset: number): void {
    if (this.featureSize > 0) this.embedding!.encode(kind, parameter, out, offset);
  }

  /** Zeroes the features of the slots from `count` up to `end` (default the window's end). */
  clearFeatures(features: Float32Array, count: number, end: number = this.window): void {
    for (let k = count * this.featureSize; k < end * this.featureSize; k++) features[k] = 0;
  }

  /**
   * Writes the mask: `count` occupied slots, and whether the node may idle.
   *
   * @param mask the mask to write
   * @param count occupied slots
   * @param canIdle whether the idle action is allowed
   * @param written the count `mask` already holds, if known: only the slots between the two
   *   counts are written
   */
  writeMask(mask: Uint8Array, count: number, canIdle: boolean, written?: number): void {
    const from = written === undefined ? 0 : Math.min(count, written);
    const to = written === undefined ? this.window : Math.max(count, written);
    for (let slot = from; slot < to; slot++) mask[slot] = slot < count ? 1 : 0;
    mask[this.window] = canIdle ? 1 : 0;
  }
}
