/**
 * Wrappers for shaders/sliced.wgsl.ts: sliced W2^2 between two point clouds on the GPU,
 *   project (L x (n + p) k) -> bitonic sort of each projection (sort family) -> quantile_cost
 *   per direction -> mean over directions (two-layer/mean_loss),
 * all recorded into one submit. Work O(L (n + p) k + L P log^2 P), P the padded length.
 */
import { PROJECT_ROWS_PARAMS, QUANTILE_COST_PARAMS, projectRowsSource, quantileCostSource, type SlicedVariant } from '../../shaders/sliced.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { checkBufferSize, createStorageBuffer, readFloat32 } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, runKernels, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkBufferHolds, checkSize } from '../gpu/validate';
import { pointCount } from './point-cloud';
import { slicedDirections } from '../core/sliced-directions';
import { bindBitonicStages, checkSortShape, paddedLength } from './sort';
import { bindMeanLoss } from './two-layer';

const VARIANT: SlicedVariant = {};
/** quantile_cost measures cell overlaps in units of 1/(n p) with u32 integers. */
const MAX_COUNT_PRODUCT = 2 ** 32 - 1;

export const projectRowsKernel: KernelSource<SlicedVariant> = {
  family: 'sliced',
  entryPoint: 'project_rows',
  source: projectRowsSource,
  cacheKey: () => 'f32',
};

export const quantileCostKernel: KernelSource<SlicedVariant> = {
  family: 'sliced',
  entryPoint: 'quantile_cost',
  source: quantileCostSource,
  cacheKey: () => 'f32',
};

export interface SlicedShape {
  /** n: points of the first cloud. */
  readonly xCount: number;
  /** p: points of the second cloud (p != n uses exact quantile matching). */
  readonly yCount: number;
  /** k: dimension of the points. */
  readonly dim: number;
  /** L: number of directions. */
  readonly directionCount: number;
}

function checkSlicedShape(gpu: GpuContext, name: string, shape: SlicedShape): void {
  for (const argument of ['xCount', 'yCount', 'dim', 'directionCount'] as const) checkSize(name, argument, shape[argument]);
  // Unequal clouds index quantile cells in units of 1/(n p) (u32); equal clouds pair i with i and need no product.
  if (shape.xCount !== shape.yCount && shape.xCount * shape.yCount > MAX_COUNT_PRODUCT) {
    throw new KernelArgumentError(name, 'yCount', `xCount * yCount = ${shape.xCount * shape.yCount} exceeds 2^32 - 1; subsample the clouds`);
  }
  checkSortShape(gpu, name, { rowCount: shape.directionCount, length: shape.xCount });
  checkSortShape(gpu, name, { rowCount: shape.directionCount, length: shape.yCount });
  for (const [argument, count] of [['x', shape.xCount], ['y', shape.yCount]] as const) {
    checkBufferSize(gpu, argument, count * shape.dim * 4, name);
  }
}

/** project_rows: keys [L x P] = <theta_l, points_i>, padded. Bindings: 1 directions [L x k], 2 points [count x k], 3 keys. */
export function bindProjectRows(
  gpu: GpuContext,
  shape: { readonly directionCount: number; readonly pointCount: number; readonly dim: number },
  buffers: { readonly directions: GPUBuffer; readonly points: GPUBuffer; readonly keys: GPUBuffer },
): Promise<BoundKernel> {
  const name = 'sliced/project_rows';
  const padded = checkSortShape(gpu, name, { rowCount: shape.directionCount, length: shape.pointCount });
  checkSize(name, 'dim', shape.dim);
  checkBufferHolds(name, 'directions', buffers.directions, shape.directionCount * shape.dim);
  checkBufferHolds(name, 'points', buffers.points, shape.pointCount * shape.dim);
  checkBufferHolds(name, 'keys', buffers.keys, shape.directionCount * padded);
  return bindKernel(gpu, projectRowsKernel, VARIANT, {
    params: PROJECT_ROWS_PARAMS.pack({ direction_count: shape.directionCount, point_count: shape.pointCount, padded_length: padded, dim: shape.dim }),
    buffers: [buffers.directions, buffers.points, buffers.keys],
    workgroupCount: Math.ceil((shape.directionCount * padded) / ELEMENTWISE_WORKGROUP_SIZE),
  });
}

/** quantile_cost: cost[l] = 1-D W2^2 of sorted rows l. Bindings: 1 xKeys [L x Px], 2 yKeys [L x Py], 3 cost [L]. */
export function bindQuantileCost(
  gpu: GpuContext,
  shape: SlicedShape,
  buffers: { readonly xKeys: GPUBuffer; readonly yKeys: GPUBuffer; readonly cost: GPUBuffer },
): Promise<BoundKernel> {
  const name = 'sliced/quantile_cost';
  checkSlicedShape(gpu, name, shape);
  const { xCount, yCount, directionCount } = shape;
  checkBufferHolds(name, 'xKeys', buffers.xKeys, directionCount * paddedLength(xCount));
  checkBufferHolds(name, 'yKeys', buffers.yKeys, directionCount * paddedLength(yCount));
  checkBufferHolds(name, 'cost', buffers.cost, directionCount);
  return bindKernel(gpu, quantileCostKernel, VARIANT, {
    params: QUANTILE_COST_PARAMS.pack({
      direction_count: directionCount,
      x_count: xCount,
      x_padded: paddedLength(xCount),
      y_count: yCount,
      y_padded: paddedLength(yCount),
    }),
    buffers: [buffers.xKeys, buffers.yKeys, buffers.cost],
    workgroupCount: directionCount,
  });
}

export interface SlicedBuffers {
  /** theta [L x k], unit rows. */
  readonly directions: GPUBuffer;
  /** x [n x k]. */
  readonly x: GPUBuffer;
  /** y [p x k]. */
  readonly y: GPUBuffer;
  /** Scratch [L x Px] and [L x Py] (Px, Py = paddedLength(n), paddedLength(p)): sorted projections afterwards. */
  readonly xKeys: GPUBuffer;
  readonly yKeys: GPUBuffer;
  /** Per-direction 1-D W2^2 [L], written. */
  readonly cost: GPUBuffer;
  /** Receives SW2^2 at element `outputOffset`. */
  readonly metrics: GPUBuffer;
}

/** Every kernel of one SW2^2 evaluation, in encoding order; metrics[outputOffset] = SW2^2 afterwards. */
export async function bindSlicedW2(gpu: GpuContext, shape: SlicedShape, buffers: SlicedBuffers, outputOffset = 0): Promise<BoundKernel[]> {
  const name = 'sliced/sliced_w2';
  checkSlicedShape(gpu, name, shape);
  const { xCount, yCount, dim, directionCount } = shape;
  return [
    await bindProjectRows(gpu, { directionCount, pointCount: xCount, dim }, { directions: buffers.directions, points: buffers.x, keys: buffers.xKeys }),
    await bindProjectRows(gpu, { directionCount, pointCount: yCount, dim }, { directions: buffers.directions, points: buffers.y, keys: buffers.yKeys }),
    ...(await bindBitonicStages(gpu, { rowCount: directionCount, length: xCount }, buffers.xKeys)),
    ...(await bindBitonicStages(gpu, { rowCount: directionCount, length: yCount }, buffers.yKeys)),
    await bindQuantileCost(gpu, shape, buffers),
    await bindMeanLoss(gpu, directionCount, outputOffset, { loss: buffers.cost, metrics: buffers.metrics }),
  ];
}

export interface SlicedOptions {
  /** L, the number of random directions. Default 64. */
  readonly directionCount?: number;
  /** Seed of the direction stream (u32). Default 0. */
  readonly seed?: number;
}

/**
 * SW2^2 between x [n x k] and y [p x k] (uniform weights) on the GPU, along
 * slicedDirections(seed, L, k). Returns the mean and the per-direction 1-D W2^2.
 */
export async function slicedW2Squared(
  gpu: GpuContext,
  x: Float32Array,
  y: Float32Array,
  dim: number,
  options: SlicedOptions = {},
): Promise<{ value: number; perDirection: Float32Array }> {
  const name = 'sliced/slicedW2Squared';
  const directionCount = options.directionCount ?? 64;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new KernelArgumentError(name, 'seed', `must be an integer in [0, 2^32), got ${seed}`);
  const shape: SlicedShape = { xCount: pointCount(name, 'x', x, dim), yCount: pointCount(name, 'y', y, dim), dim, directionCount };
  checkSlicedShape(gpu, name, shape);
  const directions = Float32Array.from(slicedDirections(seed, directionCount, dim));
  const buffers: SlicedBuffers = {
    directions: createStorageBuffer(gpu, `${name}/directions`, directions),
    x: createStorageBuffer(gpu, `${name}/x`, x),
    y: createStorageBuffer(gpu, `${name}/y`, y),
    xKeys: createStorageBuffer(gpu, `${name}/xKeys`, directionCount * paddedLength(shape.xCount) * 4),
    yKeys: createStorageBuffer(gpu, `${name}/yKeys`, directionCount * paddedLength(shape.yCount) * 4),
    cost: createStorageBuffer(gpu, `${name}/cost`, directionCount * 4),
    metrics: createStorageBuffer(gpu, `${name}/metrics`, 4),
  };
  const kernels: BoundKernel[] = [];
  try {
    kernels.push(...(await bindSlicedW2(gpu, shape, buffers)));
    await runKernels(gpu, name, kernels);
    const [metrics, perDirection] = await Promise.all([readFloat32(gpu, buffers.metrics, 1), readFloat32(gpu, buffers.cost, directionCount)]);
    return { value: metrics[0]!, perDirection };
  } finally {
    kernels.forEach((kernel) => kernel.destroy());
    Object.values(buffers).forEach((buffer) => buffer.destroy());
  }
}
