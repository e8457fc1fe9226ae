/** Wrappers for shaders/relu-mask.wgsl.ts: bound kernels on GPU buffers, and array-in/array-out helpers. */
import { reluBackwardSource, reluForwardSource, type ReluMaskVariant } from '../../shaders/relu-mask.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { createStorageBuffer, readFloat32 } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { bindKernel, runKernels, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { packParams } from '../gpu/params';
import { checkBufferHolds, checkFinite, checkLength, checkSize } from '../gpu/validate';

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
    params: packParams([['u32', elementCount]]),
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

/** Uploads `preActivation`, runs relu_forward, reads back activation and mask. */
export async function reluForward(gpu: GpuContext, preActivation: Float32Array): Promise<{ activation: Float32Array; mask: Float32Array }> {
  const name = 'relu-mask/relu_forward';
  checkSize(name, 'preActivation.length', preActivation.length);
  checkFinite(name, 'preActivation', preActivation);
  const n = preActivation.length;
  const buffers = {
    preActivation: createStorageBuffer(gpu, `${name}/preActivation`, preActivation),
    activation: createStorageBuffer(gpu, `${name}/activation`, n * 4),
    mask: createStorageBuffer(gpu, `${name}/mask`, n * 4),
  };
  const kernel = await bindReluForward(gpu, n, buffers);
  await runKernels(gpu, name, [kernel]);
  const [activation, mask] = await Promise.all([readFloat32(gpu, buffers.activation, n), readFloat32(gpu, buffers.mask, n)]);
  kernel.destroy();
  Object.values(buffers).forEach((b) => b.destroy());
  return { activation, mask };
}

/** Uploads the gradient and mask, runs relu_backward, reads back the pre-activation gradient. */
export async function reluBackward(gpu: GpuContext, activationGrad: Float32Array, mask: Float32Array): Promise<Float32Array> {
  const name = 'relu-mask/relu_backward';
  const n = activationGrad.length;
  checkSize(name, 'activationGrad.length', n);
  checkLength(name, 'mask', mask, n, `[${n}]`);
  checkFinite(name, 'activationGrad', activationGrad);
  checkFinite(name, 'mask', mask);
  const buffers = {
    activationGrad: createStorageBuffer(gpu, `${name}/activationGrad`, activationGrad),
    mask: createStorageBuffer(gpu, `${name}/mask`, mask),
    preActivationGrad: createStorageBuffer(gpu, `${name}/preActivationGrad`, n * 4),
  };
  const kernel = await bindReluBackward(gpu, n, buffers);
  await runKernels(gpu, name, [kernel]);
  const result = await readFloat32(gpu, buffers.preActivationGrad, n);
  kernel.destroy();
  Object.values(buffers).forEach((b) => b.destroy());
  return result;
}
