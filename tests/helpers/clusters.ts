/**
 * Clusters the agent's tests run on besides the registered ones.
 *
 * @module
 */
import { SEED_CLUSTER } from "../../lib/cluster/mod.ts";

/** The seed's cluster twice over (18 nodes; the copies' names end in "b"), for a scenario. */
export function seed18Cluster() {
  return {
    name: "seed-18",
    nodes: [
      ...SEED_CLUSTER.nodes,
      ...SEED_CLUSTER.nodes.map((n) => ({ ...n, name: `${n.name}b` })),
    ],
  };
}
