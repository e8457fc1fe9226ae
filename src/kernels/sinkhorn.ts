/**
 * Wrappers for shaders/sinkhorn.wgsl.ts: bound half steps and row costs on GPU buffers, and the
 * argument checks they share with the solver (src/kernels/sinkhorn-solver.ts), which composes them.
 */
import {
  SINKHORN_HALF_STEP_PARAMS,
  SINKHORN_ROW_COST_PARAMS,
  sinkhornHalfStepSource,
  sinkhornRowCostSource,
  type SinkhornVariant,
} from '../../shaders/sinkhorn.wgsl';
import { REDUCTION_WORKGROUP_SIZE } from '../../shaders/constants';
import { checkBufferSize } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkBufferHolds, checkSize } from '../gpu/validate';

/** Columns each thread should walk at least, before a row is split over more threads. */
const MIN_COLUMNS_PER_THREAD = 128;

/**
 * Threads per row for rows of `columnCount` entries: the largest power of two <= columnCount / 128,
 * within [1, REDUCTION_WORKGROUP_SIZE]. Long rows get many threads each (4096 x 4096: 32 per row,
 * 131072 threads, enough to fill a GPU); short rows (< 256) one thread each and no barrier, which
 * SwiftShader needs (a barrier costs it a coroutine switch per thread). Seven pipelines at most.
 */
export function threadsPerRowFor(columnCount: number): number {
  let threads = 1;
  while (threads * 2 <= REDUCTION_WORKGROUP_SIZE && threads * 2 * MIN_COLUMNS_PER_THREAD <= columnCount) threads *= 2;
  return threads;
}

const cacheKey = (variant: SinkhornVariant) => `f32-t${variant.threadsPerRow}`;

export const sinkhornHalfStepKernel: KernelSource<SinkhornVariant> = {
  family: 'sinkhorn',
  entryPoint: 'sinkhorn_half_step',
  source: sinkhornHalfStepSource,
  cacheKey,
};

export const sinkhornRowCostKernel: KernelSource<SinkhornVariant> = {
  family: 'sinkhorn',
  entryPoint: 'sinkhorn_row_cost',
  source: sinkhornRowCostSource,
  cacheKey,
};

/** Throws unless `threadsPerRow` is undefined (the default) or a power of two in [1, REDUCTION_WORKGROUP_SIZE]. */
export function checkThreadsPerRow(name: string, threadsPerRow: number | undefined): void {
  if (threadsPerRow === undefined) return;
  if (!Number.isInteger(Math.log2(threadsPerRow)) || threadsPerRow < 1 || threadsPerRow > REDUCTION_WORKGROUP_SIZE) {
    throw new KernelArgumentError(name, 'threadsPerRow', `is ${threadsPerRow}; must be a power of two in [1, ${REDUCTION_WORKGROUP_SIZE}]`);
  }
}

/** The variant for rows of `otherCount` columns, and the workgroups that cover `count` rows. */
function rowLaunch(count: number, otherCount: number, fixedThreadsPerRow?: number): { variant: SinkhornVariant; workgroupCount: number } {
  const threadsPerRow = fixedThreadsPerRow ?? threadsPerRowFor(otherCount);
  return { variant: { threadsPerRow }, workgroupCount: Math.ceil((count * threadsPerRow) / REDUCTION_WORKGROUP_SIZE) };
}

/** n points x and p points y in R^k. */
export interface SinkhornShape {
  readonly xCount: number;
  readonly yCount: number;
  readonly dim: number;
}

/** One side of a half step: `count` rows updated against `otherCount` rows. */
export interface HalfStepShape {
  readonly count: number;
  readonly otherCount: number;
  readonly dim: number;
}

export interface HalfStepBuffers {
  /** This side's points [count x k]. */
  readonly points: GPUBuffer;
  /** The other side's points [otherCount x k]. */
  readonly otherPoints: GPUBuffer;
  /** The other side's potential [otherCount]. */
  readonly otherPotential: GPUBuffer;
  /** This side's potential [count], updated when committing. */
  readonly potential: GPUBuffer;
  /** |r_i / a_i - 1| [count], written. */
  readonly marginalError: GPUBuffer;
}

function checkEpsilon(name: string, epsilon: number): void {
  if (!(epsilon > 0 && Number.isFinite(Math.fround(1 / epsilon)) && Number.isFinite(Math.fround(epsilon)))) {
    throw new KernelArgumentError(name, 'epsilon', `is ${epsilon}; eps and 1/eps must be positive finite float32 values`);
  }
}

/** Throws unless the counts and dim are sizes and each point cloud fits one storage binding. */
export function checkShape(gpu: GpuContext, name: string, shape: HalfStepShape): void {
  for (const argument of ['count', 'otherCount', 'dim'] as const) checkSize(name, argument, shape[argument]);
  checkBufferSize(gpu, 'points', shape.count * shape.dim * 4, name);
  checkBufferSize(gpu, 'otherPoints', shape.otherCount * shape.dim * 4, name);
}

/** Every check of a row kernel: shape, eps, threads per row, and that each buffer holds its element count. */
function checkRowKernel(
  gpu: GpuContext,
  name: string,
  shape: HalfStepShape,
  epsilon: number,
  threadsPerRow: number | undefined,
  holds: Record<string, readonly [GPUBuffer, number]>,
): void {
  checkShape(gpu, name, shape);
  checkEpsilon(name, epsilon);
  checkThreadsPerRow(name, threadsPerRow);
  for (const [argument, [buffer, elementCount]] of Object.entries(holds)) checkBufferHolds(name, argument, buffer, elementCount);
}

/**
 * sinkhorn_half_step: potential_i <- -eps log((1/q) sum_j exp((otherPotential_j - C_ij)/eps)) (when `commit`),
 * marginalError_i = |r_i / a_i - 1| for the plan before the update. Bindings: 1 points, 2 otherPoints,
 * 3 otherPotential, 4 potential, 5 marginalError. threadsPerRowFor(otherCount) threads per row of this side.
 */
export function bindSinkhornHalfStep(
  gpu: GpuContext,
  shape: HalfStepShape,
  epsilon: number,
  commit: boolean,
  buffers: HalfStepBuffers,
  threadsPerRow?: number,
): Promise<BoundKernel> {
  const { count, otherCount, dim } = shape;
  checkRowKernel(gpu, 'sinkhorn/sinkhorn_half_step', shape, epsilon, threadsPerRow, {
    points: [buffers.points, count * dim],
    otherPoints: [buffers.otherPoints, otherCount * dim],
    otherPotential: [buffers.otherPotential, otherCount],
    potential: [buffers.potential, count],
    marginalError: [buffers.marginalError, count],
  });
  const { variant, workgroupCount } = rowLaunch(count, otherCount, threadsPerRow);
  return bindKernel(gpu, sinkhornHalfStepKernel, variant, {
    params: SINKHORN_HALF_STEP_PARAMS.pack({
      count,
      other_count: otherCount,
      dim,
      commit: commit ? 1 : 0,
      epsilon,
      inverse_epsilon: 1 / epsilon,
      log_other_count: Math.log(otherCount),
    }),
    buffers: [buffers.points, buffers.otherPoints, buffers.otherPotential, buffers.potential, buffers.marginalError],
    workgroupCount,
  });
}

export interface SinkhornBuffers {
  /** x [n x k]. */
  readonly x: GPUBuffer;
  /** y [p x k]. */
  readonly y: GPUBuffer;
  /** f [n]: initial potential on entry (zeros for a cold start), solution on exit. */
  readonly f: GPUBuffer;
  /** g [p]: likewise. */
  readonly g: GPUBuffer;
}

/**
 * sinkhorn_row_cost: rowCost_i = n sum_j P_ij C_ij, so mean_i rowCost_i = <P, C>.
 * Bindings: 1 x, 2 y, 3 f, 4 g, 5 rowCost [n]. threadsPerRowFor(p) threads per row of x.
 */
export function bindSinkhornRowCost(
  gpu: GpuContext,
  shape: SinkhornShape,
  epsilon: number,
  buffers: SinkhornBuffers & { readonly rowCost: GPUBuffer },
  threadsPerRow?: number,
): Promise<BoundKernel> {
  const { xCount: n, yCount: p, dim } = shape;
  checkRowKernel(gpu, 'sinkhorn/sinkhorn_row_cost', { count: n, otherCount: p, dim }, epsilon, threadsPerRow, {
    x: [buffers.x, n * dim],
    y: [buffers.y, p * dim],
    f: [buffers.f, n],
    g: [buffers.g, p],
    rowCost: [buffers.rowCost, n],
  });
  const { variant, workgroupCount } = rowLaunch(n, p, threadsPerRow);
  return bindKernel(gpu, sinkhornRowCostKernel, variant, {
    params: SINKHORN_ROW_COST_PARAMS.pack({ count: n, other_count: p, dim, inverse_epsilon: 1 / epsilon, log_other_count: Math.log(p) }),
    buffers: [buffers.x, buffers.y, buffers.f, buffers.g, buffers.rowCost],
    workgroupCount,
  });
}
