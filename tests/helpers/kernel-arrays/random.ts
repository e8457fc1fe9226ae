/**
 * Array-in/array-out runs of the Threefry kernels (src/kernels/random.ts) for tests: each fills a
 * fresh buffer on the GPU and reads it back, to compare with src/core/random.ts bit for bit.
 */
import { checkBufferSize, createStorageBuffer, readFloat32, readUint32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/device';
import { runKernels, type BoundKernel } from '../../../src/gpu/kernel';
import {
  batchScratchLength,
  bindFillNormal,
  bindFillU32,
  bindFillUniform,
  bindSampleBatchIndices,
  checkBatchSampling,
  checkElementCount,
  checkNormal,
  checkStreamPosition,
  type BatchSampling,
  type NormalParameters,
  type StreamPosition,
} from '../../../src/kernels/random';

/** Runs one bound kernel on a fresh output buffer and reads it back. */
async function fillAndRead<T>(
  gpu: GpuContext,
  name: string,
  elementCount: number,
  bind: (values: GPUBuffer) => Promise<BoundKernel>,
  read: (values: GPUBuffer) => Promise<T>,
): Promise<T> {
  checkBufferSize(gpu, 'values', elementCount * 4, name);
  const values = createStorageBuffer(gpu, `${name}/values`, elementCount * 4);
  try {
    const kernel = await bind(values);
    await runKernels(gpu, name, [kernel]);
    kernel.destroy();
    return await read(values);
  } finally {
    values.destroy();
  }
}

/** The u32 stream on the GPU: equals reference u32Array(seed, stream, step, count) bit for bit. */
export async function fillU32(gpu: GpuContext, position: StreamPosition, elementCount: number): Promise<Uint32Array> {
  const name = 'random/fill_u32';
  checkElementCount(name, elementCount);
  checkStreamPosition(name, position);
  return await fillAndRead(gpu, name, elementCount, (v) => bindFillU32(gpu, elementCount, position, v), (v) => readUint32(gpu, v, elementCount));
}

/** The uniform stream on the GPU: equals reference uniformArray(...) bit for bit. */
export async function fillUniform(gpu: GpuContext, position: StreamPosition, elementCount: number): Promise<Float32Array> {
  const name = 'random/fill_uniform';
  checkElementCount(name, elementCount);
  checkStreamPosition(name, position);
  return await fillAndRead(gpu, name, elementCount, (v) => bindFillUniform(gpu, elementCount, position, v), (v) => readFloat32(gpu, v, elementCount));
}

/** N(mean, std^2) samples on the GPU: reference normalArray(...) up to the GPU's log/cos/sqrt accuracy. */
export async function fillNormal(gpu: GpuContext, position: StreamPosition, elementCount: number, normal: NormalParameters = { mean: 0, std: 1 }): Promise<Float32Array> {
  const name = 'random/fill_normal';
  checkElementCount(name, elementCount);
  checkStreamPosition(name, position);
  checkNormal(name, normal);
  return await fillAndRead(gpu, name, elementCount, (v) => bindFillNormal(gpu, elementCount, position, normal, v), (v) => readFloat32(gpu, v, elementCount));
}

/**
 * Minibatch indices on the GPU for steps step .. step + stepCount - 1, [stepCount x B]: row t equals
 * reference sampleBatchIndices(seed, stream, step + t, n, B, replace) bit for bit.
 */
export async function sampleBatchIndices(gpu: GpuContext, sampling: BatchSampling): Promise<Uint32Array> {
  const name = 'random/sample_batch_indices';
  checkBatchSampling(name, sampling);
  const scratchLength = batchScratchLength(sampling);
  checkBufferSize(gpu, 'scratch', scratchLength * 4, name);
  const scratch = scratchLength > 0 ? createStorageBuffer(gpu, `${name}/scratch`, scratchLength * 4) : undefined;
  try {
    const indexCount = (sampling.stepCount ?? 1) * sampling.batchSize;
    return await fillAndRead(gpu, name, indexCount, (indices) => bindSampleBatchIndices(gpu, sampling, { indices, ...(scratch ? { scratch } : {}) }), (v) => readUint32(gpu, v, indexCount));
  } finally {
    scratch?.destroy();
  }
}
