/**
 * The energy-dissipation identity of mean-field training (docs/science.md section 1): in particle time the
 * velocities are v_j = m grad_{theta_j} L and dL/dt = -(1/m) sum_j |v_j|^2. One explicit step
 * theta_j <- theta_j - lr v_j then changes the loss by
 *   L_{t+1} - L_t = -lr (1/m) sum_j |v_j|^2 + O(lr^2),
 * so the residual (L_{t+1} - L_t) + lr (1/m) sum_j |v_j|^2, relative to lr (1/m) sum_j |v_j|^2, is O(lr):
 * halving lr halves it. Pure functions on losses and gradient norms.
 */
import type { TrainableParts } from '../core/conventions';

/** dL/da [m], dL/dW [m x d], dL/db [m] (when present): the gradient of L in each neuron's parameters. */
export interface NeuronGradients {
  readonly gradA: ArrayLike<number>;
  readonly gradW: ArrayLike<number>;
  readonly gradB?: ArrayLike<number>;
}

function sumOfSquares(values: ArrayLike<number> | undefined): number {
  let sum = 0;
  if (values) for (let k = 0; k < values.length; k++) sum += values[k]! ** 2;
  return sum;
}

/**
 * (1/m) sum_j |v_j|^2 with v_j = m grad_{theta_j} L, i.e. m |grad L|^2, over the parts that move:
 * 'first' counts W and b, 'second' counts a, 'both' all (trainable parts of docs/science.md section 0).
 */
export function meanSquaredVelocity(gradients: NeuronGradients, width: number, trainable: TrainableParts = 'both'): number {
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`meanSquaredVelocity: width must be a positive integer, got ${width}`);
  const first = trainable === 'second' ? 0 : sumOfSquares(gradients.gradW) + sumOfSquares(gradients.gradB);
  const second = trainable === 'first' ? 0 : sumOfSquares(gradients.gradA);
  return width * (first + second);
}

export interface EnergyDissipationInput {
  /** L_t, before the step. */
  readonly lossBefore: number;
  /** L_{t+1}, after theta_j <- theta_j - lr v_j. */
  readonly lossAfter: number;
  /** lr in particle time (the mean-field learning rate of docs/science.md section 0). */
  readonly learningRate: number;
  /** (1/m) sum_j |v_j|^2 at theta_t (see meanSquaredVelocity). */
  readonly meanSquaredVelocity: number;
}

export interface EnergyDissipation {
  /** lr (1/m) sum_j |v_j|^2: the first-order loss decrease. */
  readonly predictedDecrease: number;
  /** (L_{t+1} - L_t) + predictedDecrease. */
  readonly residual: number;
  /** residual / predictedDecrease (NaN when nothing is predicted to move, i.e. at a critical point). */
  readonly relativeResidual: number;
}

/** The residual of the discrete energy-dissipation identity for one step. */
export function energyDissipationResidual(input: EnergyDissipationInput): EnergyDissipation {
  for (const [name, value] of Object.entries(input)) {
    if (!Number.isFinite(value)) throw new RangeError(`energyDissipationResidual: ${name} must be finite, got ${value}`);
  }
  if (input.learningRate <= 0 || input.meanSquaredVelocity < 0) {
    throw new RangeError(`energyDissipationResidual: need learningRate > 0 and meanSquaredVelocity >= 0, got ${input.learningRate} and ${input.meanSquaredVelocity}`);
  }
  const predictedDecrease = input.learningRate * input.meanSquaredVelocity;
  const residual = input.lossAfter - input.lossBefore + predictedDecrease;
  return { predictedDecrease, residual, relativeResidual: predictedDecrease > 0 ? residual / predictedDecrease : NaN };
}

/** The optimizer settings that decide whether the identity can be checked step by step. */
export interface EnergyIdentityRun {
  readonly optimizer: { readonly rule: { readonly kind: string }; readonly schedule?: unknown; readonly jko?: unknown; readonly batchSize?: number | undefined };
  readonly online: boolean;
}

/**
 * Why a run's step losses cannot give the residual, naming the config field and its value; undefined for
 * plain full-batch GD at a constant rate. The identity compares L_{t+1} - L_t with -lr (1/m) sum_j |v_j|^2
 * of one plain step: a minibatch (SGD) or fresh samples make the step losses minibatch losses, momentum,
 * adaptive rules and JKO steps move theta otherwise than -lr v, and a schedule changes lr between steps.
 */
export function energyIdentityProblem(run: EnergyIdentityRun): string | undefined {
  const { rule, schedule, jko, batchSize } = run.optimizer;
  if (batchSize !== undefined) return `optimizer.batchSize is ${batchSize} (minibatch SGD: the step losses are minibatch losses)`;
  if (run.online) return 'online is true (every step trains on fresh samples)';
  if (rule.kind !== 'gd') return `optimizer.rule is '${rule.kind}' (its steps are not theta - lr v)`;
  if (jko !== undefined) return 'optimizer.jko is set (implicit steps)';
  if (schedule !== undefined) return 'optimizer.schedule is set (leave it out for the constant rate optimizer.learningRate)';
  return undefined;
}
