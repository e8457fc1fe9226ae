/**
 * float64 twin of the `lanczos` kernel family: the largest eigenvalue of a symmetric operator A by the
 * Lanczos recurrence, the algorithm the GPU runs on the Hessian-vector product (src/metrics/sharpness.ts).
 *
 * From a unit v_0 (v_{-1} = 0, beta_0 = 0), for k = 0, 1, ...:
 *   w = A v_k,  alpha_k = v_k . w,  w' = w - alpha_k v_k - beta_k v_{k-1},  beta_{k+1} = |w'|,
 *   v_{k+1} = w' / beta_{k+1}                                                    (0 when beta_{k+1} = 0).
 * Then A V_k = V_k T_k + beta_k v_k e_k^T with T_k = tridiag(beta, alpha, beta) (k x k), so a Ritz pair
 * (theta, y = V_k s) of T_k has residual |A y - theta y| = beta_k |s_{k-1}| (the Ritz estimate).
 * The extreme Ritz values converge from both ends at once, at a rate set by the gap to the next
 * eigenvalue relative to the whole spread (Kaniel-Paige-Saad), not by |lambda_min| / lambda_max as
 * for power iteration: a spectrum with lambda_min = -0.997 lambda_max costs Lanczos nothing extra.
 *
 * No reorthogonalization: the basis loses orthogonality once a Ritz value converges and later spawns
 * copies ("ghosts") of it, but the converged extreme Ritz value itself stays correct (Paige 1976),
 * and the stop comes at the first k whose top Ritz estimate is small, before any ghost. So the
 * recurrence keeps three vectors (O(p) memory); the Ritz vector y is formed afterwards.
 *
 * Stopping rule (shared with the GPU): the first k with beta_k |s_{k-1}| <= tolerance |theta_max|,
 * or k = maxIterations (then converged = false). Then the true residual |A y - theta y| / |y| of the
 * returned pair, from one more product: in exact arithmetic it equals the Ritz estimate, and it is
 * the number that certifies the result (Kahan: some eigenvalue lies within it of theta).
 */
import { tridiagonalEigen } from './tridiagonal';

/** A symmetric linear operator on flat vectors. */
export type LinearOperator = (v: Float64Array) => Float64Array;

export interface LanczosOptions {
  /** Most iterations k (default LANCZOS_DEFAULTS.maxIterations). */
  readonly maxIterations?: number;
  /** Stop at the first k with Ritz estimate <= tolerance |theta_max| (default LANCZOS_DEFAULTS.tolerance). */
  readonly tolerance?: number;
}

/**
 * Defaults of both backends. tolerance: a residual r bounds the eigenvalue error by r (and by r^2 / gap
 * when the top eigenvalue is separated), so 1e-5 relative is well inside the 1e-3 that the presets' stability
 * checks can resolve, and still above the float32 floor of the GPU's products (~ sqrt(p) 6e-8 relative).
 * maxIterations: Kaniel-Paige-Saad gives error ~ exp(-4 k sqrt(gap / spread)); 100 iterations reach 1e-5
 * for gap / spread down to ~ 1e-3.
 */
export const LANCZOS_DEFAULTS = { maxIterations: 100, tolerance: 1e-5 } as const;

/** The most iterations a configured sharpness evaluation may run (the GPU's default coefficient capacity). */
export const LANCZOS_MAX_ITERATIONS = 1024;

/** alpha_0..alpha_{k-1} and beta_1..beta_k: T_k and the coupling to v_k. */
export interface LanczosCoefficients {
  readonly alphas: ArrayLike<number>;
  /** betas[j] = beta_{j+1} = |w'_j|; T_k's off-diagonal is betas[0..k-2], betas[k-1] the Ritz estimate's factor. */
  readonly betas: ArrayLike<number>;
}

/** The top Ritz pair of T_k. */
export interface TopRitzPair {
  /** theta_max: the largest eigenvalue of T_k. */
  readonly value: number;
  /** beta_k |s_{k-1}|: the residual |A y - theta y| the recurrence predicts for y = V_k s. */
  readonly estimate: number;
  /** s, the unit eigenvector of T_k for theta_max (only when asked for). */
  readonly vector?: Float64Array;
}

/** The top Ritz pair of T_k from the first k coefficients (s only when `withVector`). */
export function topRitzPair(coefficients: LanczosCoefficients, k: number, withVector = false): TopRitzPair {
  const { alphas, betas } = coefficients;
  if (!Number.isInteger(k) || k < 1 || alphas.length < k || betas.length < k) {
    throw new RangeError(`topRitzPair: k = ${k} needs k alphas and k betas, got ${alphas.length} and ${betas.length}`);
  }
  const diagonal = Array.from({ length: k }, (_, j) => alphas[j]!);
  const offDiagonal = Array.from({ length: k - 1 }, (_, j) => betas[j]!);
  const eigen = tridiagonalEigen(diagonal, offDiagonal, withVector ? undefined : [k - 1]);
  // Column 0 is theta_max's eigenvector; its last component is row k - 1 (the only row when tracked alone).
  const last = withVector ? eigen.vectors[(k - 1) * k]! : eigen.vectors[0]!;
  const estimate = Math.abs(betas[k - 1]!) * Math.abs(last);
  if (!withVector) return { value: eigen.values[0]!, estimate };
  return { value: eigen.values[0]!, estimate, vector: Float64Array.from({ length: k }, (_, j) => eigen.vectors[j * k]!) };
}

/**
 * The stopping rule: the first k in [from, to] whose top Ritz estimate is <= tolerance |theta_max|,
 * or undefined. A non-finite coefficient (a NaN from the operator) stops nothing and is reported by the caller.
 */
export function firstConverged(coefficients: LanczosCoefficients, from: number, to: number, tolerance: number): number | undefined {
  for (let k = from; k <= to; k++) {
    if (!Number.isFinite(coefficients.alphas[k - 1]!) || !Number.isFinite(coefficients.betas[k - 1]!)) return undefined;
    const pair = topRitzPair(coefficients, k);
    if (pair.estimate <= tolerance * Math.abs(pair.value)) return k;
  }
  return undefined;
}

/** Checks maxIterations and tolerance; returns them with defaults filled in. */
export function lanczosSettings(options: LanczosOptions, name = 'lanczos'): Required<LanczosOptions> {
  const maxIterations = options.maxIterations ?? LANCZOS_DEFAULTS.maxIterations;
  const tolerance = options.tolerance ?? LANCZOS_DEFAULTS.tolerance;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new RangeError(`${name}: maxIterations must be a positive integer, got ${maxIterations}`);
  if (!(tolerance >= 0)) throw new RangeError(`${name}: tolerance must be >= 0, got ${tolerance}`);
  return { maxIterations, tolerance };
}

export interface LanczosResult extends LanczosCoefficients {
  readonly alphas: Float64Array;
  readonly betas: Float64Array;
  /** theta_max at the stop (operator units). */
  readonly estimate: number;
  /** |A y - theta y| / |y| for the Ritz vector y = V_k s: the true residual (operator units). */
  readonly residual: number;
  /** beta_k |s_{k-1}| at the stop: the recurrence's prediction of `residual`. */
  readonly ritzEstimate: number;
  /** True when the stopping rule was met before the cap. */
  readonly converged: boolean;
  /** k at the stop (products in the recurrence; one more forms the residual). */
  readonly iterations: number;
  /** The unit Ritz vector y (the twin always; the GPU when asked, as it costs a readback). */
  readonly vector?: Float64Array;
}

/** Lanczos from `start` (normalised here) on `apply`, with the stopping rule above. */
export function lanczos(apply: LinearOperator, start: ArrayLike<number>, options: LanczosOptions = {}): LanczosResult {
  const { maxIterations, tolerance } = lanczosSettings(options);
  const p = start.length;
  let v = Float64Array.from(start);
  const startNorm = Math.sqrt(dot(v, v));
  if (!(startNorm > 0) || !Number.isFinite(startNorm)) throw new RangeError('lanczos: the start vector is zero or not finite');
  v = v.map((x) => x / startNorm);
  let previous = new Float64Array(p);
  const alphas: number[] = [];
  const betas: number[] = [];
  // The basis is kept here for the Ritz vector; replaying the recurrence (as the GPU does) would give these same vectors.
  const basis: Float64Array[] = [];
  let stop: number | undefined;
  for (let k = 0; k < maxIterations && stop === undefined; k++) {
    basis.push(v);
    const w = apply(v);
    const alpha = dot(v, w);
    const beta = k > 0 ? betas[k - 1]! : 0;
    for (let e = 0; e < p; e++) w[e] = w[e]! - alpha * v[e]! - beta * previous[e]!;
    const next = Math.sqrt(dot(w, w));
    alphas.push(alpha);
    betas.push(next);
    if (!Number.isFinite(alpha) || !Number.isFinite(next)) return notFinite(alphas, betas);
    previous = v;
    v = next > 0 ? w.map((x) => x / next) : new Float64Array(p);
    stop = firstConverged({ alphas, betas }, k + 1, k + 1, tolerance);
  }
  const iterations = stop ?? alphas.length;
  const pair = topRitzPair({ alphas, betas }, iterations, true);
  let y = new Float64Array(p);
  pair.vector!.forEach((s, j) => basis[j]!.forEach((x, e) => (y[e] = y[e]! + s * x)));
  // |y| = 1 up to the basis's loss of orthogonality; normalising makes the residual that of a unit vector.
  const yNorm = Math.sqrt(dot(y, y));
  if (yNorm > 0) y = y.map((x) => x / yNorm);
  return {
    estimate: pair.value,
    residual: ritzResidual(apply(y), y, pair.value),
    ritzEstimate: pair.estimate,
    converged: stop !== undefined,
    iterations,
    alphas: Float64Array.from(alphas),
    betas: Float64Array.from(betas),
    vector: y,
  };
}

/** The result when the operator produced a NaN or infinity: nothing to report but that. */
function notFinite(alphas: readonly number[], betas: readonly number[]): LanczosResult {
  return { estimate: NaN, residual: NaN, ritzEstimate: NaN, converged: false, iterations: alphas.length, alphas: Float64Array.from(alphas), betas: Float64Array.from(betas) };
}

/** |Ay - theta y| / |y| (0 for y = 0). */
export function ritzResidual(product: ArrayLike<number>, y: ArrayLike<number>, theta: number): number {
  let residual = 0;
  let norm = 0;
  for (let e = 0; e < y.length; e++) {
    residual += (product[e]! - theta * y[e]!) ** 2;
    norm += y[e]! ** 2;
  }
  return norm > 0 ? Math.sqrt(residual / norm) : 0;
}

function dot(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let sum = 0;
  for (let e = 0; e < u.length; e++) sum += u[e]! * v[e]!;
  return sum;
}
