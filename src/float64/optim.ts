/**
 * float64 twins of the optimizer kernels (shaders/optim.wgsl.ts), written for clarity: the same rules
 * on a list of tensors, in place, with the units of src/core/update-rules.ts (u_s = c_s g_s, |u|_M^2 =
 * sum_s c_s |g_s|^2, frozen tensors with c_s = 0 untouched), plus SAM and the JKO (proximal) step.
 * The per-element formulas are the shared ones of ./update-rules.ts.
 */
import {
  biasCorrection,
  optimizerRuleSchema,
  stateNames,
  updateRuleOf,
  type OptimizerRule,
  type OptimizerRuleInput,
  type StateName,
} from '../core/update-rules';
import {
  accumulateSquare,
  adagradDirection,
  adamDirection,
  adaptiveNorm,
  descentStep,
  heavyBall,
  movingAverage,
  movingAverageOfSquare,
  nesterovDirection,
  normalizedDirection,
} from './update-rules';

/** Per-tensor state arrays by name, and AdaGrad-Norm's running sum of |u|_M^2. */
export interface Float64OptimizerState {
  readonly perTensor: Partial<Record<StateName, Float64Array[]>>;
  gradientNormSquaredSum: number;
}

/** What changes from step to step. */
export interface Float64StepInfo {
  /** Steps taken before this one; Adam's t = stepIndex + 1. */
  readonly stepIndex: number;
  readonly learningRate: number;
  /** L at the current parameters: required by normalized-gd with normalizer 'loss'. */
  readonly loss?: number;
}

/** Gradients (and optionally the loss) at given parameters: any model. */
export type GradientFunction = (params: readonly Float64Array[]) => { grads: ArrayLike<number>[]; loss?: number };

export function createOptimizerState(ruleInput: OptimizerRuleInput, tensorLengths: readonly number[]): Float64OptimizerState {
  const rule = optimizerRuleSchema.parse(ruleInput);
  const perTensor: Partial<Record<StateName, Float64Array[]>> = {};
  for (const name of stateNames(rule)) perTensor[name] = tensorLengths.map((length) => new Float64Array(length));
  return { perTensor, gradientNormSquaredSum: 0 };
}

/** |u|_M^2 = sum_s c_s |g_s|^2: the squared gradient norm in the update's own metric. */
export function gradientNormSquared(grads: readonly ArrayLike<number>[], stepScales: readonly number[]): number {
  let total = 0;
  grads.forEach((grad, s) => {
    if (stepScales[s] === 0) return;
    let sum = 0;
    for (let i = 0; i < grad.length; i++) sum += grad[i]! * grad[i]!;
    total += stepScales[s]! * sum;
  });
  return total;
}

function checkShapes(params: readonly Float64Array[], grads: readonly ArrayLike<number>[], stepScales: readonly number[]): void {
  if (grads.length !== params.length || stepScales.length !== params.length) {
    throw new RangeError(`optim reference: ${params.length} tensors but ${grads.length} gradients and ${stepScales.length} step scales`);
  }
  params.forEach((param, s) => {
    if (grads[s]!.length !== param.length) throw new RangeError(`optim reference: gradient ${s} has ${grads[s]!.length} elements, tensor has ${param.length}`);
  });
}

/**
 * One update, in place on params and state (for 'sam': its base rule's update; grads must then be the
 * gradient at the perturbed point, see samStep). theta_s <- theta_s - lr direction_s(u_s).
 */
export function optimizerStep(
  ruleInput: OptimizerRuleInput,
  params: Float64Array[],
  grads: readonly ArrayLike<number>[],
  stepScales: readonly number[],
  state: Float64OptimizerState,
  step: Float64StepInfo,
): void {
  checkShapes(params, grads, stepScales);
  const rule = updateRuleOf(optimizerRuleSchema.parse(ruleInput));
  const lr = step.learningRate;
  const t = step.stepIndex + 1;
  const normSquared = gradientNormSquared(grads, stepScales);
  if (rule.kind === 'adanorm') state.gradientNormSquaredSum += normSquared;
  if (rule.kind === 'normalized-gd' && rule.normalizer === 'loss' && step.loss === undefined) {
    throw new RangeError("optim reference: normalized-gd with normalizer 'loss' needs step.loss");
  }

  params.forEach((theta, s) => {
    const c = stepScales[s]!;
    if (c === 0) return;
    const g = grads[s]!;
    for (let i = 0; i < theta.length; i++) {
      const u = c * g[i]!;
      let direction: number;
      switch (rule.kind) {
        case 'gd':
          direction = u;
          break;
        case 'momentum':
        case 'nesterov': {
          const velocity = state.perTensor.velocity![s]!;
          velocity[i] = heavyBall(rule.beta, velocity[i]!, u);
          direction = rule.kind === 'momentum' ? velocity[i]! : nesterovDirection(u, rule.beta, velocity[i]!);
          break;
        }
        case 'normalized-gd': {
          const normalizer = rule.normalizer === 'loss' ? step.loss! : Math.sqrt(normSquared);
          direction = normalizedDirection(u, normalizer, rule.epsilon);
          break;
        }
        case 'adagrad': {
          const sumSquares = state.perTensor.sumSquares![s]!;
          sumSquares[i] = accumulateSquare(sumSquares[i]!, u);
          direction = adagradDirection(u, sumSquares[i]!, rule.epsilon);
          break;
        }
        case 'adanorm':
          direction = u / adaptiveNorm(rule.delta0 ** 2, state.gradientNormSquaredSum);
          break;
        case 'adam': {
          const m = state.perTensor.firstMoment![s]!;
          const v = state.perTensor.secondMoment![s]!;
          m[i] = movingAverage(rule.beta1, 1 - rule.beta1, m[i]!, u);
          v[i] = movingAverageOfSquare(rule.beta2, 1 - rule.beta2, v[i]!, u);
          direction = adamDirection(m[i]!, v[i]!, biasCorrection(rule.beta1, t), biasCorrection(rule.beta2, t), rule.epsilon);
          break;
        }
      }
      theta[i] = descentStep(theta[i]!, lr, direction);
    }
  });
}

function samRule(ruleInput: OptimizerRuleInput): Extract<OptimizerRule, { kind: 'sam' }> {
  const rule = optimizerRuleSchema.parse(ruleInput);
  if (rule.kind !== 'sam') throw new RangeError(`optim reference: rule '${rule.kind}' is not 'sam'`);
  return rule;
}

/** saved = theta; theta <- theta + rho u / max(|u|_M, epsilon), in place (frozen tensors saved, not moved). */
export function samPerturb(
  ruleInput: OptimizerRuleInput,
  params: Float64Array[],
  grads: readonly ArrayLike<number>[],
  stepScales: readonly number[],
  state: Float64OptimizerState,
): void {
  checkShapes(params, grads, stepScales);
  const rule = samRule(ruleInput);
  const norm = Math.max(Math.sqrt(gradientNormSquared(grads, stepScales)), rule.epsilon);
  params.forEach((theta, s) => {
    state.perTensor.saved![s]!.set(theta);
    const c = stepScales[s]!;
    if (c === 0) return;
    for (let i = 0; i < theta.length; i++) theta[i] = theta[i]! + (rule.rho * c * grads[s]![i]!) / norm;
  });
}

/** theta = saved, in place. */
export function samRestore(params: Float64Array[], state: Float64OptimizerState): void {
  params.forEach((theta, s) => theta.set(state.perTensor.saved![s]!));
}

/** One whole SAM step: gradient at theta, perturb, gradient there, restore, base update at theta. */
export function samStep(
  ruleInput: OptimizerRuleInput,
  params: Float64Array[],
  gradientAt: GradientFunction,
  stepScales: readonly number[],
  state: Float64OptimizerState,
  step: Omit<Float64StepInfo, 'loss'>,
): void {
  samPerturb(ruleInput, params, gradientAt(params).grads, stepScales, state);
  const atPerturbed = gradientAt(params);
  samRestore(params, state);
  optimizerStep(ruleInput, params, atPerturbed.grads, stepScales, state, { ...step, ...(atPerturbed.loss !== undefined ? { loss: atPerturbed.loss } : {}) });
}

/**
 * The Euclidean gradient of the JKO objective L(theta) + (1 / (2 tau)) |theta - anchor|_M^2:
 * g_s + (theta_s - anchor_s) / (tau c_s), with |x|_M^2 = sum_s |x_s|^2 / c_s (for mean-field c_s = m
 * this is (1/m) sum_j |theta_j - theta_j^k|^2, docs/science.md section 1). Frozen tensors keep g_s.
 */
export function proximalGradient(
  grads: readonly ArrayLike<number>[],
  params: readonly Float64Array[],
  anchor: readonly Float64Array[],
  stepScales: readonly number[],
  tau: number,
): Float64Array[] {
  return grads.map((grad, s) => {
    const out = Float64Array.from(grad);
    const c = stepScales[s]!;
    if (c === 0) return out;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + (params[s]![i]! - anchor[s]![i]!) / (tau * c);
    return out;
  });
}

export interface JkoOptions {
  /** tau: the outer (implicit) step, in the units of lr (particle time for mean-field). */
  readonly tau: number;
  /** Inner gradient steps (at most). */
  readonly innerSteps: number;
  /** eta: inner GD rate; contracts when eta < 2 / (lambda_max(c H) + 1 / tau). */
  readonly innerLearningRate: number;
  /** Stop early once |u_prox|_M <= this (default 0: run every inner step). */
  readonly tolerance?: number;
}

/**
 * One JKO (minimizing-movement) step from `params`: argmin L(theta) + (1/(2 tau)) |theta - params|_M^2 by
 * inner GD, theta <- theta - eta c_s (g_s + (theta_s - anchor_s) / (tau c_s)), started at the anchor.
 * Returns the new parameters (the input is not changed), the inner steps taken and the final |u_prox|_M.
 */
export function jkoStep(
  gradientAt: GradientFunction,
  params: readonly Float64Array[],
  stepScales: readonly number[],
  options: JkoOptions,
): { params: Float64Array[]; innerSteps: number; proximalGradNorm: number } {
  const { tau, innerSteps, innerLearningRate } = options;
  if (!(tau > 0) || !(innerLearningRate > 0) || !Number.isInteger(innerSteps) || innerSteps < 1) {
    throw new RangeError(`jkoStep: need tau > 0, innerLearningRate > 0 and an integer innerSteps >= 1; got ${tau}, ${innerLearningRate}, ${innerSteps}`);
  }
  const anchor = params.map((theta) => Float64Array.from(theta));
  const theta = params.map((p) => Float64Array.from(p));
  const state = createOptimizerState({ kind: 'gd' }, theta.map((p) => p.length));
  let proximalGradNorm = Infinity;
  for (let k = 0; k < innerSteps; k++) {
    const prox = proximalGradient(gradientAt(theta).grads, theta, anchor, stepScales, tau);
    proximalGradNorm = Math.sqrt(gradientNormSquared(prox, stepScales));
    if (proximalGradNorm <= (options.tolerance ?? 0)) return { params: theta, innerSteps: k, proximalGradNorm };
    optimizerStep({ kind: 'gd' }, theta, prox, stepScales, state, { stepIndex: k, learningRate: innerLearningRate });
  }
  return { params: theta, innerSteps, proximalGradNorm };
}
