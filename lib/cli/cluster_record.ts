/**
 * The record `./schedlab cluster up` leaves in its folder (Redis URL, process ids, dashboard),
 * and the Redis URL every live command uses when `--redis` is not given.
 *
 * @module
 */
import { z } from "zod";
import { readJsonFile } from "../validation/mod.ts";

/** Where `cluster up` keeps its record, logs and Redis files unless told otherwise. */
export const DEFAULT_CLUSTER_DIR = ".schedlab-cluster";

/** Schema of the record. */
export const clusterRecordSchema = z.object({
  redisUrl: z.string(),
  redisPidFile: z.string(),
  coordinatorPid: z.number().int(),
  agentPids: z.record(z.string(), z.number().int()),
  dashboard: z.string(),
  policy: z.string(),
  startedAt: z.string(),
});

/** What a running demo cluster is made of. */
export type ClusterRecord = z.infer<typeof clusterRecordSchema>;

/** Path of the record in a cluster folder. */
export function recordPath(dir: string): string {
  return `${dir}/cluster.json`;
}

/** Reads the record of a cluster folder, or undefined when there is none. */
export async function readClusterRecord(dir: string): Promise<ClusterRecord | undefined> {
  try {
    await Deno.stat(recordPath(dir));
  } catch {
    return undefined;
  }
  return readJsonFile(clusterRecordSchema, recordPath(dir), "cluster record");
}

/**
 * The Redis URL of a live command: `--redis`, else `SCHEDLAB_REDIS`, else the demo cluster's
 * (from `cluster up`), else the default local server.
 */
export async function redisUrlOf(flag: string | undefined): Promise<string> {
  return flag ?? Deno.env.get("SCHEDLAB_REDIS") ??
    (await readClusterRecord(DEFAULT_CLUSTER_DIR))?.redisUrl ?? "redis://127.0.0.1:6379";
}
