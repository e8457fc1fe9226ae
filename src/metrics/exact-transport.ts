/**
 * Exact optimal transport between uniform clouds of any sizes, x [n x k] and y [p x k] with cost
 * C_ij = |x_i - y_j|^2: W2^2 = min over plans P >= 0 with rows summing to 1/n and columns to 1/p of <P, C>.
 * With N = lcm(n, p), copying each x_i N/n times and each y_j N/p times turns the uniform measures into two
 * clouds of N points of mass 1/N each, whose optimal plans include a permutation (Birkhoff); an optimal
 * assignment of the copies (src/metrics/assignment.ts, O(N^3)) summed back over the copies is an optimal plan
 * of the original problem, and every plan of it arises this way. For n = p it is the plain assignment.
 */
import { solveAssignment } from './assignment';

/** Largest N = lcm(n, p) solved: an N x N cost matrix (32 MiB) and O(N^3) steps, tens of seconds at the cap. */
export const MAX_EXACT_TRANSPORT_SIZE = 2048;

/** A sparse transport plan: entry e moves mass[e] from x_rows[e] to y_columns[e]. */
export interface SparsePlan {
  readonly rows: Int32Array;
  readonly columns: Int32Array;
  readonly masses: Float64Array;
}

export interface ExactTransport {
  /** W2^2 = <P, C> of the optimal plan. */
  readonly w2Squared: number;
  /** Every nonzero entry of the optimal plan, by row then column (at most N of them; n, a permutation's, for n = p). */
  readonly plan: SparsePlan;
  /** N = lcm(n, p): the size of the assignment solved. */
  readonly assignmentSize: number;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** lcm(n, p): the assignment size exactTransport needs. */
export function exactTransportSize(n: number, p: number): number {
  return (n / gcd(n, p)) * p;
}

/** Exact OT between x [n x dim] and y [p x dim]; see the module header. */
export function exactTransport(x: ArrayLike<number>, y: ArrayLike<number>, dim: number): ExactTransport {
  const n = x.length / dim;
  const p = y.length / dim;
  if (!Number.isInteger(dim) || dim < 1 || !Number.isInteger(n) || !Number.isInteger(p) || n < 1 || p < 1) {
    throw new RangeError(`exactTransport: x (${x.length} values) and y (${y.length}) must hold a positive whole number of ${dim}-dimensional points`);
  }
  const size = exactTransportSize(n, p);
  if (size > MAX_EXACT_TRANSPORT_SIZE) {
    throw new RangeError(`exact transport of ${n} and ${p} points needs an assignment of lcm = ${size} > ${MAX_EXACT_TRANSPORT_SIZE} copies (O(N^3)); use the sinkhorn or sliced method`);
  }
  const xCopies = size / n;
  const yCopies = size / p;
  const cost = new Float64Array(size * size);
  for (let r = 0; r < size; r++) {
    const i = Math.floor(r / xCopies);
    for (let s = 0; s < size; s++) {
      const j = Math.floor(s / yCopies);
      let sum = 0;
      for (let c = 0; c < dim; c++) sum += (x[i * dim + c]! - y[j * dim + c]!) ** 2;
      cost[r * size + s] = sum;
    }
  }
  const { columnOfRow, totalCost } = solveAssignment(cost, size);
  const counts = new Map<number, number>();
  for (let r = 0; r < size; r++) {
    const key = Math.floor(r / xCopies) * p + Math.floor(columnOfRow[r]! / yCopies);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const keys = [...counts.keys()].sort((s, t) => s - t);
  return {
    w2Squared: totalCost / size,
    plan: {
      rows: Int32Array.from(keys, (key) => Math.floor(key / p)),
      columns: Int32Array.from(keys, (key) => key % p),
      masses: Float64Array.from(keys, (key) => counts.get(key)! / size),
    },
    assignmentSize: size,
  };
}
