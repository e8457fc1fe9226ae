/**
 * What every optim wrapper takes, and its checks: a parameter tensor (OptimizerTensor), a rule
 * validated by zod, its hyperparameters and every count and scalar as the kernels will see them (u32
 * indices, float32 values). Each check throws a KernelArgumentError naming the argument.
 */
import { KernelArgumentError } from '../core/errors';
import { checkSize } from '../gpu/validate';
import { optimizerRuleSchema, updateRuleOf, type OptimizerRule, type OptimizerRuleInput, type StateName } from '../core/update-rules';

const UINT32_RANGE = 2 ** 32;

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

/** Per-tensor state buffers of a rule, by name (see stateNames). */
export type OptimizerStateBuffers = Partial<Record<StateName, GPUBuffer>>;

/** Validates a rule (zod, defaults filled in), naming the bad field as rule.<path>. */
export function checkOptimizerRule(kernel: string, rule: OptimizerRuleInput): OptimizerRule {
  const result = optimizerRuleSchema.safeParse(rule);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new KernelArgumentError(kernel, ['rule', ...issue.path.map(String)].join('.'), `is invalid: ${issue.message}`);
  }
  return result.data;
}

/** An element count the kernels can index: >= 1 and below 2^32. */
export function checkElementCount(kernel: string, elementCount: number): void {
  checkSize(kernel, 'elementCount', elementCount);
  if (elementCount >= UINT32_RANGE) {
    throw new KernelArgumentError(kernel, 'elementCount', `${elementCount} exceeds the u32 index range; split the tensor`);
  }
}

/** A number that must stay finite (and >= 0, or > 0) after rounding to float32. */
export function checkF32(kernel: string, argument: string, value: number, least: 'zero' | 'positive'): void {
  const rounded = Math.fround(value);
  const ok = Number.isFinite(value) && Number.isFinite(rounded) && (least === 'zero' ? rounded >= 0 : rounded > 0);
  if (!ok) throw new KernelArgumentError(kernel, argument, `must be ${least === 'zero' ? '>= 0' : '> 0'} and finite in float32, got ${value}`);
}

/** A tensor's element count and step scale (c_s >= 0, finite in float32). */
export function checkTensor(kernel: string, tensor: { elementCount: number; stepScale: number }): void {
  checkElementCount(kernel, tensor.elementCount);
  checkF32(kernel, 'stepScale', tensor.stepScale, 'zero');
}

/** The rule's epsilon, delta0^2 and SAM's rho, as the kernels will see them in float32. */
export function checkHyperparameters(kernel: string, rule: OptimizerRule): void {
  const base = updateRuleOf(rule);
  if (base.kind === 'adam' || base.kind === 'adagrad' || base.kind === 'normalized-gd') checkF32(kernel, 'rule.epsilon', base.epsilon, 'positive');
  if (base.kind === 'adanorm') checkF32(kernel, 'rule.delta0', base.delta0 ** 2, 'positive');
  if (rule.kind === 'sam') {
    checkF32(kernel, 'rule.rho', rule.rho, 'zero');
    checkF32(kernel, 'rule.epsilon', rule.epsilon, 'positive');
  }
}
