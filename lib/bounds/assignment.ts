/**
 * The Hungarian algorithm (Kuhn-Munkres with potentials, O(rows^2 * cols)) for the
 * rectangular assignment problem: each row gets a distinct column, at least cost.
 *
 * @module
 */

/** An optimal assignment. */
export interface Assignment {
  /** Column of each row. */
  readonly columnOf: Int32Array;
  /** Total cost. */
  readonly cost: number;
}

/**
 * Solves min sum cost[r][columnOf[r]] over injective row-to-column maps.
 *
 * @param cost row-major costs, `rows * cols` finite numbers
 * @param shape rows and cols, with rows <= cols
 * @returns the optimal assignment
 * @example
 * ```ts
 * const { columnOf, cost } = solveAssignment(new Float64Array([4, 1, 2, 3]), { rows: 2, cols: 2 });
 * // columnOf = [1, 0], cost = 3
 * ```
 */
export function solveAssignment(
  cost: Float64Array,
  shape: { rows: number; cols: number },
): Assignment {
  const { rows, cols } = shape;
  if (rows > cols) {
    throw new RangeError(`Expected rows <= cols but found ${rows} rows and ${cols} cols`);
  }
  if (cost.length !== rows * cols) {
    throw new RangeError(`Expected ${rows * cols} costs but found ${cost.length}`);
  }
  // 1-based potentials and matching, column 0 is the virtual start.
  const u = new Float64Array(rows + 1);
  const v = new Float64Array(cols + 1);
  const rowOf = new Int32Array(cols + 1);
  const way = new Int32Array(cols + 1);
  const minv = new Float64Array(cols + 1);
  const used = new Uint8Array(cols + 1);
  for (let row = 1; row <= rows; row++) {
    rowOf[0] = row;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = rowOf[j0]!;
      const base = (i0 - 1) * cols - 1;
      const ui0 = u[i0]!;
      let delta = Infinity, j1 = 0;
      for (let j = 1; j <= cols; j++) {
        if (used[j]) continue;
        const reduced = cost[base + j]! - ui0 - v[j]!;
        if (reduced < minv[j]!) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      shiftPotentials({ u, v, minv, used, rowOf }, delta, 0, cols);
      j0 = j1;
    } while (rowOf[j0] !== 0);
    augment(rowOf, way, j0);
  }
  const columnOf = new Int32Array(rows);
  let total = 0;
  for (let j = 1; j <= cols; j++) {
    const row = rowOf[j]!;
    if (row > 0) {
      columnOf[row - 1] = j - 1;
      total += cost[(row - 1) * cols + j - 1]!;
    }
  }
  return { columnOf, cost: total };
}

/**
 * The end of a Hungarian phase: flips the alternating path that `way` records from the free
 * column `j0` back to the virtual column 0, matching one more row.
 */
export function augment(rowOf: Int32Array, way: Int32Array, j0: number): void {
  do {
    const j1 = way[j0]!;
    rowOf[j0] = rowOf[j1]!;
    j0 = j1;
  } while (j0 !== 0);
}

/** The Hungarian algorithm's arrays (1-based rows and columns, column 0 virtual). */
export interface HungarianState {
  readonly u: Float64Array;
  readonly v: Float64Array;
  readonly minv: Float64Array;
  readonly used: Uint8Array;
  readonly rowOf: Int32Array;
}

/**
 * A phase's dual step over the columns [from, to]: visited columns and their rows move by
 * `delta`, the others' slack shrinks by it.
 */
export function shiftPotentials(
  state: HungarianState,
  delta: number,
  from: number,
  to: number,
): void {
  const { u, v, minv, used, rowOf } = state;
  for (let j = from; j <= to; j++) {
    if (used[j]) {
      u[rowOf[j]!]! += delta;
      v[j]! -= delta;
    } else {
      minv[j]! -= delta;
    }
  }
}
