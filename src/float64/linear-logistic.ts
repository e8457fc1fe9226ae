/**
 * float64 twin of shaders/linear-logistic.wgsl.ts: linear logistic regression f(x) = <w, x> without
 * bias (docs/science.md section 6), trained by GD, heavy-ball momentum or normalized GD, written
 * independently of the WGSL.
 *
 * The samples enter as signed rows s_i = y_i x_i, so z_i = y_i <w, x_i> = <w, s_i> and
 *   L(w) = (1/n) sum_i log(1 + exp(-z_i)),
 *   grad L = -(1/n) sum_i sigmoid(-z_i) s_i,
 *   grad log L = grad L / L = -sum_i exp(log sigmoid(-z_i) - LSE_k log l_k) s_i   (the 1/n cancels),
 * with log l_k = log(softplus(-z_k)) and log sigmoid(-z) = -softplus(z). Every step works in that log
 * domain: L underflows once the margin grows, grad L / L never does.
 *   direction  u = grad log L (normalized GD) or u = exp(log L) grad log L = grad L (GD)
 *   update     v <- beta v + u;  w <- w - lr v      (beta = 0: plain GD / NGD)
 */
import type { LinearRunSettings } from '../core/linear-run';
import { descentStep, heavyBall } from './update-rules';

/** softplus(t) = log(1 + exp(t)), without overflow for large t or cancellation for very negative t. */
export function softplus(t: number): number {
  return Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
}

/**
 * log(softplus(t)): for t well below 0, softplus(t) = e - e^2/2 + ... with e = exp(t), so
 * log softplus(t) = t + log1p(-e/2 + e^2/3 - ...) ~ t - e/2; direct evaluation is exact enough above -30.
 */
export function logSoftplus(t: number): number {
  if (t > -30) return Math.log(softplus(t));
  const e = Math.exp(t);
  return t + Math.log1p(-e / 2 + (e * e) / 3);
}

/** z_i = <w, s_i> for signed samples S [n x d]. */
export function signedMargins(w: ArrayLike<number>, signedSamples: ArrayLike<number>, dim: number): Float64Array {
  const n = signedSamples.length / dim;
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let k = 0; k < dim; k++) dot += w[k]! * signedSamples[i * dim + k]!;
    z[i] = dot;
  }
  return z;
}

/** log L(w) = LSE_i log l_i - log n, finite even where L underflows. */
export function logLoss(w: ArrayLike<number>, signedSamples: ArrayLike<number>, dim: number): number {
  const z = signedMargins(w, signedSamples, dim);
  return logSumExp(Array.from(z, (zi) => logSoftplus(-zi))) - Math.log(z.length);
}

/** L(w) = (1/n) sum_i log(1 + exp(-z_i)). */
export function loss(w: ArrayLike<number>, signedSamples: ArrayLike<number>, dim: number): number {
  const z = signedMargins(w, signedSamples, dim);
  return z.reduce((sum, zi) => sum + softplus(-zi), 0) / z.length;
}

function logSumExp(values: readonly number[]): number {
  const top = Math.max(...values);
  if (top === -Infinity) return -Infinity;
  return top + Math.log(values.reduce((sum, v) => sum + Math.exp(v - top), 0));
}

/** grad log L = grad L / L, by log-sum-exp (see the module header), and log L itself. */
export function logLossGradient(w: ArrayLike<number>, signedSamples: ArrayLike<number>, dim: number): { gradient: Float64Array; logLoss: number } {
  const z = signedMargins(w, signedSamples, dim);
  const lse = logSumExp(Array.from(z, (zi) => logSoftplus(-zi)));
  const gradient = new Float64Array(dim);
  z.forEach((zi, i) => {
    const weight = Math.exp(-softplus(zi) - lse);
    for (let k = 0; k < dim; k++) gradient[k]! -= weight * signedSamples[i * dim + k]!;
  });
  return { gradient, logLoss: lse - Math.log(z.length) };
}

/** grad L = -(1/n) sum_i sigmoid(-z_i) s_i, directly (for the finite-difference tests). */
export function lossGradient(w: ArrayLike<number>, signedSamples: ArrayLike<number>, dim: number): Float64Array {
  const z = signedMargins(w, signedSamples, dim);
  const gradient = new Float64Array(dim);
  z.forEach((zi, i) => {
    const sigmoid = Math.exp(-softplus(zi));
    for (let k = 0; k < dim; k++) gradient[k]! -= (sigmoid * signedSamples[i * dim + k]!) / z.length;
  });
  return gradient;
}

export interface LinearState {
  /** w [d]. */
  readonly weights: Float64Array;
  /** Heavy-ball velocity v [d]. */
  readonly velocity: Float64Array;
}

/** One step of a run, in place. */
export function linearStep(state: LinearState, signedSamples: ArrayLike<number>, settings: LinearRunSettings): void {
  const dim = state.weights.length;
  const { gradient, logLoss: logL } = logLossGradient(state.weights, signedSamples, dim);
  const scale = settings.rule === 'normalized-gd' ? 1 : Math.exp(logL);
  for (let k = 0; k < dim; k++) {
    state.velocity[k] = heavyBall(settings.momentum, state.velocity[k]!, scale * gradient[k]!);
    state.weights[k] = descentStep(state.weights[k]!, settings.learningRate, state.velocity[k]!);
  }
}

/** R runs from w0 [R x d] (velocity v0 [R x d], zero if absent) for `stepCount` steps; returns w and v. */
export function simulateLinear(
  signedSamples: ArrayLike<number>,
  dim: number,
  runs: readonly LinearRunSettings[],
  w0: ArrayLike<number>,
  stepCount: number,
  v0?: ArrayLike<number>,
): { weights: Float64Array; velocity: Float64Array } {
  const weights = Float64Array.from(w0);
  const velocity = v0 ? Float64Array.from(v0) : new Float64Array(weights.length);
  runs.forEach((settings, r) => {
    const state = { weights: weights.subarray(r * dim, (r + 1) * dim), velocity: velocity.subarray(r * dim, (r + 1) * dim) };
    for (let t = 0; t < stepCount; t++) linearStep(state, signedSamples, settings);
  });
  return { weights, velocity };
}
