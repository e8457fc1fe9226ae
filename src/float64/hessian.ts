/**
 * float64 twin of the `hessian` kernel family: exact Hessian-vector products of the empirical risk
 * of the two-layer ReLU network, the dense Hessian built from them, its exact spectrum, and the
 * estimators the GPU runs on them: the sharpness by Lanczos (src/core/lanczos.ts, same start
 * vector and stopping rule) and Hutchinson's trace (same probes).
 *
 * Derivation. f_i = f(x_i) = c sum_j a_j relu(z_ij), z_ij = w_j . x_i + b_j, c = alpha s_m, and
 * L = (1/n) sum_i l(f_i, y_i). Write r_i = l'(f_i, y_i) / n and q_i = l''(f_i, y_i) / n. Then
 *   grad L = sum_i r_i grad f_i,   Hess L = sum_i q_i grad f_i grad f_i^T + sum_i r_i Hess f_i.
 * grad f_i has blocks  d/da_j = c H_ij,  d/dw_j = c a_j M_ij x_i,  d/db_j = c a_j M_ij,
 * with H_ij = relu(z_ij) and M_ij = 1[z_ij > 0]. ReLU has relu'' = 0 almost everywhere, so the only
 * nonzero second derivatives of f_i couple a_j with (w_j, b_j) of the same neuron:
 *   d2 f_i / da_j dw_j = c M_ij x_i,   d2 f_i / da_j db_j = c M_ij   (every other block is zero).
 * For a direction v = (va, vW, vb), let s_ij = vW_j . x_i + vb_j and the forward-mode JVP
 *   u_i = grad f_i . v = c sum_j [va_j H_ij + a_j M_ij s_ij],   t_i = q_i u_i.
 * The Gauss-Newton term is sum_i t_i grad f_i, the curvature-of-f term is sum_i r_i (Hess f_i) v:
 *   (Hv)_{a_j} = c sum_i [t_i H_ij + r_i M_ij s_ij]
 *   (Hv)_{w_j} = sum_i k_ij x_i,   (Hv)_{b_j} = sum_i k_ij,   k_ij = c M_ij [t_i a_j + r_i va_j].
 * Trainable parts restrict the Hessian to the updated coordinates P: v is projected (frozen blocks
 * zeroed) and so is Hv, i.e. the operator is P Hess L P on the trainable subspace.
 *
 * A structural fact: Hess f_i has only off-diagonal (a, w/b) blocks, so sum_i r_i Hess f_i =
 * [[0, B], [B^T, 0]] has a spectrum symmetric about 0 (+-sigma_k), and the Gauss-Newton term is PSD.
 * By Weyl, lambda_max(Hess L) >= sigma_1 >= |lambda_min(Hess L)|: the eigenvalue of largest magnitude
 * is lambda_max, the sharpness. When |lambda_min| comes close to it (large residuals), power iteration
 * stalls (its rate is |lambda_min| / lambda_max); Lanczos converges from both ends at once.
 */
import { combinedOutputScale, particleTimeFactor, type LossKind, type TrainableParts } from '../core/conventions';
import { lossDerivative, sigmoid } from './losses';
import { threefry2x32, normalArray } from '../core/random';
import { lanczos, type LanczosOptions, type LanczosResult, type LinearOperator } from '../core/lanczos';
import { symmetricEigenvalues } from '../core/spectrum';
import { forward, type TwoLayerOptions, type TwoLayerParams } from './two-layer';
import type { NetworkParameters } from '../core/network';

/**
 * Stream ids of the Hessian estimators in the counter-based generator (key = (seed, stream)), apart
 * from RANDOM_STREAMS of src/core/conventions.ts so that they never reuse training randomness.
 */
export const HESSIAN_RANDOM_STREAMS = {
  /** Start vector of the sharpness's Lanczos run: N(0, 1) entries, counter (flat index, 0). */
  sharpnessStart: 16,
  /** Rademacher probes of Hutchinson's estimator: counter (flat index, probe). */
  hutchinson: 17,
  /** Mini-batches of the batch sharpness: batch k of the evaluation at step t is draw t K + k (src/float64/batch-sharpness.ts). */
  batchSharpness: 18,
} as const;

/** A vector in parameter space with the parameters' layout: a [m], W [m x d], b [m] exactly when the net has a bias. */
export type ParamVector = NetworkParameters<Float64Array>;

/** p = m + m d (+ m with a bias): the length of the flat layout [a | W | b]. */
export function parameterCount(width: number, inputDim: number, hasBias: boolean): number {
  return width * (inputDim + 1) + (hasBias ? width : 0);
}

/** The flat vector [a | W | b]. */
export function flattenParamVector(v: ParamVector): Float64Array {
  const flat = new Float64Array(v.a.length + v.W.length + (v.b?.length ?? 0));
  flat.set(v.a, 0);
  flat.set(v.W, v.a.length);
  if (v.b) flat.set(v.b, v.a.length + v.W.length);
  return flat;
}

/** Splits a flat [a | W | b] vector back into blocks (copies). */
export function unflattenParamVector(flat: ArrayLike<number>, width: number, inputDim: number, hasBias: boolean): ParamVector {
  const values = Float64Array.from(flat);
  if (values.length !== parameterCount(width, inputDim, hasBias)) {
    throw new RangeError(`hessian: flat vector has ${values.length} entries, expected ${parameterCount(width, inputDim, hasBias)}`);
  }
  const a = values.slice(0, width);
  const W = values.slice(width, width * (inputDim + 1));
  return hasBias ? { a, W, b: values.slice(width * (inputDim + 1)) } : { a, W };
}

/** Per flat index: 1 where the coordinate is updated by `trainable`, 0 where it is frozen. */
export function trainableMask(width: number, inputDim: number, hasBias: boolean, trainable: TrainableParts = 'both'): Uint8Array {
  const mask = new Uint8Array(parameterCount(width, inputDim, hasBias));
  if (trainable !== 'first') mask.fill(1, 0, width);
  if (trainable !== 'second') mask.fill(1, width);
  return mask;
}

/** d2l/df2: square 1, logistic y^2 sigmoid(-y f) sigmoid(y f), exponential y^2 exp(-y f). */
export function lossCurvature(kind: LossKind, f: number, y: number): number {
  switch (kind) {
    case 'square':
      return 1;
    case 'logistic':
      return y * y * sigmoid(-y * f) * sigmoid(y * f);
    case 'exponential':
      return y * y * Math.exp(-y * f);
  }
}

/** Hess L . v restricted to the trainable parts (see the derivation above). */
export function hvp(
  params: TwoLayerParams,
  X: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  options: TwoLayerOptions,
  v: ParamVector,
): ParamVector {
  const { width: m, inputDim: d, a } = params;
  const trainable = options.trainable ?? 'both';
  const moveSecond = trainable !== 'first';
  const moveFirst = trainable !== 'second';
  const c = combinedOutputScale({ ...options, width: m });
  const { activation: H, output } = forward(params, X, n, options);
  const r = new Float64Array(n);
  const t = new Float64Array(n);
  // s_ij = vW_j . x_i + vb_j (zero when the first layer is frozen).
  const s = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    r[i] = lossDerivative(options.loss, output[i]!, y[i]!) / n;
    let u = 0;
    for (let j = 0; j < m; j++) {
      let sij = 0;
      if (moveFirst) {
        sij = v.b ? v.b[j]! : 0;
        for (let k = 0; k < d; k++) sij += v.W[j * d + k]! * X[i * d + k]!;
      }
      s[i * m + j] = sij;
      const h = H[i * m + j]!;
      if (moveSecond) u += v.a[j]! * h;
      if (h > 0) u += a[j]! * sij;
    }
    t[i] = (lossCurvature(options.loss, output[i]!, y[i]!) / n) * c * u;
  }
  const hvA = new Float64Array(m);
  const hvW = new Float64Array(m * d);
  const hvB = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const va = moveSecond ? v.a[j]! : 0;
    let sumA = 0;
    for (let i = 0; i < n; i++) {
      const h = H[i * m + j]!;
      sumA += t[i]! * h;
      if (h <= 0) continue;
      sumA += r[i]! * s[i * m + j]!;
      const k = c * (t[i]! * a[j]! + r[i]! * va);
      for (let q = 0; q < d; q++) hvW[j * d + q] += k * X[i * d + q]!;
      hvB[j] += k;
    }
    hvA[j] = c * sumA;
  }
  if (!moveSecond) hvA.fill(0);
  if (!moveFirst) {
    hvW.fill(0);
    hvB.fill(0);
  }
  return params.b ? { a: hvA, W: hvW, b: hvB } : { a: hvA, W: hvW };
}

/** The dense p x p Hessian (row-major, flat [a | W | b] order), column k = Hess L e_k; frozen rows and columns are zero. */
export function denseHessian(params: TwoLayerParams, X: ArrayLike<number>, y: ArrayLike<number>, n: number, options: TwoLayerOptions): Float64Array {
  const { width: m, inputDim: d } = params;
  const hasBias = params.b !== undefined;
  const p = parameterCount(m, d, hasBias);
  const hessian = new Float64Array(p * p);
  const unit = new Float64Array(p);
  for (let k = 0; k < p; k++) {
    unit[k] = 1;
    const column = flattenParamVector(hvp(params, X, y, n, options, unflattenParamVector(unit, m, d, hasBias)));
    unit[k] = 0;
    for (let i = 0; i < p; i++) hessian[i * p + k] = column[i]!;
  }
  return hessian;
}

export interface HessianSpectrum {
  /** Eigenvalues of the Hessian restricted to the trainable coordinates, descending (parameter units). */
  readonly eigenvalues: Float64Array;
  /** lambda_max = eigenvalues[0]: the sharpness in the parameters' own units. */
  readonly sharpness: number;
  /** Trace of the restricted Hessian (parameter units). */
  readonly trace: number;
  /** The update-unit factor (m for mean-field, else 1): factor * sharpness is the sharpness in particle time. */
  readonly factor: number;
}

/** Exact spectrum of the restricted Hessian: dense, then the symmetric eigen-solve of the trainable sub-block. */
export function exactHessianSpectrum(params: TwoLayerParams, X: ArrayLike<number>, y: ArrayLike<number>, n: number, options: TwoLayerOptions): HessianSpectrum {
  const { width: m, inputDim: d } = params;
  const hasBias = params.b !== undefined;
  const { eigenvalues, trace } = restrictedSpectrum(denseHessian(params, X, y, n, options), trainableMask(m, d, hasBias, options.trainable));
  return { eigenvalues, sharpness: eigenvalues[0]!, trace, factor: particleTimeFactor(options.scaling, m) };
}

/**
 * Eigenvalues (descending) and trace of the dense p x p matrix `hessian` restricted to the coordinates where
 * `mask` is 1 (the trainable sub-block; p = mask.length).
 */
export function restrictedSpectrum(hessian: ArrayLike<number>, mask: ArrayLike<number>): { eigenvalues: Float64Array; trace: number } {
  const p = mask.length;
  const kept: number[] = [];
  for (let k = 0; k < p; k++) if (mask[k]) kept.push(k);
  const block = new Float64Array(kept.length * kept.length);
  let trace = 0;
  kept.forEach((row, i) => {
    kept.forEach((col, k) => (block[i * kept.length + k] = hessian[row * p + col]!));
    trace += hessian[row * p + row]!;
  });
  return { eigenvalues: symmetricEigenvalues(block, kept.length), trace };
}

// ---- Estimators (twins of the GPU loops) ------------------------------------------------------

/** The start vector of the sharpness's Lanczos run: N(0, 1) from the counter-based stream, zero on frozen coordinates (not normalised). */
export function sharpnessStartVector(seed: number, mask: ArrayLike<number>, stream: number = HESSIAN_RANDOM_STREAMS.sharpnessStart): Float64Array {
  const start = normalArray(seed, stream, 0, mask.length);
  for (let e = 0; e < mask.length; e++) if (!mask[e]) start[e] = 0;
  return start;
}

/** Rademacher probe `probe`: z_e = 1 - 2 (top bit of word 0 of threefry(seed, stream, e, probe)), zero on frozen coordinates. */
export function rademacherProbe(seed: number, stream: number, probe: number, mask: ArrayLike<number>): Float64Array {
  const z = new Float64Array(mask.length);
  for (let e = 0; e < mask.length; e++) {
    z[e] = mask[e] ? 1 - 2 * (threefry2x32(seed, stream, e, probe)[0] >>> 31) : 0;
  }
  return z;
}

export type { LinearOperator };

export interface HutchinsonOptions {
  /** Number of Rademacher probes K. */
  readonly probeCount: number;
  readonly seed: number;
  /** Default HESSIAN_RANDOM_STREAMS.hutchinson. */
  readonly stream?: number;
}

export interface HutchinsonResult {
  /** (1/K) sum_k z_k . H z_k (operator units). */
  readonly estimate: number;
  /** Sample standard deviation of the K terms / sqrt(K) (0 for K = 1). */
  readonly standardError: number;
  /** z_k . H z_k for every probe. */
  readonly samples: Float64Array;
}

/** Summary statistics of Hutchinson samples (shared by the GPU path). */
export function hutchinsonSummary(samples: ArrayLike<number>): HutchinsonResult {
  const K = samples.length;
  let mean = 0;
  for (let k = 0; k < K; k++) mean += samples[k]!;
  mean /= K;
  let squares = 0;
  for (let k = 0; k < K; k++) squares += (samples[k]! - mean) ** 2;
  const standardError = K > 1 ? Math.sqrt(squares / (K - 1) / K) : 0;
  return { estimate: mean, standardError, samples: Float64Array.from(samples) };
}

/** Hutchinson's trace estimate with the Rademacher probes of `rademacherProbe` (probe k = counter step k). */
export function hutchinsonTrace(apply: LinearOperator, mask: ArrayLike<number>, options: HutchinsonOptions): HutchinsonResult {
  const stream = options.stream ?? HESSIAN_RANDOM_STREAMS.hutchinson;
  const samples = new Float64Array(options.probeCount);
  for (let k = 0; k < options.probeCount; k++) {
    const z = rademacherProbe(options.seed, stream, k, mask);
    samples[k] = dot(z, apply(z));
  }
  return hutchinsonSummary(samples);
}

/** The flat-vector operator v -> Hess L v of a network and data set. */
export function hessianOperator(params: TwoLayerParams, X: ArrayLike<number>, y: ArrayLike<number>, n: number, options: TwoLayerOptions): LinearOperator {
  const { width: m, inputDim: d } = params;
  const hasBias = params.b !== undefined;
  return (v) => flattenParamVector(hvp(params, X, y, n, options, unflattenParamVector(v, m, d, hasBias)));
}

export interface SharpnessOptions extends LanczosOptions {
  /** Seed of the start vector (sharpnessStartVector). */
  readonly seed: number;
}

/** Lanczos on Hess L, in the parameters' own units, plus the factor that turns it into the update rule's. */
export interface SharpnessEstimate extends LanczosResult {
  /** lambda_max of Hess L over the trainable parameters (= estimate; parameter units, no factor m). */
  readonly sharpness: number;
  /** updateUnitFactor: m for mean-field, else 1. factor * sharpness is lambda_max in particle time (GD stable while lr * it < 2). */
  readonly factor: number;
}

/**
 * Sharpness lambda_max of the restricted Hessian by Lanczos from sharpnessStartVector(seed) (lambda_max >=
 * |lambda_min| here, see above, but Lanczos does not need it: it finds the largest algebraic eigenvalue).
 */
export function estimateSharpness(
  params: TwoLayerParams,
  X: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  options: TwoLayerOptions,
  sharpnessOptions: SharpnessOptions,
): SharpnessEstimate {
  const { width: m, inputDim: d } = params;
  const mask = trainableMask(m, d, params.b !== undefined, options.trainable);
  const result = lanczos(hessianOperator(params, X, y, n, options), sharpnessStartVector(sharpnessOptions.seed, mask), sharpnessOptions);
  return { ...result, sharpness: result.estimate, factor: particleTimeFactor(options.scaling, m) };
}

function dot(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let sum = 0;
  for (let e = 0; e < u.length; e++) sum += u[e]! * v[e]!;
  return sum;
}
