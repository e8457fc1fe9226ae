/**
 * Metrics of the full-batch gradient at the current weights, for both backends: its norm, and the
 * first-order loss decrease of one GD step, lr sum_s c_s |g_s|^2 (= lr (1/m) sum_j |v_j|^2 with
 * v_j = m grad_j for mean-field particle time, docs/science.md section 1). The energy-dissipation
 * residual compares that prediction with the loss change the run then measured (see run-experiment).
 * The evaluators of gradNorm and energyResidual (metric-evaluators.ts) call these.
 */
import { stepScales } from '../../core/update-settings';
import { tangentialRows } from '../../float64/particles';
import type { TwoLayerTrainerConfig } from '../../core/network';

export interface GradientVectors {
  readonly gradA: ArrayLike<number>;
  readonly gradW: ArrayLike<number>;
  readonly gradB?: ArrayLike<number>;
}

/**
 * The run's settings one GD step reads. Two differ from the run's: `learningRate` is this step's rate lr
 * (not necessarily the base rate lr0), and `inputDim` is optional, needed only with `sphere` (where a step
 * moves w_j by -lr times the tangential part of its gradient only).
 */
export type StepSettings = Pick<TwoLayerTrainerConfig, 'scaling' | 'trainable' | 'width' | 'learningRate' | 'sphere'> &
  Partial<Pick<TwoLayerTrainerConfig, 'inputDim'>>;

function squares(values: ArrayLike<number> | undefined): number {
  let sum = 0;
  if (values) for (let k = 0; k < values.length; k++) sum += values[k]! ** 2;
  return sum;
}

/** |grad L| over every parameter (a, W, b). */
export function gradientNorm(grads: GradientVectors): number {
  const a = squares(grads.gradA);
  const w = squares(grads.gradW) + squares(grads.gradB);
  return Math.sqrt(a + w);
}

/**
 * The first-order loss decrease of one GD step, lr sum_s c_s |g_s|^2, kept in the row until the next
 * step's loss is known; run-experiment turns it into energyResidual. `W` (the current first layer) is
 * needed with settings.sphere, for the tangential velocity.
 */
export function predictedDecrease(grads: GradientVectors, settings: StepSettings, W?: ArrayLike<number>): number {
  const a = squares(grads.gradA);
  const w = squares(grads.gradW) + squares(grads.gradB);
  const scale = stepScales(settings);
  if (settings.sphere && !(W && settings.inputDim)) throw new RangeError('predictedDecrease: the sphere energy identity needs W and inputDim');
  // On the sphere the retraction moves w_j by -lr P_j g_j + O(lr^2), P_j the tangent projection at w_j.
  const moved = settings.sphere ? squares(tangentialRows(grads.gradW, W!, settings.inputDim!)) : w;
  return settings.learningRate * (scale.a * a + scale.w * moved);
}
