/**
 * Node specs, the seed's 9-node preset, and cluster files validated with zod.
 *
 * @module
 */
export {
  clusterPreset,
  clusterPresetNames,
  loadCluster,
  loadClusterSync,
  parseCluster,
  REFERENCE_DISK_MBPS,
  SEED_CLUSTER,
} from "./cluster.ts";
export type { Cluster, NodeSpec } from "./cluster.ts";
