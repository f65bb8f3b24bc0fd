/**
 * Seeded orthogonal initialisation (Saxe et al. 2014), as PPO implementations use it: a
 * Gaussian matrix orthonormalised by Gram-Schmidt, times a gain.
 *
 * @module
 */
import type { Rng } from "../random/mod.ts";

/**
 * An orthogonal `rows x cols` matrix (row-major) scaled by `gain`: orthonormal columns when
 * rows >= cols, orthonormal rows otherwise.
 */
export function orthogonal(
  shape: { rows: number; cols: number },
  options: { gain: number; rng: Rng },
): Float32Array {
  const { rows, cols } = shape, { gain, rng } = options;
  const tall = rows >= cols;
  const count = tall ? cols : rows, length = tall ? rows : cols;
  const vectors = Array.from(
    { length: count },
    () => Float64Array.from({ length }, () => rng.normal()),
  );
  vectors.forEach((vector, k) => {
    for (let previous = 0; previous < k; previous++) {
      const basis = vectors[previous]!;
      let dot = 0;
      for (let i = 0; i < length; i++) dot += vector[i]! * basis[i]!;
      for (let i = 0; i < length; i++) vector[i]! -= dot * basis[i]!;
    }
    const norm = Math.hypot(...vector);
    for (let i = 0; i < length; i++) vector[i]! /= norm;
  });
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[r * cols + c] = gain * (tall ? vectors[c]![r]! : vectors[r]![c]!);
    }
  }
  return out;
}
