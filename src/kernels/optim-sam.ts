/**
 * Wrappers for sam_perturb and sam_restore of shaders/optim.wgsl.ts: SAM's step to the perturbed
 * point theta + rho u / |u|_M, and the bit-exact return to the saved theta.
 */
import { OPTIMIZER_SCALAR_SLOTS, SAM_PERTURB_PARAMS, SAM_RESTORE_PARAMS } from '../../shaders/optim.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, type BoundKernel } from '../gpu/kernel';
import { checkBufferHolds } from '../gpu/validate';
import type { OptimizerRule, OptimizerRuleInput } from '../core/update-rules';
import { FAMILY, VARIANT, samPerturbKernel, samRestoreKernel } from './optim-kernels';
import { checkElementCount, checkHyperparameters, checkOptimizerRule, checkTensor, type OptimizerTensor } from './optim-arguments';

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
