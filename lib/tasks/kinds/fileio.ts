/**
 * File I/O: random 4 KiB reads and writes in a temporary file. Disk-bound: a node delivers
 * its disk throughput relative to the reference SSD, throttled by a fractional CPU share.
 *
 * @module
 */
import { REFERENCE_DISK_MBPS } from "../../cluster/mod.ts";
import type { Rng } from "../../random/mod.ts";
import { registerTaskKind } from "../kind.ts";

/** Block size of the file I/O workload, as in the original (4 KiB). */
export const FILE_BLOCK_BYTES = 4096;
/** Blocks in the file I/O workload's file at most (64 MiB; the original used a 6 GB file). */
export const FILE_MAX_BLOCKS = 16_384;

/**
 * Performs `operations` random 4 KiB reads and as many writes in a temporary file, which it
 * removes afterwards; returns the XOR of the bytes read.
 */
export async function randomFileIo(
  operations: number,
  rng: Rng,
  tempDir?: string,
): Promise<{ checksum: number; bytesRead: number; bytesWritten: number }> {
  const dir = await Deno.makeTempDir({
    prefix: "schedlab-fileio-",
    ...(tempDir ? { dir: tempDir } : {}),
  });
  const blocks = Math.max(1, Math.min(FILE_MAX_BLOCKS, operations));
  const block = new Uint8Array(FILE_BLOCK_BYTES);
  let checksum = 0;
  try {
    using file = await Deno.open(`${dir}/data.bin`, { read: true, write: true, create: true });
    for (let i = 0; i < blocks; i++) {
      block.fill(i & 0xff);
      file.writeSync(block);
    }
    for (let op = 0; op < operations; op++) {
      file.seekSync(rng.int(blocks) * FILE_BLOCK_BYTES, Deno.SeekMode.Start);
      file.readSync(block);
      checksum ^= block[op % FILE_BLOCK_BYTES]!;
      block[0] = op & 0xff;
      file.seekSync(rng.int(blocks) * FILE_BLOCK_BYTES, Deno.SeekMode.Start);
      file.writeSync(block);
    }
    file.syncSync();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const bytes = (blocks + operations) * FILE_BLOCK_BYTES;
  return { checksum, bytesRead: operations * FILE_BLOCK_BYTES, bytesWritten: bytes };
}

/** File I/O; range and law from the original system (its "fileIO" task). */
export const FILEIO = registerTaskKind({
  name: "fileio",
  module: import.meta.url,
  parameterName: "operation count",
  min: 100_000,
  max: 2_000_000,
  defaultParameter: 1_000_000,
  resource: "disk-bound",
  profile: { coreDemand: 0.25, cpuIntensity: 0.1, memoryIntensity: 0.1, ioIntensity: 1 },
  threaded: false,
  originalName: "fileIO",
  capacity: (node) => (node.diskMBps / REFERENCE_DISK_MBPS) * Math.min(1, node.cores),
  seedLaw: { scale: 2.2190e-6, exponent: 0.99993 },
  statedGrowth: 1, // linear in the operations
  run: (parameter, { rng, tempDir }) => randomFileIo(Math.round(parameter), rng, tempDir),
  profiling: {
    min: 10_000,
    max: 300_000,
    variants: [{ threads: 1, storage: "disk" }, { threads: 1, storage: "tmpfs" }],
  },
  warmUpParameter: 16,
});
