/**
 * The inner loop of the matrix product, shared by the kind and its worker threads (which
 * import this file alone).
 *
 * @module
 */

/** Computes rows [from, to) of c += a·b for n x n row-major matrices (i-k-j loop order). */
export function multiplyRows(
  matrices: { a: Float64Array; b: Float64Array; c: Float64Array; n: number },
  rows: { from: number; to: number },
): void {
  const { a, b, c, n } = matrices;
  for (let i = rows.from; i < rows.to; i++) {
    const row = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[row + k]!;
      const bRow = k * n;
      for (let j = 0; j < n; j++) c[row + j]! += aik * b[bRow + j]!;
    }
  }
}
