/**
 * Run folders through Redis, so that workers and the sweep's owner share no file system:
 * every file gzip-compressed, cut into chunks, stored as fields of one Redis hash per run, and
 * checked against its SHA-256 when written back.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Redis } from "ioredis";
import { sha256Hex } from "../validation/mod.ts";

/** Largest chunk stored in one hash field, bytes. */
export const CHUNK_BYTES = 256 * 1024;

/** One stored file. */
export interface StoredFile {
  /** Path inside the run folder. */
  readonly path: string;
  /** Size before compression. */
  readonly bytes: number;
  /** Chunks of the compressed file. */
  readonly chunks: number;
  /** SHA-256 of the file. */
  readonly sha256: string;
}

async function pipeBytes(
  bytes: Uint8Array<ArrayBuffer>,
  transform: CompressionStream | DecompressionStream,
): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The files under a folder, as paths relative to it, sorted. */
async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(`${dir}/${prefix}`)) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) files.push(...await listFiles(dir, `${path}/`));
    else if (entry.isFile) files.push(path);
  }
  return files.sort();
}

/**
 * Stores every file of a folder under one Redis hash (replacing what it held).
 *
 * @param redis a client
 * @param key the hash
 * @param dir the folder
 * @returns the stored files
 */
export async function storeFolder(redis: Redis, key: string, dir: string): Promise<StoredFile[]> {
  await redis.del(key);
  const stored: StoredFile[] = [];
  for (const path of await listFiles(dir)) {
    const bytes = await Deno.readFile(`${dir}/${path}`);
    const packed = await pipeBytes(bytes, new CompressionStream("gzip"));
    const chunks = Math.max(1, Math.ceil(packed.length / CHUNK_BYTES));
    for (let i = 0; i < chunks; i++) {
      const chunk = packed.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES);
      await redis.hset(key, `${path}#${i}`, Buffer.from(chunk));
    }
    stored.push({ path, bytes: bytes.length, chunks, sha256: await sha256Hex(bytes) });
  }
  return stored;
}

/**
 * Writes stored files into a folder, checking each one's size and SHA-256.
 *
 * @param redis a client
 * @param key the hash
 * @param files what {@linkcode storeFolder} returned
 * @param dir the folder (created)
 */
export async function fetchFolder(
  redis: Redis,
  key: string,
  files: readonly StoredFile[],
  dir: string,
): Promise<void> {
  for (const file of files) {
    const parts: Uint8Array[] = [];
    for (let i = 0; i < file.chunks; i++) {
      const chunk = await redis.hgetBuffer(key, `${file.path}#${i}`);
      if (chunk === null) throw new Error(`Redis ${key} lacks chunk ${i} of ${file.path}`);
      parts.push(chunk);
    }
    const bytes = await pipeBytes(
      new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer()),
      new DecompressionStream("gzip"),
    );
    if (bytes.length !== file.bytes || await sha256Hex(bytes) !== file.sha256) {
      throw new Error(`${file.path} from Redis ${key} does not match its SHA-256`);
    }
    const target = `${dir}/${file.path}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await Deno.writeFile(target, bytes);
  }
}
