/**
 * Wrappers for squared_norm and norm_total of shaders/optim.wgsl.ts: the rule's gradient norm |u|_M
 * as per-workgroup partials of every tensor, then their total in scalars[0] (and AdaNorm's running sum).
 */
import { NORM_TOTAL_PARAMS, OPTIMIZER_SCALAR_SLOTS, SQUARED_NORM_PARAMS } from '../../shaders/optim.wgsl';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, type BoundKernel } from '../gpu/kernel';
import { checkBufferHolds, checkSize } from '../gpu/validate';
import { VARIANT, FAMILY, normTotalKernel, squaredNormKernel } from './optim-kernels';
import { checkTensor, type OptimizerTensor } from './optim-arguments';
import { partialCountOf } from './optim-buffers';

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
