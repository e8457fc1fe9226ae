/**
 * The analytic NTK of the config's random initialization: the expectation of K^(a) and K^(w) over
 * a_j ~ N(0, aStd^2) (or a_j = aValue) and w_j ~ N(0, s^2 I_d), b_j ~ N(0, s^2), s = wScale / sqrt(d)
 * (src/core/initialization.ts), at the config's width and scaling. With x~ = (x, 1) when the net has a bias
 * (b is one more weight on a constant input), c = alpha s_m and t the angle between x~ and x~':
 *   E K^(a) = c^2 m s^2 |x~||x~'| (sin t + (pi - t) cos t) / (2 pi),
 *   E K^(w) = c^2 m E[a^2] (x~ . x~') (pi - t) / (2 pi)
 * (the arc-cosine kernels of docs/science.md section 0, infiniteWidthNtk, scaled). The empirical kernel at
 * initialization is an average of m independent terms, so it lies within O(m^-1/2) of this. The factor
 * c^2 m is alpha^2 for ntk scaling (the m -> infinity limit), alpha^2 / m for mean-field (K -> 0; m K, the
 * kernel in particle time, tends to alpha^2 times the bracket) and alpha^2 m for standard (K grows with m).
 */
import { combinedOutputScale } from '../../../core/conventions';
import type { InitializationSpec } from '../../../core/initialization';
import { infiniteWidthNtk } from '../../../float64/ntk';
import type { AnalyzedNetwork } from './network-state';

export type RandomInitialization = Pick<InitializationSpec, 'aStd' | 'wScale' | 'aValue' | 'directions'>;

export interface ExpectedNtk {
  /** E K^(a) [n x n]. */
  readonly partA: Float64Array;
  /** E K^(w) [n x n] (w and, with a bias, b). */
  readonly partW: Float64Array;
  /** c^2 m = alpha^2 s_m^2 m: ntk alpha^2, mean-field alpha^2 / m, standard alpha^2 m. */
  readonly widthFactor: number;
  /** s^2 = wScale^2 / d, the variance of each first-layer weight. */
  readonly weightVariance: number;
  /** E[a^2]: aStd^2, or aValue^2. */
  readonly secondLayerMoment: number;
}

/** The expected parts, or why there is no closed form (a von Mises initialization of the directions). */
export function expectedNtk(net: AnalyzedNetwork, init: RandomInitialization): ExpectedNtk | { readonly unavailable: string } {
  if (init.directions) return { unavailable: 'model.init.directions draws w_j at von Mises angles; the closed forms are for Gaussian w_j' };
  const { width: m, inputDim: d } = net.params;
  const n = net.sampleCount;
  const hasBias = net.params.b !== undefined;
  const widthFactor = combinedOutputScale({ ...net.options, width: m }) ** 2 * m;
  const weightVariance = (init.wScale ?? 1) ** 2 / d;
  const secondLayerMoment = init.aValue !== undefined ? init.aValue ** 2 : (init.aStd ?? 1) ** 2;
  const extended = (i: number) => {
    const row = Array.from(net.X.subarray(i * d, (i + 1) * d));
    return hasBias ? [...row, 1] : row;
  };
  const partA = new Float64Array(n * n);
  const partW = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const x = extended(i);
    for (let k = 0; k <= i; k++) {
      const limit = infiniteWidthNtk(x, extended(k));
      partA[i * n + k] = partA[k * n + i] = widthFactor * weightVariance * limit.a;
      partW[i * n + k] = partW[k * n + i] = widthFactor * secondLayerMoment * limit.w;
    }
  }
  return { partA, partW, widthFactor, weightVariance, secondLayerMoment };
}
