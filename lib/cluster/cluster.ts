/**
 * Heterogeneous compute nodes: their specs, the seed's 9-node preset, and loading a cluster
 * from a JSON file validated with zod.
 *
 * @module
 */
import { z } from "zod";
import type { Rng } from "../random/mod.ts";
import { readJsonFile, readJsonFileSync, validate } from "../validation/mod.ts";
import { containerPower, PI4_POWER, PI5_POWER, powerSchema, type PowerSpec } from "./power.ts";

/** Disk throughput of the reference node's SSD, MB/s: file I/O speeds are relative to it. */
export const REFERENCE_DISK_MBPS = 500;

const nodeSchema = z.object({
  name: z.string().min(1),
  arch: z.enum(["arm", "x86"]),
  cores: z.number().positive().max(1024),
  cpuSpeed: z.number().positive().max(100),
  ramGiB: z.number().positive(),
  diskMBps: z.number().positive(),
  description: z.string().optional(),
  power: powerSchema.optional(),
});

const clusterSchema = z.object({
  name: z.string().min(1),
  nodes: z.array(nodeSchema).min(1, "a cluster needs at least one node").refine(
    (nodes) => new Set(nodes.map((node) => node.name)).size === nodes.length,
    "node names must be unique",
  ),
});

/** One compute node. */
export interface NodeSpec {
  /** Unique name. */
  readonly name: string;
  /** Instruction set. */
  readonly arch: "arm" | "x86";
  /** CPUs it may use: physical cores, or a container's (possibly fractional) CPU limit. */
  readonly cores: number;
  /** Single-thread speed relative to one core of the reference x86 node (1 = as fast). */
  readonly cpuSpeed: number;
  /** Memory, GiB. */
  readonly ramGiB: number;
  /** Disk throughput, MB/s (the reference SSD is {@linkcode REFERENCE_DISK_MBPS}). */
  readonly diskMBps: number;
  /** What the node stands for. */
  readonly description?: string | undefined;
  /** Watts idle and busy (see lib/cluster/power.ts); without it the node's energy is unknown. */
  readonly power?: PowerSpec | undefined;
}

/** A named list of nodes. */
export interface Cluster {
  /** Name of the cluster. */
  readonly name: string;
  /** Its nodes, in the order of their one-hot index. */
  readonly nodes: readonly NodeSpec[];
}

/** A Raspberry Pi node of the original: 4 ARM cores. */
const pi = (name: string, spec: Pick<NodeSpec, "cpuSpeed" | "ramGiB" | "diskMBps">) => ({
  name,
  arch: "arm" as const,
  cores: 4,
  ...spec,
});

/** An x86 container of the original: `cores` CPUs at the reference speed. */
const container = (name: string, cores: number, disk: "SSD" | "hard disk"): NodeSpec => ({
  name,
  arch: "x86",
  cores,
  cpuSpeed: 1,
  ramGiB: Math.max(1, 2 * cores),
  diskMBps: disk === "SSD" ? REFERENCE_DISK_MBPS : REFERENCE_DISK_MBPS / 4,
  description: `x86 container, ${cores} CPU${cores > 1 ? "s" : ""}, ${disk}${
    cores === 2 ? " (the reference)" : ""
  }`,
  power: containerPower(cores),
});

/**
 * The original system's 9 nodes (`shared/benchmarks/seed-cluster/node-configs.yaml`).
 * Single-thread speeds follow its measurements at the default parameters: the Pi 5 is about
 * 3.1x and the Pi 4B about 6.7x slower than the 2-CPU container on primes and sort; its file
 * I/O is 3x (SD card, Pi 5) and 9.3x (slower SD card, Pi 4B) slower. The "slow-io" container
 * is modelled as a hard disk at a quarter of the SSD's throughput (the original only labelled
 * it so). Power: lib/cluster/power.ts (measured for the Pis' idle and the Pi 4B's load,
 * assumed for the rest).
 */
export const SEED_CLUSTER: Cluster = {
  name: "seed-9",
  nodes: [
    {
      ...pi("pi5", { cpuSpeed: 0.32, ramGiB: 8, diskMBps: 167 }),
      description: "Raspberry Pi 5, SD card",
      power: PI5_POWER,
    },
    ...["pi4-1", "pi4-2"].map((name) => ({
      ...pi(name, { cpuSpeed: 0.15, ramGiB: 4, diskMBps: 54 }),
      description: "Raspberry Pi 4B, slower SD card",
      power: PI4_POWER,
    })),
    container("laptop-fast", 2, "SSD"),
    container("laptop-medium", 1, "SSD"),
    container("laptop-constrained", 0.5, "SSD"),
    container("laptop-slow-io", 1, "hard disk"),
    container("laptop-micro-1", 0.5, "SSD"),
    container("laptop-micro-2", 0.5, "SSD"),
  ],
};

/** How {@linkcode drawCluster} varies a template cluster. */
export interface ClusterDrawOptions {
  /** The drawn cluster's name. */
  readonly name: string;
  /** Nodes drawn (default: as many as the template has). */
  readonly nodes?: number;
  /**
   * Each drawn node's single-thread speed and disk throughput are scaled by e^u, u uniform in
   * [-jitter, jitter] (0: the template's node types exactly).
   */
  readonly jitter?: number;
}

/**
 * A cluster of the template's node types in another mix: every node is one of the template's
 * nodes drawn uniformly with replacement (its spec, power and description; named
 * `NAME-i`), its speeds optionally jittered.
 *
 * @param template the node types
 * @param rng draws the mix and the jitter
 * @param options name, node count, jitter
 */
export function drawCluster(template: Cluster, rng: Rng, options: ClusterDrawOptions): Cluster {
  const count = options.nodes ?? template.nodes.length, jitter = options.jitter ?? 0;
  if (template.nodes.length === 0) {
    throw new RangeError(`Expected template ${template.name} to have nodes but found none`);
  }
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(`Expected nodes to be a positive integer but found ${count}`);
  }
  if (!(jitter >= 0 && jitter <= 2)) {
    throw new RangeError(`Expected jitter to be in [0, 2] but found ${jitter}`);
  }
  const nodes = Array.from({ length: count }, (_, i): NodeSpec => {
    const type = template.nodes[rng.int(template.nodes.length)]!;
    const speed = Math.exp(rng.uniform(-jitter, jitter));
    const disk = Math.exp(rng.uniform(-jitter, jitter));
    return {
      ...type,
      name: `${type.name}-${i}`,
      cpuSpeed: type.cpuSpeed * speed,
      diskMBps: type.diskMBps * disk,
    };
  });
  return { name: options.name, nodes };
}

/** How one machine stands in for a node: matrix-product threads and a slowdown factor. */
export interface Emulation {
  /** Worker threads of the matrix product. */
  readonly threads: number;
  /** Every task's wall time is stretched to measured time x slowdown (>= 1). */
  readonly slowdown: number;
}

/**
 * How a node is emulated on a machine with `machineCores` cores, whose single core is the
 * reference: as many matrix threads as the node has whole cores (at least 1, at most the
 * machine's), and a slowdown of 1 / (single-thread speed x CPU share), at least 1. One factor
 * slows every kind alike, so a node slower only on disk (the seed's "slow-io") is not
 * reproduced.
 */
export function emulationOf(node: NodeSpec, machineCores: number): Emulation {
  return {
    threads: Math.max(1, Math.min(machineCores, Math.floor(node.cores))),
    slowdown: Math.max(1, 1 / (node.cpuSpeed * Math.min(1, node.cores))),
  };
}

/**
 * The cluster that emulated agents really are on this machine, for the duration model of a
 * live run: each node's cores are its threads, its speed and disk 1 / slowdown of the
 * reference.
 *
 * @param cluster the nodes stood for
 * @param machineCores the machine's cores
 */
export function emulatedCluster(cluster: Cluster, machineCores: number): Cluster {
  return {
    name: `${cluster.name}-emulated-${machineCores}`,
    nodes: cluster.nodes.map((node) => {
      const { threads, slowdown } = emulationOf(node, machineCores);
      return {
        name: node.name,
        arch: node.arch,
        cores: threads,
        cpuSpeed: 1 / slowdown,
        ramGiB: node.ramGiB,
        diskMBps: REFERENCE_DISK_MBPS / slowdown,
        description: `emulates ${node.description ?? node.name}: ${threads} thread(s), ${
          slowdown.toFixed(2)
        }x slower`,
        power: node.power,
      };
    }),
  };
}

/** The seed's 9 nodes emulated on a 2-core machine: the live demo's cluster. */
export const LIVE_CLUSTER: Cluster = { ...emulatedCluster(SEED_CLUSTER, 2), name: "live-9" };

const PRESETS = new Map<string, Cluster>(
  [SEED_CLUSTER, LIVE_CLUSTER].map((cluster) => [cluster.name, cluster]),
);

/** Names of the built-in cluster presets. */
export function clusterPresetNames(): string[] {
  return [...PRESETS.keys()];
}

/** A built-in cluster by name. */
export function clusterPreset(name: string): Cluster {
  const found = PRESETS.get(name);
  if (!found) {
    throw new TypeError(
      `Expected cluster preset to be one of ${clusterPresetNames().join(", ")} but found "${name}"`,
    );
  }
  return found;
}

/**
 * Validates a parsed JSON value as a cluster.
 *
 * @param value the parsed JSON
 * @param source where it came from, for the error message
 * @returns the cluster
 */
export function parseCluster(value: unknown, source = "cluster"): Cluster {
  return validate(clusterSchema, value, source);
}

/**
 * Loads and validates a cluster JSON file: `{ "name": ..., "nodes": [NodeSpec, ...] }`.
 *
 * @param path the file
 * @returns the cluster
 */
export function loadCluster(path: string): Promise<Cluster> {
  return readJsonFile(clusterSchema, path, "cluster file");
}

/** {@linkcode loadCluster}, synchronously (for scenario resolution). */
export function loadClusterSync(path: string): Cluster {
  return readJsonFileSync(clusterSchema, path, "cluster file");
}

/** A cluster from a preset name or a path ending in `.json`. */
export function resolveCluster(source: string): Cluster {
  return source.endsWith(".json") ? loadClusterSync(source) : clusterPreset(source);
}
