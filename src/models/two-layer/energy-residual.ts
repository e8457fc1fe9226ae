import type { ExperimentConfig } from '../../config/schema';
import type { MetricsRow } from '../../core/simulation';
import { energyDissipationResidual, energyIdentityProblem } from '../../metrics/energy-dissipation';

/**
 * The energy-dissipation identity (docs/science.md section 1) at each logged step t: the measured change
 * L_{t+1} - L_t against the first-order prediction -lr (1/m) sum_j |v_j|^2 from the gradient at t,
 * as (L_{t+1} - L_t + predicted) / predicted, which is O(lr). Defined for full-batch GD at a
 * constant rate, where stepLosses[t] is L(theta_t) on the whole train set; NaN otherwise.
 */
export function withEnergyResidual(rows: readonly MetricsRow[], stepLosses: readonly number[], config: ExperimentConfig): MetricsRow[] {
  // The metric is refused for other runs before they start (energyIdentityProblem); the rule is declared there once.
  const plainGd = energyIdentityProblem(config) === undefined;
  return rows.map(({ predictedDecrease, ...row }) => {
    const t = row.step;
    const known = plainGd && predictedDecrease !== undefined && predictedDecrease > 0 && Number.isFinite(stepLosses[t]) && Number.isFinite(stepLosses[t + 1]);
    const residual = known ? energyDissipationResidual({ lossBefore: stepLosses[t]!, lossAfter: stepLosses[t + 1]!, learningRate: 1, meanSquaredVelocity: predictedDecrease }).relativeResidual : NaN;
    return { ...row, energyResidual: residual };
  });
}
