/**
 * The built-in task kinds, registered in this order (their one-hot order): the matrix
 * product, the prime search, the sort and file I/O, the four kinds of the original system.
 *
 * @module
 */
export { closeMatmulPools, MATMUL, MatmulPool, multiplyMatrices, multiplyRows } from "./matmul.ts";
export { countPrimes, PRIMES } from "./primes.ts";
export { SORT, sortRandomArray } from "./sort.ts";
export { FILE_BLOCK_BYTES, FILE_MAX_BLOCKS, FILEIO, randomFileIo } from "./fileio.ts";
