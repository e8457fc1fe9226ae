/**
 * Wrapper for optimizer_update of shaders/optim.wgsl.ts: one bound kernel per tensor, and the params
 * packer a trainer needs to rewrite params per step (writeParams or a params table +
 * BoundKernel.copyParams). Every argument is checked before anything is created.
 * src/optim/gpu-optimizer.ts composes the optim wrappers into whole steps; the others are
 * ./optim-norms.ts, ./optim-sam.ts and ./optim-proximal.ts, allocation ./optim-buffers.ts.
 */
import { OPTIMIZER_SCALAR_SLOTS, OPTIMIZER_UPDATE_PARAMS, type UpdateKind } from '../../shaders/optim.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, type BoundKernel } from '../gpu/kernel';
import { checkBufferHolds } from '../gpu/validate';
import {
  biasCorrection,
  stateNames,
  updateNeedsGradientNorm,
  updateNeedsLoss,
  updateRuleOf,
  type BaseOptimizerRule,
  type OptimizerRule,
  type OptimizerRuleInput,
} from '../core/update-rules';
import { FAMILY, optimizerUpdateKernel } from './optim-kernels';
import { checkF32, checkHyperparameters, checkOptimizerRule, checkTensor, type OptimizerStateBuffers, type OptimizerTensor } from './optim-arguments';

/** What changes from step to step; pack with optimizerUpdateParams. */
export interface OptimizerStepInfo {
  /** Index of the step (steps taken before it); Adam's bias correction uses t = stepIndex + 1. */
  readonly stepIndex: number;
  /** lr of this step (a schedule's lr(stepIndex)). */
  readonly learningRate: number;
  /** Where this step's loss L sits in the losses buffer (normalized-gd by the loss only; default 0). */
  readonly lossSlot?: number;
}

/** Buffers shared by all tensors of one optimizer. */
export interface OptimizerSharedBuffers {
  /** The scalars buffer (createOptimizerScalars): needed by rules that use |u|_M. */
  readonly scalars?: GPUBuffer;
  /** f32 losses, L of step k at slot k (mean_loss's metrics buffer): needed by normalized-gd 'loss'. */
  readonly losses?: GPUBuffer;
}

/** The shader variant of a rule's update. */
export function updateKindOf(rule: BaseOptimizerRule): UpdateKind {
  if (rule.kind === 'normalized-gd') return rule.normalizer === 'loss' ? 'normalized-loss' : 'normalized-norm';
  return rule.kind;
}

/**
 * Uniform bytes of optimizer_update (OPTIMIZER_UPDATE_PARAMS) for one step. 1 - beta and 1 - beta^t are
 * computed in float64 and rounded once, so Adam at t = 1 gives m / (1 - beta1) = u to within one rounding.
 */
export function optimizerUpdateParams(rule: OptimizerRule, tensor: { elementCount: number; stepScale: number }, step: OptimizerStepInfo): ArrayBuffer {
  const base = updateRuleOf(rule);
  const t = step.stepIndex + 1;
  const beta1 = base.kind === 'adam' ? base.beta1 : base.kind === 'momentum' || base.kind === 'nesterov' ? base.beta : 0;
  const beta2 = base.kind === 'adam' ? base.beta2 : 0;
  const epsilon = base.kind === 'adam' || base.kind === 'adagrad' || base.kind === 'normalized-gd' ? base.epsilon : 0;
  return OPTIMIZER_UPDATE_PARAMS.pack({
    element_count: tensor.elementCount,
    loss_slot: step.lossSlot ?? 0,
    learning_rate: step.learningRate,
    step_scale: tensor.stepScale,
    beta1,
    one_minus_beta1: 1 - beta1,
    beta2,
    one_minus_beta2: 1 - beta2,
    epsilon,
    delta0_squared: base.kind === 'adanorm' ? base.delta0 ** 2 : 0,
    bias_correction1: base.kind === 'adam' ? biasCorrection(base.beta1, t) : 1,
    bias_correction2: base.kind === 'adam' ? biasCorrection(base.beta2, t) : 1,
  });
}

/** Checks the per-step values (before they are packed into params or a params table). */
export function checkStepInfo(kernel: string, rule: OptimizerRule, step: OptimizerStepInfo, losses?: GPUBuffer): void {
  if (!Number.isInteger(step.stepIndex) || step.stepIndex < 0) {
    throw new KernelArgumentError(kernel, 'step.stepIndex', `must be an integer >= 0, got ${step.stepIndex}`);
  }
  checkF32(kernel, 'step.learningRate', step.learningRate, 'zero');
  const slot = step.lossSlot ?? 0;
  if (!Number.isInteger(slot) || slot < 0) throw new KernelArgumentError(kernel, 'step.lossSlot', `must be an integer >= 0, got ${slot}`);
  if (losses && updateNeedsLoss(updateRuleOf(rule))) checkBufferHolds(kernel, 'losses', losses, slot + 1);
  const base = updateRuleOf(rule);
  if (base.kind === 'adam') {
    const t = step.stepIndex + 1;
    checkF32(kernel, 'step.stepIndex', biasCorrection(base.beta1, t), 'positive');
    checkF32(kernel, 'step.stepIndex', biasCorrection(base.beta2, t), 'positive');
  }
}

/** The buffers optimizer_update binds after param and grad, in binding order, for a rule. */
function updateExtraBuffers(kernel: string, rule: OptimizerRule, elementCount: number, state: OptimizerStateBuffers, shared: OptimizerSharedBuffers): GPUBuffer[] {
  const base = updateRuleOf(rule);
  const named: [string, GPUBuffer | undefined, number][] = [];
  for (const name of stateNames(base)) named.push([`state.${name}`, state[name], elementCount]);
  if (updateNeedsLoss(base)) named.push(['shared.losses', shared.losses, 1]);
  if (updateNeedsGradientNorm(base)) named.push(['shared.scalars', shared.scalars, OPTIMIZER_SCALAR_SLOTS.firstPartial]);
  return named.map(([argument, buffer, count]) => {
    if (!buffer) throw new KernelArgumentError(kernel, argument, `is required by the '${base.kind}' rule`);
    checkBufferHolds(kernel, argument, buffer, count);
    return buffer;
  });
}

/**
 * In place on one tensor: the rule's update (for 'sam', its base rule's, on the gradient taken at the
 * perturbed point). Bindings: param, grad, then by rule velocity | sumSquares | firstMoment, secondMoment
 * | losses | scalars. Rules using |u|_M need squared_norm for every tensor and norm_total (accumulate for
 * adanorm) encoded before; normalized-gd 'loss' needs this step's L in losses[step.lossSlot].
 */
export async function bindOptimizerUpdate(
  gpu: GpuContext,
  ruleInput: OptimizerRuleInput,
  tensor: OptimizerTensor,
  state: OptimizerStateBuffers,
  shared: OptimizerSharedBuffers,
  step: OptimizerStepInfo,
): Promise<BoundKernel> {
  const name = `${FAMILY}/optimizer_update`;
  const rule = checkOptimizerRule(name, ruleInput);
  checkHyperparameters(name, rule);
  checkTensor(name, tensor);
  checkStepInfo(name, rule, step, shared.losses);
  checkBufferHolds(name, 'param', tensor.param, tensor.elementCount);
  checkBufferHolds(name, 'grad', tensor.grad, tensor.elementCount);
  const extra = updateExtraBuffers(name, rule, tensor.elementCount, state, shared);
  return bindKernel(gpu, optimizerUpdateKernel, { kind: updateKindOf(updateRuleOf(rule)) }, {
    params: optimizerUpdateParams(rule, tensor, step),
    buffers: [tensor.param, tensor.grad, ...extra],
    workgroupCount: Math.ceil(tensor.elementCount / ELEMENTWISE_WORKGROUP_SIZE),
  });
}
