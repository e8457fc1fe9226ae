/**
 * Wrappers for shaders/random.wgsl.ts: bound kernels that fill GPU buffers from the Threefry
 * streams. The stream contract is the one of src/core/random.ts.
 */
import {
  BATCH_SAMPLING_PARAMS,
  FILL_PARAMS,
  fillNormalSource,
  fillU32Source,
  fillUniformSource,
  sampleBatchIndicesSource,
  type BatchSamplerVariant,
  type RandomVariant,
} from '../../shaders/random.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkBufferHolds, checkSize } from '../gpu/validate';

const VARIANT: RandomVariant = {};
const UINT32_RANGE = 2 ** 32;
/** Largest n the batch samplers accept: n is a u32 (without replacement the scratch of n u32 must also fit a binding). */
export const MAX_SAMPLE_COUNT = 2 ** 32 - 1;

function randomKernel(entryPoint: string, source: (variant: RandomVariant) => string): KernelSource<RandomVariant> {
  return { family: 'random', entryPoint, source, cacheKey: () => 'threefry2x32-20' };
}

export const fillU32Kernel = randomKernel('fill_u32', fillU32Source);
export const fillUniformKernel = randomKernel('fill_uniform', fillUniformSource);
export const fillNormalKernel = randomKernel('fill_normal', fillNormalSource);
export const sampleBatchIndicesKernel: KernelSource<BatchSamplerVariant> = {
  family: 'random',
  entryPoint: 'sample_batch_indices',
  source: sampleBatchIndicesSource,
  cacheKey: (variant) => `threefry2x32-20/${variant.replace ? 'with-replacement' : 'fisher-yates'}`,
};

/** Which stream to draw: key (seed, stream), counter word 1 = step. All u32. */
export interface StreamPosition {
  readonly seed: number;
  readonly stream: number;
  readonly step: number;
}

/** N(mean, std^2) parameters of fill_normal. */
export interface NormalParameters {
  readonly mean: number;
  readonly std: number;
}

/** Which batches to draw; `step` is the first step's counter. */
export interface BatchSampling extends StreamPosition {
  /** n: indices are drawn from [0, n). */
  readonly sampleCount: number;
  /** B: indices per step. */
  readonly batchSize: number;
  /** true: i.i.d. uniform indices; false: distinct indices (a partial Fisher-Yates shuffle), B <= n. */
  readonly replace: boolean;
  /** Consecutive steps drawn by one dispatch (default 1): the batch of step + t fills indices [t B, (t + 1) B). */
  readonly stepCount?: number;
}

/** Storage of sample_batch_indices: indices [stepCount x B] u32; scratch [stepCount x n] u32 without replacement only. */
export interface BatchSamplingBuffers {
  readonly indices: GPUBuffer;
  readonly scratch?: GPUBuffer;
}

export function checkStreamPosition(kernel: string, position: StreamPosition): void {
  for (const argument of ['seed', 'stream', 'step'] as const) {
    const value = position[argument];
    if (!Number.isInteger(value) || value < 0 || value >= UINT32_RANGE) {
      throw new KernelArgumentError(kernel, argument, `must be an integer in [0, 2^32), got ${value}`);
    }
  }
}

export function checkElementCount(kernel: string, elementCount: number): void {
  checkSize(kernel, 'elementCount', elementCount);
  if (elementCount > UINT32_RANGE - 1) {
    throw new KernelArgumentError(kernel, 'elementCount', `${elementCount} exceeds the u32 counter range; split the fill`);
  }
}

export function checkNormal(kernel: string, normal: NormalParameters): void {
  if (!Number.isFinite(Math.fround(normal.mean))) {
    throw new KernelArgumentError(kernel, 'mean', `must be finite in float32, got ${normal.mean}`);
  }
  if (!Number.isFinite(Math.fround(normal.std)) || normal.std < 0) {
    throw new KernelArgumentError(kernel, 'std', `must be finite in float32 and >= 0, got ${normal.std}`);
  }
}

export function checkBatchSampling(kernel: string, sampling: BatchSampling): void {
  checkStreamPosition(kernel, sampling);
  checkSize(kernel, 'batchSize', sampling.batchSize);
  checkSize(kernel, 'sampleCount', sampling.sampleCount);
  const stepCount = sampling.stepCount ?? 1;
  checkSize(kernel, 'stepCount', stepCount);
  if (sampling.sampleCount > MAX_SAMPLE_COUNT) {
    throw new KernelArgumentError(kernel, 'sampleCount', `${sampling.sampleCount} exceeds 2^32 - 1, the sampler's largest domain`);
  }
  if (sampling.step + stepCount > UINT32_RANGE) {
    throw new KernelArgumentError(kernel, 'stepCount', `${stepCount} steps from step ${sampling.step} pass the u32 step counter; split the draw`);
  }
  if (!sampling.replace && sampling.batchSize > sampling.sampleCount) {
    throw new KernelArgumentError(
      kernel,
      'batchSize',
      `${sampling.batchSize} exceeds sampleCount ${sampling.sampleCount}; sampling without replacement needs B <= n (or set replace)`,
    );
  }
}

/** Uniform bytes of the fill kernels (FILL_PARAMS). */
export function fillParams(elementCount: number, position: StreamPosition, normal: NormalParameters = { mean: 0, std: 1 }): ArrayBuffer {
  return FILL_PARAMS.pack({
    element_count: elementCount,
    seed: position.seed,
    stream: position.stream,
    step: position.step,
    mean: normal.mean,
    std_dev: normal.std,
  });
}

/** Uniform bytes of sample_batch_indices (BATCH_SAMPLING_PARAMS). */
export function batchSamplingParams(sampling: BatchSampling): ArrayBuffer {
  return BATCH_SAMPLING_PARAMS.pack({
    batch_size: sampling.batchSize,
    sample_count: sampling.sampleCount,
    seed: sampling.seed,
    stream: sampling.stream,
    first_step: sampling.step,
    step_count: sampling.stepCount ?? 1,
  });
}

/** u32 elements of the shuffle scratch: stepCount x n without replacement, none with replacement. */
export function batchScratchLength(sampling: BatchSampling): number {
  return sampling.replace ? 0 : (sampling.stepCount ?? 1) * sampling.sampleCount;
}

function workgroupsFor(elementCount: number): number {
  return Math.ceil(elementCount / ELEMENTWISE_WORKGROUP_SIZE);
}

/** values[i] = word 0 of threefry2x32(seed, stream, i, step), i < elementCount (a u32 buffer). */
export async function bindFillU32(gpu: GpuContext, elementCount: number, position: StreamPosition, values: GPUBuffer): Promise<BoundKernel> {
  const name = 'random/fill_u32';
  checkElementCount(name, elementCount);
  checkStreamPosition(name, position);
  checkBufferHolds(name, 'values', values, elementCount);
  return await bindKernel(gpu, fillU32Kernel, VARIANT, { params: fillParams(elementCount, position), buffers: [values], workgroupCount: workgroupsFor(elementCount) });
}

/** values[i] = uniform01(word 0 of block i) in [0, 1) (an f32 buffer). */
export async function bindFillUniform(gpu: GpuContext, elementCount: number, position: StreamPosition, values: GPUBuffer): Promise<BoundKernel> {
  const name = 'random/fill_uniform';
  checkElementCount(name, elementCount);
  checkStreamPosition(name, position);
  checkBufferHolds(name, 'values', values, elementCount);
  return await bindKernel(gpu, fillUniformKernel, VARIANT, { params: fillParams(elementCount, position), buffers: [values], workgroupCount: workgroupsFor(elementCount) });
}

/** values[i] = mean + std * z_i, z_i the Box-Muller cosine branch of block i (an f32 buffer). */
export async function bindFillNormal(
  gpu: GpuContext,
  elementCount: number,
  position: StreamPosition,
  normal: NormalParameters,
  values: GPUBuffer,
): Promise<BoundKernel> {
  const name = 'random/fill_normal';
  checkElementCount(name, elementCount);
  checkStreamPosition(name, position);
  checkNormal(name, normal);
  checkBufferHolds(name, 'values', values, elementCount);
  return await bindKernel(gpu, fillNormalKernel, VARIANT, {
    params: fillParams(elementCount, position, normal),
    buffers: [values],
    workgroupCount: workgroupsFor(elementCount),
  });
}

/**
 * indices[t B + k], k < batchSize, t < stepCount: the batch of step `step + t`, in [0, sampleCount);
 * distinct within a step unless `replace`. One workgroup per step.
 */
export async function bindSampleBatchIndices(gpu: GpuContext, sampling: BatchSampling, buffers: BatchSamplingBuffers): Promise<BoundKernel> {
  const name = 'random/sample_batch_indices';
  checkBatchSampling(name, sampling);
  const stepCount = sampling.stepCount ?? 1;
  checkBufferHolds(name, 'indices', buffers.indices, stepCount * sampling.batchSize);
  if (!sampling.replace && !buffers.scratch) {
    throw new KernelArgumentError(name, 'scratch', `is required without replacement: a u32 buffer of stepCount x sampleCount = ${batchScratchLength(sampling)} elements`);
  }
  if (sampling.replace && buffers.scratch) throw new KernelArgumentError(name, 'scratch', 'is given but sampling with replacement binds none');
  if (buffers.scratch) checkBufferHolds(name, 'scratch', buffers.scratch, batchScratchLength(sampling));
  return await bindKernel(gpu, sampleBatchIndicesKernel, { replace: sampling.replace }, {
    params: batchSamplingParams(sampling),
    buffers: buffers.scratch ? [buffers.indices, buffers.scratch] : [buffers.indices],
    workgroupCount: stepCount,
  });
}
