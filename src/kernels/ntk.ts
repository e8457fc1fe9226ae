/**
 * Wrappers for shaders/ntk.wgsl.ts: bound kernels on GPU buffers. The composed Gram (forward pass,
 * batched matmul, combine, readback and eigen-solve) is src/metrics/ntk.ts.
 */
import { NTK_COMBINE_PARAMS, NTK_MASKED_SCALE_PARAMS, ntkCombineSource, ntkMaskedScaleSource, type NtkVariant } from '../../shaders/ntk.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { checkBufferSize } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkBufferHolds, checkSize } from '../gpu/validate';
import { combinedOutputScale, type TrainableParts } from '../core/conventions';
import type { TwoLayerTrainerConfig } from '../core/network';

const VARIANT: NtkVariant = {};

export const ntkMaskedScaleKernel: KernelSource<NtkVariant> = {
  family: 'ntk',
  entryPoint: 'ntk_masked_scale',
  source: ntkMaskedScaleSource,
  cacheKey: () => 'f32',
};

export const ntkCombineKernel: KernelSource<NtkVariant> = {
  family: 'ntk',
  entryPoint: 'ntk_combine',
  source: ntkCombineSource,
  cacheKey: () => 'f32',
};

/** n, m and the output scale alpha s_m. */
export type NtkShape = Pick<TwoLayerTrainerConfig, 'sampleCount' | 'width' | 'scaling' | 'alpha'>;

/** (alpha s_m)^2 in float64, checked to be a finite float32. */
export function ntkKernelScale(name: string, shape: NtkShape): number {
  checkSize(name, 'sampleCount', shape.sampleCount);
  checkSize(name, 'width', shape.width);
  const alpha = shape.alpha ?? 1;
  const scale = combinedOutputScale(shape) ** 2;
  if (!Number.isFinite(alpha) || !Number.isFinite(Math.fround(scale))) {
    throw new KernelArgumentError(name, 'alpha', `is ${alpha}; (alpha s_m)^2 must be a finite float32`);
  }
  return scale;
}

export interface NtkMaskedScaleBuffers {
  /** [2 x n x m]: H in the first half (read), Ma = M diag(|a|) written into the second. */
  readonly features: GPUBuffer;
  /** a [m]. */
  readonly a: GPUBuffer;
}

/** ntk_masked_scale: features[n m + i m + j] = |a_j| 1[H_ij > 0]. Bindings: 1 features, 2 a. One thread per element of H. */
export async function bindNtkMaskedScale(gpu: GpuContext, shape: NtkShape, buffers: NtkMaskedScaleBuffers): Promise<BoundKernel> {
  const name = 'ntk/ntk_masked_scale';
  ntkKernelScale(name, shape);
  const elementCount = shape.sampleCount * shape.width;
  // 2 n m floats in one binding also keeps every index below 2^31.
  checkBufferSize(gpu, 'features', 2 * elementCount * 4, name);
  checkBufferHolds(name, 'features', buffers.features, 2 * elementCount);
  checkBufferHolds(name, 'a', buffers.a, shape.width);
  return bindKernel(gpu, ntkMaskedScaleKernel, VARIANT, {
    params: NTK_MASKED_SCALE_PARAMS.pack({ element_count: elementCount, width: shape.width }),
    buffers: [buffers.features, buffers.a],
    workgroupCount: Math.ceil(elementCount / ELEMENTWISE_WORKGROUP_SIZE),
  });
}

export interface NtkCombineBuffers {
  /** [2 x n x n]: H H^T, then Ma Ma^T. */
  readonly featureProducts: GPUBuffer;
  /** X X^T [n x n]. */
  readonly inputGram: GPUBuffer;
  /** K [n x n], written. */
  readonly gram: GPUBuffer;
}

/** Uniform bytes of ntk_combine (NTK_COMBINE_PARAMS). */
export function ntkCombineParams(shape: NtkShape, trainable: TrainableParts, hasBias: boolean, name = 'ntk/ntk_combine'): ArrayBuffer {
  const scale = ntkKernelScale(name, shape);
  const firstLayer = trainable !== 'second';
  return NTK_COMBINE_PARAMS.pack({
    element_count: shape.sampleCount * shape.sampleCount,
    kernel_scale: scale,
    second_weight: trainable !== 'first' ? 1 : 0,
    first_weight: firstLayer ? 1 : 0,
    bias_weight: firstLayer && hasBias ? 1 : 0,
  });
}

/**
 * ntk_combine: K = s^2 [H H^T + (Ma Ma^T) .* (X X^T + 1[bias])], each part kept only when its layer is
 * trainable. Bindings: 1 featureProducts, 2 inputGram, 3 gram. One thread per entry of K.
 */
export async function bindNtkCombine(
  gpu: GpuContext,
  shape: NtkShape,
  trainable: TrainableParts,
  hasBias: boolean,
  buffers: NtkCombineBuffers,
): Promise<BoundKernel> {
  const name = 'ntk/ntk_combine';
  const params = ntkCombineParams(shape, trainable, hasBias, name);
  const entries = shape.sampleCount * shape.sampleCount;
  checkBufferSize(gpu, 'featureProducts', 2 * entries * 4, name);
  checkBufferHolds(name, 'featureProducts', buffers.featureProducts, 2 * entries);
  checkBufferHolds(name, 'inputGram', buffers.inputGram, entries);
  checkBufferHolds(name, 'gram', buffers.gram, entries);
  return bindKernel(gpu, ntkCombineKernel, VARIANT, {
    params,
    buffers: [buffers.featureProducts, buffers.inputGram, buffers.gram],
    workgroupCount: Math.ceil(entries / ELEMENTWISE_WORKGROUP_SIZE),
  });
}
