/**
 * How each landscape metric of the registry (src/metrics/registry.ts) is computed, one entry per name, from
 * sums over the P particles that either backend reads back (docs/science.md sections 4 and 7). The table's
 * type lists every name whose kinds include 'landscape', so a declared metric without an evaluator does not
 * compile.
 */
import type { LandscapeModel } from '../../config/model-kinds';
import { landscapeDimOf } from '../../core/landscape';
import type { MetricValues } from '../../core/simulation';
import type { MetricNameOf } from '../../metrics/registry';

/** The particles at one step, as both backends report them. */
export interface PopulationState {
  /** [P x k]. */
  readonly positions: ArrayLike<number>;
  readonly value: ArrayLike<number>;
  readonly exitStep: ArrayLike<number>;
  readonly logGrowth: ArrayLike<number>;
}

/** Sums over the particles at step `step`, one pass, which every population metric divides. */
export interface PopulationSums {
  readonly particleCount: number;
  readonly step: number;
  readonly hasTarget: boolean;
  /** sum_p f(x_p); NaN once a particle's position is not finite. */
  readonly value: number;
  /** sum_p |x_p|^2. */
  readonly squaredNorm: number;
  /** Particles past the exit radius. */
  readonly escaped: number;
  /** sum_p of the log-growth since the start. */
  readonly logGrowth: number;
  /** Particles within model.targetRadius of model.target (of the origin without a target). */
  readonly nearTarget: number;
}

export function populationSums(model: LandscapeModel, state: PopulationState, step: number): PopulationSums {
  const k = landscapeDimOf(model.spec);
  const P = model.spec.particleCount;
  let value = 0;
  let squared = 0;
  let escaped = 0;
  let growth = 0;
  let near = 0;
  for (let p = 0; p < P; p++) {
    let norm = 0;
    let distance = 0;
    let finite = true;
    for (let c = 0; c < k; c++) {
      const x = state.positions[p * k + c]!;
      finite &&= Number.isFinite(x);
      norm += x * x;
      distance += (x - (model.target?.[c] ?? 0)) ** 2;
    }
    // A particle that overflowed has no value, whatever a bounded f (a user's tanh, a wrong gradient with
    // a constant f) reads there: NaN, so E f turns non-finite and the run reports its divergence.
    const particleValue = state.value[p]!;
    value += finite || !Number.isFinite(particleValue) ? particleValue : NaN;
    squared += norm;
    if (state.exitStep[p]! >= 0) escaped++;
    growth += state.logGrowth[p]!;
    if (Math.sqrt(distance) < model.targetRadius) near++;
  }
  return { particleCount: P, step, hasTarget: model.target !== undefined, value, squaredNorm: squared, escaped, logGrowth: growth, nearTarget: near };
}

export const LANDSCAPE_EVALUATORS: { readonly [Name in MetricNameOf<'landscape'>]: (sums: PopulationSums) => number } = {
  meanValue: (sums) => sums.value / sums.particleCount,
  meanSquaredNorm: (sums) => sums.squaredNorm / sums.particleCount,
  escapedFraction: (sums) => sums.escaped / sums.particleCount,
  lyapunovEstimate: (sums) => (sums.step > 0 ? sums.logGrowth / sums.particleCount / sums.step : NaN),
  nearTargetFraction: (sums) => (sums.hasTarget ? sums.nearTarget / sums.particleCount : NaN),
};

/** The population metrics among `names` (E f, E |x|^2, the escaped fraction, ...), in the order named. */
export function populationMetrics(model: LandscapeModel, state: PopulationState, step: number, names: readonly string[]): MetricValues {
  const sums = populationSums(model, state, step);
  const values: MetricValues = {};
  for (const name of names) if (Object.hasOwn(LANDSCAPE_EVALUATORS, name)) values[name] = LANDSCAPE_EVALUATORS[name as keyof typeof LANDSCAPE_EVALUATORS](sums);
  return values;
}
