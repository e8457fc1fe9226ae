/**
 * The central flow of gradient descent (Cohen, Damian, Talwalkar, Kolter and Lee, "Understanding optimization
 * in deep learning with central flows", ICLR 2025, arXiv 2410.24206; docs/science.md section 9), in float64,
 * with one unstable direction. GD takes theta <- theta - eta grad L (eta = lr c, c = m for mean-field particle
 * time, else 1); time t counts GD steps, and
 *   d theta/dt = -eta (grad L + (1/2) sigma^2 grad S),   S = lambda_max(Hess L),
 * with sigma^2 >= 0 the least value that keeps S <= 2/eta: 0 while S < 2/eta, and on S = 2/eta
 * sigma^2 = -2 (grad S . grad L) / |grad S|^2 when that is positive. That is gradient flow projected onto the
 * stable region {S <= 2/eta}; sigma^2 is the predicted variance of GD's swing along the top eigenvector u, and
 * the predicted time-averaged GD loss is L + (1/2) sigma^2 S.
 *
 * Discretisation, as in the paper's code: explicit Euler with dt = 1/substepsPerStep GD steps (their default 4),
 * with the complementarity condition imposed on the linearised sharpness one substep ahead,
 *   S_next = S + dt dS/dt = S - dt eta (grad S . grad L + (1/2) sigma^2 |grad S|^2) <= 2/eta,
 *   sigma^2 >= 0,  sigma^2 (2/eta - S_next) = 0,
 * solved by sigma^2 = max(0, 2 (S - 2/eta - dt eta grad S . grad L) / (dt eta |grad S|^2)) (centralVariance).
 * On the boundary this is the closed form above; off it, it also pulls back the O(dt^2) drift of Euler's
 * step. S and u come from Lanczos (src/core/lanczos.ts) warm-started from the previous substep's u; grad S is
 * grad (u^T H u) with u held fixed (Hellmann-Feynman; for the two-layer net src/float64/sharpness-gradient.ts).
 * With more than one eigenvalue at 2/eta the paper solves a semidefinite complementarity problem instead; this
 * integrator does not, so a caller checks the second eigenvalue (secondEigenvalue) to know its premise holds.
 */
import { lanczos, type LanczosOptions, type LanczosResult, type LinearOperator } from '../core/lanczos';

/** The paper's default: four Euler substeps per GD step. */
export const CENTRAL_FLOW_SUBSTEPS = 4;

/** What a flow needs of an objective L(theta), on flat parameter vectors. */
export interface FlowObjective {
  /** 1 where GD moves the coordinate, 0 where it is frozen (gradients, products and flows are zero there). */
  readonly mask: ArrayLike<number>;
  /** L(theta) and grad L(theta). */
  lossAndGradient(theta: Float64Array): { readonly loss: number; readonly gradient: Float64Array };
  /** v -> Hess L(theta) v. */
  hessian(theta: Float64Array): LinearOperator;
  /** grad_theta (v^T Hess L(theta) v) with v held fixed. */
  hessianFormGradient(theta: Float64Array, v: Float64Array): Float64Array;
  /** The first Lanczos start vector (later ones start from the previous top eigenvector). */
  readonly startVector: Float64Array;
}

export interface CentralVarianceInput {
  /** S = lambda_max. */
  readonly sharpness: number;
  /** eta: GD's step per unit gradient. */
  readonly stepSize: number;
  /** dt, in GD steps. */
  readonly dt: number;
  /** grad S . grad L. */
  readonly sharpnessGradientDotLossGradient: number;
  /** |grad S|^2. */
  readonly sharpnessGradientNormSquared: number;
}

/** sigma^2 of one Euler substep: the complementarity solution above (0 where S stays at or under 2/eta without it, or grad S = 0). */
export function centralVariance(input: CentralVarianceInput): number {
  const { sharpness, stepSize: eta, dt, sharpnessGradientDotLossGradient: alignment, sharpnessGradientNormSquared: norm2 } = input;
  const excess = sharpness - 2 / eta - dt * eta * alignment;
  if (!(excess > 0) || !(norm2 > 0)) return 0;
  return (2 * excess) / (dt * eta * norm2);
}

export interface CentralFlowSettings {
  /** eta: GD's step per unit gradient (lr times the update factor). */
  readonly stepSize: number;
  /** Euler substeps per GD step (default CENTRAL_FLOW_SUBSTEPS). */
  readonly substepsPerStep?: number;
  /** The top eigenpair's Lanczos settings at every substep. */
  readonly lanczos?: LanczosOptions;
}

/** The flow over one GD step of time: its state at the start, and the averages over its substeps. */
export interface CentralFlowStep {
  /** t at the start, in GD steps. */
  readonly time: number;
  /** L(theta(t)). */
  readonly loss: number;
  /** S(theta(t)). */
  readonly sharpness: number;
  /** sigma^2 averaged over the step's substeps. */
  readonly variance: number;
  /** L + (1/2) sigma^2 S averaged over the step's substeps: the predicted time average of GD's loss. */
  readonly predictedLoss: number;
  /** The largest Lanczos residual |H u - S u| of the step's substeps. */
  readonly sharpnessResidual: number;
}

/** The central flow from theta(0), advanced one GD step of time per `step()`. */
export class CentralFlow {
  private theta: Float64Array;
  private u: Float64Array | undefined;
  private steps = 0;
  private readonly substeps: number;

  constructor(
    private readonly objective: FlowObjective,
    initial: ArrayLike<number>,
    private readonly settings: CentralFlowSettings,
  ) {
    this.substeps = settings.substepsPerStep ?? CENTRAL_FLOW_SUBSTEPS;
    if (!Number.isInteger(this.substeps) || this.substeps < 1) throw new RangeError(`CentralFlow: substepsPerStep must be a positive integer, got ${this.substeps}`);
    if (!(settings.stepSize > 0) || !Number.isFinite(settings.stepSize)) throw new RangeError(`CentralFlow: stepSize must be finite and > 0, got ${settings.stepSize}`);
    if (initial.length !== objective.mask.length) throw new RangeError(`CentralFlow: theta(0) has ${initial.length} entries, the objective ${objective.mask.length}`);
    this.theta = Float64Array.from(initial);
  }

  /** theta(t), flat (a copy). */
  get params(): Float64Array {
    return this.theta.slice();
  }

  /** t, in GD steps. */
  get time(): number {
    return this.steps;
  }

  /** The unit top eigenvector of the last substep (undefined before the first step). */
  get topEigenvector(): Float64Array | undefined {
    return this.u?.slice();
  }

  /** Advances theta by one GD step of time. */
  step(): CentralFlowStep {
    const dt = 1 / this.substeps;
    let first: { loss: number; sharpness: number } | undefined;
    let variance = 0;
    let predictedLoss = 0;
    let sharpnessResidual = 0;
    for (let k = 0; k < this.substeps; k++) {
      const substep = this.substep(dt);
      first ??= substep;
      variance += dt * substep.variance;
      predictedLoss += dt * (substep.loss + 0.5 * substep.variance * substep.sharpness);
      sharpnessResidual = Math.max(sharpnessResidual, substep.residual);
    }
    const time = this.steps++;
    return { time, loss: first!.loss, sharpness: first!.sharpness, variance, predictedLoss, sharpnessResidual };
  }

  private substep(dt: number): { loss: number; sharpness: number; variance: number; residual: number } {
    const eta = this.settings.stepSize;
    const { loss, gradient } = this.objective.lossAndGradient(this.theta);
    const top = this.topPair();
    const u = top.vector!;
    this.u = u;
    const gradS = this.objective.hessianFormGradient(this.theta, u);
    const variance = centralVariance({
      sharpness: top.estimate,
      stepSize: eta,
      dt,
      sharpnessGradientDotLossGradient: dot(gradS, gradient),
      sharpnessGradientNormSquared: dot(gradS, gradS),
    });
    const mask = this.objective.mask;
    for (let e = 0; e < this.theta.length; e++) {
      if (mask[e]) this.theta[e] = this.theta[e]! - dt * eta * (gradient[e]! + 0.5 * variance * gradS[e]!);
    }
    if (!this.theta.every(Number.isFinite)) throw new CentralFlowError(`the weights stopped being finite at t = ${this.steps}`);
    return { loss, sharpness: top.estimate, variance, residual: top.residual };
  }

  /** Lanczos from the previous u (from the objective's start vector the first time). */
  private topPair(): LanczosResult {
    const result = lanczos(this.objective.hessian(this.theta), this.u ?? this.objective.startVector, this.settings.lanczos);
    if (!Number.isFinite(result.estimate) || !result.vector) throw new CentralFlowError(`the top Hessian eigenpair is not finite at t = ${this.steps}`);
    return result;
  }
}

/**
 * lambda_2 of a symmetric operator, given its top pair (lambda_1, unit u): the top eigenvalue of the deflated
 * operator v -> A v - lambda_1 (u . v) u by Lanczos from `start` (max(lambda_2, 0) if A has no other positive eigenvalue).
 */
export function secondEigenvalue(apply: LinearOperator, top: { readonly value: number; readonly vector: Float64Array }, start: ArrayLike<number>, options?: LanczosOptions): LanczosResult {
  const { value, vector: u } = top;
  const deflated: LinearOperator = (v) => {
    const product = apply(v);
    const along = dot(u, v);
    for (let e = 0; e < product.length; e++) product[e] = product[e]! - value * along * u[e]!;
    return product;
  };
  return lanczos(deflated, start, options);
}

/** The flow cannot go on: its eigenpair or weights stopped being finite. */
export class CentralFlowError extends Error {
  constructor(message: string) {
    super(`central flow: ${message}; lower the learning rate or shorten the run`);
    this.name = 'CentralFlowError';
  }
}

function dot(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let sum = 0;
  for (let e = 0; e < u.length; e++) sum += u[e]! * v[e]!;
  return sum;
}
