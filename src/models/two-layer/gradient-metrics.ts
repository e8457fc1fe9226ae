/**
 * Metrics of the full-batch gradient at the current weights, for both backends: its norm, and the
 * first-order loss decrease of one GD step, lr sum_s c_s |g_s|^2 (= lr (1/m) sum_j |v_j|^2 with
 * v_j = m grad_j for mean-field particle time, docs/science.md section 1). The energy-dissipation
 * residual compares that prediction with the loss change the run then measured (see run-experiment).
 */
import { stepScales } from '../../core/update-settings';
import { tangentialRows } from '../../float64/particles';
import type { Scaling, TrainableParts } from '../../core/conventions';
import type { MetricValues } from '../../core/simulation';

export interface GradientVectors {
  readonly gradA: ArrayLike<number>;
  readonly gradW: ArrayLike<number>;
  readonly gradB?: ArrayLike<number>;
}

export interface StepSettings {
  readonly scaling: Scaling;
  readonly trainable: TrainableParts;
  readonly width: number;
  readonly learningRate: number;
  readonly inputDim?: number;
  /** Rows of W on the unit sphere: a step moves w_j by -lr times the tangential part of its gradient only. */
  readonly sphere?: boolean;
}


function squares(values: ArrayLike<number> | undefined): number {
  let sum = 0;
  if (values) for (let k = 0; k < values.length; k++) sum += values[k]! ** 2;
  return sum;
}

/** `W` (the current first layer) is needed with settings.sphere, for the tangential velocity. */
export function gradientMetricValues(names: readonly string[], grads: GradientVectors, settings: StepSettings, W?: ArrayLike<number>): MetricValues {
  const values: MetricValues = {};
  const a = squares(grads.gradA);
  const w = squares(grads.gradW) + squares(grads.gradB);
  if (names.includes('gradNorm')) values.gradNorm = Math.sqrt(a + w);
  if (names.includes('energyResidual')) {
    const scale = stepScales(settings);
    if (settings.sphere && !(W && settings.inputDim)) throw new RangeError('gradientMetricValues: the sphere energy identity needs W and inputDim');
    // On the sphere the retraction moves w_j by -lr P_j g_j + O(lr^2), P_j the tangent projection at w_j.
    const moved = settings.sphere ? squares(tangentialRows(grads.gradW, W!, settings.inputDim!)) : w;
    // Kept in the row until the next step's loss is known; run-experiment turns it into energyResidual.
    values.predictedDecrease = settings.learningRate * (scale.a * a + scale.w * moved);
  }
  return values;
}
