/**
 * How to chart each metric the engine logs: its label, unit and axes from the registry
 * (src/metrics/registry.ts), and the reference lines docs/science.md defines for it (2/lr for the
 * sharpness in particle time, sqrt(B)/lr for the non-uniformity, ...), which follow from the config, so
 * the app can build a chart for any metric a preset names. Units of the curvature metrics:
 * src/models/two-layer/curvature-metrics.ts (the update rule moves each parameter by lr * factor * its
 * gradient, factor = m for mean-field and 1 otherwise).
 */
import { type ExperimentConfig } from '../config/schema';
import { METRIC_NAMES, metricDeclaration, type MetricName } from '../metrics/registry';
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
  /** What the number is, in words with its units (the registry's description); absent for an unknown name. */
  readonly description?: string;
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

/** The reference lines of the metrics that have some; the others draw none. */
const REFERENCE_LINES: Partial<Record<MetricName, (config: ExperimentConfig) => ReferenceLine[]>> = {
  // lambda_max(H) in the parameters' own units: GD is stable below 2/(lr m) for mean-field, 2/lr otherwise.
  sharpness: twoOverParameterStep,
  // factor lambda_max(H) (factor = m for mean-field, 1 otherwise): GD is linearly stable below 2/lr.
  sharpnessParticleTime: twoOverLearningRate,
  // Tr(H) in parameter units, with the bound in those units: 2/(lr m) for mean-field (docs/science.md section 4).
  hessianTrace: twoOverParameterStep,
  // factor Tr(H), like sharpnessParticleTime; docs/science.md section 4: a linearly stable SGD minimum has it <= about 2/lr.
  hessianTraceParticleTime: twoOverLearningRate,
  // factor E_B[g_B^T H_B g_B / |g_B|^2], like sharpnessParticleTime: under SGD it rises to about 2/lr (docs/science.md section 9).
  batchSharpness: twoOverLearningRate,
  nonUniformity: sqrtBatchOverLearningRate,
};

function describeRegistered(name: MetricName): MetricDescription {
  const { label, unit, description, log, logSteps } = metricDeclaration(name);
  const reference = REFERENCE_LINES[name];
  return { label, unit, description, ...(log ? { log } : {}), ...(logSteps ? { logSteps } : {}), ...(reference ? { reference } : {}) };
}

/** Every metric name in METRIC_NAMES, described. */
export const METRIC_DESCRIPTIONS: Readonly<Record<MetricName, MetricDescription>> = Object.fromEntries(
  METRIC_NAMES.map((name) => [name, describeRegistered(name)]),
) as Record<MetricName, MetricDescription>;

/** The description of `name`; an unknown name gets its own name as label, linear axis, no unit. */
export function describeMetric(name: string): MetricDescription {
  return (METRIC_DESCRIPTIONS as Record<string, MetricDescription>)[name] ?? { label: name, unit: '' };
}

/** True when `name` is a metric the engine logs. */
