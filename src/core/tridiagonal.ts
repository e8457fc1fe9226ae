/**
 * Eigen-decomposition of a symmetric tridiagonal matrix T (diagonal d, off-diagonal e) in float64 by
 * the implicit QL method with Wilkinson shifts (tql2 of EISPACK; Bowdler, Martin, Reinsch and
 * Wilkinson, Numer. Math. 11, 1968). Each Givens rotation acts on two columns of the eigenvector
 * matrix Z = prod G, and it acts on every row alike, so any subset of Z's rows can be tracked on its
 * own: the last row alone (the Ritz estimates of Lanczos) costs O(k) per sweep instead of O(k^2).
 */

export interface TridiagonalEigen {
  /** Eigenvalues, descending. */
  readonly values: Float64Array;
  /**
   * The tracked rows of the orthogonal eigenvector matrix Z, row-major rows.length x k: entry (r, t) is
   * component rows[r] of the unit eigenvector of values[t].
   */
  readonly vectors: Float64Array;
}

/** Sweeps allowed per eigenvalue; QL with Wilkinson shifts needs 2-3 (cubic convergence). */
const MAX_SWEEPS = 60;

/**
 * Eigenvalues (descending) and the chosen rows of the eigenvectors of the k x k symmetric tridiagonal
 * matrix with diagonal d[0..k-1] and off-diagonal e[0..k-2] (T_{i,i+1} = T_{i+1,i} = e[i]).
 * `rows` defaults to every row (the full eigenvector matrix).
 */
export function tridiagonalEigen(diagonal: ArrayLike<number>, offDiagonal: ArrayLike<number>, rows?: readonly number[]): TridiagonalEigen {
  const k = diagonal.length;
  if (k < 1 || offDiagonal.length < k - 1) {
    throw new RangeError(`tridiagonalEigen: need k >= 1 diagonal and k - 1 off-diagonal entries, got ${k} and ${offDiagonal.length}`);
  }
  const tracked = rows ?? Array.from({ length: k }, (_, i) => i);
  for (const row of tracked) if (!Number.isInteger(row) || row < 0 || row >= k) throw new RangeError(`tridiagonalEigen: row ${row} is outside 0..${k - 1}`);
  const d = Float64Array.from(diagonal);
  // e[i] couples i and i + 1; e[k - 1] = 0 closes the recurrence.
  const e = new Float64Array(k);
  for (let i = 0; i < k - 1; i++) e[i] = offDiagonal[i]!;
  const z = tracked.map((row) => {
    const unit = new Float64Array(k);
    unit[row] = 1;
    return unit;
  });
  let shiftTotal = 0;
  let scale = 0;
  for (let l = 0; l < k; l++) {
    scale = Math.max(scale, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < k - 1 && Math.abs(e[m]!) > Number.EPSILON * scale) m++;
    // e[m] negligible: the block l..m is unreduced. QL sweeps chase e[l] to zero.
    for (let sweep = 0; m > l; sweep++) {
      if (sweep === MAX_SWEEPS) throw new Error(`tridiagonalEigen: no convergence after ${MAX_SWEEPS} sweeps for eigenvalue ${l}`);
      // Wilkinson shift from the leading 2 x 2 block.
      const g = d[l]!;
      let p = (d[l + 1]! - g) / (2 * e[l]!);
      let r = Math.hypot(p, 1);
      if (p < 0) r = -r;
      d[l] = e[l]! / (p + r);
      d[l + 1] = e[l]! * (p + r);
      const dl1 = d[l + 1]!;
      const h = g - d[l]!;
      for (let i = l + 2; i < k; i++) d[i]! -= h;
      shiftTotal += h;
      // One implicit QL sweep from m - 1 down to l.
      p = d[m]!;
      let c = 1;
      let c2 = 1;
      let c3 = 1;
      const el1 = e[l + 1]!;
      let s = 0;
      let s2 = 0;
      for (let i = m - 1; i >= l; i--) {
        c3 = c2;
        c2 = c;
        s2 = s;
        const gi = c * e[i]!;
        const hi = c * p;
        r = Math.hypot(p, e[i]!);
        e[i + 1] = s * r;
        s = e[i]! / r;
        c = p / r;
        p = c * d[i]! - s * gi;
        d[i + 1] = hi + s * (c * gi + s * d[i]!);
        for (const row of z) {
          const zi1 = row[i + 1]!;
          row[i + 1] = s * row[i]! + c * zi1;
          row[i] = c * row[i]! - s * zi1;
        }
      }
      p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
      e[l] = s * p;
      d[l] = c * p;
      if (!(Math.abs(e[l]!) > Number.EPSILON * scale)) break;
    }
    d[l] = d[l]! + shiftTotal;
    e[l] = 0;
  }
  const order = Array.from({ length: k }, (_, t) => t).sort((s, t) => d[t]! - d[s]!);
  const vectors = new Float64Array(tracked.length * k);
  z.forEach((row, r) => order.forEach((source, t) => (vectors[r * k + t] = row[source]!)));
  return { values: Float64Array.from(order, (t) => d[t]!), vectors };
}
