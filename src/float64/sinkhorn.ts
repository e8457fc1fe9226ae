/**
 * float64 twin of the sinkhorn family: log-domain Sinkhorn between uniform clouds x [n x k] and
 * y [p x k] with C_ij = |x_i - y_j|^2, following the schedule of src/core/sinkhorn-schedule.ts
 * update for update. Written from the equations, independently of the WGSL:
 *   f_i = -eps log((1/p) sum_j exp((g_j - C_ij)/eps)),  g_j = -eps log((1/n) sum_i exp((f_i - C_ij)/eps)),
 *   P_ij = exp((f_i + g_j - C_ij)/eps) / (n p).
 */
import { resolveSinkhornOptions, squaredDiameter, type SinkhornOptions, type SinkhornSummary } from '../core/sinkhorn-schedule';

export interface SinkhornResult extends SinkhornSummary {
  /** f [n]. */
  readonly f: Float64Array;
  /** g [p]. */
  readonly g: Float64Array;
}

/** C [n x p], C_ij = |x_i - y_j|^2. */
export function squaredDistances(x: ArrayLike<number>, y: ArrayLike<number>, dim: number): Float64Array {
  const n = x.length / dim;
  const p = y.length / dim;
  const cost = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      let sum = 0;
      for (let c = 0; c < dim; c++) sum += (x[i * dim + c]! - y[j * dim + c]!) ** 2;
      cost[i * p + j] = sum;
    }
  }
  return cost;
}

/** eps log sum_t exp(v_t / eps), shifted by the maximum. */
function logSumExp(values: Float64Array, epsilon: number): number {
  let shift = -Infinity;
  for (const v of values) shift = Math.max(shift, v);
  let sum = 0;
  for (const v of values) sum += Math.exp((v - shift) / epsilon);
  return shift + epsilon * Math.log(sum);
}

/**
 * One half step on the side whose rows index `cost` by `at(row, column)`: potential_r <- -eps log((1/q) sum exp((other - C)/eps)).
 * Returns sum_r |r_r - 1/count| for the plan before the update; updates `potential` when `commit`.
 */
function halfStep(
  cost: Float64Array,
  at: (row: number, column: number) => number,
  potential: Float64Array,
  other: Float64Array,
  epsilon: number,
  commit: boolean,
): number {
  const values = new Float64Array(other.length);
  let error = 0;
  for (let r = 0; r < potential.length; r++) {
    for (let q = 0; q < other.length; q++) values[q] = other[q]! - cost[at(r, q)]!;
    const updated = epsilon * Math.log(other.length) - logSumExp(values, epsilon);
    error += Math.abs(Math.exp((potential[r]! - updated) / epsilon) - 1) / potential.length;
    if (commit) potential[r] = updated;
  }
  return error;
}

/** Runs the shared schedule in float64; `f`, `g` start from `initial` (default zeros). */
export function sinkhorn(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  dim: number,
  options: SinkhornOptions,
  initial?: { readonly f: ArrayLike<number>; readonly g: ArrayLike<number> },
): SinkhornResult {
  const n = x.length / dim;
  const p = y.length / dim;
  if (!Number.isInteger(n) || !Number.isInteger(p) || n < 1 || p < 1) {
    throw new RangeError(`reference sinkhorn: x (${x.length}) and y (${y.length}) must hold a positive whole number of ${dim}-dimensional points`);
  }
  const schedule = resolveSinkhornOptions('reference/sinkhorn', options, squaredDiameter(x, y, dim));
  const cost = squaredDistances(x, y, dim);
  const rowsOfX = (i: number, j: number) => i * p + j;
  const rowsOfY = (j: number, i: number) => i * p + j;
  const f = initial ? Float64Array.from(initial.f) : new Float64Array(n);
  const g = initial ? Float64Array.from(initial.g) : new Float64Array(p);
  const iterate = (epsilon: number) => {
    halfStep(cost, rowsOfX, f, g, epsilon, true);
    halfStep(cost, rowsOfY, g, f, epsilon, true);
  };
  for (const level of schedule.annealing) iterate(level);
  const { epsilon } = schedule;
  let iterations = 0;
  let marginalError = Infinity;
  while (true) {
    const chunk = Math.min(schedule.checkEvery, schedule.maxIterations - iterations);
    for (let t = 0; t < chunk; t++) iterate(epsilon);
    iterations += chunk;
    marginalError = halfStep(cost, rowsOfX, f, g, epsilon, false);
    if (marginalError <= schedule.tolerance || iterations >= schedule.maxIterations) break;
  }
  let transportCost = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const c = cost[i * p + j]!;
      transportCost += (Math.exp((f[i]! + g[j]! - c) / epsilon) / (n * p)) * c;
    }
  }
  const mean = (values: Float64Array) => values.reduce((sum, v) => sum + v, 0) / values.length;
  return {
    transportCost,
    dualObjective: mean(f) + mean(g),
    marginalError,
    iterations,
    converged: marginalError <= schedule.tolerance,
    f,
    g,
  };
}
