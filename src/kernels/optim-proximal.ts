/**
 * Wrapper for proximal_grad of shaders/optim.wgsl.ts: the JKO inner step's extra gradient
 * (theta - anchor) / (tau c_s), and the coefficient it packs.
 */
import { PROXIMAL_GRAD_PARAMS } from '../../shaders/optim.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import type { GpuContext } from '../gpu/device';
import { bindKernel, type BoundKernel } from '../gpu/kernel';
import { checkBufferHolds } from '../gpu/validate';
import { FAMILY, VARIANT, proximalGradKernel } from './optim-kernels';
import { checkF32, checkTensor, type OptimizerTensor } from './optim-arguments';

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
