/**
 * How to chart each metric the engine logs: its axis label, its unit, whether it reads best on a
 * log axis, and the reference lines docs/science.md defines for it (2/lr for the sharpness in particle
 * time, sqrt(B)/lr for the non-uniformity, ...), so the app can build a chart for any metric a preset names.
 * Units of the curvature metrics: src/engine/curvature-metrics.ts (the update rule moves each parameter
 * by lr * factor * its gradient, factor = m for mean-field and 1 otherwise).
 */
import { type ExperimentConfig } from '../config/schema';
import { METRIC_NAMES, type MetricName } from '../metrics/registry';
import { particleTimeFactor, type Scaling } from '../core/conventions';

/** A horizontal line drawn across a chart: a stability bound or a target value. */
export interface ReferenceLine {
  readonly label: string;
  readonly value: number;
}

export interface MetricDescription {
  /** Axis and legend label, in words. */
  readonly label: string;
  /** Unit shown beside the label; '' for dimensionless quantities. */
  readonly unit: string;
  /** True when the metric spans orders of magnitude (losses, norms): chart it on a log axis. */
  readonly log?: boolean;
  /** True when the metric is a rate in t (a power law): chart the steps on a log axis too. */
  readonly logSteps?: boolean;
  /** Reference lines that follow from the configuration alone. */
  readonly reference?: (config: ExperimentConfig) => ReferenceLine[];
}

/** The rate the update rule applies, in its own units (mean-field: particle time), or undefined for a landscape. */
function learningRateOf(config: ExperimentConfig): number | undefined {
  return config.model.kind === 'two-layer' && config.optimizer.learningRate > 0 ? config.optimizer.learningRate : undefined;
}

/** GD's linear-stability bound on the sharpness in particle time: factor lambda_max(H) <= 2/lr (docs/science.md section 4, edge of stability). */
function twoOverLearningRate(config: ExperimentConfig): ReferenceLine[] {
  const lr = learningRateOf(config);
  return lr === undefined ? [] : [{ label: '2/lr', value: 2 / lr }];
}

/** The same bound on lambda_max(H) in parameter units: 2 / (lr factor), factor = m for mean-field. */
function twoOverParameterStep(config: ExperimentConfig): ReferenceLine[] {
  const lr = learningRateOf(config);
  if (lr === undefined || config.model.kind !== 'two-layer') return [];
  const factor = particleTimeFactor(config.model.scaling as Scaling, config.model.width);
  return [{ label: factor === 1 ? '2/lr' : '2/(lr·m)', value: 2 / (lr * factor) }];
}

/**
 * SGD's necessary stability bound on the non-uniformity, s <= sqrt(B)/lr (docs/science.md section 4). Full-batch
 * GD has no such bound (the noise term vanishes at B = n), so no line without a minibatch size.
 */
function sqrtBatchOverLearningRate(config: ExperimentConfig): ReferenceLine[] {
  const lr = learningRateOf(config);
  const batchSize = config.optimizer.batchSize;
  return lr === undefined || batchSize === undefined ? [] : [{ label: 'sqrt(B)/lr', value: Math.sqrt(batchSize) / lr }];
}

/** Every metric name in METRIC_NAMES, described. */
export const METRIC_DESCRIPTIONS: Readonly<Record<MetricName, MetricDescription>> = {
  loss: { label: 'train loss', unit: '', log: true },
  accuracy: { label: 'train accuracy', unit: 'fraction' },
  testLoss: { label: 'test loss', unit: '', log: true },
  testAccuracy: { label: 'test accuracy', unit: 'fraction' },
  gradNorm: { label: 'gradient norm |∇L|', unit: '', log: true },
  energyResidual: { label: 'energy-dissipation residual', unit: 'relative' },
  w2ToTarget: { label: 'W2 to target', unit: 'weight-space distance', log: true },
  distanceFromInitMax: { label: 'max neuron distance from init', unit: 'weight-space distance' },
  distanceFromInitRms: { label: 'rms neuron distance from init', unit: 'weight-space distance' },
  pathNorm: { label: 'path norm Σ|a_j||w_j|', unit: '' },
  livingNeurons: { label: 'living neurons', unit: 'neurons' },
  directionClusters: { label: 'neuron direction clusters', unit: 'clusters' },
  activatedNeurons: { label: 'activated neurons', unit: 'neurons' },
  activatedOnNegative: { label: 'positive neurons active on class -1', unit: 'neurons' },
  maskChangeFraction: { label: 'ReLU mask change since init', unit: 'fraction' },
  margin: { label: 'normalized margin γ', unit: '' },
  // lambda_max(H) in the parameters' own units: GD is stable below 2/(lr m) for mean-field, 2/lr otherwise.
  sharpness: { label: 'sharpness λ_max(H)', unit: 'parameter units', reference: twoOverParameterStep },
  // factor lambda_max(H) (factor = m for mean-field, 1 otherwise): GD is linearly stable below 2/lr.
  sharpnessParticleTime: { label: 'sharpness in particle time, factor·λ_max(H)', unit: '1/lr', reference: twoOverLearningRate },
  // |H y - lambda y| of the returned unit Ritz vector: some eigenvalue lies within it of the sharpness.
  sharpnessResidual: { label: 'sharpness residual |Hy − λy|', unit: 'parameter units', log: true },
  sharpnessConverged: { label: 'sharpness converged (Lanczos)', unit: '1 yes, 0 no' },
  sharpnessIterations: { label: 'sharpness Lanczos iterations', unit: 'iterations' },
  // Tr(H), exact (closed form (1/n) sum_i l''_i K_ii for the two-layer ReLU net; no estimator), parameter units.
  hessianTrace: { label: 'Hessian trace Tr(H), exact', unit: 'parameter units', reference: twoOverParameterStep },
  // factor Tr(H), like sharpnessParticleTime; docs/science.md section 4: a linearly stable SGD minimum has it <= about 2/lr.
  hessianTraceParticleTime: { label: 'Hessian trace in particle time, factor·Tr(H), exact', unit: '1/lr', reference: twoOverLearningRate },
  ntkLambdaMin: { label: 'NTK λ_min', unit: '', log: true },
  ntkLambdaMax: { label: 'NTK λ_max', unit: '', log: true },
  kernelChange: { label: 'kernel change |K−K₀|/|K₀|', unit: 'relative' },
  sgdAlignment: { label: 'SGD noise alignment μ', unit: '' },
  nonUniformity: { label: 'non-uniformity s', unit: '1/lr', reference: sqrtBatchOverLearningRate },
  meanValue: { label: 'mean landscape value', unit: '' },
  meanSquaredNorm: { label: 'mean squared norm E|x|²', unit: '', log: true },
  escapedFraction: { label: 'escaped fraction', unit: 'fraction' },
  lyapunovEstimate: { label: 'Lyapunov exponent estimate', unit: '1/step' },
  nearTargetFraction: { label: 'fraction near target', unit: 'fraction' },
  // The linear model (docs/science.md section 6): log L stays finite where L underflows; the gap's rate is read on log axes.
  logLoss: { label: 'log train loss log L', unit: '' },
  marginGap: { label: 'margin gap γ* − γ(w)', unit: '', log: true, logSteps: true },
  weightNorm: { label: 'weight norm |w|', unit: '', log: true },
};

/** The description of `name`; an unknown name gets its own name as label, linear axis, no unit. */
export function describeMetric(name: string): MetricDescription {
  return (METRIC_DESCRIPTIONS as Record<string, MetricDescription>)[name] ?? { label: name, unit: '' };
}

/** True when `name` is a metric the engine logs. */
export function isMetricName(name: string): name is MetricName {
  return (METRIC_NAMES as readonly string[]).includes(name);
}
