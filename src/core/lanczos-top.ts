/**
 * The `count` largest eigenvalues of a symmetric operator A by Lanczos with full reorthogonalization, for
 * operators too large to form densely (the Hessian beyond the dense size limit of `gradflow analyze`).
 *
 * Same recurrence as src/core/lanczos.ts (A V_k = V_k T_k + beta_k v_k e_k^T), except that every new
 * vector is orthogonalized twice against the whole basis ("twice is enough", Kahan-Parlett): the basis
 * stays orthonormal to rounding, so no ghost copies of converged Ritz values appear and the top `count`
 * Ritz values of T_k approximate `count` distinct eigenvalues (with multiplicity up to what one start
 * vector can see: a Krylov space holds one vector per eigenspace). The price is O(k p) memory and O(k p)
 * work per iteration, which is why the sharpness metric (one eigenvalue, every logged step) uses the
 * three-vector recurrence instead.
 *
 * Each Ritz pair (theta_t, y_t = V_k s_t) has residual |A y_t - theta_t y_t| = beta_k |s_t[k-1]|, exact for
 * an orthonormal basis; some eigenvalue of A lies within it of theta_t (Kahan). Stopping rule: the first k
 * at which all `count` top residuals are <= tolerance max_t |theta_t|, or beta_k = 0 (an invariant
 * subspace: the Ritz values are eigenvalues), or k = maxIterations (then converged = false).
 */
import { LANCZOS_DEFAULTS } from './lanczos';
import { tridiagonalEigen } from './tridiagonal';

/** A symmetric operator on flat vectors, on the host or behind a GPU read-back. */
export type VectorOperator = (v: Float64Array) => Float64Array | Promise<Float64Array>;

export interface TopEigenvalueOptions {
  /** How many of the largest eigenvalues (>= 1). */
  readonly count: number;
  /** Most iterations (default max(LANCZOS_DEFAULTS.maxIterations, 4 count)), capped at the start vector's length. */
  readonly maxIterations?: number;
  /** Stop once every residual is <= tolerance max |theta| (default LANCZOS_DEFAULTS.tolerance). */
  readonly tolerance?: number;
  /** Called after each iteration with its number (progress of a long run). */
  readonly onIteration?: (iteration: number) => void;
}

export interface TopEigenvalues {
  /** The largest Ritz values, descending (min(count, iterations) of them; operator units). */
  readonly values: Float64Array;
  /** |A y_t - theta_t y_t| for each value's unit Ritz vector: some eigenvalue lies within it (operator units). */
  readonly residuals: Float64Array;
  /** True when the stopping rule was met before the cap. */
  readonly converged: boolean;
  /** Lanczos iterations, one operator product each. */
  readonly iterations: number;
}

/** Top `count` eigenvalues of `apply` from `start` (normalized here); see the module header. */
export async function topEigenvalues(apply: VectorOperator, start: ArrayLike<number>, options: TopEigenvalueOptions): Promise<TopEigenvalues> {
  const { count } = options;
  const p = start.length;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`topEigenvalues: count must be a positive integer, got ${count}`);
  const maxIterations = Math.min(p, options.maxIterations ?? Math.max(LANCZOS_DEFAULTS.maxIterations, 4 * count));
  const tolerance = options.tolerance ?? LANCZOS_DEFAULTS.tolerance;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new RangeError(`topEigenvalues: maxIterations must be a positive integer, got ${options.maxIterations}`);
  if (!(tolerance >= 0)) throw new RangeError(`topEigenvalues: tolerance must be >= 0, got ${tolerance}`);
  const startNorm = Math.sqrt(dot(start, start));
  if (!(startNorm > 0) || !Number.isFinite(startNorm)) throw new RangeError('topEigenvalues: the start vector is zero or not finite');
  const basis: Float64Array[] = [Float64Array.from(start, (x) => x / startNorm)];
  const alphas: number[] = [];
  const betas: number[] = [];
  let result: TopEigenvalues | undefined;
  for (let k = 0; k < maxIterations && result === undefined; k++) {
    const v = basis[k]!;
    const w = Float64Array.from(await apply(v));
    const alpha = dot(v, w);
    if (!Number.isFinite(alpha)) throw new RangeError(`topEigenvalues: the operator returned a non-finite value at iteration ${k + 1}`);
    // Full reorthogonalization, twice: removes alpha v_k and beta_k v_{k-1} and every rounding drift towards older vectors.
    for (let pass = 0; pass < 2; pass++) {
      for (const u of basis) {
        const projection = dot(u, w);
        for (let e = 0; e < p; e++) w[e] = w[e]! - projection * u[e]!;
      }
    }
    const beta = Math.sqrt(dot(w, w));
    alphas.push(alpha);
    betas.push(beta);
    const invariant = !(beta > 1e-14 * Math.max(Math.abs(alpha), ...betas.slice(0, -1).map(Math.abs), Number.MIN_VALUE));
    const pairs = ritzPairs(alphas, invariant ? [...betas.slice(0, -1), 0] : betas, count);
    const scale = Math.max(...Array.from(pairs.values, Math.abs));
    const settled = pairs.values.length === count && pairs.residuals.every((r) => r <= tolerance * scale);
    if (invariant || settled) result = { ...pairs, converged: true, iterations: k + 1 };
    else if (k + 1 < maxIterations) basis.push(w.map((x) => x / beta));
    options.onIteration?.(k + 1);
  }
  return result ?? { ...ritzPairs(alphas, betas, count), converged: false, iterations: alphas.length };
}

/** The top `count` eigenvalues of T_k and their residuals beta_k |s_t[k-1]|. */
function ritzPairs(alphas: readonly number[], betas: readonly number[], count: number): { values: Float64Array; residuals: Float64Array } {
  const k = alphas.length;
  const eigen = tridiagonalEigen(alphas, betas.slice(0, k - 1), [k - 1]);
  const kept = Math.min(count, k);
  const betaK = Math.abs(betas[k - 1]!);
  return {
    values: eigen.values.slice(0, kept),
    residuals: Float64Array.from({ length: kept }, (_, t) => betaK * Math.abs(eigen.vectors[t]!)),
  };
}

function dot(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let sum = 0;
  for (let e = 0; e < u.length; e++) sum += u[e]! * v[e]!;
  return sum;
}
