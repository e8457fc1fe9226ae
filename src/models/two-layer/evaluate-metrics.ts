/**
 * One evaluation of the two-layer metrics, for both simulations: the names asked for (with their family's
 * diagnostics) through TWO_LAYER_EVALUATORS, every shared computation at most once, and the row laid out
 * stage by stage in the backend's order.
 */
import type { Backend, MetricValues } from '../../core/simulation';
import { metricNamesOf, withDiagnostics } from '../../metrics/registry';
import { TWO_LAYER_EVALUATORS, type TwoLayerEvaluator, type TwoLayerMetricName, type TwoLayerStage } from './metric-evaluators';
import { MetricInputs, type TwoLayerMetricSource } from './metric-source';

/**
 * The order of a row's stages on each backend: the order each has always written its rows in, which
 * metrics.csv's columns and the runs' fingerprints (bench/loss-hashes.ts) follow. Every stage appears once.
 */
export const ROW_STAGES: Readonly<Record<Backend, readonly TwoLayerStage[]>> = {
  gpu: ['train', 'gradient', 'test', 'particles', 'weights', 'transport', 'curvature'],
  float64: ['train', 'test', 'gradient', 'transport', 'particles', 'weights', 'curvature'],
};

/** Stages whose metrics a row lists in the order the config asks for them (as the particle metrics always were); the others keep the registry's order. */
const ASKED_ORDER: ReadonlySet<TwoLayerStage> = new Set(['particles']);

/** The registry's two-layer metrics, in its order. */
const DECLARED = metricNamesOf('two-layer');

function isTwoLayerMetric(name: string): name is TwoLayerMetricName {
  return Object.hasOwn(TWO_LAYER_EVALUATORS, name);
}

function evaluatorsOf(names: readonly string[]): TwoLayerEvaluator[] {
  return names.filter(isTwoLayerMetric).map((name) => TWO_LAYER_EVALUATORS[name]);
}

/** True when some metric in `names` needs the simulation to keep `what` from initialisation. */
export function needsInitial(names: readonly string[], what: 'activations' | 'gram'): boolean {
  return evaluatorsOf(names).some((evaluator) => evaluator.initial === what);
}

/** True when some metric in `names` reads the full-batch gradient (the GPU then computes it in the train pass). */
export function needsGradient(names: readonly string[]): boolean {
  return evaluatorsOf(names).some((evaluator) => evaluator.stage === 'gradient');
}

/** The metrics a row of `backend` carries for `names`, in the row's order; other kinds' names are left out. */
export function rowOrder(names: readonly string[], backend: Backend): TwoLayerMetricName[] {
  const asked = withDiagnostics(names).filter(isTwoLayerMetric);
  const declared = DECLARED.filter((name) => asked.includes(name));
  return ROW_STAGES[backend].flatMap((stage) => (ASKED_ORDER.has(stage) ? asked : declared).filter((name) => TWO_LAYER_EVALUATORS[name].stage === stage));
}

/** The row of `names` at the source's current weights, evaluated in the row's order. */
export async function evaluateTwoLayerMetrics(names: readonly string[], source: TwoLayerMetricSource, backend: Backend): Promise<MetricValues> {
  const inputs = new MetricInputs(source, needsInitial(names, 'activations'));
  const order = rowOrder(names, backend);
  // Both fit passes start before either is awaited: on the GPU they share one round trip instead of two.
  const stages = new Set(order.map((name) => TWO_LAYER_EVALUATORS[name].stage));
  // (A failure is reported by the metric that awaits it.)
  if (stages.has('train')) inputs.trainFit().catch(() => undefined);
  if (stages.has('gradient')) inputs.gradients().catch(() => undefined);
  if (stages.has('test')) inputs.testFit().catch(() => undefined);
  const values: MetricValues = {};
  for (const name of order) {
    const evaluator = TWO_LAYER_EVALUATORS[name];
    values[evaluator.rowKey ?? name] = await evaluator.value(inputs);
  }
  return values;
}
