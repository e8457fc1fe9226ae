/**
 * Wrappers for shaders/particles.wgsl.ts: the fused per-neuron update of one GD/SGD step and the
 * minibatch gather, as bound kernels on GPU buffers and as array-in/array-out helpers.
 */
import { gatherRowsSource, normalizeRowsSource, updateNeuronsSource, type GatherRowsVariant, type NormalizeRowsVariant, type UpdateNeuronsVariant } from '../../shaders/particles.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { checkBufferSize, createStorageBuffer, readFloat32 } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, runKernels, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { packParams } from '../gpu/params';
import { checkBufferHolds, checkFinite, checkLength, checkSize } from '../gpu/validate';
import { particleLearningRate, type Scaling, type TrainableParts } from '../core/conventions';

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

function checkGatherShape(kernel: string, shape: GatherShape): void {
  checkSize(kernel, 'sampleCount', shape.sampleCount);
  checkSize(kernel, 'inputDim', shape.inputDim);
  checkSize(kernel, 'batchSize', shape.batchSize);
  checkElementCount(kernel, 'inputs', shape.sampleCount * shape.inputDim);
  checkElementCount(kernel, 'batchInputs', shape.batchSize * shape.inputDim);
}

/** Uniform bytes of gather_rows: { batch_size, input_dim, sample_count }. */
export function gatherRowsParams(shape: GatherShape): ArrayBuffer {
  return packParams([
    ['u32', shape.batchSize],
    ['u32', shape.inputDim],
    ['u32', shape.sampleCount],
  ]);
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

/** Checks indices on the CPU (integers in [0, n)) and returns them as u32. */
function checkIndices(kernel: string, indices: ArrayLike<number>, sampleCount: number): Uint32Array {
  for (let k = 0; k < indices.length; k++) {
    const index = indices[k]!;
    if (!Number.isInteger(index) || index < 0 || index >= sampleCount) {
      throw new KernelArgumentError(kernel, 'indices', `has ${index} at position ${k}; indices must be integers in [0, ${sampleCount})`);
    }
  }
  return Uint32Array.from(indices);
}

/** Uploads X [n x d], y [n] and the indices, runs gather_rows, reads back Xb [B x d] and yb [B]. */
export async function gatherRows(
  gpu: GpuContext,
  inputs: Float32Array,
  targets: Float32Array,
  indices: ArrayLike<number>,
  inputDim: number,
): Promise<{ batchInputs: Float32Array; batchTargets: Float32Array }> {
  const name = 'particles/gather_rows';
  const shape = { sampleCount: targets.length, inputDim, batchSize: indices.length };
  checkGatherShape(name, shape);
  const { sampleCount: n, batchSize: b } = shape;
  checkLength(name, 'inputs', inputs, n * inputDim, `[${n} x ${inputDim}]`);
  checkFinite(name, 'inputs', inputs);
  checkFinite(name, 'targets', targets);
  const indexData = checkIndices(name, indices, n);
  checkBufferSize(gpu, 'inputs', inputs.byteLength, name);
  checkBufferSize(gpu, 'batchInputs', b * inputDim * 4, name);
  const buffers = {
    indices: createStorageBuffer(gpu, `${name}/indices`, indexData),
    inputs: createStorageBuffer(gpu, `${name}/inputs`, inputs),
    targets: createStorageBuffer(gpu, `${name}/targets`, targets),
    batchInputs: createStorageBuffer(gpu, `${name}/batchInputs`, b * inputDim * 4),
    batchTargets: createStorageBuffer(gpu, `${name}/batchTargets`, b * 4),
  };
  try {
    const kernel = await bindGatherRows(gpu, shape, buffers);
    await runKernels(gpu, name, [kernel]);
    kernel.destroy();
    const [batchInputs, batchTargets] = await Promise.all([
      readFloat32(gpu, buffers.batchInputs, b * inputDim),
      readFloat32(gpu, buffers.batchTargets, b),
    ]);
    return { batchInputs, batchTargets };
  } finally {
    Object.values(buffers).forEach((buffer) => buffer.destroy());
  }
}

// ---------------------------------------------------------------------------------------------
// update_neurons

export interface NeuronShape {
  /** m: neurons. */
  readonly width: number;
  /** d: inputs per neuron. */
  readonly inputDim: number;
}

/** Step sizes of one update (uniforms lr_a, lr_w). Exactly 0 leaves that layer bit-identical. */
export interface NeuronStepSizes {
  /** lr_a, the step of the output weights a. */
  readonly lrA: number;
  /** lr_w, the step of the first layer W and b. */
  readonly lrW: number;
}

/** How a step is taken: docs/science.md section 0's update rule. */
export interface NeuronUpdateRule {
  readonly scaling: Scaling;
  /** lr, in the units of the scaling (mean-field runs in particle time, lr * m). */
  readonly learningRate: number;
  readonly trainable: TrainableParts;
}

/**
 * lr_a and lr_w from the update rule: particleLearningRate(scaling, lr, m) for a trained layer,
 * exactly 0 for a frozen one ('first' freezes a; 'second' freezes W and b).
 */
export function neuronStepSizes(rule: NeuronUpdateRule, width: number): NeuronStepSizes {
  const step = particleLearningRate(rule.scaling, rule.learningRate, width);
  return {
    lrA: rule.trainable === 'first' ? 0 : step,
    lrW: rule.trainable === 'second' ? 0 : step,
  };
}

export interface UpdateNeuronsBuffers {
  /** a [m], updated in place. */
  readonly a: GPUBuffer;
  /** W [m x d], updated in place. */
  readonly W: GPUBuffer;
  /** b [m], updated in place: required exactly when the variant has a bias. */
  readonly b?: GPUBuffer;
  readonly gradA: GPUBuffer;
  readonly gradW: GPUBuffer;
  /** dL/db [m]: required exactly when the variant has a bias. */
  readonly gradB?: GPUBuffer;
}

function checkNeuronShape(kernel: string, shape: NeuronShape): void {
  checkSize(kernel, 'width', shape.width);
  checkSize(kernel, 'inputDim', shape.inputDim);
  checkElementCount(kernel, 'W', shape.width * shape.inputDim);
}

function checkStepSizes(kernel: string, steps: NeuronStepSizes): void {
  for (const [argument, value] of Object.entries(steps)) {
    if (!Number.isFinite(Math.fround(value)) || value < 0) {
      throw new KernelArgumentError(kernel, `stepSizes.${argument}`, `must be finite in float32 and >= 0, got ${value}`);
    }
  }
}

/** Uniform bytes of update_neurons: { width, input_dim, lr_a, lr_w }; rewrite per step with writeParams. */
export function updateNeuronsParams(shape: NeuronShape, steps: NeuronStepSizes): ArrayBuffer {
  return packParams([
    ['u32', shape.width],
    ['u32', shape.inputDim],
    ['f32', steps.lrA],
    ['f32', steps.lrW],
  ]);
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

/** Parameters of the m neurons: a [m], W [m x d], b [m] (optional). */
export interface NeuronParameters<T> {
  readonly a: T;
  readonly W: T;
  readonly b?: T;
}

/** Gradients of L with respect to the parameters, same shapes. */
export interface NeuronGradients<T> {
  readonly gradA: T;
  readonly gradW: T;
  readonly gradB?: T;
}

/** Uploads parameters and gradients, runs one update_neurons step, reads back the new parameters. */
export async function updateNeurons(
  gpu: GpuContext,
  parameters: NeuronParameters<Float32Array>,
  gradients: NeuronGradients<Float32Array>,
  shape: NeuronShape,
  rule: NeuronUpdateRule,
): Promise<NeuronParameters<Float32Array>> {
  const name = 'particles/update_neurons';
  checkNeuronShape(name, shape);
  const { width: m, inputDim: d } = shape;
  const hasBias = parameters.b !== undefined;
  if ((gradients.gradB !== undefined) !== hasBias) {
    throw new KernelArgumentError(name, 'gradB', hasBias ? 'is required since b is given' : 'is given but b is not');
  }
  if (!Number.isFinite(rule.learningRate) || rule.learningRate < 0) {
    throw new KernelArgumentError(name, 'learningRate', `must be finite and >= 0, got ${rule.learningRate}`);
  }
  const arrays: [string, Float32Array, number][] = [
    ['a', parameters.a, m],
    ['W', parameters.W, m * d],
    ['gradA', gradients.gradA, m],
    ['gradW', gradients.gradW, m * d],
  ];
  if (parameters.b && gradients.gradB) arrays.push(['b', parameters.b, m], ['gradB', gradients.gradB, m]);
  for (const [argument, data, length] of arrays) checkLength(name, argument, data, length, length === m ? `[${m}]` : `[${m} x ${d}]`);
  for (const [argument, data] of arrays) checkFinite(name, argument, data);
  const steps = neuronStepSizes(rule, m);
  checkStepSizes(name, steps);
  checkBufferSize(gpu, 'W', m * d * 4, name);

  const upload = (argument: string, data: Float32Array) => createStorageBuffer(gpu, `${name}/${argument}`, data);
  const buffers: UpdateNeuronsBuffers = {
    a: upload('a', parameters.a),
    W: upload('W', parameters.W),
    gradA: upload('gradA', gradients.gradA),
    gradW: upload('gradW', gradients.gradW),
    ...(parameters.b && gradients.gradB ? { b: upload('b', parameters.b), gradB: upload('gradB', gradients.gradB) } : {}),
  };
  try {
    const kernel = await bindUpdateNeurons(gpu, { hasBias }, shape, steps, buffers);
    await runKernels(gpu, name, [kernel]);
    kernel.destroy();
    const [a, W, b] = await Promise.all([
      readFloat32(gpu, buffers.a, m),
      readFloat32(gpu, buffers.W, m * d),
      buffers.b ? readFloat32(gpu, buffers.b, m) : Promise.resolve(undefined),
    ]);
    return b ? { a, W, b } : { a, W };
  } finally {
    Object.values(buffers).forEach((buffer) => buffer?.destroy());
  }
}

// ---------------------------------------------------------------------------------------------
// normalize_rows

/** Uniform bytes of normalize_rows: { width, input_dim }. */
export function normalizeRowsParams(shape: NeuronShape): ArrayBuffer {
  return packParams([
    ['u32', shape.width],
    ['u32', shape.inputDim],
  ]);
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

/** Uploads W [m x d], normalizes its rows on the GPU, reads it back. */
export async function normalizeRows(gpu: GpuContext, W: Float32Array, shape: NeuronShape): Promise<Float32Array> {
  const name = 'particles/normalize_rows';
  checkNeuronShape(name, shape);
  checkLength(name, 'W', W, shape.width * shape.inputDim, `[${shape.width} x ${shape.inputDim}]`);
  checkFinite(name, 'W', W);
  checkBufferSize(gpu, 'W', W.byteLength, name);
  const buffer = createStorageBuffer(gpu, `${name}/W`, W);
  try {
    const kernel = await bindNormalizeRows(gpu, shape, buffer);
    await runKernels(gpu, name, [kernel]);
    kernel.destroy();
    return await readFloat32(gpu, buffer, W.length);
  } finally {
    buffer.destroy();
  }
}
