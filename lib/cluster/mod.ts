/**
 * Node specs, the seed's 9-node preset, and cluster files validated with zod.
 *
 * @module
 */
export {
  clusterPreset,
  clusterPresetNames,
  emulatedCluster,
  emulationOf,
  LIVE_CLUSTER,
  loadCluster,
  loadClusterSync,
  parseCluster,
  REFERENCE_DISK_MBPS,
  resolveCluster,
  SEED_CLUSTER,
} from "./cluster.ts";
export type { Cluster, Emulation, NodeSpec } from "./cluster.ts";
