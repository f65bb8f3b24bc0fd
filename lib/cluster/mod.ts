/**
 * Node specs, the seed's 9-node preset, cluster files validated with zod, and the nodes'
 * power model.
 *
 * @module
 */
export {
  clusterPreset,
  clusterPresetNames,
  drawCluster,
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
export type { Cluster, ClusterDrawOptions, Emulation, NodeSpec } from "./cluster.ts";
export {
  clusterPower,
  containerPower,
  energyOf,
  idleWatts,
  LAPTOP_HOST,
  PI4_POWER,
  PI5_POWER,
  powerOfNodes,
  powerSchema,
  taskEnergy,
} from "./power.ts";
export type { ClusterPower, Energy, IdleMode, PowerSpec } from "./power.ts";
