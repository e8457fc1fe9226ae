/**
 * A device factory for the device-loss fault suite: the first device it hands out (and, on request, the first
 * one after it) is lost at a chosen moment of that device's own work, the way a driver reset would strike, so
 * the code under test runs unmodified. Every other request gets `replacement` (the shared test device, whose
 * pipelines are compiled already: recovery costs no recompilation on SwiftShader).
 *
 * A device is instrumented, not wrapped: its createBuffer and its queue's submit are replaced by counting
 * versions on the instance itself, so every GPU object the code makes is a real one of that device.
 */
import { requestGpu, type GpuContext } from '../../src/gpu/device';

/**
 * What a device is lost after: its n-th next buffer creation; its n-th next read-back, once the map is
 * pending (a read-back in progress, aborted); its n-th next queue submit (that work in flight).
 */
export type LossTrigger = 'buffer' | 'read-back' | 'submit';

export interface FaultyGpu {
  readonly requestGpu: () => Promise<GpuContext>;
  /** Devices handed out (fresh ones and the replacement each time). */
  readonly requests: number;
  /** Devices lost so far. */
  readonly losses: number;
  /** Loses the device under test right after its `count`-th next `trigger` (armed before the first request: counted from its creation). */
  loseAfter(trigger: LossTrigger, count?: number): void;
  /** Once the device under test is lost, the next request gets a fresh device under test, lost after its `count`-th `trigger`. */
  thenLoseNextAfter(trigger: LossTrigger, count?: number): void;
}

interface Arming {
  readonly trigger: LossTrigger;
  remaining: number;
}

export function faultyGpu(replacement: () => Promise<GpuContext>): FaultyGpu {
  let requests = 0;
  let losses = 0;
  /** The device under test, while it is live, and when it is lost. */
  let current: { gpu: GpuContext; arming?: Arming } | undefined;
  let next: Arming | undefined;
  let freshRequests = 0;
  const happened = (gpu: GpuContext, trigger: LossTrigger) => {
    const arming = current?.gpu === gpu ? current.arming : undefined;
    if (arming?.trigger !== trigger || --arming.remaining > 0) return;
    current!.arming = undefined;
    losses++;
    gpu.device.destroy();
  };
  return {
    get requests() {
      return requests;
    },
    get losses() {
      return losses;
    },
    loseAfter(trigger, count = 1) {
      if (current) current.arming = { trigger, remaining: count };
      else next = { trigger, remaining: count };
    },
    thenLoseNextAfter(trigger, count = 1) {
      next = { trigger, remaining: count };
    },
    requestGpu: async () => {
      requests++;
      // The first request, and the first after a loss when a next one is armed, get a device under test.
      const fresh = freshRequests === 0 || (next !== undefined && losses === freshRequests);
      if (!fresh) return replacement();
      freshRequests++;
      const gpu = await requestGpu();
      current = { gpu, ...(next ? { arming: next } : {}) };
      next = undefined;
      instrument(gpu.device, (trigger) => happened(gpu, trigger));
      return gpu;
    },
  };
}

/** Makes `device` report each buffer creation, each read-back's pending map and each submit to `happened`. */
function instrument(device: GPUDevice, happened: (trigger: LossTrigger) => void): void {
  const createBuffer = device.createBuffer.bind(device);
  device.createBuffer = (descriptor: GPUBufferDescriptor) => {
    const buffer = createBuffer(descriptor);
    if (descriptor.usage & GPUBufferUsage.MAP_READ) {
      const mapAsync = buffer.mapAsync.bind(buffer);
      buffer.mapAsync = (...args: Parameters<GPUBuffer['mapAsync']>) => {
        const mapped = mapAsync(...args);
        happened('read-back');
        return mapped;
      };
    }
    happened('buffer');
    return buffer;
  };
  // Some bindings make a new queue wrapper per access: pin one, instrumented, on the instance.
  const queue = device.queue;
  const submit = queue.submit.bind(queue);
  queue.submit = (commandBuffers: Iterable<GPUCommandBuffer>) => {
    submit(commandBuffers);
    happened('submit');
  };
  Object.defineProperty(device, 'queue', { value: queue });
}
