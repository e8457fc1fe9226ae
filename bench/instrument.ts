/**
 * Watches a GPUDevice during a bench: live and peak bytes of the buffers it creates (for the memory
 * line of issue 6, item 4) and every mapAsync (read-back), with the buffer's label, so the bench can
 * check that a training loop reads back nothing but its asynchronous loss staging (target 3).
 */
export interface DeviceWatch {
  liveBytes: number;
  peakBytes: number;
  /** Labels of the buffers mapped since the last reset. */
  readonly mapped: string[];
  resetPeak(): void;
  stop(): void;
}

export function watchDevice(device: GPUDevice): DeviceWatch {
  const original = device.createBuffer.bind(device);
  const watch: DeviceWatch = {
    liveBytes: 0,
    peakBytes: 0,
    mapped: [],
    resetPeak() {
      watch.peakBytes = watch.liveBytes;
      watch.mapped.length = 0;
    },
    stop() {
      device.createBuffer = original;
    },
  };
  device.createBuffer = (descriptor: GPUBufferDescriptor) => {
    const buffer = original(descriptor);
    const size = buffer.size;
    watch.liveBytes += size;
    watch.peakBytes = Math.max(watch.peakBytes, watch.liveBytes);
    const destroy = buffer.destroy.bind(buffer);
    let destroyed = false;
    buffer.destroy = () => {
      if (!destroyed) watch.liveBytes -= size;
      destroyed = true;
      destroy();
    };
    const mapAsync = buffer.mapAsync.bind(buffer);
    buffer.mapAsync = (mode: GPUMapModeFlags, offset?: number, length?: number) => {
      watch.mapped.push(buffer.label);
      return mapAsync(mode, offset, length);
    };
    return buffer;
  };
  return watch;
}
