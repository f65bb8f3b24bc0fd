/**
 * Redis Streams helpers shared by the agent and the coordinator: consumer groups, reading a
 * group's entries, and a seed from a task id.
 *
 * @module
 */
import { fieldsOf } from "./protocol.ts";
import type { Redis } from "./redis.ts";

/** One stream entry with its fields. */
export interface StreamEntry {
  /** Entry id, `milliseconds-sequence` (the server's clock). */
  readonly id: string;
  /** Its fields. */
  readonly fields: Record<string, string>;
}

/** The server time (ms since the Unix epoch) at which an entry was added, from its id. */
export function entryTime(id: string): number {
  return Number(id.slice(0, id.indexOf("-")));
}

/** Creates a consumer group reading `stream` from its start (and the stream), if missing. */
export async function ensureGroup(redis: Redis, stream: string, group: string): Promise<void> {
  try {
    await redis.xgroup("CREATE", stream, group, "0", "MKSTREAM");
  } catch (error) {
    if (!/BUSYGROUP/.test((error as Error).message)) throw error;
  }
}

/** Options of {@linkcode readGroup}. */
export interface ReadGroupOptions {
  /** The consumer group. */
  group: string;
  /** This consumer's name. */
  consumer: string;
  /** "0": entries delivered to this consumer and not acknowledged; ">": new ones. */
  from: "0" | ">";
  /** Most entries per stream. */
  count: number;
  /** Wait this long for new entries (only with ">"); default do not wait. */
  blockMs?: number;
}

/**
 * Reads entries of several streams for a consumer of a group (XREADGROUP).
 *
 * @param redis a connection (a blocking read holds it)
 * @param streams the streams, each read with the same group
 * @param options group, consumer, from, count, block
 * @returns entries per stream, in the order of `streams`
 */
export async function readGroup(
  redis: Redis,
  streams: readonly string[],
  options: ReadGroupOptions,
): Promise<StreamEntry[][]> {
  const args: (string | number)[] = [
    "GROUP",
    options.group,
    options.consumer,
    "COUNT",
    options.count,
  ];
  if (options.from === ">" && options.blockMs !== undefined) args.push("BLOCK", options.blockMs);
  const reply = await redis.call(
    "XREADGROUP",
    ...args,
    "STREAMS",
    ...streams,
    ...streams.map(() => options.from),
  ) as [string, [string, string[] | null][]][] | null;
  const byStream = new Map(reply?.map(([stream, entries]) => [stream, entries]) ?? []);
  return streams.map((stream) =>
    (byStream.get(stream) ?? [])
      // An entry deleted after delivery comes back with no fields: nothing to do with it.
      .filter(([, flat]) => flat !== null)
      .map(([id, flat]) => ({ id, fields: fieldsOf(flat!) }))
  );
}

/** A 32-bit seed from a task id (FNV-1a), so a task's random data is the same wherever it runs. */
export function stringSeed(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
