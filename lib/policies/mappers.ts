/**
 * The classic mapping heuristics for independent tasks on heterogeneous machines (Braun et
 * al. 2001): MCT, MET, OLB, Min-Min, Max-Min and Sufferage. Each maps a batch of tasks given
 * the machines' ready times; tasks are considered in the order given and ties go to the
 * lowest machine index. Used statically on a whole instance, or dynamically in batch mode:
 * at every decision the pending tasks are re-mapped and the requesting node takes the first
 * task planned for it, or waits when the plan gives it none.
 *
 * @module
 */
import type { Decision, Instance, Schedule } from "../env/mod.ts";
import { idleOrShortest, type Policy } from "./policy.ts";

/** A mapping problem: durations (task-major), machine count, tasks in order, ready times. */
export interface MappingInput {
  /** Durations of task j on machine i at `durations[j * nodeCount + i]`. */
  readonly durations: Float64Array;
  /** Number of machines. */
  readonly nodeCount: number;
  /** Task ids to map, in the heuristic's consideration order. */
  readonly tasks: ArrayLike<number>;
  /** Machine ready times; updated in place as tasks are mapped. */
  readonly ready: Float64Array;
}

/** A batch mapping heuristic. */
export interface BatchMapper {
  /** Registry name. */
  readonly name: string;
  /** One line on the rule. */
  readonly description: string;
  /** Maps every task; calls `assign` in mapping order. */
  map(input: MappingInput, assign: (task: number, node: number) => void): void;
}

/** The machine that minimises `score(node)`, ties to the lowest index. */
function argmin(nodeCount: number, score: (node: number) => number): number {
  let best = 0, bestScore = score(0);
  for (let node = 1; node < nodeCount; node++) {
    const value = score(node);
    if (value < bestScore) {
      bestScore = value;
      best = node;
    }
  }
  return best;
}

/** A one-pass mapper: each task in order to the machine its rule picks. */
function immediateMapper(
  name: string,
  description: string,
  score: (input: MappingInput, task: number, node: number) => number,
): BatchMapper {
  return {
    name,
    description,
    map(input, assign) {
      const { durations, nodeCount: m, ready } = input;
      for (let k = 0; k < input.tasks.length; k++) {
        const task = input.tasks[k]!;
        const node = argmin(m, (i) => score(input, task, i));
        ready[node]! += durations[task * m + node]!;
        assign(task, node);
      }
    },
  };
}

/** Minimum completion time: each task in order to the machine where it completes first. */
export const MCT = immediateMapper(
  "mct",
  "each task in order to the machine where it completes earliest",
  ({ durations, nodeCount, ready }, task, node) =>
    ready[node]! + durations[task * nodeCount + node]!,
);

/** Minimum execution time: each task to its fastest machine, whatever its load. */
export const MET = immediateMapper(
  "met",
  "each task in order to its fastest machine",
  ({ durations, nodeCount }, task, node) => durations[task * nodeCount + node]!,
);

/** Opportunistic load balancing: each task to the machine that is ready first. */
export const OLB = immediateMapper(
  "olb",
  "each task in order to the machine that is ready first",
  ({ ready }, _task, node) => ready[node]!,
);

/**
 * Min-Min (pick = min) and Max-Min (pick = max): repeatedly map, among the unmapped tasks,
 * the one whose earliest completion time is smallest (largest) to that machine.
 */
function minMinFamily(name: string, description: string, largest: boolean): BatchMapper {
  return {
    name,
    description,
    map({ durations, nodeCount: m, tasks, ready }, assign) {
      const left = Array.from(tasks);
      while (left.length > 0) {
        let pick = 0, pickNode = 0, pickTime = largest ? -Infinity : Infinity;
        for (let k = 0; k < left.length; k++) {
          const base = left[k]! * m;
          const node = argmin(m, (i) => ready[i]! + durations[base + i]!);
          const time = ready[node]! + durations[base + node]!;
          if (largest ? time > pickTime : time < pickTime) {
            pick = k;
            pickNode = node;
            pickTime = time;
          }
        }
        const task = left.splice(pick, 1)[0]!;
        ready[pickNode] = pickTime;
        assign(task, pickNode);
      }
    },
  };
}

/** Min-Min: the task that can complete earliest goes first. */
export const MIN_MIN = minMinFamily(
  "min-min",
  "the task that can finish earliest is mapped first",
  false,
);

/** Max-Min: the task whose earliest completion is latest goes first. */
export const MAX_MIN = minMinFamily(
  "max-min",
  "the task whose earliest finish is latest is mapped first",
  true,
);

/**
 * Sufferage (Maheswaran et al. 1999): in each round every unmapped task claims its best
 * machine; a machine already claimed goes to the task that would suffer more (second-best
 * minus best completion time); the losers wait for the next round.
 */
export const SUFFERAGE: BatchMapper = {
  name: "sufferage",
  description: "a contested machine goes to the task that would suffer most without it",
  map({ durations, nodeCount: m, tasks, ready }, assign) {
    let left = Array.from(tasks);
    const holder = new Int32Array(m);
    const holderSufferage = new Float64Array(m);
    while (left.length > 0) {
      holder.fill(-1);
      const losers: number[] = [];
      for (const task of left) {
        const base = task * m;
        let best = 0, second = Infinity;
        let bestTime = ready[0]! + durations[base]!;
        for (let i = 1; i < m; i++) {
          const time = ready[i]! + durations[base + i]!;
          if (time < bestTime) {
            second = bestTime;
            bestTime = time;
            best = i;
          } else if (time < second) {
            second = time;
          }
        }
        const sufferage = second - bestTime;
        if (holder[best] === -1) {
          holder[best] = task;
          holderSufferage[best] = sufferage;
        } else if (sufferage > holderSufferage[best]!) {
          losers.push(holder[best]!);
          holder[best] = task;
          holderSufferage[best] = sufferage;
        } else {
          losers.push(task);
        }
      }
      for (let node = 0; node < m; node++) {
        const task = holder[node]!;
        if (task < 0) continue;
        ready[node]! += durations[task * m + node]!;
        assign(task, node);
      }
      const order = new Map(left.map((task, k) => [task, k]));
      left = losers.sort((a, b) => order.get(a)! - order.get(b)!);
    }
  },
};

/** Every batch mapper. */
export const BATCH_MAPPERS: readonly BatchMapper[] = [MCT, MET, OLB, MIN_MIN, MAX_MIN, SUFFERAGE];

/**
 * Maps a whole static instance (all tasks in id order, machines ready at 0).
 *
 * @param mapper the heuristic
 * @param instance the instance (its expected durations are used)
 * @returns per node, its tasks in mapping order
 */
export function mapInstance(mapper: BatchMapper, instance: Instance): Schedule {
  const schedule: number[][] = Array.from({ length: instance.nodeCount }, () => []);
  mapper.map(
    {
      durations: instance.expected,
      nodeCount: instance.nodeCount,
      tasks: Array.from({ length: instance.taskCount }, (_, j) => j),
      ready: new Float64Array(instance.nodeCount),
    },
    (task, node) => schedule[node]!.push(task),
  );
  return schedule;
}

/** A batch mapper run in batch mode at every decision (see the module doc). */
export class PlannedPolicy implements Policy {
  readonly name: string;
  readonly description: string;
  /** The heuristic that plans. */
  readonly mapper: BatchMapper;

  /** @param mapper the heuristic that plans */
  constructor(mapper: BatchMapper) {
    this.mapper = mapper;
    this.name = mapper.name;
    this.description = `${mapper.description} (re-planned at every request; may wait)`;
  }

  reset(): void {}

  act(decision: Decision): number {
    let first = -1;
    const tasks = decision.candidates.subarray(0, decision.candidateCount);
    this.mapper.map(
      {
        durations: decision.instance.expected,
        nodeCount: decision.instance.nodeCount,
        tasks,
        ready: Float64Array.from(decision.freeAt),
      },
      (task, node) => {
        if (first < 0 && node === decision.node) first = task;
      },
    );
    return first < 0 ? idleOrShortest(decision) : tasks.indexOf(first);
  }
}
