/**
 * How each linear-model metric of the registry (src/metrics/registry.ts) is computed, one entry per name,
 * in float64 on the host from the weights w either backend reads back (docs/science.md section 6). The
 * table's type lists every name whose kinds include 'linear', so a declared metric without an evaluator
 * does not compile.
 */
import type { MetricNameOf } from '../../metrics/registry';
import type { MetricValues } from '../../core/simulation';
import { linearMargin, maxMarginDirection } from '../../metrics/margin';
import { logLoss } from '../../float64/linear-logistic';
import type { LinearTrainingSet } from './problem';

/** What the linear metrics read at one logged step. */
export interface LinearMetricInputs {
  /** The weights w [d]. */
  readonly w: ArrayLike<number>;
  /** The train set as the model sees it: X scaled so max |x_i| <= 1, y in {-1, +1}, s_i = y_i x_i. */
  readonly train: { readonly X: ArrayLike<number>; readonly y: ArrayLike<number>; readonly signedSamples: ArrayLike<number>; readonly dim: number };
  /** gamma*, the margin of the hard-margin SVM direction (a solve: call it only when needed, and cache it). */
  readonly maxMargin: () => number;
}

export const LINEAR_EVALUATORS: { readonly [Name in MetricNameOf<'linear'>]: (inputs: LinearMetricInputs) => number } = {
  loss: ({ w, train }) => Math.exp(logLoss(w, train.signedSamples, train.dim)),
  logLoss: ({ w, train }) => logLoss(w, train.signedSamples, train.dim),
  // gamma(w) is undefined at w = 0, the start of every run.
  margin: ({ w, train }) => (w.length > 0 && Array.from(w).some((v) => v !== 0) ? linearMargin(w, train.X, train.y) : NaN),
  marginGap: (inputs) => inputs.maxMargin() - LINEAR_EVALUATORS.margin(inputs),
  weightNorm: ({ w }) => Math.hypot(...Array.from(w)),
};

/** The linear metrics among `names`, in the order named; other kinds' names are left out. */
export function linearMetricValues(names: readonly string[], inputs: LinearMetricInputs): MetricValues {
  const values: MetricValues = {};
  for (const name of names) if (Object.hasOwn(LINEAR_EVALUATORS, name)) values[name] = LINEAR_EVALUATORS[name as keyof typeof LINEAR_EVALUATORS](inputs);
  return values;
}

/** The metrics named, of weights w, in the order named. */
export type LinearMetrics = (w: ArrayLike<number>, names: readonly string[]) => MetricValues;

/**
 * The linear model's metrics in float64 on the host (the evaluators above): L, log L (finite
 * where L underflows), gamma(w), gamma* - gamma(w) (gamma* of the max-margin direction, computed on first use) and |w|.
 */
export function linearMetrics(train: LinearTrainingSet): LinearMetrics {
  let maxMargin: number | undefined;
  const maxMarginOnce = () => (maxMargin ??= maxMarginDirection(train.X, train.y, train.dim).margin);
  return (w, names) => linearMetricValues(names, { w, train, maxMargin: maxMarginOnce });
}
