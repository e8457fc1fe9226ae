/**
 * The test device. It never skips: without an adapter `getTestGpu` throws and every GPU test
 * fails, so a CI machine that lost WebGPU shows red instead of a green run that tested nothing.
 */
import { requestGpu, withErrorScope, type GpuContext } from '../../src/gpu/device';

let shared: Promise<GpuContext> | undefined;

export function getTestGpu(): Promise<GpuContext> {
  shared ??= requestGpu().then((gpu) => {
    console.info(`gradflow tests on ${gpu.runtime}: ${gpu.adapterDescription}`);
    return gpu;
  });
  return shared;
}

/** Runs GPU work and fails the test on any validation or out-of-memory error it raised. */
export async function onGpu<T>(label: string, work: (gpu: GpuContext) => Promise<T>): Promise<T> {
  const gpu = await getTestGpu();
  return withErrorScope(gpu.device, label, () => work(gpu));
}
