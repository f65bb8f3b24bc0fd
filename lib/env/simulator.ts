/**
 * The discrete-event simulator of a heterogeneous cluster, with a Gymnasium-like contract:
 * `reset({ seed })` returns the first decision, `step(action)` answers it.
 *
 * Semantics. Time advances from event to event (a task completes, a task arrives). Whenever
 * a node is idle and tasks are pending, that node *requests* work (idle nodes request in the
 * order they became idle; at reset, in a seeded random order): the action is the slot of the
 * pending task it takes in the candidate window (the first `window` pending tasks in arrival
 * order), or {@linkcode IDLE} to leave it idle until the next event (or, with `idleTimeout`,
 * for at most that many seconds: the end of an idle is an event too, at which every idle node
 * is asked again). A node may idle only while some task is running, so the simulation never
 * deadlocks. All completions at the same instant are processed together. The reward of a step
 * is minus the time that elapses until the next decision, so an episode's undiscounted return
 * is minus the makespan. When the instance has a power model, each step also reports the
 * joules it commits (the started task's energy beyond idling, plus the awake nodes' idle draw
 * over the elapsed time), which sum to the episode's energy.
 *
 * @module
 */
import type { Embedding } from "../embedding/mod.ts";
import { idleWatts, taskEnergy } from "../cluster/mod.ts";
import { hashInts, Rng } from "../random/mod.ts";
import { DecisionEncoder } from "./encoder.ts";
import { actualDuration, type Instance } from "./instance.ts";
import { metricsOf, type ScheduleMetrics } from "./schedule.ts";

/** The action that leaves the requesting node idle until the next event (at most `idleTimeout`). */
export const IDLE = -1;

/** Throws unless `idleTimeout` is absent or a positive number of seconds. */
export function assertIdleTimeout(idleTimeout: number | undefined): void {
  if (idleTimeout !== undefined && !(idleTimeout > 0)) {
    throw new RangeError(`Expected idleTimeout > 0 seconds but found ${idleTimeout}`);
  }
}

/** Label of the random stream that orders the nodes' first requests. */
const NODE_ORDER_STREAM = 0x0de;

/**
 * What the requesting node sees at a decision. A live view owned by the environment: valid
 * until the next `step` or `reset`; copy what you keep.
 */
export interface Decision {
  /** Simulated time, seconds. */
  readonly now: number;
  /** Index of the requesting node. */
  readonly node: number;
  /** The instance being scheduled (expected durations are the profiles heuristics read). */
  readonly instance: Instance;
  /** Task ids of the candidate window, in arrival order; `candidates[0..candidateCount)`. */
  readonly candidates: Int32Array;
  /** How many candidates there are (>= 1). */
  readonly candidateCount: number;
  /** Number of pending (arrived, unstarted) tasks, the window's included. */
  readonly pendingCount: number;
  /** Whether {@linkcode IDLE} is allowed (some task is running). */
  readonly canIdle: boolean;
  /** Per node, when it is expected to be free (now for an idle node). */
  readonly freeAt: Float64Array;
  /** Other idle nodes that will request at this instant, in order; `[0..otherWaitingCount)`. */
  readonly otherWaiting: Int32Array;
  /** How many other nodes wait at this instant. */
  readonly otherWaitingCount: number;
  /**
   * Cluster state, `nodeStateSize` numbers per node (see {@linkcode DecisionEncoder}): one-hot
   * kind of the running task (zeros when idle) and its expected remaining time divided by the
   * time scale.
   */
  readonly state: Float32Array;
  /** Embedding of each candidate, `window * embedding.dimension`, zeros past the count. */
  readonly features: Float32Array;
  /** 1 where a candidate slot holds a task; the last entry (index `window`) is the idle action. */
  readonly mask: Uint8Array;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What an episode did, reported when it ends. */
export interface EpisodeInfo extends ScheduleMetrics {
  /** Number of decisions taken. */
  readonly decisions: number;
  /** Per task: the node that ran it. */
  readonly assignedNode: Int32Array;
  /** Per task: start time. */
  readonly start: Float64Array;
  /** Per task: completion time. */
  readonly completion: Float64Array;
}

/** Result of {@linkcode SchedulingEnv.step}. */
export interface StepResult {
  /** The next decision (meaningless once terminated). */
  readonly observation: Decision;
  /** Minus the simulated time elapsed until the next decision. */
  readonly reward: number;
  /** Joules this step commits (0 without a power model); they sum to the episode's energy. */
  readonly energy: number;
  /** Whether every task has completed. */
  readonly terminated: boolean;
  /** Always false: episodes end only by completion. */
  readonly truncated: boolean;
  /** The episode's metrics once terminated, else undefined. */
  readonly info: EpisodeInfo | undefined;
}

/** Options of {@linkcode SchedulingEnv}. */
export interface EnvOptions {
  /** Number of candidate slots shown to a policy. */
  window: number;
  /** Seconds that map to 1 in the state's remaining-time entries. */
  timeScale: number;
  /** How tasks are shown (needs instances whose tasks have kinds); default none. */
  embedding?: Embedding;
  /**
   * Longest idle, seconds: a node that idles is asked again this long after at the latest
   * (default: not before the next completion or arrival).
   */
  idleTimeout?: number;
}

/** Where `reset` takes its instance from. */
export interface ResetOptions {
  /** Seed of this episode (the node order at time 0, and the instance if generated). */
  seed: number;
  /** The instance to schedule; default one drawn from the generator given to the env. */
  instance?: Instance;
}

/** Draws the instance of an episode seed. */
export type InstanceGenerator = (seed: number) => Instance;

/**
 * The simulator.
 *
 * @example
 * ```ts
 * const env = new SchedulingEnv({ window: 32, timeScale: 100 }, generator);
 * let decision = env.reset({ seed: 1 });
 * for (;;) {
 *   const { observation, terminated, info } = env.step(0);
 *   if (terminated) { console.log(info!.makespan); break; }
 *   decision = observation;
 * }
 * ```
 */
export class SchedulingEnv {
  /** The options. */
  readonly options: Readonly<EnvOptions>;
  /** How decisions are written as numbers (their sizes). */
  readonly encoder: DecisionEncoder;
  readonly #generate: InstanceGenerator | undefined;
  #instance!: Instance;
  #nodeCount = 0;
  // Per task. The schedule (node, start, completion) is the episode's own: its info hands it out.
  #order = new Int32Array(0); // task ids by arrival
  #assigned = new Int32Array(0);
  #start = new Float64Array(0);
  #completion = new Float64Array(0);
  #kindIndex = new Int8Array(0);
  #embedded = new Float32Array(0);
  // Per node.
  #runningTask = new Int32Array(0);
  #finishAt = new Float64Array(0);
  #expectedEnd = new Float64Array(0); // when the running task is expected to end; -Infinity: idle
  #busy = new Float64Array(0);
  #declined = new Uint8Array(0);
  #wakeAt = new Float64Array(0); // when a declined node is asked again (Infinity: next event)
  #idleQueue = new Int32Array(0); // idle nodes, earliest idle first
  #idleCount = 0;
  #freeAt = new Float64Array(0);
  #otherWaiting = new Int32Array(0);
  #otherWaitingCount = 0;
  #state = new Float32Array(0);
  // Candidate slots: the first #validSlots hold the features of the tasks there now (a started
  // task's later slots move up with their tasks; arrivals join at the end); #shownSlots were
  // last shown.
  #validSlots = 0;
  #shownSlots = 0;
  // Pending tasks, in arrival order.
  #pending = new Int32Array(0);
  #pendingCount = 0;
  #nextArrival = 0;
  #now = 0;
  #node = -1;
  #running = 0;
  #completed = 0;
  #decisions = 0;
  #carriedEnergy = 0; // idle joules before the first decision, reported with the first step
  #idleWatts = 0; // the cluster's idle draw (watts), fixed for an episode
  #features: Float32Array;
  #mask: Uint8Array;
  #decision: Mutable<Decision> | undefined;

  /**
   * @param options window, time scale, embedding, idle timeout
   * @param generate draws an instance per episode when `reset` is not given one
   * @throws RangeError when the idle timeout is not a positive number of seconds
   */
  constructor(options: EnvOptions, generate?: InstanceGenerator) {
    assertIdleTimeout(options.idleTimeout);
    this.encoder = new DecisionEncoder(options);
    this.options = options;
    this.#generate = generate;
    ({ features: this.#features, mask: this.#mask } = this.encoder.buffers(0));
  }

  /** The instance of the current episode. */
  get instance(): Instance {
    return this.#instance;
  }

  /**
   * Starts an episode.
   *
   * @param options the seed, and optionally the instance to schedule
   * @returns the first decision
   */
  reset(options: ResetOptions): Decision {
    const instance = options.instance ?? this.#generate?.(options.seed);
    if (!instance) throw new TypeError("reset needs an instance: the env has no generator");
    if (instance.taskCount < 1) throw new RangeError("Expected at least one task but found none");
    this.#allocate(instance);
    const n = instance.taskCount, m = instance.nodeCount;
    let sorted = true;
    for (let i = 0; i < n; i++) {
      this.#order[i] = i;
      if (i > 0 && instance.arrival[i]! < instance.arrival[i - 1]!) sorted = false;
    }
    if (!sorted) {
      this.#order.subarray(0, n).sort((a, b) =>
        instance.arrival[a]! - instance.arrival[b]! || a - b
      );
    }
    // Loops, not fill(), here and below: on these few numbers a builtin call costs more than
    // the work (hot path).
    for (let j = 0; j < n; j++) {
      this.#assigned[j] = -1;
      this.#start[j] = NaN;
      this.#completion[j] = NaN;
    }
    this.#encodeTasks(instance);
    for (let i = 0; i < m; i++) {
      this.#runningTask[i] = -1;
      this.#finishAt[i] = Infinity;
      this.#expectedEnd[i] = -Infinity;
      this.#busy[i] = 0;
      this.#declined[i] = 0;
      this.#wakeAt[i] = Infinity;
      this.#idleQueue[i] = i;
    }
    new Rng(hashInts(options.seed, NODE_ORDER_STREAM)).shuffle(this.#idleQueue);
    this.#idleCount = m;
    for (let k = 0; k < this.#state.length; k++) this.#state[k] = 0;
    this.#validSlots = 0;
    this.#pendingCount = 0;
    this.#nextArrival = 0;
    this.#now = 0;
    this.#running = 0;
    this.#completed = 0;
    this.#decisions = 0;
    this.#admitArrivals();
    this.#advance();
    this.#idleWatts = instance.power ? idleWatts(instance.power) : 0;
    this.#carriedEnergy = this.#idleWatts * this.#now;
    return this.#decisionView();
  }

  /**
   * Answers the current decision.
   *
   * @param action a candidate slot in [0, candidateCount), or {@linkcode IDLE}
   * @returns the next decision, the reward, and the episode's metrics once it ends
   */
  step(action: number): StepResult {
    if (this.#node < 0) throw new RangeError("step called on a finished episode: call reset");
    const before = this.#now;
    const power = this.#instance.power;
    let energy = this.#carriedEnergy;
    this.#carriedEnergy = 0;
    this.#decisions++;
    if (action === IDLE) {
      if (this.#running === 0) {
        throw new RangeError(
          "Expected a task for the requesting node: no task is running, so it may not idle",
        );
      }
      this.#declined[this.#node] = 1;
      this.#wakeAt[this.#node] = this.#now + (this.options.idleTimeout ?? Infinity);
    } else {
      const count = Math.min(this.#pendingCount, this.options.window);
      if (!Number.isInteger(action) || action < 0 || action >= count) {
        throw new RangeError(`Expected action in [0, ${count}) or IDLE (-1) but found ${action}`);
      }
      const node = this.#node;
      this.#startTask(node, action);
      if (power) energy += taskEnergy(power, node, this.#finishAt[node]! - this.#now);
    }
    this.#advance();
    if (power) energy += this.#idleWatts * (this.#now - before);
    const terminated = this.#node < 0;
    return {
      observation: this.#decisionView(),
      reward: -(this.#now - before),
      energy,
      terminated,
      truncated: false,
      info: terminated ? this.#info() : undefined,
    };
  }

  #allocate(instance: Instance): void {
    this.#instance = instance;
    const n = instance.taskCount, m = instance.nodeCount;
    const dimension = this.encoder.featureSize;
    // One buffer for the schedule's three arrays: allocating a typed array costs about as
    // much as a decision.
    const schedule = new ArrayBuffer(
      n * (2 * Float64Array.BYTES_PER_ELEMENT + Int32Array.BYTES_PER_ELEMENT),
    );
    this.#start = new Float64Array(schedule, 0, n);
    this.#completion = new Float64Array(schedule, n * Float64Array.BYTES_PER_ELEMENT, n);
    this.#assigned = new Int32Array(schedule, 2 * n * Float64Array.BYTES_PER_ELEMENT, n);
    if (this.#order.length < n) {
      this.#order = new Int32Array(n);
      this.#kindIndex = new Int8Array(n);
      this.#pending = new Int32Array(n);
    }
    if (this.#embedded.length < n * dimension) this.#embedded = new Float32Array(n * dimension);
    if (this.#nodeCount !== m) {
      this.#nodeCount = m;
      this.#runningTask = new Int32Array(m);
      this.#finishAt = new Float64Array(m);
      this.#expectedEnd = new Float64Array(m);
      this.#busy = new Float64Array(m);
      this.#declined = new Uint8Array(m);
      this.#wakeAt = new Float64Array(m);
      this.#idleQueue = new Int32Array(m);
      this.#freeAt = new Float64Array(m);
      this.#otherWaiting = new Int32Array(m);
      this.#state = this.encoder.buffers(m).state;
    }
  }

  #encodeTasks(instance: Instance): void {
    const encoder = this.encoder, dimension = encoder.featureSize;
    const tasks = instance.tasks;
    for (let j = 0; j < instance.taskCount; j++) {
      const task = tasks?.[j];
      this.#kindIndex[j] = task ? encoder.kindIndex(task.kind) : -1;
      if (dimension > 0) {
        if (!task) throw new TypeError(`instance ${instance.name} has no task kinds to embed`);
        encoder.embedTask(task.kind, task.parameter, this.#embedded, j * dimension);
      }
    }
  }

  #admitArrivals(): void {
    const instance = this.#instance;
    while (
      this.#nextArrival < instance.taskCount &&
      instance.arrival[this.#order[this.#nextArrival]!]! <= this.#now
    ) {
      this.#pending[this.#pendingCount++] = this.#order[this.#nextArrival++]!;
    }
  }

  #startTask(node: number, slot: number): void {
    // A loop, not copyWithin(), as in reset().
    const task = this.#pending[slot]!, pending = this.#pending;
    for (let k = slot + 1; k < this.#pendingCount; k++) pending[k - 1] = pending[k]!;
    this.#pendingCount--;
    if (slot < this.#validSlots) {
      const features = this.#features, dimension = this.encoder.featureSize;
      for (let k = slot * dimension; k < (this.#validSlots - 1) * dimension; k++) {
        features[k] = features[k + dimension]!;
      }
      this.#validSlots--;
    }
    const duration = actualDuration(this.#instance, task, node);
    this.#assigned[task] = node;
    this.#start[task] = this.#now;
    this.#runningTask[node] = task;
    this.#finishAt[node] = this.#now + duration;
    this.#expectedEnd[node] = this.#now + this.#instance.expected[task * this.#nodeCount + node]!;
    this.#busy[node]! += duration;
    this.#running++;
    this.encoder.writeNode(this.#state, node, this.#kindIndex[task]!, 0); // remaining: #observe
    // Remove the node from the idle queue.
    const idle = this.#idleQueue;
    let k = 0;
    while (idle[k] !== node) k++;
    for (k++; k < this.#idleCount; k++) idle[k - 1] = idle[k]!;
    this.#idleCount--;
  }

  /** Moves time forward until some idle node can take a pending task, or the episode ends. */
  #advance(): void {
    const m = this.#nodeCount, finishAt = this.#finishAt, idleQueue = this.#idleQueue;
    const declined = this.#declined, wakeAt = this.#wakeAt;
    for (;;) {
      if (this.#pendingCount > 0) {
        let k = 0;
        while (k < this.#idleCount && declined[idleQueue[k]!]) k++;
        if (k < this.#idleCount) {
          this.#node = idleQueue[k]!;
          this.#otherWaitingCount = 0;
          for (let other = k + 1; other < this.#idleCount; other++) {
            const waiting = idleQueue[other]!;
            if (!declined[waiting]) this.#otherWaiting[this.#otherWaitingCount++] = waiting;
          }
          this.#observe();
          return;
        }
      }
      if (this.#completed === this.#instance.taskCount) {
        this.#node = -1;
        this.#decisionView().node = -1;
        return;
      }
      let next = this.#nextArrival < this.#instance.taskCount
        ? this.#instance.arrival[this.#order[this.#nextArrival]!]!
        : Infinity;
      for (let i = 0; i < m; i++) {
        if (finishAt[i]! < next) next = finishAt[i]!;
        if (wakeAt[i]! < next) next = wakeAt[i]!;
      }
      if (next === Infinity) throw new Error("simulator stalled: nothing runs and nothing arrives");
      this.#now = next;
      for (let i = 0; i < m; i++) {
        declined[i] = 0;
        wakeAt[i] = Infinity;
        if (finishAt[i] === next) {
          this.#completion[this.#runningTask[i]!] = next;
          this.#runningTask[i] = -1;
          finishAt[i] = Infinity;
          this.#expectedEnd[i] = -Infinity;
          this.encoder.writeNode(this.#state, i, -1, 0);
          idleQueue[this.#idleCount++] = i;
          this.#running--;
          this.#completed++;
        }
      }
      this.#admitArrivals();
    }
  }

  /**
   * Fills the decision: its scalars, expected free times, the state's remaining times (the
   * kinds change as tasks start and end), and the features and mask of the slots that changed.
   */
  #observe(): void {
    const instance = this.#instance;
    const decision = this.#decisionView();
    decision.now = this.#now;
    decision.node = this.#node;
    decision.instance = instance;
    decision.candidates = this.#pending;
    decision.candidateCount = Math.min(this.#pendingCount, this.options.window);
    decision.pendingCount = this.#pendingCount;
    decision.canIdle = this.#running > 0;
    decision.freeAt = this.#freeAt;
    decision.otherWaiting = this.#otherWaiting;
    decision.otherWaitingCount = this.#otherWaitingCount;
    decision.state = this.#state;
    const now = this.#now, encoder = this.encoder, state = this.#state;
    const expectedEnd = this.#expectedEnd, freeAt = this.#freeAt;
    for (let i = 0; i < this.#nodeCount; i++) {
      const free = expectedEnd[i]! > now ? expectedEnd[i]! : now;
      freeAt[i] = free;
      encoder.writeRemaining(state, i, free - now);
    }
    const count = Math.min(this.#pendingCount, encoder.window);
    const dimension = encoder.featureSize;
    if (dimension > 0) {
      const features = this.#features, embedded = this.#embedded;
      for (let slot = this.#validSlots; slot < count; slot++) {
        const from = this.#pending[slot]! * dimension, to = slot * dimension;
        for (let d = 0; d < dimension; d++) features[to + d] = embedded[from + d]!;
      }
      encoder.clearFeatures(features, count, this.#shownSlots);
    }
    encoder.writeMask(this.#mask, count, this.#running > 0, this.#shownSlots);
    this.#validSlots = this.#shownSlots = count;
  }

  /** The one decision object, created at the first decision and updated in place after. */
  #decisionView(): Mutable<Decision> {
    return this.#decision ??= {
      now: this.#now,
      node: this.#node,
      instance: this.#instance,
      candidates: this.#pending,
      candidateCount: 0,
      pendingCount: 0,
      canIdle: false,
      freeAt: this.#freeAt,
      otherWaiting: this.#otherWaiting,
      otherWaitingCount: 0,
      state: this.#state,
      features: this.#features,
      mask: this.#mask,
    };
  }

  #info(): EpisodeInfo {
    return {
      ...metricsOf(this.#instance, this.#completion, this.#busy),
      decisions: this.#decisions,
      assignedNode: this.#assigned,
      start: this.#start,
      completion: this.#completion,
    };
  }
}
