/**
 * The GPU Hessian on host arrays: upload the weights and data, run some work on a GpuHessian over
 * them (sharpness.ts), free everything; and the one-product helper built on it.
 */
import type { GpuContext } from '../gpu/device';
import type { TwoLayerWeights } from '../core/network';
import { checkCenteredNetworkArrays, uploadCenteredNetwork } from './host-inputs';
import type { GpuHessianConfig, HessianData } from './gpu-hessian-config';
import { GpuHessian, type ParamVector32 } from './sharpness';

/** The name host-array errors carry: the operator's (sharpness.ts). */
const NAME = 'sharpness';

/**
 * Uploads host weights and data, runs `work` on a GpuHessian over them, then frees everything.
 * Every array is checked (length, finiteness) before anything is allocated.
 */
export async function withGpuHessian<T>(
  gpu: GpuContext,
  config: GpuHessianConfig,
  weights: TwoLayerWeights,
  data: HessianData,
  work: (hessian: GpuHessian) => Promise<T>,
): Promise<T> {
  checkCenteredNetworkArrays(NAME, config, weights, data);
  const inputs = uploadCenteredNetwork(gpu, NAME, weights, data);
  let hessian: GpuHessian | undefined;
  try {
    hessian = await GpuHessian.create(gpu, config, { ...inputs, y: inputs.y! });
    return await work(hessian);
  } finally {
    hessian?.destroy();
    Object.values(inputs).forEach((buffer) => buffer.destroy());
  }
}

/** Hess L . v for host arrays (uploads, one HVP, reads back). */
export function hessianVectorProduct(gpu: GpuContext, config: GpuHessianConfig, weights: TwoLayerWeights, data: HessianData, v: ParamVector32): Promise<ParamVector32> {
  return withGpuHessian(gpu, config, weights, data, (hessian) => hessian.multiply(v));
}
