/**
 * float64 twin of the `ntk` kernel family, written from the definition rather than the matmul
 * formulation: K_ik = grad_theta f(x_i) . grad_theta f(x_k) over the trainable parameters
 * (docs/science.md section 0), with the per-sample gradients spelled out block by block:
 *   d f_i / d a_j = c H_ij,   d f_i / d w_j = c a_j M_ij x_i,   d f_i / d b_j = c a_j M_ij,
 * c = alpha s_m, H = relu(X W^T + b), M = 1[H > 0]. Also the infinite-width limits of section 0.
 */
import { parameterCount, trainableMask } from './hessian';
import { forward, type TwoLayerOptions, type TwoLayerParams } from './two-layer';
import { combinedOutputScale } from '../core/conventions';

/** The Jacobian J [n x p] of the outputs, row i = grad_theta f(x_i) in the flat [a | W | b] order; frozen columns are zero. */
export function outputJacobian(params: TwoLayerParams, X: ArrayLike<number>, n: number, options: TwoLayerOptions): Float64Array {
  const { width: m, inputDim: d, a } = params;
  const hasBias = params.b !== undefined;
  const p = parameterCount(m, d, hasBias);
  const mask = trainableMask(m, d, hasBias, options.trainable);
  const c = combinedOutputScale({ ...options, width: m });
  const { activation: H } = forward(params, X, n, options);
  const jacobian = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const row = jacobian.subarray(i * p, (i + 1) * p);
    for (let j = 0; j < m; j++) {
      const h = H[i * m + j]!;
      row[j] = c * h;
      if (h <= 0) continue;
      for (let k = 0; k < d; k++) row[m + j * d + k] = c * a[j]! * X[i * d + k]!;
      if (hasBias) row[m + m * d + j] = c * a[j]!;
    }
    for (let e = 0; e < p; e++) if (!mask[e]) row[e] = 0;
  }
  return jacobian;
}

/** K = J J^T [n x n], the empirical NTK Gram in the trainable parameters. */
export function gramFromJacobian(jacobian: ArrayLike<number>, n: number): Float64Array {
  const p = jacobian.length / n;
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k <= i; k++) {
      let sum = 0;
      for (let e = 0; e < p; e++) sum += jacobian[i * p + e]! * jacobian[k * p + e]!;
      K[i * n + k] = sum;
      K[k * n + i] = sum;
    }
  }
  return K;
}

/** The empirical NTK Gram K_ik = grad f(x_i) . grad f(x_k) [n x n] from the per-sample gradients. */
export function ntkGram(params: TwoLayerParams, X: ArrayLike<number>, n: number, options: TwoLayerOptions): Float64Array {
  return gramFromJacobian(outputJacobian(params, X, n, options), n);
}

/** The two parts of the empirical NTK, each over its own layer whatever `trainable` says: K = K^(a) + K^(w) when both train. */
export interface NtkParts {
  /** K^(a)_ik = grad_a f(x_i) . grad_a f(x_k) = c^2 sum_j H_ij H_kj [n x n]. */
  readonly a: Float64Array;
  /** K^(w)_ik = grad_(W, b) f(x_i) . grad_(W, b) f(x_k) = c^2 (x_i . x_k + [bias]) sum_j a_j^2 M_ij M_kj [n x n]. */
  readonly w: Float64Array;
}

/**
 * K^(a) and K^(w) from their closed forms (docs/science.md section 0), in O(n^2 (m + d)) rather than the
 * Jacobian's O(n^2 m d): the second layer's gradients are c H_ij, the first layer's c a_j M_ij (x_i, 1).
 */
export function ntkGramParts(params: TwoLayerParams, X: ArrayLike<number>, n: number, options: TwoLayerOptions): NtkParts {
  const { width: m, inputDim: d, a } = params;
  const bias = params.b !== undefined ? 1 : 0;
  const c2 = combinedOutputScale({ ...options, width: m }) ** 2;
  const { activation: H } = forward(params, X, n, options);
  const partA = new Float64Array(n * n);
  const partW = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k <= i; k++) {
      let features = 0;
      let masked = 0;
      for (let j = 0; j < m; j++) {
        const hi = H[i * m + j]!;
        const hk = H[k * m + j]!;
        features += hi * hk;
        if (hi > 0 && hk > 0) masked += a[j]! * a[j]!;
      }
      let inner = bias;
      for (let q = 0; q < d; q++) inner += X[i * d + q]! * X[k * d + q]!;
      partA[i * n + k] = partA[k * n + i] = c2 * features;
      partW[i * n + k] = partW[k * n + i] = c2 * inner * masked;
    }
  }
  return { a: partA, w: partW };
}

/**
 * Infinite-width NTK of the ntk-scaled net with w ~ N(0, I), a ~ N(0, 1), no bias (docs/science.md
 * section 0), t the angle between x and x':
 *   K^(a) = |x||x'| (sin t + (pi - t) cos t) / (2 pi),   K^(w) = (x . x') (pi - t) / (2 pi).
 */
export function infiniteWidthNtk(x: ArrayLike<number>, xPrime: ArrayLike<number>): { a: number; w: number } {
  let inner = 0;
  let normX = 0;
  let normXPrime = 0;
  for (let k = 0; k < x.length; k++) {
    inner += x[k]! * xPrime[k]!;
    normX += x[k]! * x[k]!;
    normXPrime += xPrime[k]! * xPrime[k]!;
  }
  const norms = Math.sqrt(normX * normXPrime);
  if (norms === 0) return { a: 0, w: 0 };
  const angle = Math.acos(Math.min(1, Math.max(-1, inner / norms)));
  return {
    a: (norms * (Math.sin(angle) + (Math.PI - angle) * Math.cos(angle))) / (2 * Math.PI),
    w: (inner * (Math.PI - angle)) / (2 * Math.PI),
  };
}
