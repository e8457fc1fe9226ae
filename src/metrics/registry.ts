/**
 * Every metric GradFlow logs, declared once: what it measures (in words, with units), the model kinds that
 * log it, what one value costs, its family, and how to chart it. The config schema validates metrics.names
 * against it, `gradflow metrics` lists it, the app's charts take their labels and axes from it, and each
 * model kind's evaluator table is typed by it, so a metric declared here without an evaluator does not
 * compile (src/models/two-layer/metric-evaluators.ts, src/models/linear/linear-metrics.ts,
 * src/models/landscape/population-metrics.ts). n samples, m neurons, d inputs, P landscape particles.
 */

/** The config's model.kind values. */
export const MODEL_KIND_NAMES = ['two-layer', 'linear', 'landscape'] as const;
export type ModelKindName = (typeof MODEL_KIND_NAMES)[number];

/** What one logged value costs, so that a config can budget its rows. */
export const METRIC_COSTS = {
  state: 'reductions of the parameters or particles alone, O(m d) or O(P d): no pass over the data',
  pass: 'a pass over a data set, O(n m d): about one full-batch training step',
  pairs: 'every pair of train samples: the n x n NTK Gram, O(n^2 m d), and its O(n^3) eigenvalues on the host',
  lanczos: 'a Lanczos run: up to metrics.lanczos.maxIterations Hessian-vector products, each about two passes',
  batches: 'metrics.batchSharpnessBatches mini-batches of the run\'s size B (default 16; one for full-batch GD): a gradient and one Hessian-vector product on each, about four passes over B samples',
  transport: 'an optimal-transport problem between the m neurons and the target: O(m^3) exact up to 512 points, else sliced or Sinkhorn',
} as const;
export type MetricCost = keyof typeof METRIC_COSTS;

/** What a metric is about; a family's diagnostics are logged beside any of its metrics. */
export type MetricFamily = 'fit' | 'gradient' | 'transport' | 'neurons' | 'margin' | 'sharpness' | 'batchSharpness' | 'trace' | 'kernel' | 'population';

/**
 * What a metric needs of the run to have any value: without it every row would hold NaN, a result that
 * looks like one and is none, so a config that asks for the metric anyway is refused (ConfigError) when
 * the model kind prepares the run (src/models/two-layer/input-checks.ts decides which are met).
 */
export const METRIC_REQUIREMENTS = {
  testSet: 'a test set: data.testCount > 0 (synthetic data), a data.testFraction that leaves test rows (digits, csv) or a test file data.testPath (csv)',
  fullBatchGd:
    'plain full-batch GD at a constant rate (optimizer.rule gd; no optimizer.batchSize, schedule or jko; online false): only then is each step\'s loss the train loss L(theta_t) that the identity compares',
  fixedTrainSet: 'a fixed train set that the steps draw their batches from (online false): the mini-batches are drawn from it as the run\'s SGD draws them',
} as const;
export type MetricRequirement = keyof typeof METRIC_REQUIREMENTS;

export interface MetricDeclaration {
  /** Axis and legend label, in words. */
  readonly label: string;
  /** Unit shown beside the label; '' for quantities without one. */
  readonly unit: string;
  /** What the number is, with its units, and when it is NaN. */
  readonly description: string;
  readonly kinds: readonly ModelKindName[];
  readonly family: MetricFamily;
  readonly cost: MetricCost;
  /** Logged beside any metric of its family, so that every row says how far its values can be trusted. */
  readonly diagnostic?: true;
  /** Spans orders of magnitude (losses, norms): chart it on a log axis. */
  readonly log?: true;
  /** A power-law rate in t: chart the steps on a log axis too. */
  readonly logSteps?: true;
  /** What the run must have for the metric to have a value; asked for without it, the config is refused. */
  readonly requires?: MetricRequirement;
}

const NETWORK = ['two-layer'] as const;
const LANDSCAPE = ['landscape'] as const;
const LINEAR = ['linear'] as const;

/**
 * The metrics, in the order the config schema lists them. factor = m for mean-field (particle time) and 1
 * otherwise: the update rule moves theta_j by lr * factor * grad_j L (docs/science.md section 0).
 */
export const METRICS = {
  loss: {
    label: 'train loss', unit: '', log: true, kinds: ['two-layer', 'linear'], family: 'fit', cost: 'pass',
    description: 'empirical risk L, the mean per-sample loss over the n train samples (square 0.5 (f - y)^2, logistic or exponential), in loss units',
  },
  accuracy: {
    label: 'train accuracy', unit: 'fraction', kinds: NETWORK, family: 'fit', cost: 'pass',
    description: 'fraction of train samples with sign f(x_i) = y_i, 0 to 1; NaN unless the labels are +-1',
  },
  testLoss: {
    label: 'test loss', unit: '', log: true, kinds: NETWORK, family: 'fit', cost: 'pass', requires: 'testSet',
    description: 'the same mean loss on the held-out test set, in loss units (needs a test set)',
  },
  testAccuracy: {
    label: 'test accuracy', unit: 'fraction', kinds: NETWORK, family: 'fit', cost: 'pass', requires: 'testSet',
    description: 'fraction of test samples classified correctly, 0 to 1 (needs a test set); NaN without +-1 labels',
  },
  gradNorm: {
    label: 'gradient norm |∇L|', unit: '', log: true, kinds: NETWORK, family: 'gradient', cost: 'pass',
    description: '|grad L|, the Euclidean norm of the full-batch gradient over the parameters (a, W, b), in loss per parameter unit',
  },
  energyResidual: {
    label: 'energy-dissipation residual', unit: 'relative', kinds: NETWORK, family: 'gradient', cost: 'pass', requires: 'fullBatchGd',
    description: '(L_{t+1} - L_t + P) / P with P = lr (1/m) sum_j |v_j|^2 the first-order decrease of one step (docs/science.md section 1), relative, O(lr); needs plain full-batch GD at a constant rate; NaN at a critical point (P = 0)',
  },
  w2ToTarget: {
    label: 'W2 to target', unit: 'weight-space distance', log: true, kinds: NETWORK, family: 'transport', cost: 'transport',
    description: 'Wasserstein-2 distance between the neurons\' cloud {w_j} and the target measure of metrics.w2, in the units of w',
  },
  distanceFromInitMax: {
    label: 'max neuron distance from init', unit: 'weight-space distance', kinds: NETWORK, family: 'neurons', cost: 'state',
    description: 'max_j |theta_j - theta_j(0)|, how far the farthest neuron (a_j, w_j, b_j) has moved, in parameter units',
  },
  distanceFromInitRms: {
    label: 'rms neuron distance from init', unit: 'weight-space distance', kinds: NETWORK, family: 'neurons', cost: 'state',
    description: 'sqrt((1/m) sum_j |theta_j - theta_j(0)|^2), how far the neurons have moved, in parameter units',
  },
  pathNorm: {
    label: 'path norm Σ|a_j||w_j|', unit: '', kinds: NETWORK, family: 'neurons', cost: 'state',
    description: 'sum_j |a_j| |(w_j, b_j)|, in parameter units squared (no output scaling)',
  },
  livingNeurons: {
    label: 'living neurons', unit: 'neurons', kinds: NETWORK, family: 'neurons', cost: 'state',
    description: 'neurons whose |a_j| |w_j| exceeds a tenth of the largest (docs/science.md section 3), a count',
  },
  directionClusters: {
    label: 'neuron direction clusters', unit: 'clusters', kinds: NETWORK, family: 'neurons', cost: 'state',
    description: 'directions w_j / |w_j| of the living neurons, grouped greedily at cosine > 0.99, a count (at most 256)',
  },
  activatedNeurons: {
    label: 'activated neurons', unit: 'neurons', kinds: NETWORK, family: 'neurons', cost: 'pass',
    description: 'neurons with w_j . x_i + b_j > 0 on at least one train sample, a count',
  },
  maskChangeFraction: {
    label: 'ReLU mask change since init', unit: 'fraction', kinds: NETWORK, family: 'neurons', cost: 'pass',
    description: 'fraction of the n m ReLU mask entries that differ from initialisation, 0 to 1: near 0 when training is lazy',
  },
  margin: {
    label: 'normalized margin γ', unit: '', kinds: ['two-layer', 'linear'], family: 'margin', cost: 'pass',
    description: 'two-layer: min_i y_i f(x_i) / |theta|^2 (NaN with a bias, a centered model or labels other than +-1); linear: gamma(w) = min_i y_i (w / |w|) . x_i (NaN at w = 0); no units',
  },
  activatedOnNegative: {
    label: 'positive neurons active on class -1', unit: 'neurons', kinds: NETWORK, family: 'neurons', cost: 'pass',
    description: 'neurons with a_j > 0 and w_j . x_i + b_j > 0.01 |w_j| |x_i| on some sample with y_i = -1 (Wang and Ma 2023, phases III and IV), a count; NaN without +-1 labels',
  },
  sharpness: {
    label: 'sharpness λ_max(H)', unit: 'parameter units', kinds: NETWORK, family: 'sharpness', cost: 'lanczos',
    description: 'lambda_max(H), H the Hessian of L in the trained parameters, by Lanczos on exact Hessian-vector products, in parameter units; GD is linearly stable while lr * factor * sharpness < 2',
  },
  sharpnessParticleTime: {
    label: 'sharpness in particle time, factor·λ_max(H)', unit: '1/lr', kinds: NETWORK, family: 'sharpness', cost: 'lanczos',
    description: 'factor * lambda_max(H), the sharpness in the update rule\'s units (1/lr): GD is linearly stable while it is below 2/lr',
  },
  sharpnessResidual: {
    label: 'sharpness residual |Hy − λy|', unit: 'parameter units', log: true, kinds: NETWORK, family: 'sharpness', cost: 'lanczos', diagnostic: true,
    description: '|H y - lambda y| of the returned unit Ritz vector y, in parameter units: some eigenvalue of H lies within it of the sharpness',
  },
  sharpnessConverged: {
    label: 'sharpness converged (Lanczos)', unit: '1 yes, 0 no', kinds: NETWORK, family: 'sharpness', cost: 'lanczos', diagnostic: true,
    description: '1 when Lanczos met its stopping rule (residual <= metrics.lanczos.tolerance * lambda), 0 when it stopped at its iteration cap',
  },
  sharpnessIterations: {
    label: 'sharpness Lanczos iterations', unit: 'iterations', kinds: NETWORK, family: 'sharpness', cost: 'lanczos', diagnostic: true,
    description: 'Lanczos iterations used, one Hessian-vector product each',
  },
  batchSharpness: {
    label: 'batch sharpness E_B[g_Bᵀ H_B g_B / |g_B|²]', unit: '1/lr', kinds: NETWORK, family: 'batchSharpness', cost: 'batches', requires: 'fixedTrainSet',
    description: 'factor * E_B[g_B^T H_B g_B / |g_B|^2], g_B and H_B the gradient and Hessian of the mini-batch loss, B drawn as the run\'s SGD draws it, averaged over metrics.batchSharpnessBatches batches (docs/science.md section 9), in the update rule\'s units (1/lr): under SGD it rises to about 2/lr and hovers there (edge of stochastic stability); NaN when every batch gradient is zero',
  },
  batchSharpnessStandardError: {
    label: 'batch sharpness standard error', unit: '1/lr', kinds: NETWORK, family: 'batchSharpness', cost: 'batches', requires: 'fixedTrainSet', diagnostic: true,
    description: 'standard deviation of the per-batch ratios g_B^T H_B g_B / |g_B|^2 over the batches, divided by sqrt(batches), times factor (1/lr): how far the logged batch sharpness can be from its expectation; 0 for full-batch GD (one batch, the whole set)',
  },
  hessianTrace: {
    label: 'Hessian trace Tr(H), exact', unit: 'parameter units', kinds: NETWORK, family: 'trace', cost: 'pass',
    description: 'Tr(H), exact for the two-layer ReLU net: (1/n) sum_i l\'\'(f_i, y_i) K_ii (docs/science.md section 0), in parameter units',
  },
  hessianTraceParticleTime: {
    label: 'Hessian trace in particle time, factor·Tr(H), exact', unit: '1/lr', kinds: NETWORK, family: 'trace', cost: 'pass',
    description: 'factor * Tr(H), the trace in the update rule\'s units (1/lr): a linearly stable SGD minimum has it at most about 2/lr',
  },
  ntkLambdaMin: {
    label: 'NTK λ_min', unit: '', log: true, kinds: NETWORK, family: 'kernel', cost: 'pairs',
    description: 'smallest eigenvalue of the empirical NTK Gram K_ik = grad f(x_i) . grad f(x_k) on the train set, in (output per parameter unit)^2',
  },
  ntkLambdaMax: {
    label: 'NTK λ_max', unit: '', log: true, kinds: NETWORK, family: 'kernel', cost: 'pairs',
    description: 'largest eigenvalue of the empirical NTK Gram K on the train set, in (output per parameter unit)^2',
  },
  kernelChange: {
    label: 'kernel change |K−K₀|/|K₀|', unit: 'relative', kinds: NETWORK, family: 'kernel', cost: 'pairs',
    description: '|K - K(0)|_F / |K(0)|_F, the relative change of the NTK Gram since initialisation: decays like m^(-1/2) under ntk scaling',
  },
  sgdAlignment: {
    label: 'SGD noise alignment μ', unit: '', kinds: NETWORK, family: 'kernel', cost: 'pairs',
    description: 'mu = Tr(Sigma G) / (2 L |G|_F^2), how the SGD noise covariance Sigma aligns with the Gauss-Newton matrix G (docs/science.md section 4), no units; NaN unless the loss is square',
  },
  nonUniformity: {
    label: 'non-uniformity s', unit: '1/lr', kinds: NETWORK, family: 'kernel', cost: 'pairs',
    description: 'the non-uniformity s of the per-sample curvatures, in the update rule\'s units (1/lr): SGD with batch B is stable only while s <= sqrt(B)/lr (docs/science.md section 4); NaN unless the loss is square',
  },
  meanValue: {
    label: 'mean landscape value', unit: '', kinds: LANDSCAPE, family: 'population', cost: 'state',
    description: 'E f(x), the landscape value averaged over the P particles, in the landscape\'s units; non-finite once a particle overflows (the run has diverged)',
  },
  meanSquaredNorm: {
    label: 'mean squared norm E|x|²', unit: '', log: true, kinds: LANDSCAPE, family: 'population', cost: 'state',
    description: 'E |x|^2 over the particles, in coordinate units squared: it grows geometrically outside the mean-square stable region',
  },
  escapedFraction: {
    label: 'escaped fraction', unit: 'fraction', kinds: LANDSCAPE, family: 'population', cost: 'state',
    description: 'fraction of particles that have left the exit radius around the landscape\'s anchor, 0 to 1',
  },
  lyapunovEstimate: {
    label: 'Lyapunov exponent estimate', unit: '1/step', kinds: LANDSCAPE, family: 'population', cost: 'state',
    description: 'the particles\' mean log-growth per step, an estimate of the Lyapunov exponent, in 1/step: positive where single runs leave the minimum; NaN at step 0',
  },
  nearTargetFraction: {
    label: 'fraction near target', unit: 'fraction', kinds: LANDSCAPE, family: 'population', cost: 'state',
    description: 'fraction of particles within model.targetRadius of model.target, 0 to 1; NaN without a target',
  },
  logLoss: {
    label: 'log train loss log L', unit: '', kinds: LINEAR, family: 'fit', cost: 'pass',
    description: 'log L by a log-sum-exp, finite where L underflows (docs/science.md section 6), natural log of loss units',
  },
  marginGap: {
    label: 'margin gap γ* − γ(w)', unit: '', log: true, logSteps: true, kinds: LINEAR, family: 'margin', cost: 'pass',
    description: 'gamma* - gamma(w_t), gamma* the hard-margin SVM margin (solved once per run), no units: GD closes it like 1/log t, normalized GD like 1/t',
  },
  weightNorm: {
    label: 'weight norm |w|', unit: '', log: true, kinds: LINEAR, family: 'margin', cost: 'state',
    description: '|w_t|, the Euclidean norm of the linear model\'s weights, which grows like log t under GD',
  },
} as const satisfies Record<string, MetricDeclaration>;

export type MetricName = keyof typeof METRICS;

/** The names of the metrics a model kind logs. */
export type MetricNameOf<K extends ModelKindName> = { [N in MetricName]: K extends (typeof METRICS)[N]['kinds'][number] ? N : never }[MetricName];

/** Every metric name, in declaration order (a tuple type, as zod's enum wants). */
export const METRIC_NAMES = Object.keys(METRICS) as [MetricName, ...MetricName[]];

export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name);
}

/** The declaration of `name`, as the common shape. */
export function metricDeclaration(name: MetricName): MetricDeclaration {
  return METRICS[name];
}

/** The metrics `kind` logs, in declaration order. */
export function metricNamesOf<K extends ModelKindName>(kind: K): MetricNameOf<K>[] {
  return METRIC_NAMES.filter((name) => metricDeclaration(name).kinds.includes(kind)) as MetricNameOf<K>[];
}

function namesWhere(keep: (declaration: MetricDeclaration) => boolean): MetricName[] {
  return METRIC_NAMES.filter((name) => keep(metricDeclaration(name)));
}

/** Curvature and kernel metrics: the sharpness (Lanczos), the batch sharpness, the exact trace, the NTK Gram and the SGD noise. */
export const CURVATURE_METRICS = namesWhere(({ family }) => ['sharpness', 'batchSharpness', 'trace', 'kernel'].includes(family));

/** Logged beside any sharpness metric: the residual, the converged flag and the iteration count. */
export const SHARPNESS_DIAGNOSTICS: readonly string[] = namesWhere(({ family, diagnostic }) => family === 'sharpness' && diagnostic === true);

/**
 * The names a row carries when `names` are asked for: those that are metrics, and every diagnostic of a
 * family one of them belongs to (asking for the sharpness brings its residual, flag and iteration count).
 */
export function withDiagnostics(names: readonly string[]): MetricName[] {
  const asked = names.filter(isMetricName);
  const families = new Set(asked.map((name) => METRICS[name].family));
  const diagnostics = namesWhere(({ family, diagnostic }) => diagnostic === true && families.has(family));
  return [...new Set([...asked, ...diagnostics])];
}

/**
 * One ConfigError line per requirement in `unmet` (requirement -> why the run lacks it, naming the config
 * field and its value) that a metric among `names` has: which metrics need what, and how to proceed.
 */
export function unmetRequirementProblems(names: readonly string[], unmet: Partial<Record<MetricRequirement, string>>): string[] {
  const problems: string[] = [];
  for (const [requirement, why] of Object.entries(unmet) as [MetricRequirement, string | undefined][]) {
    if (why === undefined) continue;
    const needing = names.filter((name) => isMetricName(name) && metricDeclaration(name).requires === requirement);
    if (needing.length === 0) continue;
    const verb = needing.length === 1 ? 'needs' : 'need';
    problems.push(`metrics.names: ${needing.join(', ')} ${verb} ${METRIC_REQUIREMENTS[requirement]}, but ${why}; remove ${needing.length === 1 ? 'it' : 'them'} from metrics.names or change the run`);
  }
  return problems;
}
