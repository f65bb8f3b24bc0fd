/**
 * The power model of a node: the watts it draws idle and busy (running a task), and the
 * energy of a schedule from its nodes' busy times.
 *
 *   E = Σ_i [ busyW_i · busy_i + idleW_i · (awake_i − busy_i) ]
 *
 * where awake_i is the makespan when idle nodes stay on, and busy_i when they sleep (a
 * sleeping node is taken to draw nothing, and to wake at no cost).
 *
 * Defaults of the seed's nodes, from published measurements where they exist:
 * - Raspberry Pi 4B: 2.7 W idle, 6.4 W with `stress --cpu 4` (Jeff Geerling, "Power
 *   Consumption Benchmarks", pidramble.com/wiki/benchmarks/power-consumption; chipwired.com
 *   measured 2.2–3.0 W idle and 5.1–6.3 W under high load on a Pi 4).
 * - Raspberry Pi 5: 2.7 W idle (Geerling's Pi 5 review, jeffgeerling.com 2023); busy 7.0 W is
 *   an ASSUMPTION (the published full-load figures, 6–8 W, depend on cooling and clocks).
 * - The laptop host of the x86 containers: 8 W idle, 40 W with its 4 cores busy, an
 *   ASSUMPTION for a recent 4-core laptop at the wall. A container draws the share of the
 *   host's idle and dynamic power that its CPU limit is of the host's cores
 *   ({@linkcode containerPower}).
 *
 * @module
 */
import { z } from "zod";

/** Schema of a node's power spec (the `power` field of a node). */
export const powerSchema = z.object({
  /** Watts drawn while awake and running nothing. */
  idleW: z.number().min(0).max(10_000),
  /** Watts drawn while running a task. */
  busyW: z.number().positive().max(10_000),
}).refine((power) => power.busyW >= power.idleW, {
  message: "busyW must be >= idleW",
  path: ["busyW"],
});

/** What a node draws, watts. */
export type PowerSpec = z.infer<typeof powerSchema>;

/** What idle nodes do: stay on (drawing idleW until the makespan) or sleep (draw nothing). */
export type IdleMode = "on" | "sleep";

/** Raspberry Pi 4B (measured, see the module's sources). */
export const PI4_POWER: PowerSpec = { idleW: 2.7, busyW: 6.4 };

/** Raspberry Pi 5 (idle measured, busy assumed). */
export const PI5_POWER: PowerSpec = { idleW: 2.7, busyW: 7.0 };

/** The containers' laptop host (assumed): its cores, idle and all-busy watts. */
export const LAPTOP_HOST = { cores: 4, idleW: 8, busyW: 40 } as const;

/** A container's share of its host's power: its CPU limit over the host's cores. */
export function containerPower(
  cores: number,
  host: { cores: number; idleW: number; busyW: number } = LAPTOP_HOST,
): PowerSpec {
  const share = cores / host.cores;
  return { idleW: host.idleW * share, busyW: host.busyW * share };
}

/** Per-node power of an instance's cluster, and what its idle nodes do. */
export interface ClusterPower {
  /** Idle watts per node. */
  readonly idleW: Float64Array;
  /** Busy watts per node. */
  readonly busyW: Float64Array;
  /** Whether idle nodes stay on or sleep. */
  readonly idle: IdleMode;
}

/** The power arrays of a list of node specs. */
export function clusterPower(specs: readonly PowerSpec[], idle: IdleMode): ClusterPower {
  return {
    idleW: Float64Array.from(specs, (spec) => spec.idleW),
    busyW: Float64Array.from(specs, (spec) => spec.busyW),
    idle,
  };
}

/**
 * The power of a cluster's nodes, or undefined when some node has no power spec.
 *
 * @param nodes the nodes, in index order
 * @param idle what idle nodes do
 */
export function powerOfNodes(
  nodes: readonly { readonly name: string; readonly power?: PowerSpec | undefined }[],
  idle: IdleMode,
): ClusterPower | undefined {
  if (nodes.some((node) => node.power === undefined)) return undefined;
  return clusterPower(nodes.map((node) => node.power!), idle);
}

/** Energy of a schedule, joules: total and the part drawn by idle (awake) nodes. */
export interface Energy {
  /** Joules over the schedule. */
  readonly energy: number;
  /** Of which idle nodes drew (0 when idle nodes sleep). */
  readonly idleEnergy: number;
}

/**
 * The energy of a schedule from each node's busy seconds and the makespan.
 *
 * @param power the cluster's power
 * @param busy per node, seconds spent running tasks
 * @param makespan the schedule's makespan, seconds
 */
export function energyOf(power: ClusterPower, busy: ArrayLike<number>, makespan: number): Energy {
  let energy = 0, idleEnergy = 0;
  for (let i = 0; i < power.busyW.length; i++) {
    const time = busy[i]!;
    energy += power.busyW[i]! * time;
    if (power.idle === "on") idleEnergy += power.idleW[i]! * Math.max(0, makespan - time);
  }
  return { energy: energy + idleEnergy, idleEnergy };
}

/**
 * Joules a task of `seconds` on `node` adds to the schedule beyond idling: its busy watts
 * when idle nodes sleep, busy minus idle watts when they stay on (the idle draw is paid
 * over the makespan whatever runs).
 */
export function taskEnergy(power: ClusterPower, node: number, seconds: number): number {
  const watts = power.busyW[node]! - (power.idle === "on" ? power.idleW[node]! : 0);
  return watts * seconds;
}

/** Watts the whole cluster draws idle (what each second of makespan costs when nodes stay on). */
export function idleWatts(power: ClusterPower): number {
  if (power.idle !== "on") return 0;
  // A loop, not reduce(): a callback per node costs more than the sum (every episode).
  let watts = 0;
  for (let i = 0; i < power.idleW.length; i++) watts += power.idleW[i]!;
  return watts;
}
