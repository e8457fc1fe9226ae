/**
 * Initial parameters from the counter-based generator: a_j ~ N(0, aStd^2) (or the constant aValue),
 * w_j ~ N(0, wScale^2 I_d / d) (or, for d = 2, wScale times unit vectors at von Mises angles),
 * b_j ~ N(0, wScale^2 / d) when present.
 * The same (seed, sizes) give the same numbers on every backend.
 */
import { RANDOM_STREAMS } from './conventions';
import { normalArray, uniformArray } from './random';
import type { TwoLayerWeights } from './network';

/** Directions on the unit circle with density proportional to exp(kappa cos(theta - meanAngle)) (d = 2 only). */
export interface VonMisesDirections {
  readonly kind: 'von-mises';
  /** Concentration kappa >= 0 (0: uniform). */
  readonly kappa: number;
  /** Mean angle in radians. */
  readonly meanAngle: number;
}

export interface InitializationSpec {
  readonly seed: number;
  readonly width: number;
  readonly inputDim: number;
  readonly hasBias: boolean;
  /** Standard deviation of a (default 1; docs/science.md section 2's gamma). */
  readonly aStd?: number;
  /** Scale of the first layer: w and b are wScale times the default draw (default 1; below 1 a small initialization). */
  readonly wScale?: number;
  /** a_j = aValue for every neuron instead of random (E-Ma-Wu's a = 1). */
  readonly aValue?: number;
  /** w_j drawn on the unit circle instead of from N(0, I_d / d). */
  readonly directions?: VonMisesDirections;
}

export function initialWeights({ seed, width: m, inputDim: d, hasBias, aStd = 1, wScale = 1, aValue, directions }: InitializationSpec): TwoLayerWeights {
  const wStd = wScale / Math.sqrt(d);
  const a = aValue !== undefined ? new Float32Array(m).fill(aValue) : new Float32Array(normalArray(seed, RANDOM_STREAMS.initA, 0, m, 0, aStd));
  const W = directions ? vonMisesDirections(seed, m, d, directions).map((w) => wScale * w) : new Float32Array(normalArray(seed, RANDOM_STREAMS.initW, 0, m * d, 0, wStd));
  return hasBias ? { a, W, b: new Float32Array(normalArray(seed, RANDOM_STREAMS.initB, 0, m, 0, wStd)) } : { a, W };
}

/** Grid cells of the tabulated von Mises CDF: the inversion error (~ (2 pi / cells)^2 kappa) stays far below float32 angles' use here. */
const CDF_CELLS = 8192;

/**
 * m unit vectors (cos theta_j, sin theta_j), theta_j = meanAngle + F^{-1}(u_j) with u_j uniform from the
 * initDirections stream and F the von Mises CDF on [-pi, pi), tabulated by the trapezoid rule and
 * inverted by linear interpolation: one uniform per neuron, no rejection loop, so neuron j's angle
 * depends only on (seed, j).
 */
export function vonMisesDirections(seed: number, m: number, d: number, spec: VonMisesDirections): Float32Array {
  if (d !== 2) throw new RangeError(`init.directions von-mises draws on the unit circle and needs inputDim 2, got ${d}`);
  if (!(spec.kappa >= 0) || !Number.isFinite(spec.kappa) || !Number.isFinite(spec.meanAngle)) {
    throw new RangeError(`init.directions: kappa must be finite and >= 0 and meanAngle finite, got ${spec.kappa} and ${spec.meanAngle}`);
  }
  const step = (2 * Math.PI) / CDF_CELLS;
  // exp(kappa (cos t - 1)) keeps the values in (0, 1] for any kappa.
  const density = (k: number) => Math.exp(spec.kappa * (Math.cos(-Math.PI + k * step) - 1));
  const cdf = new Float64Array(CDF_CELLS + 1);
  for (let k = 1; k <= CDF_CELLS; k++) cdf[k] = cdf[k - 1]! + 0.5 * step * (density(k - 1) + density(k));
  const total = cdf[CDF_CELLS]!;
  const u = uniformArray(seed, RANDOM_STREAMS.initDirections, 0, m);
  const W = new Float32Array(m * 2);
  for (let j = 0; j < m; j++) {
    const level = u[j]! * total;
    let lo = 0;
    let hi = CDF_CELLS;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! <= level) lo = mid;
      else hi = mid;
    }
    const cell = cdf[hi]! - cdf[lo]!;
    const angle = spec.meanAngle - Math.PI + (lo + (cell > 0 ? (level - cdf[lo]!) / cell : 0)) * step;
    W[2 * j] = Math.cos(angle);
    W[2 * j + 1] = Math.sin(angle);
  }
  return W;
}
