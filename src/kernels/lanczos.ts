/**
 * Wrappers for shaders/lanczos.wgsl.ts: bound kernels on GPU buffers, passed by binding key and checked
 * for presence and size against the vector shape before anything is bound. The composed recurrence
 * (chunks of iterations per submit, the host's stopping rule, the second pass for the Ritz vector) is
 * GpuHessian.lanczos in src/metrics/sharpness.ts.
 */
import {
  LANCZOS_CHUNK,
  LANCZOS_PARAMS,
  LANCZOS_STATE_HEADER,
  LANCZOS_TOTAL_MODES,
  lanczosAccumulateBindings,
  lanczosAccumulateSource,
  lanczosCombineBindings,
  lanczosCombineSource,
  lanczosDotsBindings,
  lanczosDotsSource,
  lanczosNextBindings,
  lanczosNextSource,
  lanczosOrthogonalizeBindings,
  lanczosOrthogonalizeSource,
  lanczosScatterBindings,
  lanczosScatterSource,
  lanczosTotalBindings,
  lanczosTotalSource,
  type LanczosTotalMode,
  type LanczosVariant,
} from '../../shaders/lanczos.wgsl';
import type { StorageBinding } from '../../shaders/storage-bindings.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkSize } from '../gpu/validate';
import { orderedBuffers, vectorBlockCounts, vectorLength, type ParameterBlocks, type VectorShape } from './hessian';

export type { LanczosTotalMode, LanczosVariant };
export { LANCZOS_STATE_HEADER };

const FAMILY = 'lanczos';
const key = (v: LanczosVariant) => (v.hasBias ? 'f32-bias' : 'f32');
const kernel = (entryPoint: string, source: (v: LanczosVariant) => string, cacheKey = key): KernelSource<LanczosVariant> => ({
  family: FAMILY,
  entryPoint,
  source,
  cacheKey,
});

export const lanczosDotsKernel = kernel('lanczos_dots', lanczosDotsSource);
export const lanczosOrthogonalizeKernel = kernel('lanczos_orthogonalize', lanczosOrthogonalizeSource);
export const lanczosTotalKernel = kernel('lanczos_total', lanczosTotalSource, () => 'f32');
export const lanczosNextKernel = kernel('lanczos_next', lanczosNextSource);
export const lanczosAccumulateKernel = kernel('lanczos_accumulate', lanczosAccumulateSource, () => 'f32');
export const lanczosCombineKernel = kernel('lanczos_combine', lanczosCombineSource, () => 'f32');
export const lanczosScatterKernel = kernel('lanczos_scatter', lanczosScatterSource);

/** Buffers of the Lanczos kernels by binding key: the operator's input blocks (written by lanczos_next and lanczos_scatter), its output blocks (read), and these. */
export interface LanczosBuffers extends ParameterBlocks {
  /** Flat [p]: v_k. */
  readonly current?: GPUBuffer;
  /** Flat [p]: v_{k-1}, overwritten by w' between lanczos_orthogonalize and lanczos_next. */
  readonly previous?: GPUBuffer;
  /** Flat [p]: the Ritz vector y being accumulated. */
  readonly ritz?: GPUBuffer;
  /** [basisRows x p]: v_0, v_1, ... as lanczos_next produces them (at least 4 bytes when basisRows = 0). */
  readonly basis?: GPUBuffer;
  /** Flat [p]: what lanczos_dots reduces against the product (current, or ritz for the residual). */
  readonly vector?: GPUBuffer;
  /** vec4 partial sums [ceil(p / LANCZOS_CHUNK)]. */
  readonly partials?: GPUBuffer;
  /** LanczosState: lanczosStateLength(capacity) f32 slots. */
  readonly state?: GPUBuffer;
}

/** Settings of the shared uniform. */
export interface LanczosSettings {
  /** Iterations the state buffer holds (coefficients 2 capacity, Ritz coefficients capacity). */
  readonly capacity: number;
  /** lanczos_dots: residual shift theta (0 for alpha). */
  readonly theta?: number;
  /** lanczos_total: what to do with the sum. */
  readonly mode?: LanczosTotalMode;
  /** Rows of the stored basis (0, the default: none, the Ritz vector is formed by replaying the recurrence). */
  readonly basisRows?: number;
  /** lanczos_combine: k, the Ritz vector's number of terms (<= basisRows). */
  readonly ritzCount?: number;
}

/** f32 slots of a LanczosState for `capacity` iterations: header, alpha/beta pairs, Ritz coefficients. */
export function lanczosStateLength(capacity: number): number {
  return LANCZOS_STATE_HEADER + 3 * capacity;
}

/** Workgroups (= partial sums) of lanczos_dots and lanczos_orthogonalize for a p-element vector. */
export function lanczosPartialCount(vectorElementCount: number): number {
  return Math.ceil(vectorElementCount / LANCZOS_CHUNK);
}

/** Uniform bytes of every entry point (LANCZOS_PARAMS). */
export function lanczosParams(shape: VectorShape, settings: LanczosSettings, partialCount: number, name = `${FAMILY}/params`): ArrayBuffer {
  checkSize(name, 'capacity', settings.capacity);
  const { basisRows = 0, ritzCount = 0 } = settings;
  if (!Number.isInteger(basisRows) || basisRows < 0) throw new KernelArgumentError(name, 'basisRows', `must be an integer >= 0, got ${basisRows}`);
  if (!Number.isInteger(ritzCount) || ritzCount < 0 || ritzCount > basisRows) {
    throw new KernelArgumentError(name, 'ritzCount', `must be an integer in [0, basisRows = ${basisRows}], got ${ritzCount}`);
  }
  const theta = settings.theta ?? 0;
  if (!Number.isFinite(Math.fround(theta))) throw new KernelArgumentError(name, 'theta', `is ${theta}; it must be a finite float32`);
  return LANCZOS_PARAMS.pack({
    ...vectorBlockCounts(shape),
    capacity: settings.capacity,
    theta,
    partial_count: partialCount,
    mode: LANCZOS_TOTAL_MODES[settings.mode ?? 'advance'],
    basis_rows: basisRows,
    ritz_count: ritzCount,
  });
}

function counts(shape: VectorShape, length: number, partialCount: number, capacity: number, basisRows: number): Record<string, number> {
  const { width: m, inputDim: d } = shape;
  return {
    directionA: m, directionW: m * d, directionB: m, productA: m, productW: m * d, productB: m,
    current: length, previous: length, ritz: length, vector: length, partials: 4 * partialCount, state: lanczosStateLength(capacity),
    basis: Math.max(1, basisRows * length),
  };
}

type Bindings = (variant: LanczosVariant) => StorageBinding[];

async function bind(
  gpu: GpuContext,
  source: KernelSource<LanczosVariant>,
  bindings: Bindings,
  shape: VectorShape,
  settings: LanczosSettings,
  buffers: LanczosBuffers,
  workgroups: 'chunks' | 'elements' | 'one',
): Promise<BoundKernel> {
  const name = `${FAMILY}/${source.entryPoint}`;
  const length = vectorLength(gpu, name, shape);
  const partialCount = lanczosPartialCount(length);
  const variant = { hasBias: shape.hasBias };
  const params = lanczosParams(shape, settings, partialCount, name);
  const basisRows = settings.basisRows ?? 0;
  // The basis holds basisRows vectors of p; its flat index must fit the shader's u32 arithmetic.
  if (basisRows * length >= 2 ** 32) throw new KernelArgumentError(name, 'basisRows', `gives ${basisRows * length} basis elements, over the u32 index range`);
  const bound = orderedBuffers(name, bindings(variant), buffers as Record<string, GPUBuffer>, counts(shape, length, partialCount, settings.capacity, basisRows));
  const workgroupCount = workgroups === 'chunks' ? partialCount : workgroups === 'elements' ? Math.ceil(length / ELEMENTWISE_WORKGROUP_SIZE) : 1;
  return bindKernel(gpu, source, variant, { params, buffers: bound, workgroupCount });
}

/** lanczos_dots: partials of (x . Av, |Av - theta x|^2, x . x) for x = buffers.vector. */
export function bindLanczosDots(gpu: GpuContext, shape: VectorShape, settings: LanczosSettings, buffers: LanczosBuffers): Promise<BoundKernel> {
  return bind(gpu, lanczosDotsKernel, lanczosDotsBindings, shape, settings, buffers, 'chunks');
}

/** lanczos_orthogonalize: previous = Av - alpha_k current - beta_k previous, partials of its squared norm. */
export function bindLanczosOrthogonalize(gpu: GpuContext, shape: VectorShape, settings: LanczosSettings, buffers: LanczosBuffers): Promise<BoundKernel> {
  return bind(gpu, lanczosOrthogonalizeKernel, lanczosOrthogonalizeBindings, shape, settings, buffers, 'chunks');
}

/** lanczos_total in `settings.mode`: alpha_k, beta_{k+1} (and k += 1), the residual sums, or k += 1. One workgroup. */
export function bindLanczosTotal(gpu: GpuContext, shape: VectorShape, settings: LanczosSettings, buffers: LanczosBuffers): Promise<BoundKernel> {
  return bind(gpu, lanczosTotalKernel, lanczosTotalBindings, shape, settings, buffers, 'one');
}

/** lanczos_next: v_{k+1} = w' / beta_{k+1} into current and the direction blocks (and basis row k + 1 while rows last), v_k into previous. */
export function bindLanczosNext(gpu: GpuContext, shape: VectorShape, settings: LanczosSettings, buffers: LanczosBuffers): Promise<BoundKernel> {
  return bind(gpu, lanczosNextKernel, lanczosNextBindings, shape, settings, buffers, 'elements');
}

/** lanczos_combine: ritz = sum_{j < ritzCount} s_j basis row j. */
export function bindLanczosCombine(gpu: GpuContext, shape: VectorShape, settings: LanczosSettings, buffers: LanczosBuffers): Promise<BoundKernel> {
  return bind(gpu, lanczosCombineKernel, lanczosCombineBindings, shape, settings, buffers, 'elements');
}

/** lanczos_accumulate: ritz += s_k current. */
export function bindLanczosAccumulate(gpu: GpuContext, shape: VectorShape, settings: LanczosSettings, buffers: LanczosBuffers): Promise<BoundKernel> {
  return bind(gpu, lanczosAccumulateKernel, lanczosAccumulateBindings, shape, settings, buffers, 'elements');
}

/** lanczos_scatter: the direction blocks take the Ritz vector. */
export function bindLanczosScatter(gpu: GpuContext, shape: VectorShape, settings: LanczosSettings, buffers: LanczosBuffers): Promise<BoundKernel> {
  return bind(gpu, lanczosScatterKernel, lanczosScatterBindings, shape, settings, buffers, 'elements');
}
