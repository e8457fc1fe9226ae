/**
 * Gradient flow d theta/dt = -eta grad L in GD-step time (the central flow's "stable flow", docs/science.md
 * section 9), the baseline a central flow is measured against: it sharpens past 2/eta where GD cannot.
 * Discretised as in the central-flow paper's code: Euler with max(minSubsteps, ceil(2 eta S)) substeps per GD
 * step, S = lambda_max re-estimated by Lanczos at the start of each step, so each substep's eta S / substeps
 * stays under 1/2 and the Euler error stays small even where the flow is far sharper than 2/eta.
 */
import { lanczos, type LanczosOptions } from '../core/lanczos';
import type { FlowObjective } from './central-flow';

export interface GradientFlowSettings {
  /** eta: GD's step per unit gradient. */
  readonly stepSize: number;
  /** Fewest Euler substeps per GD step (default 4). */
  readonly minSubsteps?: number;
  readonly lanczos?: LanczosOptions;
}

/** The flow over one GD step of time, at its start. */
export interface GradientFlowStep {
  readonly time: number;
  readonly loss: number;
  /** S(theta(t)) = lambda_max. */
  readonly sharpness: number;
  /** Euler substeps used for this step. */
  readonly substeps: number;
}

export class GradientFlow {
  private theta: Float64Array;
  private u: Float64Array | undefined;
  private steps = 0;

  constructor(
    private readonly objective: FlowObjective,
    initial: ArrayLike<number>,
    private readonly settings: GradientFlowSettings,
  ) {
    if (!(settings.stepSize > 0) || !Number.isFinite(settings.stepSize)) throw new RangeError(`GradientFlow: stepSize must be finite and > 0, got ${settings.stepSize}`);
    this.theta = Float64Array.from(initial);
  }

  /** theta(t), flat (a copy). */
  get params(): Float64Array {
    return this.theta.slice();
  }

  step(): GradientFlowStep {
    const eta = this.settings.stepSize;
    const top = lanczos(this.objective.hessian(this.theta), this.u ?? this.objective.startVector, this.settings.lanczos);
    this.u = top.vector;
    const substeps = Math.max(this.settings.minSubsteps ?? 4, Math.ceil(2 * eta * Math.max(top.estimate, 0)));
    const dt = 1 / substeps;
    const mask = this.objective.mask;
    let loss = NaN;
    for (let k = 0; k < substeps; k++) {
      const current = this.objective.lossAndGradient(this.theta);
      if (k === 0) loss = current.loss;
      for (let e = 0; e < this.theta.length; e++) if (mask[e]) this.theta[e] = this.theta[e]! - dt * eta * current.gradient[e]!;
    }
    return { time: this.steps++, loss, sharpness: top.estimate, substeps };
  }
}
