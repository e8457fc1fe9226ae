/**
 * Metrics of the neurons as particles, by name, for both backends: the backend supplies the
 * particle-metric computation (GPU kernels or float64), this module maps it to metric values.
 */
import type { ParticleMetrics } from '../../metrics/particles';
import { NEURON_METRICS } from '../../metrics/registry';
import { twoLayerNormalizedMargin } from '../../metrics/margin';
import type { Scaling } from '../../core/conventions';
import type { TrainingSet } from '../../core/network';
import type { MetricValues, Weights } from '../../core/simulation';

/**
 * activatedOnNegative counts neuron j as active on sample i when w_j . x_i + b_j > ACTIVE_COSINE |w_j| |x_i|, i.e. w_j lies
 * at least asin(0.01) = 0.57 degrees inside the half-space of x_i: small-lr GD slides along the ReLU kink w_j . x_i = 0
 * after a deactivation with |cos| ~ 1e-3 jitter (lr 0.05, measured), which a threshold of 0 would count as
 * reactivations at every other step; the genuine phase-IV reactivation reaches cos ~ 0.02 (Wang and Ma 2023 setting).
 */
export const ACTIVE_COSINE = 0.01;

const ACTIVATION_METRICS = ['activatedNeurons', 'maskChangeFraction'];

export function needsActivations(names: readonly string[]): boolean {
  return names.some((name) => ACTIVATION_METRICS.includes(name));
}

export interface NeuronMetricInputs {
  readonly weights: Weights;
  readonly train: TrainingSet;
  readonly width: number;
  readonly inputDim: number;
  readonly scaling: Scaling;
  readonly alpha: number;
  /** The backend's particle metrics (with activation statistics when asked). */
  readonly particles: (withActivations: boolean) => Promise<ParticleMetrics>;
}

export async function neuronMetricValues(names: readonly string[], inputs: NeuronMetricInputs): Promise<MetricValues> {
  const values: MetricValues = {};
  if (names.some((name) => name !== 'margin' && name !== 'activatedOnNegative' && (NEURON_METRICS as readonly string[]).includes(name))) {
    const p = await inputs.particles(needsActivations(names));
    const all: MetricValues = {
      distanceFromInitMax: p.maxDisplacement,
      distanceFromInitRms: p.rmsDisplacement,
      pathNorm: p.pathNorm,
      livingNeurons: p.livingCount,
      directionClusters: p.clusterCount,
      activatedNeurons: p.activatedCount ?? NaN,
      maskChangeFraction: p.maskChangeFraction ?? NaN,
    };
    for (const name of names) if (name in all) values[name] = all[name]!;
  }
  if (names.includes('margin')) values.margin = marginOf(inputs);
  if (names.includes('activatedOnNegative')) values.activatedOnNegative = activatedOnNegative(inputs.weights, inputs.train, inputs.width, inputs.inputDim);
  return values;
}

/**
 * Wang and Ma 2023's deactivation / reactivation count (docs/science.md section 5, phases III and IV): the positive neurons
 * (a_j > 0) active on at least one negative sample (y_i < 0), active in the ACTIVE_COSINE sense above. Computed on the
 * CPU from the weights each backend reads back (float32 on the GPU, float64 in the reference), O(n m d) per logged
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

/** min_i y_i f(x_i) / |theta|^2 for +-1 labels and a bias-free network (docs/science.md section 6); NaN otherwise. */
function marginOf({ weights, train, width, inputDim, scaling, alpha }: NeuronMetricInputs): number {
  if (weights.b || !train.y.every((v) => v === 1 || v === -1)) return NaN;
  const params = { width, inputDim, a: Float64Array.from(weights.a), W: Float64Array.from(weights.W) };
  return twoLayerNormalizedMargin(params, train.X, train.y, { scaling, alpha });
}
