/**
 * Every metric GradFlow logs, by name and family, declared once: the config schema, the simulations, the
 * CLI and the app's descriptions read these lists.
 */

/** The neurons as particles (src/engine/neuron-metrics.ts); `activatedNeurons` and `maskChangeFraction` need H now and at initialisation. */
export const NEURON_METRICS = [
  'distanceFromInitMax',
  'distanceFromInitRms',
  'pathNorm',
  'livingNeurons',
  'directionClusters',
  'activatedNeurons',
  'maskChangeFraction',
  'margin',
  'activatedOnNegative',
] as const;

/** The sharpness family: one Lanczos run per evaluation serves every name asked for. */
export const SHARPNESS_METRICS = ['sharpness', 'sharpnessParticleTime', 'sharpnessResidual', 'sharpnessConverged', 'sharpnessIterations'] as const;
/** Logged beside any sharpness metric, so that every row says how far its value can be trusted. */
export const SHARPNESS_DIAGNOSTICS: readonly string[] = ['sharpnessResidual', 'sharpnessConverged', 'sharpnessIterations'];

/** The trace family: one exact trace per evaluation serves both units. */
export const TRACE_METRICS = ['hessianTrace', 'hessianTraceParticleTime'] as const;

/** Curvature and kernel metrics (src/engine/curvature-metrics.ts). */
export const CURVATURE_METRICS = [...SHARPNESS_METRICS, ...TRACE_METRICS, 'ntkLambdaMin', 'ntkLambdaMax', 'kernelChange', 'sgdAlignment', 'nonUniformity'] as const;

/** Names whose value needs the full gradient: |grad L| and the energy-dissipation residual. */
export const GRADIENT_METRICS: readonly string[] = ['gradNorm', 'energyResidual'];

/** Population metrics of a landscape run. */
export const LANDSCAPE_METRICS = ['meanValue', 'meanSquaredNorm', 'escapedFraction', 'lyapunovEstimate', 'nearTargetFraction'] as const;

/** Metrics of a linear run: L, log L (finite where L underflows), gamma(w_t), gamma* - gamma(w_t), |w_t|. */
export const LINEAR_ONLY_METRICS = ['logLoss', 'marginGap', 'weightNorm'] as const;
export const LINEAR_METRICS = ['loss', 'margin', ...LINEAR_ONLY_METRICS] as const;

/**
 * Metrics every backend computes at logged steps (on the full train set unless named test):
 * loss and accuracy, the gradient norm, the neurons as particles (src/engine/neuron-metrics.ts), and
 * curvature and kernel metrics (src/engine/curvature-metrics.ts).
 */
export const NETWORK_METRIC_NAMES = [
  'loss', 'accuracy', 'testLoss', 'testAccuracy', 'gradNorm', 'energyResidual', 'w2ToTarget', ...NEURON_METRICS, ...CURVATURE_METRICS,
] as const;
export const METRIC_NAMES = [...NETWORK_METRIC_NAMES, ...LANDSCAPE_METRICS, ...LINEAR_ONLY_METRICS] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
