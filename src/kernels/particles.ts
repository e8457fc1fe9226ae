/**
 * Wrappers for shaders/particles.wgsl.ts: the fused per-neuron update of one GD/SGD step, the
 * minibatch gather and the sphere retraction, as bound kernels on GPU buffers.
 */
import { GATHER_ROWS_PARAMS, NORMALIZE_ROWS_PARAMS, gatherRowsSource, normalizeRowsSource, updateNeuronsSource, type GatherRowsVariant, type NormalizeRowsVariant, type UpdateNeuronsVariant } from '../../shaders/particles.wgsl';
import { UPDATE_NEURONS_PARAMS } from '../../shaders/two-layer-passes.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkBufferHolds, checkSize } from '../gpu/validate';
import { stepSizes } from '../core/update-settings';
import type { NetworkParameters, NetworkSpec, TwoLayerTrainerConfig } from '../core/network';

const UINT32_RANGE = 2 ** 32;

export const gatherRowsKernel: KernelSource<GatherRowsVariant> = {
  family: 'particles',
  entryPoint: 'gather_rows',
  source: gatherRowsSource,
  cacheKey: () => 'f32',
};

export const updateNeuronsKernel: KernelSource<UpdateNeuronsVariant> = {
  family: 'particles',
  entryPoint: 'update_neurons',
  source: updateNeuronsSource,
  cacheKey: (variant) => (variant.hasBias ? 'f32-bias' : 'f32'),
};

export const normalizeRowsKernel: KernelSource<NormalizeRowsVariant> = {
  family: 'particles',
  entryPoint: 'normalize_rows',
  source: normalizeRowsSource,
  cacheKey: () => 'f32',
};

/** Elements of a product shape, which must stay within u32 for the WGSL index math. */
function checkElementCount(kernel: string, argument: string, elementCount: number): void {
  if (elementCount >= UINT32_RANGE) {
    throw new KernelArgumentError(kernel, argument, `${elementCount} elements exceed the u32 index range; use smaller shapes`);
  }
}

// ---------------------------------------------------------------------------------------------
// gather_rows

export interface GatherShape {
  /** n: rows of X and entries of y. */
  readonly sampleCount: number;
  /** d: columns of X. */
  readonly inputDim: number;
  /** B: rows gathered. */
  readonly batchSize: number;
}

export interface GatherRowsBuffers {
  /** u32 [B], each < n. */
  readonly indices: GPUBuffer;
  readonly inputs: GPUBuffer;
  readonly targets: GPUBuffer;
  readonly batchInputs: GPUBuffer;
  readonly batchTargets: GPUBuffer;
}

export function checkGatherShape(kernel: string, shape: GatherShape): void {
  checkSize(kernel, 'sampleCount', shape.sampleCount);
  checkSize(kernel, 'inputDim', shape.inputDim);
  checkSize(kernel, 'batchSize', shape.batchSize);
  checkElementCount(kernel, 'inputs', shape.sampleCount * shape.inputDim);
  checkElementCount(kernel, 'batchInputs', shape.batchSize * shape.inputDim);
}

/** Uniform bytes of gather_rows (GATHER_ROWS_PARAMS). */
export function gatherRowsParams(shape: GatherShape): ArrayBuffer {
  return GATHER_ROWS_PARAMS.pack({ batch_size: shape.batchSize, input_dim: shape.inputDim, sample_count: shape.sampleCount });
}

/** Xb[k, :] = X[idx[k], :], yb[k] = y[idx[k]] for k < B. Buffers bind in the order of GatherRowsBuffers. */
export async function bindGatherRows(gpu: GpuContext, shape: GatherShape, buffers: GatherRowsBuffers): Promise<BoundKernel> {
  const name = 'particles/gather_rows';
  checkGatherShape(name, shape);
  const { sampleCount: n, inputDim: d, batchSize: b } = shape;
  checkBufferHolds(name, 'indices', buffers.indices, b);
  checkBufferHolds(name, 'inputs', buffers.inputs, n * d);
  checkBufferHolds(name, 'targets', buffers.targets, n);
  checkBufferHolds(name, 'batchInputs', buffers.batchInputs, b * d);
  checkBufferHolds(name, 'batchTargets', buffers.batchTargets, b);
  return await bindKernel(gpu, gatherRowsKernel, {}, {
    params: gatherRowsParams(shape),
    buffers: [buffers.indices, buffers.inputs, buffers.targets, buffers.batchInputs, buffers.batchTargets],
    workgroupCount: Math.ceil((b * d) / ELEMENTWISE_WORKGROUP_SIZE),
  });
}

// ---------------------------------------------------------------------------------------------
// update_neurons

/** m neurons of d inputs each. */
export type NeuronShape = Pick<NetworkSpec, 'width' | 'inputDim'>;

/** Step sizes of one update (uniforms lr_a, lr_w). Exactly 0 leaves that layer bit-identical. */
export interface NeuronStepSizes {
  /** lr_a, the step of the output weights a. */
  readonly lrA: number;
  /** lr_w, the step of the first layer W and b. */
  readonly lrW: number;
}

/**
 * How a step is taken: docs/science.md section 0's update rule. `learningRate` here is this step's rate lr
 * (rateAt, or a live change), in the units of the scaling (mean-field runs in particle time, lr * m), not
 * necessarily the run's base rate lr0.
 */
export type NeuronUpdateRule = Pick<TwoLayerTrainerConfig, 'scaling' | 'learningRate' | 'trainable'>;

/**
 * lr_a and lr_w from the update rule: lr c_s with c_s from stepScales (m for mean-field particle time, 1
 * otherwise), exactly 0 for a frozen layer ('first' freezes a; 'second' freezes W and b).
 */
export function neuronStepSizes(rule: NeuronUpdateRule, width: number): NeuronStepSizes {
  const step = stepSizes({ ...rule, width }, rule.learningRate);
  return { lrA: step.a, lrW: step.w };
}

/** The parameters are updated in place; b is required exactly when the variant has a bias. */
export interface UpdateNeuronsBuffers extends NetworkParameters<GPUBuffer> {
  readonly gradA: GPUBuffer;
  readonly gradW: GPUBuffer;
  /** dL/db [m]: required exactly when the variant has a bias. */
  readonly gradB?: GPUBuffer;
}

export function checkNeuronShape(kernel: string, shape: NeuronShape): void {
  checkSize(kernel, 'width', shape.width);
  checkSize(kernel, 'inputDim', shape.inputDim);
  checkElementCount(kernel, 'W', shape.width * shape.inputDim);
}

export function checkStepSizes(kernel: string, steps: NeuronStepSizes): void {
  for (const [argument, value] of Object.entries(steps)) {
    if (!Number.isFinite(Math.fround(value)) || value < 0) {
      throw new KernelArgumentError(kernel, `stepSizes.${argument}`, `must be finite in float32 and >= 0, got ${value}`);
    }
  }
}

/** Uniform bytes of update_neurons (UPDATE_NEURONS_PARAMS); rewrite per step with writeParams. */
export function updateNeuronsParams(shape: NeuronShape, steps: NeuronStepSizes): ArrayBuffer {
  return UPDATE_NEURONS_PARAMS.pack({ width: shape.width, input_dim: shape.inputDim, lr_a: steps.lrA, lr_w: steps.lrW });
}

/**
 * In place: a -= lr_a gradA, W -= lr_w gradW, b -= lr_w gradB. Bindings in order a, W, [b], gradA,
 * gradW, [gradB]; the variant's hasBias must match the presence of b and gradB.
 */
export async function bindUpdateNeurons(
  gpu: GpuContext,
  variant: UpdateNeuronsVariant,
  shape: NeuronShape,
  steps: NeuronStepSizes,
  buffers: UpdateNeuronsBuffers,
): Promise<BoundKernel> {
  const name = 'particles/update_neurons';
  checkNeuronShape(name, shape);
  checkStepSizes(name, steps);
  const { width: m, inputDim: d } = shape;
  for (const argument of ['b', 'gradB'] as const) {
    if ((buffers[argument] !== undefined) !== variant.hasBias) {
      throw new KernelArgumentError(name, argument, variant.hasBias ? 'is required when hasBias is set' : 'is given but hasBias is not set');
    }
  }
  checkBufferHolds(name, 'a', buffers.a, m);
  checkBufferHolds(name, 'W', buffers.W, m * d);
  checkBufferHolds(name, 'gradA', buffers.gradA, m);
  checkBufferHolds(name, 'gradW', buffers.gradW, m * d);
  if (buffers.b) checkBufferHolds(name, 'b', buffers.b, m);
  if (buffers.gradB) checkBufferHolds(name, 'gradB', buffers.gradB, m);
  const ordered = variant.hasBias
    ? [buffers.a, buffers.W, buffers.b!, buffers.gradA, buffers.gradW, buffers.gradB!]
    : [buffers.a, buffers.W, buffers.gradA, buffers.gradW];
  return await bindKernel(gpu, updateNeuronsKernel, variant, {
    params: updateNeuronsParams(shape, steps),
    buffers: ordered,
    workgroupCount: Math.ceil((m * d) / ELEMENTWISE_WORKGROUP_SIZE),
  });
}

// ---------------------------------------------------------------------------------------------
// normalize_rows

/** Uniform bytes of normalize_rows (NORMALIZE_ROWS_PARAMS). */
export function normalizeRowsParams(shape: NeuronShape): ArrayBuffer {
  return NORMALIZE_ROWS_PARAMS.pack({ width: shape.width, input_dim: shape.inputDim });
}

/** In place: w_j <- w_j / |w_j| for every row of W [m x d] (zero rows stay zero); the sphere retraction. */
export async function bindNormalizeRows(gpu: GpuContext, shape: NeuronShape, W: GPUBuffer): Promise<BoundKernel> {
  const name = 'particles/normalize_rows';
  checkNeuronShape(name, shape);
  checkBufferHolds(name, 'W', W, shape.width * shape.inputDim);
  return await bindKernel(gpu, normalizeRowsKernel, {}, {
    params: normalizeRowsParams(shape),
    buffers: [W],
    workgroupCount: Math.ceil(shape.width / ELEMENTWISE_WORKGROUP_SIZE),
  });
}
