/**
 * The coordinator's picture of the live cluster (tasks, pending queue, what runs where, which
 * nodes wait) and the {@linkcode Decision} it shows a policy when a node requests work: the
 * same view the simulator builds, so every `Policy`, PPO included, runs live unchanged.
 * Expected durations come from a {@linkcode DurationModel} of the live nodes; the clock is
 * wall time since the run's first submission.
 *
 * @module
 */
import type { Cluster } from "../cluster/mod.ts";
import type { DurationModel } from "../duration/mod.ts";
import type { Embedding } from "../embedding/mod.ts";
import {
  assertIdleTimeout,
  type Decision,
  DecisionEncoder,
  IDLE,
  type Instance,
} from "../env/mod.ts";
import type { Policy } from "../policies/mod.ts";
import type { Task } from "../tasks/mod.ts";
import type { LiveTask } from "./protocol.ts";

/** Options of {@linkcode LiveState}. */
export interface LiveStateOptions {
  /** The nodes, in the policy's node order. */
  cluster: Cluster;
  /** Expected durations on those nodes (what duration-aware baselines read). */
  model: DurationModel;
  /** Candidate slots shown to the policy. */
  window: number;
  /** Seconds that map to 1 in the state's remaining-time entries. */
  timeScale: number;
  /** How tasks are shown to the policy (the learned one needs its own). */
  embedding?: Embedding | undefined;
  /** Longest wait, seconds: a node told to wait is asked again this long after at the latest. */
  idleTimeout?: number | undefined;
}

/** A task placed on a node. */
export interface Placement {
  /** Node name. */
  readonly node: string;
  /** When it was assigned, ms since the Unix epoch. */
  readonly assignedAt: number;
}

/** What a policy chose for a requesting node. */
export type Choice = { readonly task: string } | { readonly wait: true };

/** The live cluster as the coordinator sees it; pure, so it can be tested without Redis. */
export class LiveState {
  /** The options. */
  readonly options: Readonly<LiveStateOptions>;
  /** How decisions are written as numbers (the simulator's encoder). */
  readonly encoder: DecisionEncoder;
  /** When the run started (first submission), ms since the Unix epoch. */
  epoch: number | undefined;
  readonly #nodeIndex: ReadonlyMap<string, number>;
  readonly #tasks: Task[] = [];
  readonly #ids: string[] = []; // task index -> the submitter's id
  readonly #taskIndex = new Map<string, number>();
  #pending: number[] = [];
  readonly #running = new Map<number, Placement>();
  readonly #done = new Set<number>();
  readonly #waiting = new Map<string, number>();
  readonly #declined = new Map<string, number>(); // node -> when it is asked again, ms
  #instance: Instance | undefined;

  /**
   * @param options nodes, duration model, window, time scale, embedding, idle timeout
   * @throws RangeError when the model's node count or the idle timeout is wrong
   */
  constructor(options: LiveStateOptions) {
    assertIdleTimeout(options.idleTimeout);
    this.options = options;
    this.encoder = new DecisionEncoder(options);
    this.#nodeIndex = new Map(options.cluster.nodes.map((node, i) => [node.name, i]));
    if (options.model.nodeCount !== options.cluster.nodes.length) {
      throw new RangeError(
        `Expected a duration model of ${options.cluster.nodes.length} nodes but found ${options.model.nodeCount}`,
      );
    }
  }

  /** Whether `name` is one of the cluster's nodes. */
  hasNode(name: string): boolean {
    return this.#nodeIndex.has(name);
  }

  /** Whether a task of this id was submitted. */
  hasTask(id: string): boolean {
    return this.#taskIndex.has(id);
  }

  /** Adds a submitted task to the pending queue (ignored if its id is known). */
  submit(task: LiveTask, submittedAt: number): boolean {
    if (this.#taskIndex.has(task.id)) return false;
    this.epoch ??= submittedAt;
    const index = this.#tasks.length;
    this.#taskIndex.set(task.id, index);
    this.#ids.push(task.id);
    this.#tasks.push({
      id: index,
      kind: task.kind,
      parameter: task.parameter,
      arrival: Math.max(0, (submittedAt - this.epoch) / 1000),
    });
    this.#pending.push(index);
    this.#instance = undefined;
    this.#declined.clear();
    return true;
  }

  /** The task of an id. */
  task(id: string): LiveTask | undefined {
    const index = this.#taskIndex.get(id);
    if (index === undefined) return undefined;
    const { kind, parameter } = this.#tasks[index]!;
    return { id, kind, parameter };
  }

  /** Ids of the pending tasks, in submission order. */
  get pending(): string[] {
    return this.#pending.map((index) => this.#ids[index]!);
  }

  /** Running tasks by id. */
  get running(): ReadonlyMap<string, Placement> {
    return new Map([...this.#running].map(([index, place]) => [this.#ids[index]!, place]));
  }

  /** A task's place in submission order, from 1 (its score in the `pending` set). */
  order(id: string): number {
    return this.#indexOf(id) + 1;
  }

  /** Where a task runs, if it does. */
  placement(id: string): Placement | undefined {
    const index = this.#taskIndex.get(id);
    return index === undefined ? undefined : this.#running.get(index);
  }

  /** How many tasks were submitted, and how many have a recorded result. */
  get counts(): { submitted: number; pending: number; running: number; done: number } {
    return {
      submitted: this.#tasks.length,
      pending: this.#pending.length,
      running: this.#running.size,
      done: this.#done.size,
    };
  }

  /** Nodes with an outstanding request, earliest first. */
  get waiting(): string[] {
    return [...this.#waiting].sort((a, b) => a[1] - b[1]).map(([node]) => node);
  }

  /** Records a node's request for work (a repeated request keeps the first time). */
  request(node: string, at: number): void {
    if (!this.#waiting.has(node)) this.#waiting.set(node, at);
  }

  /** When a node asked for work, if it waits. */
  requestedAt(node: string): number | undefined {
    return this.#waiting.get(node);
  }

  /** Forgets a node's request (it died). */
  forget(node: string): void {
    this.#waiting.delete(node);
    this.#declined.delete(node);
  }

  /** Marks a pending task as running on a node; the node no longer waits. */
  assign(id: string, placement: Placement): void {
    const index = this.#indexOf(id);
    this.#pending = this.#pending.filter((task) => task !== index);
    this.#running.set(index, placement);
    this.#waiting.delete(placement.node);
  }

  /** Puts a running task back in the queue, in its submission order. */
  requeue(id: string): void {
    const index = this.#indexOf(id);
    if (this.#done.has(index) || !this.#running.delete(index)) return;
    this.#pending.push(index);
    this.#pending.sort((a, b) => a - b);
    this.#declined.clear();
  }

  /**
   * Records a result; returns false when the task already had one (a duplicate run).
   *
   * @param id task id
   * @param node the node that ran it
   */
  complete(id: string, node: string): boolean {
    const index = this.#indexOf(id);
    const placement = this.#running.get(index);
    if (placement?.node === node) this.#running.delete(index);
    this.#pending = this.#pending.filter((task) => task !== index);
    this.#declined.clear();
    if (this.#done.has(index)) return false;
    this.#done.add(index);
    return true;
  }

  /**
   * Asks `policy` what the waiting node `node` gets.
   *
   * @param policy the scheduler
   * @param node a waiting node
   * @param now wall clock, ms since the Unix epoch
   * @returns a task id, or wait (the node is not asked again before the next event, or before
   *   `idleTimeout` seconds have passed)
   */
  decide(policy: Policy, node: string, now: number): Choice {
    const decision = this.decision(node, now);
    const slot = policy.act(decision);
    if (slot === IDLE && decision.canIdle) {
      this.#declined.set(node, now + (this.options.idleTimeout ?? Infinity) * 1000);
      return { wait: true };
    }
    if (!(slot >= 0 && slot < decision.candidateCount)) {
      throw new RangeError(
        `policy ${policy.name} answered slot ${slot} of ${decision.candidateCount} candidates`,
      );
    }
    return { task: this.#ids[decision.candidates[slot]!]! };
  }

  /**
   * Waiting nodes that have not declined since the last event (or whose wait timed out by
   * `now`, ms since the Unix epoch), earliest request first.
   */
  askable(now: number): string[] {
    return this.waiting.filter((node) =>
      (this.#declined.get(node) ?? -Infinity) <= now && this.hasNode(node)
    );
  }

  /**
   * The decision a policy sees when `node` requests work at `now`.
   *
   * @param node a node of the cluster
   * @param now wall clock, ms since the Unix epoch
   */
  decision(node: string, now: number): Decision {
    const requester = this.#nodeIndex.get(node);
    if (requester === undefined) throw new RangeError(`Unknown node "${node}"`);
    if (this.#pending.length === 0) throw new RangeError("No pending task to decide on");
    const encoder = this.encoder, window = encoder.window;
    const m = this.options.cluster.nodes.length;
    const instance = this.#instance ??= this.#buildInstance();
    const seconds = Math.max(0, (now - (this.epoch ?? now)) / 1000);
    const count = Math.min(window, this.#pending.length);
    const candidates = Int32Array.from(this.#pending.slice(0, window));
    const freeAt = new Float64Array(m).fill(seconds);
    const { state, features, mask } = encoder.buffers(m);
    for (const [task, placement] of this.#running) {
      const i = this.#nodeIndex.get(placement.node);
      if (i === undefined) continue;
      const started = (placement.assignedAt - this.epoch!) / 1000;
      const free = Math.max(seconds, started + instance.expected[task * m + i]!);
      freeAt[i] = free;
      encoder.writeNode(state, i, encoder.kindIndex(this.#tasks[task]!.kind), free - seconds);
    }
    for (let slot = 0; slot < count; slot++) {
      const task = this.#tasks[candidates[slot]!]!;
      encoder.embedTask(task.kind, task.parameter, features, slot * encoder.featureSize);
    }
    encoder.writeMask(mask, count, this.#running.size > 0);
    const others = this.askable(now).filter((other) => other !== node).map((other) =>
      this.#nodeIndex.get(other)!
    );
    return {
      now: seconds,
      node: requester,
      instance,
      candidates,
      candidateCount: count,
      pendingCount: this.#pending.length,
      canIdle: this.#running.size > 0,
      freeAt,
      otherWaiting: Int32Array.from(others),
      otherWaitingCount: others.length,
      state,
      features,
      mask,
    };
  }

  #indexOf(id: string): number {
    const index = this.#taskIndex.get(id);
    if (index === undefined) throw new RangeError(`Unknown task "${id}"`);
    return index;
  }

  #buildInstance(): Instance {
    const m = this.options.cluster.nodes.length, n = this.#tasks.length;
    const expected = new Float64Array(n * m);
    this.#tasks.forEach((task, j) =>
      this.options.model.meansOnAllNodes(task.kind, task.parameter, expected, j * m)
    );
    return {
      name: "live",
      taskCount: n,
      nodeCount: m,
      arrival: Float64Array.from(this.#tasks, (task) => task.arrival),
      expected,
      noise: 0,
      noiseSeed: 0,
      tasks: [...this.#tasks],
    };
  }
}
