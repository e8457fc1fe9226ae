/**
 * float64 twin of the sliced family, with Array.sort for the sorting: the same directions as the
 * GPU path (src/core/sliced-directions.ts), projections, and exact 1-D quantile matching.
 */

/** keys[l, i] = <theta_l, x_i> [L x count]. */
export function projectRows(directions: ArrayLike<number>, points: ArrayLike<number>, directionCount: number, pointCount: number, dim: number): Float64Array {
  const keys = new Float64Array(directionCount * pointCount);
  for (let l = 0; l < directionCount; l++) {
    for (let i = 0; i < pointCount; i++) {
      let projection = 0;
      for (let c = 0; c < dim; c++) projection += directions[l * dim + c]! * points[i * dim + c]!;
      keys[l * pointCount + i] = projection;
    }
  }
  return keys;
}

/**
 * W2^2 between the uniform empirical measures on sorted x [n] and sorted y [p]: the integral of
 * (F^-1 - G^-1)^2 over [0, 1], walked as a merge of the two quantile grids i/n and j/p.
 */
export function quantileCost(sortedX: ArrayLike<number>, sortedY: ArrayLike<number>): number {
  const n = sortedX.length;
  const p = sortedY.length;
  let total = 0;
  let i = 0;
  let j = 0;
  // Position on [0, 1] in units of 1/(n p): x cell i ends at (i+1) p, y cell j at (j+1) n.
  let position = 0;
  while (i < n && j < p) {
    const end = Math.min((i + 1) * p, (j + 1) * n);
    const difference = sortedX[i]! - sortedY[j]!;
    total += ((end - position) / (n * p)) * difference * difference;
    position = end;
    if (end === (i + 1) * p) i++;
    if (end === (j + 1) * n) j++;
  }
  return total;
}

export interface SlicedResult {
  /** SW2^2 = mean over directions of the 1-D W2^2. */
  readonly value: number;
  /** The 1-D W2^2 of each direction [L]. */
  readonly perDirection: Float64Array;
}

/** SW2^2 between x [n x k] and y [p x k] along the given unit directions [L x k]. */
export function slicedW2Squared(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  directions: ArrayLike<number>,
  shape: { readonly xCount: number; readonly yCount: number; readonly dim: number; readonly directionCount: number },
): SlicedResult {
  const { xCount, yCount, dim, directionCount } = shape;
  const xKeys = projectRows(directions, x, directionCount, xCount, dim);
  const yKeys = projectRows(directions, y, directionCount, yCount, dim);
  const perDirection = new Float64Array(directionCount);
  for (let l = 0; l < directionCount; l++) {
    const sortedX = xKeys.subarray(l * xCount, (l + 1) * xCount).sort();
    const sortedY = yKeys.subarray(l * yCount, (l + 1) * yCount).sort();
    perDirection[l] = quantileCost(sortedX, sortedY);
  }
  let sum = 0;
  for (const cost of perDirection) sum += cost;
  return { value: sum / directionCount, perDirection };
}
