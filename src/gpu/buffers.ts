/** Small helpers to create, fill and read back GPU buffers. */
import type { GpuContext } from './device';
import { KernelArgumentError } from '../core/errors';

export const STORAGE_USAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** WebGPU buffer sizes must be multiples of 4 bytes; zero-sized bindings are invalid, so keep at least 4. */
export function paddedByteLength(byteLength: number): number {
  return Math.max(4, Math.ceil(byteLength / 4) * 4);
}

/** A storage buffer of `byteLength` bytes, optionally filled with `data`. */
export function createStorageBuffer(
  gpu: GpuContext,
  label: string,
  contents: number | ArrayBufferView,
  extraUsage = 0,
): GPUBuffer {
  const byteLength = typeof contents === 'number' ? contents : contents.byteLength;
  checkBufferSize(gpu, label, byteLength);
  const buffer = gpu.device.createBuffer({
    label,
    size: paddedByteLength(byteLength),
    usage: STORAGE_USAGE() | extraUsage,
    mappedAtCreation: typeof contents !== 'number',
  });
  if (typeof contents !== 'number') {
    new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(contents.buffer, contents.byteOffset, contents.byteLength));
    buffer.unmap();
  }
  return buffer;
}

/** A uniform buffer holding `params` (padded to 16 bytes as uniform bindings want). */
export function createUniformBuffer(gpu: GpuContext, label: string, params: ArrayBuffer): GPUBuffer {
  const buffer = gpu.device.createBuffer({
    label,
    size: Math.max(16, Math.ceil(params.byteLength / 16) * 16),
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    mappedAtCreation: true,
  });
  new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(params));
  buffer.unmap();
  return buffer;
}

/** Throws before any allocation when `byteLength` exceeds what one storage binding can hold. */
export function checkBufferSize(gpu: GpuContext, argument: string, byteLength: number, kernel = 'buffer'): void {
  const limit = Math.min(gpu.device.limits.maxStorageBufferBindingSize, gpu.device.limits.maxBufferSize);
  if (byteLength > limit) {
    throw new KernelArgumentError(
      kernel,
      argument,
      `needs ${byteLength} bytes, over this device's storage binding limit of ${limit} bytes; use smaller shapes or split the batch`,
    );
  }
}

/** Copies `byteLength` bytes of `source` into a fresh mappable buffer and returns them. */
export async function readBuffer(gpu: GpuContext, source: GPUBuffer, byteLength = source.size): Promise<ArrayBuffer> {
  const { device } = gpu;
  const size = paddedByteLength(byteLength);
  const staging = device.createBuffer({ label: `${source.label}/readback`, size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const encoder = device.createCommandEncoder({ label: `${source.label}/readback` });
  encoder.copyBufferToBuffer(source, 0, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const copy = staging.getMappedRange().slice(0, byteLength);
  staging.unmap();
  staging.destroy();
  return copy;
}

export async function readFloat32(gpu: GpuContext, source: GPUBuffer, elementCount: number): Promise<Float32Array> {
  return new Float32Array(await readBuffer(gpu, source, elementCount * 4));
}

export async function readUint32(gpu: GpuContext, source: GPUBuffer, elementCount: number): Promise<Uint32Array> {
  return new Uint32Array(await readBuffer(gpu, source, elementCount * 4));
}
