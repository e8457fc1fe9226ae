/**
 * Wrappers for shaders/hessian.wgsl.ts: bound kernels on GPU buffers. Buffers are passed by name
 * (the `key` of each binding in the shader module's binding lists), checked for presence and size
 * against the shape, and bound in the shader's order. The composed operator (forward pass, HVP,
 * Lanczos, Hutchinson) is src/metrics/sharpness.ts.
 */
import {
  PROBE_STATE,
  VECTOR_DOTS_CHUNK,
  VECTOR_DOTS_TOTAL_PARAMS,
  VECTOR_PARAMS,
  hvpJvpBindings,
  hvpJvpSource,
  hvpNeuronsBindings,
  hvpNeuronsSource,
  rademacherFillBindings,
  rademacherFillSource,
  vectorDotsBindings,
  vectorDotsSource,
  vectorDotsTotalBindings,
  vectorDotsTotalSource,
  type HvpVariant,
  type VectorVariant,
} from '../../shaders/hessian.wgsl';
import type { StorageBinding } from '../../shaders/storage-bindings.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { checkBufferSize } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkBufferHolds, checkSize } from '../gpu/validate';
import type { TrainableParts } from '../core/conventions';
import { twoLayerParams, type OutputLossShape } from './two-layer';

export type { HvpVariant, VectorVariant };

const FAMILY = 'hessian';
const UINT32_RANGE = 2 ** 32;

function hvpKey(v: HvpVariant): string {
  return `f32-${v.firstLayer ? 'w' : ''}${v.secondLayer ? 'a' : ''}${v.hasBias ? '-bias' : ''}`;
}
const vectorKey = (v: VectorVariant) => (v.hasBias ? 'f32-bias' : 'f32');

export const hvpJvpKernel: KernelSource<HvpVariant> = { family: FAMILY, entryPoint: 'hvp_jvp', source: hvpJvpSource, cacheKey: hvpKey };
export const hvpNeuronsKernel: KernelSource<HvpVariant> = { family: FAMILY, entryPoint: 'hvp_neurons', source: hvpNeuronsSource, cacheKey: hvpKey };
export const vectorDotsKernel: KernelSource<VectorVariant> = { family: FAMILY, entryPoint: 'vector_dots', source: vectorDotsSource, cacheKey: vectorKey };
export const vectorDotsTotalKernel: KernelSource<VectorVariant> = {
  family: FAMILY,
  entryPoint: 'vector_dots_total',
  source: vectorDotsTotalSource,
  cacheKey: () => 'f32',
};
export const rademacherFillKernel: KernelSource<VectorVariant> = {
  family: FAMILY,
  entryPoint: 'rademacher_fill',
  source: rademacherFillSource,
  cacheKey: (v) => `threefry2x32-20-${vectorKey(v)}`,
};

/** The HVP variant of a trainable-parts setting. */
export function hvpVariant(trainable: TrainableParts, hasBias: boolean): HvpVariant {
  return { firstLayer: trainable !== 'second', secondLayer: trainable !== 'first', hasBias };
}

/**
 * Resolves `bindings` against `buffers` (by key), checking each is present and holds the element count
 * `counts[key]`; returns them in binding order.
 */
export function orderedBuffers(
  name: string,
  bindings: readonly StorageBinding[],
  buffers: Readonly<Record<string, GPUBuffer | undefined>>,
  counts: Readonly<Record<string, number>>,
): GPUBuffer[] {
  return bindings.map(({ key }) => {
    const buffer = buffers[key];
    if (!buffer) throw new KernelArgumentError(name, key, 'is missing; this variant binds it');
    checkBufferHolds(name, key, buffer, counts[key] ?? 1);
    return buffer;
  });
}

// ---- HVP ------------------------------------------------------------------------------------

/** n, m, scaling, alpha and loss of the HVP kernels. */
export type HvpShape = OutputLossShape;

/** Buffers of hvp_jvp and hvp_neurons by binding key; each variant binds a subset (see the shader's binding lists). */
export interface HvpBuffers {
  /** H = relu(X W^T + b) [n x m]. */
  readonly activation: GPUBuffer;
  /** f [n] (hvp_jvp). */
  readonly output?: GPUBuffer;
  /** y [n] (hvp_jvp). */
  readonly y?: GPUBuffer;
  /** r = l'(f, y) / n [n] (hvp_neurons, both layers trainable). */
  readonly outputGrad?: GPUBuffer;
  /** t = q u [n]: written by hvp_jvp, read by hvp_neurons. */
  readonly weightedJvp: GPUBuffer;
  /** a [m] (first layer trainable). */
  readonly a?: GPUBuffer;
  /** va [m] (second layer trainable). */
  readonly directionA?: GPUBuffer;
  /** S = X vW^T [n x m] (first layer trainable). */
  readonly directionHidden?: GPUBuffer;
  /** vb [m] (first layer trainable, with a bias). */
  readonly directionB?: GPUBuffer;
  /** (Hv)_a [m], written by hvp_neurons (second layer trainable). */
  readonly productA?: GPUBuffer;
  /** k [n x m], written by hvp_neurons (first layer trainable); then (Hv)_W = k^T X by matmul. */
  readonly hiddenCoefficient?: GPUBuffer;
  /** (Hv)_b [m], written by hvp_neurons (first layer trainable, with a bias). */
  readonly productB?: GPUBuffer;
}

function hvpCounts(gpu: GpuContext, name: string, shape: HvpShape): Record<string, number> {
  const { sampleCount: n, width: m } = shape;
  // [n x m] buffers must fit one binding; that also keeps n m < 2^30 for the shaders' u32 indices.
  checkBufferSize(gpu, 'activation', n * m * 4, name);
  return {
    activation: n * m, output: n, y: n, outputGrad: n, weightedJvp: n, a: m, directionA: m,
    directionHidden: n * m, directionB: m, productA: m, hiddenCoefficient: n * m, productB: m,
  };
}

function checkHvpVariant(name: string, variant: HvpVariant): void {
  if (!variant.firstLayer && !variant.secondLayer) {
    throw new KernelArgumentError(name, 'variant', 'trains neither layer; the restricted Hessian would be empty');
  }
}

/** hvp_jvp: t_i = (l''(f_i, y_i) / n) c sum_j [va_j H_ij + a_j M_ij (S_ij + vb_j)]. One workgroup per sample. */
export async function bindHvpJvp(gpu: GpuContext, shape: HvpShape, variant: HvpVariant, buffers: HvpBuffers): Promise<BoundKernel> {
  const name = 'hessian/hvp_jvp';
  checkHvpVariant(name, variant);
  const params = twoLayerParams(shape, shape.loss, name);
  const bound = orderedBuffers(name, hvpJvpBindings(variant), buffers as unknown as Record<string, GPUBuffer>, hvpCounts(gpu, name, shape));
  return bindKernel(gpu, hvpJvpKernel, variant, { params, buffers: bound, workgroupCount: shape.sampleCount });
}

/**
 * hvp_neurons: (Hv)_a_j = c sum_i [t_i H_ij + r_i M_ij (S_ij + vb_j)], k_ij = c M_ij [t_i a_j + r_i va_j],
 * (Hv)_b_j = sum_i k_ij. One thread per neuron.
 */
export async function bindHvpNeurons(gpu: GpuContext, shape: HvpShape, variant: HvpVariant, buffers: HvpBuffers): Promise<BoundKernel> {
  const name = 'hessian/hvp_neurons';
  checkHvpVariant(name, variant);
  const params = twoLayerParams(shape, shape.loss, name);
  const bound = orderedBuffers(name, hvpNeuronsBindings(variant), buffers as unknown as Record<string, GPUBuffer>, hvpCounts(gpu, name, shape));
  return bindKernel(gpu, hvpNeuronsKernel, variant, {
    params,
    buffers: bound,
    workgroupCount: Math.ceil(shape.width / ELEMENTWISE_WORKGROUP_SIZE),
  });
}

// ---- Vector kernels -------------------------------------------------------------------------

/** Block sizes of a parameter-space vector: a [m], W [m x d], b [m] when hasBias. */
export interface VectorShape {
  readonly width: number;
  readonly inputDim: number;
  readonly hasBias: boolean;
}

/** What the vector kernels' shared uniform carries besides the block sizes. */
export interface VectorSettings {
  /** Rademacher probes: key (seed, stream) of the counter-based generator. */
  readonly seed?: number;
  readonly stream?: number;
  /** Rademacher probes are zero on frozen blocks. Default 'both'. */
  readonly trainable?: TrainableParts;
}

/** p = m + m d (+ m), checked to fit the u32 flat index and each block to fit one binding. */
export function vectorLength(gpu: GpuContext, name: string, shape: VectorShape): number {
  checkSize(name, 'width', shape.width);
  checkSize(name, 'inputDim', shape.inputDim);
  checkBufferSize(gpu, 'directionW', shape.width * shape.inputDim * 4, name);
  const length = shape.width * (shape.inputDim + 1) + (shape.hasBias ? shape.width : 0);
  if (length >= UINT32_RANGE) throw new KernelArgumentError(name, 'width', `gives ${length} parameters, over the u32 index range`);
  return length;
}

/** The block-size fields of a vector kernel's uniform (VECTOR_BLOCK_FIELDS) for `shape`. */
export function vectorBlockCounts(shape: VectorShape): { a_count: number; weight_count: number; bias_count: number } {
  return { a_count: shape.width, weight_count: shape.width * shape.inputDim, bias_count: shape.hasBias ? shape.width : 0 };
}

/** Uniform bytes of vector_dots and rademacher_fill (VECTOR_PARAMS). */
export function vectorParams(shape: VectorShape, settings: VectorSettings = {}, name = 'hessian/vector'): ArrayBuffer {
  for (const argument of ['seed', 'stream'] as const) {
    const value = settings[argument] ?? 0;
    if (!Number.isInteger(value) || value < 0 || value >= UINT32_RANGE) {
      throw new KernelArgumentError(name, argument, `must be an integer in [0, 2^32), got ${value}`);
    }
  }
  const trainable = settings.trainable ?? 'both';
  return VECTOR_PARAMS.pack({
    ...vectorBlockCounts(shape),
    seed: settings.seed ?? 0,
    stream: settings.stream ?? 0,
    second_layer_on: trainable !== 'first' ? 1 : 0,
    first_layer_on: trainable !== 'second' ? 1 : 0,
  });
}

/** A parameter-space vector v and its product Hv, each in three blocks: a [m], W [m x d], b [m] (with a bias). */
export interface ParameterBlocks {
  readonly directionA?: GPUBuffer;
  readonly directionW?: GPUBuffer;
  readonly directionB?: GPUBuffer;
  readonly productA?: GPUBuffer;
  readonly productW?: GPUBuffer;
  readonly productB?: GPUBuffer;
}

/** Buffers of the vector kernels by binding key: v and Hv, and these. */
export interface VectorBuffers extends ParameterBlocks {
  /** Partial sums [ceil(p / VECTOR_DOTS_CHUNK)]. */
  readonly partials?: GPUBuffer;
  /** A PROBE_STATE: the reductions done so far. */
  readonly state?: GPUBuffer;
  /** v . Hv per reduction [historyCapacity]. */
  readonly history?: GPUBuffer;
}

function vectorCounts(shape: VectorShape, partialCount: number, historyCapacity = 1): Record<string, number> {
  const { width: m, inputDim: d } = shape;
  return {
    directionA: m, directionW: m * d, directionB: m, productA: m, productW: m * d, productB: m,
    partials: partialCount, state: 1, history: historyCapacity,
  };
}

/** Workgroups (= partial sums) of vector_dots for a p-element vector. */
export function vectorDotsPartialCount(vectorElementCount: number): number {
  return Math.ceil(vectorElementCount / VECTOR_DOTS_CHUNK);
}

/** vector_dots: partials[g] = v . Hv over chunk g of [a | W | b]. */
export async function bindVectorDots(gpu: GpuContext, shape: VectorShape, buffers: VectorBuffers): Promise<BoundKernel> {
  const name = 'hessian/vector_dots';
  const partialCount = vectorDotsPartialCount(vectorLength(gpu, name, shape));
  const variant = { hasBias: shape.hasBias };
  const bound = orderedBuffers(name, vectorDotsBindings(variant), buffers as Record<string, GPUBuffer>, vectorCounts(shape, partialCount));
  return bindKernel(gpu, vectorDotsKernel, variant, { params: vectorParams(shape, {}, name), buffers: bound, workgroupCount: partialCount });
}

/** Uniform bytes of vector_dots_total (VECTOR_DOTS_TOTAL_PARAMS). */
export function vectorDotsTotalParams(partialCount: number, historyCapacity: number): ArrayBuffer {
  return VECTOR_DOTS_TOTAL_PARAMS.pack({ partial_count: partialCount, history_capacity: historyCapacity });
}

/** vector_dots_total: history[count] = v . Hv, count += 1. One workgroup. */
export async function bindVectorDotsTotal(gpu: GpuContext, partialCount: number, historyCapacity: number, buffers: VectorBuffers): Promise<BoundKernel> {
  const name = 'hessian/vector_dots_total';
  checkSize(name, 'partialCount', partialCount);
  checkSize(name, 'historyCapacity', historyCapacity);
  const counts = { partials: partialCount, state: 1, history: historyCapacity };
  const bound = orderedBuffers(name, vectorDotsTotalBindings(), buffers as Record<string, GPUBuffer>, counts);
  return bindKernel(gpu, vectorDotsTotalKernel, { hasBias: false }, {
    params: vectorDotsTotalParams(partialCount, historyCapacity),
    buffers: bound,
    workgroupCount: 1,
  });
}

/** rademacher_fill: v = Rademacher probe number state.count of (seed, stream), zero on frozen blocks. One thread per element. */
export async function bindRademacherFill(
  gpu: GpuContext,
  shape: VectorShape,
  settings: Required<Pick<VectorSettings, 'seed' | 'stream'>> & VectorSettings,
  buffers: VectorBuffers,
): Promise<BoundKernel> {
  const name = 'hessian/rademacher_fill';
  const length = vectorLength(gpu, name, shape);
  const variant = { hasBias: shape.hasBias };
  const bound = orderedBuffers(name, rademacherFillBindings(variant), buffers as Record<string, GPUBuffer>, vectorCounts(shape, 1));
  return bindKernel(gpu, rademacherFillKernel, variant, {
    params: vectorParams(shape, settings, name),
    buffers: bound,
    workgroupCount: Math.ceil(length / ELEMENTWISE_WORKGROUP_SIZE),
  });
}

/** The bytes of a PROBE_STATE with `count` reductions done. */
export function probeStateBytes(count: number): ArrayBuffer {
  return PROBE_STATE.pack({ count });
}
