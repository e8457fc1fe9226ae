/**
 * Margins for classification with labels y_i in {-1, +1} (docs/science.md section 6), in float64 on the CPU.
 *
 *   linear margin        gamma(w) = min_i y_i <w / |w|, x_i>
 *   max margin           gamma* = max_{|u| = 1} min_i y_i <u, x_i>, the hard-SVM direction without
 *                        intercept: u* = w* / |w*|, w* = argmin |w|^2 / 2 s.t. y_i <w, x_i> >= 1,
 *                        gamma* = 1 / |w*|
 *   two-layer margin     min_i y_i f(x_i) / N(theta) for the bias-free ReLU network, which is
 *                        2-homogeneous: f(c theta) = c^2 f(theta). N(theta) = |theta|^2 = |a|^2 + |W|_F^2
 *                        (default) or the path norm sum_j |a_j| |w_j| (also 2-homogeneous), so the
 *                        ratio is scale-free and stays bounded as |theta| -> infinity.
 *
 * gamma* comes from the dual max_{alpha >= 0} sum_i alpha_i - |sum_i alpha_i y_i x_i|^2 / 2 by exact
 * coordinate ascent (Hsieh et al. 2008 with C = infinity; no intercept, so no equality constraint):
 *   alpha_i <- max(0, alpha_i + (1 - y_i <w, x_i>) / |x_i|^2),   w = sum_i alpha_i y_i x_i,
 * stopped by a certificate: gamma(w) <= gamma* <= 1 / sqrt(2 D(alpha)) (weak duality), so when the
 * two bounds are within `tolerance`, both are within it of gamma*.
 */
import { forward, type TwoLayerOptions, type TwoLayerParams } from '../float64/two-layer';

function checkLabels(y: ArrayLike<number>): void {
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1 && y[i] !== -1) throw new RangeError(`margin: y[${i}] is ${y[i]}; labels must be -1 or +1`);
  }
}

function sampleCount(X: ArrayLike<number>, y: ArrayLike<number>, dim: number): number {
  const n = y.length;
  if (n < 1 || !Number.isInteger(dim) || dim < 1 || X.length !== n * dim) {
    throw new RangeError(`margin: X has ${X.length} values, expected n x d = ${n} x ${dim} (n = y.length >= 1)`);
  }
  checkLabels(y);
  return n;
}

/** gamma(w) = min_i y_i <w / |w|, x_i> for X [n x d]. */
export function linearMargin(w: ArrayLike<number>, X: ArrayLike<number>, y: ArrayLike<number>): number {
  const d = w.length;
  const n = sampleCount(X, y, d);
  let normSquared = 0;
  for (let k = 0; k < d; k++) normSquared += w[k]! ** 2;
  if (normSquared === 0) throw new RangeError('linearMargin: w = 0 has no direction');
  const norm = Math.sqrt(normSquared);
  let margin = Infinity;
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let k = 0; k < d; k++) dot += w[k]! * X[i * d + k]!;
    margin = Math.min(margin, (y[i]! * dot) / norm);
  }
  return margin;
}

export type MarginNormalization = 'parameter-norm' | 'path-norm';

/**
 * min_i y_i f(x_i) / N(theta) for the bias-free two-layer ReLU network (see the module header).
 * The output scale s_m (and alpha) of `options` multiply f as in training.
 */
export function twoLayerNormalizedMargin(
  params: TwoLayerParams,
  X: ArrayLike<number>,
  y: ArrayLike<number>,
  options: Pick<TwoLayerOptions, 'scaling' | 'alpha'>,
  normalization: MarginNormalization = 'parameter-norm',
): number {
  if (params.b) throw new RangeError('twoLayerNormalizedMargin: the network has a bias, so f is not homogeneous in theta; use a bias-free network');
  const n = sampleCount(X, y, params.inputDim);
  const { output } = forward(params, X, n, { ...options, loss: 'logistic' });
  const { width: m, inputDim: d, a, W } = params;
  let norm = 0;
  for (let j = 0; j < m; j++) {
    let rowSquared = 0;
    for (let k = 0; k < d; k++) rowSquared += W[j * d + k]! ** 2;
    norm += normalization === 'path-norm' ? Math.abs(a[j]!) * Math.sqrt(rowSquared) : a[j]! ** 2 + rowSquared;
  }
  if (norm === 0) throw new RangeError(`twoLayerNormalizedMargin: the ${normalization} of theta is 0`);
  let margin = Infinity;
  for (let i = 0; i < n; i++) margin = Math.min(margin, y[i]! * output[i]!);
  return margin / norm;
}

export interface MaxMarginOptions {
  /** Stop when upper - lower bound on gamma* <= tolerance. Default 1e-10. */
  readonly tolerance?: number;
  /**
   * Most coordinate-ascent sweeps over the n samples. Default 100000. Data that are not separable are
   * recognised when the sweeps run out with gamma(w) <= 0 (or earlier through minMargin).
   */
  readonly maxSweeps?: number;
  /** Declare the data not separable once the dual certifies gamma* < minMargin. Default 1e-9. */
  readonly minMargin?: number;
}

export interface MaxMargin {
  /** u* = w / |w|, the (approximate) max-margin direction. */
  readonly direction: Float64Array;
  /** gamma(u*) = min_i y_i <u*, x_i>: a lower bound on gamma*, within `gap` of it. */
  readonly margin: number;
  /** 1 / sqrt(2 D(alpha)): an upper bound on gamma*. */
  readonly upperBound: number;
  /** upperBound - margin. */
  readonly gap: number;
  /** Dual variables alpha [n] (support vectors: alpha_i > 0). */
  readonly dual: Float64Array;
  readonly sweeps: number;
  /** Whether gap <= tolerance was reached. */
  readonly converged: boolean;
}

/** The hard-margin SVM direction without intercept for linearly separable X [n x d], y in {-1, +1}. */
export function maxMarginDirection(X: ArrayLike<number>, y: ArrayLike<number>, dim: number, options: MaxMarginOptions = {}): MaxMargin {
  const n = sampleCount(X, y, dim);
  const tolerance = options.tolerance ?? 1e-10;
  const maxSweeps = options.maxSweeps ?? 100_000;
  const minMargin = options.minMargin ?? 1e-9;
  // z_i = y_i x_i: the constraints read <w, z_i> >= 1.
  const z = Float64Array.from({ length: n * dim }, (_, e) => y[Math.floor(e / dim)]! * X[e]!);
  const zNormSquared = Float64Array.from({ length: n }, (_, i) => z.subarray(i * dim, (i + 1) * dim).reduce((s, v) => s + v * v, 0));
  const zero = zNormSquared.findIndex((v) => v === 0);
  if (zero >= 0) throw new RangeError(`maxMarginDirection: x_${zero} = 0 lies on every hyperplane through the origin; the data have no positive margin`);
  const alpha = new Float64Array(n);
  const w = new Float64Array(dim);
  const dot = (i: number) => {
    let sum = 0;
    for (let k = 0; k < dim; k++) sum += w[k]! * z[i * dim + k]!;
    return sum;
  };
  let bounds = { margin: -Infinity, upperBound: Infinity };
  let sweeps = 0;
  while (sweeps < maxSweeps) {
    for (let i = 0; i < n; i++) {
      // Exact maximisation of the concave dual along alpha_i, projected on alpha_i >= 0.
      const next = Math.max(0, alpha[i]! + (1 - dot(i)) / zNormSquared[i]!);
      const change = next - alpha[i]!;
      if (change === 0) continue;
      alpha[i] = next;
      for (let k = 0; k < dim; k++) w[k]! += change * z[i * dim + k]!;
    }
    sweeps++;
    const normSquared = w.reduce((s, v) => s + v * v, 0);
    const dualValue = alpha.reduce((s, v) => s + v, 0) - normSquared / 2;
    let lowest = Infinity;
    for (let i = 0; i < n; i++) lowest = Math.min(lowest, dot(i));
    bounds = { margin: normSquared > 0 ? lowest / Math.sqrt(normSquared) : -Infinity, upperBound: dualValue > 0 ? 1 / Math.sqrt(2 * dualValue) : Infinity };
    if (bounds.upperBound < minMargin) {
      throw new RangeError(`maxMarginDirection: the data are not linearly separable through the origin (gamma* < ${bounds.upperBound} < minMargin ${minMargin})`);
    }
    if (bounds.upperBound - bounds.margin <= tolerance) break;
  }
  const gap = bounds.upperBound - bounds.margin;
  if (gap > tolerance && !(bounds.margin > 0)) {
    // Separable data end with gamma(w) > 0; here the dual kept growing (0 lies in the hull of the y_i x_i).
    throw new RangeError(`maxMarginDirection: the data are not linearly separable through the origin (no positive margin after ${sweeps} sweeps)`);
  }
  const norm = Math.sqrt(w.reduce((s, v) => s + v * v, 0));
  return {
    direction: w.map((v) => v / norm),
    margin: bounds.margin,
    upperBound: bounds.upperBound,
    gap,
    dual: alpha,
    sweeps,
    converged: gap <= tolerance,
  };
}
