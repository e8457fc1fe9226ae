/**
 * Wrappers for shaders/optim.wgsl.ts: one bound kernel per tensor and entry point, state and scalars
 * allocation, and the params packers a trainer needs to rewrite params per step (writeParams or a
 * params table + BoundKernel.copyParams). Every argument is checked before anything is created.
 * src/optim/gpu-optimizer.ts composes these into whole steps.
 */
import {
  NORM_TOTAL_PARAMS,
  OPTIMIZER_UPDATE_PARAMS,
  PROXIMAL_GRAD_PARAMS,
  SAM_PERTURB_PARAMS,
  SAM_RESTORE_PARAMS,
  SQUARED_NORM_PARAMS,
  normTotalSource,
  optimizerUpdateSource,
  OPTIMIZER_SCALAR_SLOTS,
  proximalGradSource,
  samPerturbSource,
  samRestoreSource,
  squaredNormSource,
  type OptimizerUpdateVariant,
  type OptimizerVariant,
  type UpdateKind,
} from '../../shaders/optim.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE, REDUCTION_WORKGROUP_SIZE } from '../../shaders/constants';
import { createStorageBuffer } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkBufferHolds, checkSize } from '../gpu/validate';
import {
  biasCorrection,
  optimizerRuleSchema,
  stateNames,
  updateNeedsGradientNorm,
  updateNeedsLoss,
  updateRuleOf,
  type BaseOptimizerRule,
  type OptimizerRule,
  type OptimizerRuleInput,
  type StateName,
} from '../core/update-rules';

const FAMILY = 'optim';
const VARIANT: OptimizerVariant = {};
const UINT32_RANGE = 2 ** 32;

function plainKernel(entryPoint: string, source: (variant: OptimizerVariant) => string): KernelSource<OptimizerVariant> {
  return { family: FAMILY, entryPoint, source, cacheKey: () => 'f32' };
}

export const squaredNormKernel = plainKernel('squared_norm', squaredNormSource);
export const normTotalKernel = plainKernel('norm_total', normTotalSource);
export const samPerturbKernel = plainKernel('sam_perturb', samPerturbSource);
export const samRestoreKernel = plainKernel('sam_restore', samRestoreSource);
export const proximalGradKernel = plainKernel('proximal_grad', proximalGradSource);
export const optimizerUpdateKernel: KernelSource<OptimizerUpdateVariant> = {
  family: FAMILY,
  entryPoint: 'optimizer_update',
  source: optimizerUpdateSource,
  cacheKey: (variant) => `f32-${variant.kind}`,
};

/** One parameter tensor of a model, as the optimizer sees it. */
export interface OptimizerTensor {
  /** theta_s, f32 [elementCount], updated in place. */
  readonly param: GPUBuffer;
  /** dL/dtheta_s, f32 [elementCount]. */
  readonly grad: GPUBuffer;
  readonly elementCount: number;
  /**
   * c_s: the step per unit learning rate, i.e. neuronStepSizes(rule with learningRate 1, m):
   * m for mean-field (particle time), 1 for ntk/standard, 0 for a frozen tensor (never written).
   */
  readonly stepScale: number;
}

/** What changes from step to step; pack with optimizerUpdateParams. */
export interface OptimizerStepInfo {
  /** Index of the step (steps taken before it); Adam's bias correction uses t = stepIndex + 1. */
  readonly stepIndex: number;
  /** lr of this step (a schedule's lr(stepIndex)). */
  readonly learningRate: number;
  /** Where this step's loss L sits in the losses buffer (normalized-gd by the loss only; default 0). */
  readonly lossSlot?: number;
}

/** Per-tensor state buffers of a rule, by name (see stateNames). */
export type OptimizerStateBuffers = Partial<Record<StateName, GPUBuffer>>;

/** Buffers shared by all tensors of one optimizer. */
export interface OptimizerSharedBuffers {
  /** The scalars buffer (createOptimizerScalars): needed by rules that use |u|_M. */
  readonly scalars?: GPUBuffer;
  /** f32 losses, L of step k at slot k (mean_loss's metrics buffer): needed by normalized-gd 'loss'. */
  readonly losses?: GPUBuffer;
}

/** Validates a rule (zod, defaults filled in), naming the bad field as rule.<path>. */
export function checkOptimizerRule(kernel: string, rule: OptimizerRuleInput): OptimizerRule {
  const result = optimizerRuleSchema.safeParse(rule);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new KernelArgumentError(kernel, ['rule', ...issue.path.map(String)].join('.'), `is invalid: ${issue.message}`);
  }
  return result.data;
}

/** The shader variant of a rule's update. */
export function updateKindOf(rule: BaseOptimizerRule): UpdateKind {
  if (rule.kind === 'normalized-gd') return rule.normalizer === 'loss' ? 'normalized-loss' : 'normalized-norm';
  return rule.kind;
}

function checkElementCount(kernel: string, elementCount: number): void {
  checkSize(kernel, 'elementCount', elementCount);
  if (elementCount >= UINT32_RANGE) {
    throw new KernelArgumentError(kernel, 'elementCount', `${elementCount} exceeds the u32 index range; split the tensor`);
  }
}

/** A number that must stay finite (and >= 0, or > 0) after rounding to float32. */
function checkF32(kernel: string, argument: string, value: number, least: 'zero' | 'positive'): void {
  const rounded = Math.fround(value);
  const ok = Number.isFinite(value) && Number.isFinite(rounded) && (least === 'zero' ? rounded >= 0 : rounded > 0);
  if (!ok) throw new KernelArgumentError(kernel, argument, `must be ${least === 'zero' ? '>= 0' : '> 0'} and finite in float32, got ${value}`);
}

function checkTensor(kernel: string, tensor: { elementCount: number; stepScale: number }): void {
  checkElementCount(kernel, tensor.elementCount);
  checkF32(kernel, 'stepScale', tensor.stepScale, 'zero');
}

// ---------------------------------------------------------------------------------------------
// Allocation

/** Partials squared_norm writes for a tensor of `elementCount` elements (one per workgroup). */
export function partialCountOf(elementCount: number): number {
  return Math.ceil(elementCount / REDUCTION_WORKGROUP_SIZE);
}

/** Where each tensor's partials sit in the scalars buffer, and the buffer's length in floats. */
export interface ScalarsLayout {
  readonly partialOffsets: readonly number[];
  readonly partialCount: number;
  readonly elementCount: number;
}

export function scalarsLayout(elementCounts: readonly number[]): ScalarsLayout {
  const partialOffsets: number[] = [];
  let next = OPTIMIZER_SCALAR_SLOTS.firstPartial;
  for (const count of elementCounts) {
    partialOffsets.push(next);
    next += partialCountOf(count);
  }
  return { partialOffsets, partialCount: next - OPTIMIZER_SCALAR_SLOTS.firstPartial, elementCount: next };
}

/** A zeroed scalars buffer for tensors of these sizes (slot 1, AdaNorm's running sum, starts at 0). */
export function createOptimizerScalars(gpu: GpuContext, elementCounts: readonly number[], label = `${FAMILY}/scalars`): { buffer: GPUBuffer; layout: ScalarsLayout } {
  elementCounts.forEach((count) => checkElementCount(`${FAMILY}/scalars`, count));
  const layout = scalarsLayout(elementCounts);
  return { buffer: createStorageBuffer(gpu, label, layout.elementCount * 4), layout };
}

/** Zeroed state buffers of `rule` for one tensor (momentum v, AdaGrad G, Adam m and v, SAM's saved theta). */
export function createOptimizerStateBuffers(gpu: GpuContext, ruleInput: OptimizerRuleInput, elementCount: number, label = FAMILY): OptimizerStateBuffers {
  const rule = checkOptimizerRule(`${FAMILY}/state`, ruleInput);
  checkElementCount(`${FAMILY}/state`, elementCount);
  const state: OptimizerStateBuffers = {};
  for (const name of stateNames(rule)) state[name] = createStorageBuffer(gpu, `${label}/${name}`, elementCount * 4);
  return state;
}

// ---------------------------------------------------------------------------------------------
// squared_norm, norm_total

/** Uniform bytes of squared_norm (SQUARED_NORM_PARAMS). */
export function squaredNormParams(tensor: { elementCount: number; stepScale: number }, partialOffset: number): ArrayBuffer {
  return SQUARED_NORM_PARAMS.pack({ element_count: tensor.elementCount, partial_offset: partialOffset, step_scale: tensor.stepScale });
}

/** scalars[partialOffset + k] = c_s sum over block k of g^2, k < partialCountOf(elementCount). Bindings: grad, scalars. */
export async function bindSquaredNorm(
  gpu: GpuContext,
  tensor: Pick<OptimizerTensor, 'grad' | 'elementCount' | 'stepScale'>,
  scalars: GPUBuffer,
  partialOffset: number,
): Promise<BoundKernel> {
  const name = `${FAMILY}/squared_norm`;
  checkTensor(name, tensor);
  if (!Number.isInteger(partialOffset) || partialOffset < OPTIMIZER_SCALAR_SLOTS.firstPartial) {
    throw new KernelArgumentError(name, 'partialOffset', `must be an integer >= ${OPTIMIZER_SCALAR_SLOTS.firstPartial}, got ${partialOffset}`);
  }
  const partials = partialCountOf(tensor.elementCount);
  checkBufferHolds(name, 'grad', tensor.grad, tensor.elementCount);
  checkBufferHolds(name, 'scalars', scalars, partialOffset + partials);
  return bindKernel(gpu, squaredNormKernel, VARIANT, {
    params: squaredNormParams(tensor, partialOffset),
    buffers: [tensor.grad, scalars],
    workgroupCount: partials,
  });
}

/** Uniform bytes of norm_total (NORM_TOTAL_PARAMS). */
export function normTotalParams(partialCount: number, accumulate: boolean): ArrayBuffer {
  return NORM_TOTAL_PARAMS.pack({ partial_count: partialCount, accumulate: accumulate ? 1 : 0 });
}

/** scalars[0] = sum of the partialCount partials; with `accumulate`, scalars[1] += scalars[0]. Binding: scalars. */
export async function bindNormTotal(gpu: GpuContext, scalars: GPUBuffer, partialCount: number, accumulate: boolean): Promise<BoundKernel> {
  const name = `${FAMILY}/norm_total`;
  checkSize(name, 'partialCount', partialCount);
  checkBufferHolds(name, 'scalars', scalars, OPTIMIZER_SCALAR_SLOTS.firstPartial + partialCount);
  return bindKernel(gpu, normTotalKernel, VARIANT, { params: normTotalParams(partialCount, accumulate), buffers: [scalars], workgroupCount: 1 });
}

// ---------------------------------------------------------------------------------------------
// optimizer_update

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

function checkHyperparameters(kernel: string, rule: OptimizerRule): void {
  const base = updateRuleOf(rule);
  if (base.kind === 'adam' || base.kind === 'adagrad' || base.kind === 'normalized-gd') checkF32(kernel, 'rule.epsilon', base.epsilon, 'positive');
  if (base.kind === 'adanorm') checkF32(kernel, 'rule.delta0', base.delta0 ** 2, 'positive');
  if (rule.kind === 'sam') {
    checkF32(kernel, 'rule.rho', rule.rho, 'zero');
    checkF32(kernel, 'rule.epsilon', rule.epsilon, 'positive');
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

// ---------------------------------------------------------------------------------------------
// sam_perturb, sam_restore

/** Uniform bytes of sam_perturb (SAM_PERTURB_PARAMS). */
export function samPerturbParams(rule: Extract<OptimizerRule, { kind: 'sam' }>, tensor: { elementCount: number; stepScale: number }): ArrayBuffer {
  return SAM_PERTURB_PARAMS.pack({ element_count: tensor.elementCount, step_scale: tensor.stepScale, rho: rule.rho, epsilon: rule.epsilon });
}

/**
 * saved = theta; theta += rho u / max(|u|_M, epsilon) with |u|_M^2 = scalars[0] (squared_norm for every
 * tensor and norm_total without accumulate encoded before). Bindings: param, grad, saved, scalars.
 */
export async function bindSamPerturb(gpu: GpuContext, ruleInput: OptimizerRuleInput, tensor: OptimizerTensor, saved: GPUBuffer, scalars: GPUBuffer): Promise<BoundKernel> {
  const name = `${FAMILY}/sam_perturb`;
  const rule = checkOptimizerRule(name, ruleInput);
  if (rule.kind !== 'sam') throw new KernelArgumentError(name, 'rule.kind', `is '${rule.kind}'; sam_perturb belongs to the 'sam' rule`);
  checkHyperparameters(name, rule);
  checkTensor(name, tensor);
  checkBufferHolds(name, 'param', tensor.param, tensor.elementCount);
  checkBufferHolds(name, 'grad', tensor.grad, tensor.elementCount);
  checkBufferHolds(name, 'saved', saved, tensor.elementCount);
  checkBufferHolds(name, 'scalars', scalars, OPTIMIZER_SCALAR_SLOTS.firstPartial);
  return bindKernel(gpu, samPerturbKernel, VARIANT, {
    params: samPerturbParams(rule, tensor),
    buffers: [tensor.param, tensor.grad, saved, scalars],
    workgroupCount: Math.ceil(tensor.elementCount / ELEMENTWISE_WORKGROUP_SIZE),
  });
}

/** theta = saved (bit-exact). Bindings: param, saved. */
export async function bindSamRestore(gpu: GpuContext, tensor: Pick<OptimizerTensor, 'param' | 'elementCount'>, saved: GPUBuffer): Promise<BoundKernel> {
  const name = `${FAMILY}/sam_restore`;
  checkElementCount(name, tensor.elementCount);
  checkBufferHolds(name, 'param', tensor.param, tensor.elementCount);
  checkBufferHolds(name, 'saved', saved, tensor.elementCount);
  return bindKernel(gpu, samRestoreKernel, VARIANT, {
    params: SAM_RESTORE_PARAMS.pack({ element_count: tensor.elementCount }),
    buffers: [tensor.param, saved],
    workgroupCount: Math.ceil(tensor.elementCount / ELEMENTWISE_WORKGROUP_SIZE),
  });
}

// ---------------------------------------------------------------------------------------------
// proximal_grad

/** 1 / (tau c_s) in float64 (0 for a frozen tensor): the weight of (theta - anchor) in the JKO gradient. */
export function proximalCoefficient(tau: number, stepScale: number): number {
  return stepScale === 0 ? 0 : 1 / (tau * stepScale);
}

/** Uniform bytes of proximal_grad (PROXIMAL_GRAD_PARAMS); rewrite with writeParams to change tau. */
export function proximalGradParams(tensor: { elementCount: number; stepScale: number }, tau: number): ArrayBuffer {
  return PROXIMAL_GRAD_PARAMS.pack({ element_count: tensor.elementCount, coefficient: proximalCoefficient(tau, tensor.stepScale) });
}

/** grad += (theta - anchor) / (tau c_s), in place (JKO inner step; see proximalGradSource). Bindings: param, anchor, grad. */
export async function bindProximalGrad(gpu: GpuContext, tensor: OptimizerTensor, anchor: GPUBuffer, tau: number): Promise<BoundKernel> {
  const name = `${FAMILY}/proximal_grad`;
  checkTensor(name, tensor);
  checkF32(name, 'tau', tau, 'positive');
  checkF32(name, 'tau', proximalCoefficient(tau, tensor.stepScale), 'zero');
  checkBufferHolds(name, 'param', tensor.param, tensor.elementCount);
  checkBufferHolds(name, 'anchor', anchor, tensor.elementCount);
  checkBufferHolds(name, 'grad', tensor.grad, tensor.elementCount);
  return bindKernel(gpu, proximalGradKernel, VARIANT, {
    params: proximalGradParams(tensor, tau),
    buffers: [tensor.param, anchor, tensor.grad],
    workgroupCount: Math.ceil(tensor.elementCount / ELEMENTWISE_WORKGROUP_SIZE),
  });
}
