/**
 * The neuron metrics computed on the host from the weights each backend reads back (float32 on the GPU,
 * float64 on the CPU): the normalized margin and Wang and Ma's deactivation count. The particle
 * metrics proper come from the backend's particle kernels (src/metrics/particles.ts).
 */
import { twoLayerNormalizedMargin } from '../../metrics/margin';
import type { NetworkSpec, TrainingSet } from '../../core/network';
import type { Weights } from '../../core/simulation';

/**
 * activatedOnNegative counts neuron j as active on sample i when w_j . x_i + b_j > ACTIVE_COSINE |w_j| |x_i|, i.e. w_j lies
 * at least asin(0.01) = 0.57 degrees inside the half-space of x_i: small-lr GD slides along the ReLU kink w_j . x_i = 0
 * after a deactivation with |cos| ~ 1e-3 jitter (lr 0.05, measured), which a threshold of 0 would count as
 * reactivations at every other step; the genuine phase-IV reactivation reaches cos ~ 0.02 (Wang and Ma 2023 setting).
 */
export const ACTIVE_COSINE = 0.01;

/**
 * Wang and Ma 2023's deactivation / reactivation count (docs/science.md section 5, phases III and IV): the positive neurons
 * (a_j > 0) active on at least one negative sample (y_i < 0), active in the ACTIVE_COSINE sense above. Computed on the
 * CPU from the weights each backend reads back (float32 on the GPU, float64 on the CPU), O(n m d) per logged
 * row. NaN without +-1 labels.
 */
export function activatedOnNegative(weights: Weights, train: TrainingSet, width: number, inputDim: number): number {
  const { X, y } = train;
  if (!y.every((v) => v === 1 || v === -1)) return NaN;
  const d = inputDim;
  let count = 0;
  for (let j = 0; j < width; j++) {
    if (!(weights.a[j]! > 0)) continue;
    let weightSquared = 0;
    for (let k = 0; k < d; k++) weightSquared += weights.W[j * d + k]! ** 2;
    const weightNorm = Math.sqrt(weightSquared);
    for (let i = 0; i < y.length; i++) {
      if (y[i]! > 0) continue;
      let pre = weights.b ? weights.b[j]! : 0;
      let inputSquared = 0;
      for (let k = 0; k < d; k++) {
        pre += weights.W[j * d + k]! * X[i * d + k]!;
        inputSquared += X[i * d + k]! ** 2;
      }
      if (pre > ACTIVE_COSINE * weightNorm * Math.sqrt(inputSquared)) {
        count++;
        break;
      }
    }
  }
  return count;
}

/** The network's shape and output scaling, as the margin reads them. */
export type MarginSettings = Pick<NetworkSpec, 'width' | 'inputDim' | 'scaling' | 'alpha'>;

/** min_i y_i f(x_i) / |theta|^2 for +-1 labels and a bias-free network (docs/science.md section 6); NaN otherwise. */
export function normalizedMargin(weights: Weights, train: TrainingSet, { width, inputDim, scaling, alpha }: MarginSettings): number {
  if (weights.b || !train.y.every((v) => v === 1 || v === -1)) return NaN;
  const params = { width, inputDim, a: Float64Array.from(weights.a), W: Float64Array.from(weights.W) };
  return twoLayerNormalizedMargin(params, train.X, train.y, { scaling, alpha: alpha ?? 1 });
}
