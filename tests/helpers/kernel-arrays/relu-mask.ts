/** Array-in/array-out runs of the ReLU kernels (src/kernels/relu-mask.ts) for tests. */
import { createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/device';
import { runKernels } from '../../../src/gpu/kernel';
import { checkFinite, checkLength, checkSize } from '../../../src/gpu/validate';
import { bindReluBackward, bindReluForward } from '../../../src/kernels/relu-mask';

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
