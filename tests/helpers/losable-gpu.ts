/**
 * A device factory for device-loss tests: every request gets a fresh device (as the runner's recovery does),
 * and `loseFirst()` destroys the first one once, the way a driver reset would.
 */
import { requestGpu, type GpuContext } from '../../src/gpu/device';

export interface LosableGpu {
  /** Every device handed out, in order. */
  readonly devices: GpuContext[];
  readonly requestGpu: () => Promise<GpuContext>;
  /** Destroys the first device, the first time only; true when it did. */
  loseFirst(): boolean;
  /** Frees the devices made after the lost one. */
  destroyRest(): void;
}

export function losableGpu(): LosableGpu {
  const devices: GpuContext[] = [];
  let lost = false;
  return {
    devices,
    requestGpu: async () => {
      const gpu = await requestGpu();
      devices.push(gpu);
      return gpu;
    },
    loseFirst() {
      if (lost || devices.length === 0) return false;
      lost = true;
      devices[0]!.device.destroy();
      return true;
    },
    destroyRest() {
      for (const gpu of devices.slice(1)) gpu.device.destroy();
    },
  };
}
