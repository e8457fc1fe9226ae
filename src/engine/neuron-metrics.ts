/**
 * Metrics of the neurons as particles, by name, for both backends: the backend supplies the
 * particle-metric computation (GPU kernels or float64), this module maps it to metric values.
 */
import type { ParticleMetrics } from '../metrics/particles';
import { twoLayerNormalizedMargin } from '../metrics/margin';
import type { Scaling } from '../model/conventions';
import type { TrainingSet } from '../model/two-layer-trainer';
import type { MetricValues, Weights } from './simulation';

/** Names served here; `activatedNeurons` and `maskChangeFraction` need H now and at initialisation. */
export const NEURON_METRICS = [
  'distanceFromInitMax',
  'distanceFromInitRms',
  'pathNorm',
  'livingNeurons',
  'directionClusters',
  'activatedNeurons',
  'maskChangeFraction',
  'margin',
] as const;

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
  if (names.some((name) => name !== 'margin' && (NEURON_METRICS as readonly string[]).includes(name))) {
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
  return values;
}

/** min_i y_i f(x_i) / |theta|^2 for +-1 labels and a bias-free network (SCIENCE.md section 6); NaN otherwise. */
function marginOf({ weights, train, width, inputDim, scaling, alpha }: NeuronMetricInputs): number {
  if (weights.b || !train.y.every((v) => v === 1 || v === -1)) return NaN;
  const params = { width, inputDim, a: Float64Array.from(weights.a), W: Float64Array.from(weights.W) };
  return twoLayerNormalizedMargin(params, train.X, train.y, { scaling, alpha });
}
