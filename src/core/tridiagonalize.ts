/**
 * Householder reduction of a symmetric matrix to tridiagonal form, T = Q^T A Q with Q orthogonal (Golub and
 * Van Loan, "Matrix Computations", algorithms 5.1.1 and 8.3.1), keeping only T: the eigenvalues of A are
 * those of T, which src/core/tridiagonal.ts finds in O(n^2). Step k reflects column k below the diagonal
 * onto its first entry with P = I - beta v v^T and updates the trailing block as
 *   A22 <- P A22 P = A22 - v w^T - w v^T,   p = beta A22 v,   w = p - (beta / 2) (p . v) v,
 * about (4/3) n^3 flops in all, on flat typed arrays (n = 1000 in a few seconds, where ml-matrix's
 * eigen-decomposition takes half a minute).
 */

export interface Tridiagonal {
  /** T's diagonal [n]. */
  readonly diagonal: Float64Array;
  /** T's off-diagonal [n - 1] (T_{i,i+1} = T_{i+1,i}); signs are arbitrary, the eigenvalues do not depend on them. */
  readonly offDiagonal: Float64Array;
}

/** The tridiagonal form of (A + A^T) / 2 for a row-major size x size array. */
export function tridiagonalize(values: ArrayLike<number>, size: number): Tridiagonal {
  const n = size;
  if (!Number.isInteger(n) || n < 1 || values.length !== n * n) {
    throw new RangeError(`tridiagonalize: expected a ${size} x ${size} matrix (${size * size} values), got ${values.length}`);
  }
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) A[i * n + k] = 0.5 * (values[i * n + k]! + values[k * n + i]!);
  const offDiagonal = new Float64Array(n - 1);
  const v = new Float64Array(n);
  const w = new Float64Array(n);
  for (let k = 0; k < n - 1; k++) {
    const head = A[(k + 1) * n + k]!;
    let tail = 0;
    for (let i = k + 2; i < n; i++) tail += A[i * n + k]! ** 2;
    if (tail === 0) {
      offDiagonal[k] = head; // the column is already reduced
      continue;
    }
    const norm = Math.sqrt(head * head + tail);
    // v = x - norm e1 scaled to v[k+1] = 1, computed without cancellation (GVL 5.1.1).
    const v0 = head <= 0 ? head - norm : -tail / (head + norm);
    const beta = (2 * v0 * v0) / (tail + v0 * v0);
    v[k + 1] = 1;
    for (let i = k + 2; i < n; i++) v[i] = A[i * n + k]! / v0;
    offDiagonal[k] = norm;
    // p = beta A22 v, then w = p - (beta / 2) (p . v) v.
    let pv = 0;
    for (let i = k + 1; i < n; i++) {
      let sum = 0;
      for (let j = k + 1; j < n; j++) sum += A[i * n + j]! * v[j]!;
      w[i] = beta * sum;
      pv += w[i]! * v[i]!;
    }
    const half = 0.5 * beta * pv;
    for (let i = k + 1; i < n; i++) w[i] = w[i]! - half * v[i]!;
    for (let i = k + 1; i < n; i++) {
      const vi = v[i]!;
      const wi = w[i]!;
      for (let j = k + 1; j < n; j++) A[i * n + j] = A[i * n + j]! - vi * w[j]! - wi * v[j]!;
    }
  }
  return { diagonal: Float64Array.from({ length: n }, (_, i) => A[i * n + i]!), offDiagonal };
}
