/**
 * Where an analysis runs its costly parts: 'float64' on the CPU (exact; the default) or 'gpu' (float32,
 * for sizes the CPU is slow at). A GPU is requested only when asked for and released when the work ends.
 */
import { requestGpu, type GpuContext } from '../../gpu/device';

export const ANALYSIS_BACKENDS = ['float64', 'gpu'] as const;
export type AnalysisBackend = (typeof ANALYSIS_BACKENDS)[number];

/** Runs `work` with a device for 'gpu' (none for 'float64'), then destroys the device. */
export async function withBackend<T>(backend: AnalysisBackend, work: (gpu: GpuContext | undefined) => Promise<T>, requestDevice: () => Promise<GpuContext> = requestGpu): Promise<T> {
  if (backend === 'float64') return work(undefined);
  const gpu = await requestDevice();
  try {
    return await work(gpu);
  } finally {
    gpu.device.destroy();
  }
}
