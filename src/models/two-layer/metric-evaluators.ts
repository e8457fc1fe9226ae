/**
 * How each two-layer metric of the registry (src/metrics/registry.ts) is computed, one entry per name: the
 * table's type lists every name whose kinds include 'two-layer', so a declared metric without an evaluator
 * does not compile. An evaluator reads MetricInputs (metric-source.ts), which both backends supply, so one
 * entry serves the GPU and the float64 simulation alike.
 */
import type { MetricNameOf } from '../../metrics/registry';
import { relativeKernelChange } from '../../metrics/ntk';
import { noiseAlignment, nonUniformity } from '../../metrics/sgd-noise';
import { gradientNorm, predictedDecrease } from './gradient-metrics';
import { activatedOnNegative, normalizedMargin } from './neuron-metrics';
import type { MetricInputs } from './metric-source';

export type TwoLayerMetricName = MetricNameOf<'two-layer'>;

/**
 * The computation a metric reads, which also places it in a row: a backend lists its rows stage by stage
 * (evaluate-metrics.ts). train and test: one pass over that set; gradient: the full-batch gradient;
 * particles: the particle kernels; weights: host reductions of the weights read back; transport: W2 to a
 * target; curvature: Hessian and NTK operators.
 */
export const TWO_LAYER_STAGES = ['train', 'test', 'gradient', 'particles', 'weights', 'transport', 'curvature'] as const;
export type TwoLayerStage = (typeof TWO_LAYER_STAGES)[number];

export interface TwoLayerEvaluator {
  readonly stage: TwoLayerStage;
  /** What the simulation keeps from initialisation for it: the activations H(0), or the Gram K(0). */
  readonly initial?: 'activations' | 'gram';
  /** The row's key when it is not the metric's name. */
  readonly rowKey?: string;
  value(inputs: MetricInputs): Promise<number>;
}

/** mu and s are defined for the square loss, whose per-sample gradient is e_i grad f_i. */
const isSquare = (inputs: MetricInputs) => inputs.settings.loss === 'square';

export const TWO_LAYER_EVALUATORS: { readonly [Name in TwoLayerMetricName]: TwoLayerEvaluator } = {
  loss: { stage: 'train', value: async (inputs) => (await inputs.trainFit()).loss },
  accuracy: { stage: 'train', value: async (inputs) => (await inputs.trainFit()).accuracy },
  testLoss: { stage: 'test', value: async (inputs) => (await inputs.testFit()).loss },
  testAccuracy: { stage: 'test', value: async (inputs) => (await inputs.testFit()).accuracy },
  gradNorm: { stage: 'gradient', value: async (inputs) => gradientNorm(await inputs.gradients()) },
  // The row keeps the ingredient, the predicted decrease; the run turns it into energyResidual once it knows the next step's loss.
  energyResidual: {
    stage: 'gradient',
    rowKey: 'predictedDecrease',
    value: async (inputs) => {
      const W = inputs.settings.sphere ? (await inputs.weights()).W : undefined;
      return predictedDecrease(await inputs.gradients(), { ...inputs.settings, learningRate: inputs.learningRate }, W);
    },
  },
  w2ToTarget: { stage: 'transport', value: (inputs) => inputs.w2ToTarget() },
  distanceFromInitMax: { stage: 'particles', value: async (inputs) => (await inputs.particles()).maxDisplacement },
  distanceFromInitRms: { stage: 'particles', value: async (inputs) => (await inputs.particles()).rmsDisplacement },
  pathNorm: { stage: 'particles', value: async (inputs) => (await inputs.particles()).pathNorm },
  livingNeurons: { stage: 'particles', value: async (inputs) => (await inputs.particles()).livingCount },
  directionClusters: { stage: 'particles', value: async (inputs) => (await inputs.particles()).clusterCount },
  activatedNeurons: { stage: 'particles', initial: 'activations', value: async (inputs) => (await inputs.particles()).activatedCount ?? NaN },
  maskChangeFraction: { stage: 'particles', initial: 'activations', value: async (inputs) => (await inputs.particles()).maskChangeFraction ?? NaN },
  // min y f / |theta|^2 presumes a homogeneous f; f - f0 is not, so a centered model has no margin.
  margin: { stage: 'weights', value: async (inputs) => (inputs.settings.centered ? NaN : normalizedMargin(await inputs.weights(), inputs.train, inputs.settings)) },
  activatedOnNegative: {
    stage: 'weights',
    value: async (inputs) => activatedOnNegative(await inputs.weights(), inputs.train, inputs.settings.width, inputs.settings.inputDim),
  },
  sharpness: { stage: 'curvature', value: async (inputs) => (await inputs.sharpness()).sharpness },
  sharpnessParticleTime: { stage: 'curvature', value: async (inputs) => inputs.factor * (await inputs.sharpness()).sharpness },
  sharpnessResidual: { stage: 'curvature', value: async (inputs) => (await inputs.sharpness()).residual },
  sharpnessConverged: { stage: 'curvature', value: async (inputs) => ((await inputs.sharpness()).converged ? 1 : 0) },
  sharpnessIterations: { stage: 'curvature', value: async (inputs) => (await inputs.sharpness()).iterations },
  batchSharpness: { stage: 'curvature', value: async (inputs) => (await inputs.batchSharpness()).batchSharpness },
  batchSharpnessStandardError: { stage: 'curvature', value: async (inputs) => (await inputs.batchSharpness()).standardError },
  hessianTrace: { stage: 'curvature', value: (inputs) => inputs.hessianTrace() },
  hessianTraceParticleTime: { stage: 'curvature', value: async (inputs) => inputs.factor * (await inputs.hessianTrace()) },
  ntkLambdaMin: { stage: 'curvature', value: async (inputs) => (await inputs.ntkSpectrum()).lambdaMin },
  ntkLambdaMax: { stage: 'curvature', value: async (inputs) => (await inputs.ntkSpectrum()).lambdaMax },
  kernelChange: {
    stage: 'curvature',
    initial: 'gram',
    value: async (inputs) => {
      const initial = inputs.initialGram();
      return initial ? relativeKernelChange(await inputs.gram(), initial) : NaN;
    },
  },
  sgdAlignment: { stage: 'curvature', value: async (inputs) => (isSquare(inputs) ? noiseAlignment(await inputs.gram(), await inputs.residuals()).mu : NaN) },
  nonUniformity: { stage: 'curvature', value: async (inputs) => (isSquare(inputs) ? nonUniformity(await inputs.gram(), inputs.train.y.length, inputs.factor).s : NaN) },
};
