/** Wrappers for shaders/relu-mask.wgsl.ts: bound kernels on GPU buffers. */
import { RELU_MASK_PARAMS, reluBackwardSource, reluForwardSource, type ReluMaskVariant } from '../../shaders/relu-mask.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import type { GpuContext } from '../gpu/device';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkBufferHolds, checkSize } from '../gpu/validate';

const VARIANT: ReluMaskVariant = {};

export const reluForwardKernel: KernelSource<ReluMaskVariant> = {
  family: 'relu-mask',
  entryPoint: 'relu_forward',
  source: reluForwardSource,
  cacheKey: () => 'f32',
};

export const reluBackwardKernel: KernelSource<ReluMaskVariant> = {
  family: 'relu-mask',
  entryPoint: 'relu_backward',
  source: reluBackwardSource,
  cacheKey: () => 'f32',
};

function elementwiseCall(elementCount: number, buffers: GPUBuffer[]) {
  return {
    params: RELU_MASK_PARAMS.pack({ element_count: elementCount }),
    buffers,
    workgroupCount: Math.ceil(elementCount / ELEMENTWISE_WORKGROUP_SIZE),
  };
}

export interface ReluForwardBuffers {
  readonly preActivation: GPUBuffer;
  readonly activation: GPUBuffer;
  readonly mask: GPUBuffer;
}

/** activation = relu(preActivation), mask = 1[preActivation > 0], over `elementCount` floats. */
export function bindReluForward(gpu: GpuContext, elementCount: number, buffers: ReluForwardBuffers): Promise<BoundKernel> {
  const name = 'relu-mask/relu_forward';
  checkSize(name, 'elementCount', elementCount);
  for (const [argument, buffer] of Object.entries(buffers)) checkBufferHolds(name, argument, buffer, elementCount);
  return bindKernel(gpu, reluForwardKernel, VARIANT, elementwiseCall(elementCount, [buffers.preActivation, buffers.activation, buffers.mask]));
}

export interface ReluBackwardBuffers {
  readonly activationGrad: GPUBuffer;
  readonly mask: GPUBuffer;
  readonly preActivationGrad: GPUBuffer;
}

/** preActivationGrad = activationGrad * mask. */
export function bindReluBackward(gpu: GpuContext, elementCount: number, buffers: ReluBackwardBuffers): Promise<BoundKernel> {
  const name = 'relu-mask/relu_backward';
  checkSize(name, 'elementCount', elementCount);
  for (const [argument, buffer] of Object.entries(buffers)) checkBufferHolds(name, argument, buffer, elementCount);
  return bindKernel(gpu, reluBackwardKernel, VARIANT, elementwiseCall(elementCount, [buffers.activationGrad, buffers.mask, buffers.preActivationGrad]));
}
