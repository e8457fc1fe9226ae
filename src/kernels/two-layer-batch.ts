/**
 * Wrappers for shaders/two-layer-batch.wgsl.ts: N independent networks, each of width m_k <= M
 * stored padded to M. Bound kernels on GPU buffers (for the batched trainer) and array-in/array-out
 * helpers (for tests). Every argument is checked before any buffer is created or work dispatched.
 */
import {
  batchMeanLossSource,
  batchNeuronGradsSource,
  batchOutputLossSource,
  batchUpdateSource,
  type TwoLayerBatchBiasVariant,
  type TwoLayerBatchVariant,
} from '../../shaders/two-layer-batch.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { checkBufferSize, createStorageBuffer, readFloat32 } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, runKernels, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { packParams } from '../gpu/params';
import { checkBufferHolds, checkFinite, checkLength, checkSize } from '../gpu/validate';
import { LOSS_KINDS, SCALINGS, combinedOutputScale, lossCode, type LossKind } from '../core/conventions';
import { batchRowLength, type BatchNetwork, type BatchProblem, type BatchSettings, type BatchShape } from '../core/batched-network';
import { neuronStepSizes } from './particles';

const FAMILY = 'two-layer-batch';
const VARIANT: TwoLayerBatchVariant = {};

function kernelSource<V>(entryPoint: string, source: (variant: V) => string, cacheKey: (variant: V) => string): KernelSource<V> {
  return { family: FAMILY, entryPoint, source, cacheKey };
}

const biasKey = (variant: TwoLayerBatchBiasVariant) => (variant.hasBias ? 'f32-bias' : 'f32');
export const batchOutputLossKernel = kernelSource('batch_output_loss', batchOutputLossSource, () => 'f32');
export const batchMeanLossKernel = kernelSource('batch_mean_loss', batchMeanLossSource, () => 'f32');
export const batchNeuronGradsKernel = kernelSource('batch_neuron_grads', batchNeuronGradsSource, biasKey);
export const batchUpdateKernel = kernelSource('batch_update', batchUpdateSource, biasKey);

/** Bytes per network in the `networks` table: { width: u32, output_scale: f32, lr_a: f32, lr_w: f32 }. */
export const NETWORK_ENTRY_BYTES = 16;

/** u32 index math in the WGSL: every array stays below 2^30 elements. */
const MAX_ELEMENTS = 2 ** 30;

/** Element counts of the batched arrays. */
export function batchElementCounts(shape: BatchShape): { activation: number; samples: number; neurons: number; firstLayer: number; inputs: number } {
  const { networkCount: N, sampleCount: n, maxWidth: M } = shape;
  const R = batchRowLength(shape);
  return { activation: N * n * M, samples: N * n, neurons: N * M, firstLayer: N * M * R, inputs: N * n * R };
}

/** Positive sizes, and arrays that fit one storage binding and the shaders' u32 indices. */
export function checkBatchShape(gpu: GpuContext, name: string, shape: BatchShape): void {
  for (const key of ['networkCount', 'sampleCount', 'maxWidth', 'inputDim'] as const) checkSize(name, key, shape[key]);
  for (const [argument, count] of Object.entries(batchElementCounts(shape))) {
    if (count >= MAX_ELEMENTS) throw new KernelArgumentError(name, argument, `has ${count} elements, over the 2^30 the u32 indices allow; split the batch`);
    checkBufferSize(gpu, argument, count * 4, name);
  }
}

/**
 * The per-network table: width m_k, alpha s_{m_k} (rounded once to float32, as the single-network
 * kernels round it), and the particle-time step sizes lr_a, lr_w (exactly 0 for a frozen layer).
 */
export function networkTable(shape: BatchShape, settings: BatchSettings, networks: readonly BatchNetwork[], name = `${FAMILY}/networks`): ArrayBuffer {
  if (networks.length !== shape.networkCount) {
    throw new KernelArgumentError(name, 'networks', `has ${networks.length} entries, expected networkCount = ${shape.networkCount}`);
  }
  if (!SCALINGS.includes(settings.scaling)) {
    throw new KernelArgumentError(name, 'scaling', `is '${String(settings.scaling)}'; expected one of ${SCALINGS.join(', ')}`);
  }
  const bytes = new ArrayBuffer(Math.max(1, networks.length) * NETWORK_ENTRY_BYTES);
  const view = new DataView(bytes);
  networks.forEach(({ width, learningRate }, k) => {
    if (!Number.isInteger(width) || width < 1 || width > shape.maxWidth) {
      throw new KernelArgumentError(name, `networks[${k}].width`, `is ${width}; must be an integer in [1, maxWidth = ${shape.maxWidth}]`);
    }
    if (!Number.isFinite(learningRate) || learningRate < 0) {
      throw new KernelArgumentError(name, `networks[${k}].learningRate`, `must be finite and >= 0, got ${learningRate}`);
    }
    const scale = combinedOutputScale({ ...settings, width });
    const steps = neuronStepSizes({ scaling: settings.scaling, learningRate, trainable: settings.trainable }, width);
    for (const [argument, value] of [['alpha', scale], ['learningRate', steps.lrA], ['learningRate', steps.lrW]] as const) {
      if (!Number.isFinite(Math.fround(value))) throw new KernelArgumentError(name, `networks[${k}].${argument}`, `gives ${value}, not a finite float32`);
    }
    const offset = k * NETWORK_ENTRY_BYTES;
    view.setUint32(offset, width, true);
    view.setFloat32(offset + 4, scale, true);
    view.setFloat32(offset + 8, steps.lrA, true);
    view.setFloat32(offset + 12, steps.lrW, true);
  });
  return bytes;
}

/**
 * The uniform struct of every entry point: { network_count, sample_count, max_width, row_length,
 * input_dim, loss_code, output_offset } (all u32). output_offset is mean_loss's log row.
 */
export function batchParams(shape: BatchShape, loss: LossKind = 'square', outputOffset = 0): ArrayBuffer {
  return packParams([
    ['u32', shape.networkCount],
    ['u32', shape.sampleCount],
    ['u32', shape.maxWidth],
    ['u32', batchRowLength(shape)],
    ['u32', shape.inputDim],
    ['u32', lossCode(loss)],
    ['u32', outputOffset],
  ]);
}

function checkLoss(name: string, loss: LossKind): void {
  if (!LOSS_KINDS.includes(loss)) throw new KernelArgumentError(name, 'loss', `is '${String(loss)}'; expected one of ${LOSS_KINDS.join(', ')}`);
}

/** Checks each named buffer against its element count. */
function checkBuffers(name: string, buffers: Record<string, GPUBuffer | undefined>, counts: Record<string, number>): void {
  for (const [argument, count] of Object.entries(counts)) {
    const buffer = buffers[argument];
    if (!buffer) throw new KernelArgumentError(name, argument, 'is missing');
    checkBufferHolds(name, argument, buffer, count);
  }
}

/** With a bias the kernel binds the extra buffers; without one it must not be given them. */
function biasBuffers(name: string, hasBias: boolean, buffers: Record<string, GPUBuffer | undefined>, names: readonly string[]): void {
  for (const argument of names) {
    if ((buffers[argument] !== undefined) !== hasBias) {
      throw new KernelArgumentError(name, argument, hasBias ? 'is required when hasBias is set' : 'is given but hasBias is not set');
    }
  }
}

const elementwise = (count: number) => Math.ceil(count / ELEMENTWISE_WORKGROUP_SIZE);

export interface BatchOutputLossBuffers {
  /** [N x 4] network table (see networkTable). */
  readonly networks: GPUBuffer;
  /** H [N x n x M]. */
  readonly activation: GPUBuffer;
  /** a [N x M]. */
  readonly a: GPUBuffer;
  /** y [N x n]. */
  readonly y: GPUBuffer;
  /** f, l(f, y), l'(f, y) / n [N x n], written. */
  readonly output: GPUBuffer;
  readonly loss: GPUBuffer;
  readonly outputGrad: GPUBuffer;
}

/**
 * batch_output_loss: f_ki = alpha s_{m_k} sum_{j < m_k} a_kj H_kij, l_ki, g_ki = l'(f_ki, y_ki) / n.
 * Bindings: 1 networks, 2 activation, 3 a, 4 y, 5 output, 6 loss, 7 outputGrad. One thread per (k, i).
 */
export function bindBatchOutputLoss(gpu: GpuContext, shape: BatchShape, loss: LossKind, buffers: BatchOutputLossBuffers): Promise<BoundKernel> {
  const name = `${FAMILY}/batch_output_loss`;
  checkBatchShape(gpu, name, shape);
  checkLoss(name, loss);
  const c = batchElementCounts(shape);
  checkBuffers(name, { ...buffers }, { networks: shape.networkCount * 4, activation: c.activation, a: c.neurons, y: c.samples, output: c.samples, loss: c.samples, outputGrad: c.samples });
  return bindKernel(gpu, batchOutputLossKernel, VARIANT, {
    params: batchParams(shape, loss),
    buffers: [buffers.networks, buffers.activation, buffers.a, buffers.y, buffers.output, buffers.loss, buffers.outputGrad],
    workgroupCount: elementwise(c.samples),
  });
}

export interface BatchMeanLossBuffers {
  /** Per-sample losses [N x n]. */
  readonly loss: GPUBuffer;
  /** Receives L_k at element outputOffset * N + k (row outputOffset of a [rows x N] log). */
  readonly metrics: GPUBuffer;
}

/**
 * batch_mean_loss: metrics[outputOffset * N + k] = (1/n) sum_i loss_ki, one workgroup per network.
 * Bindings: 1 loss, 2 metrics. Change the row per step by copying batchParams(shape, loss, t) in.
 */
export function bindBatchMeanLoss(gpu: GpuContext, shape: BatchShape, outputOffset: number, buffers: BatchMeanLossBuffers): Promise<BoundKernel> {
  const name = `${FAMILY}/batch_mean_loss`;
  checkBatchShape(gpu, name, shape);
  if (!Number.isInteger(outputOffset) || outputOffset < 0) {
    throw new KernelArgumentError(name, 'outputOffset', `must be a non-negative integer, got ${outputOffset}`);
  }
  checkBuffers(name, { ...buffers }, { loss: shape.networkCount * shape.sampleCount, metrics: (outputOffset + 1) * shape.networkCount });
  return bindKernel(gpu, batchMeanLossKernel, VARIANT, {
    params: batchParams(shape, 'square', outputOffset),
    buffers: [buffers.loss, buffers.metrics],
    workgroupCount: shape.networkCount,
  });
}

export interface BatchNeuronGradsBuffers {
  readonly networks: GPUBuffer;
  /** H [N x n x M]. */
  readonly activation: GPUBuffer;
  /** dL/df [N x n]. */
  readonly outputGrad: GPUBuffer;
  /** dL/da [N x M], written (0 at padded neurons). */
  readonly gradA: GPUBuffer;
  /** a [N x M]: exactly with a bias. */
  readonly a?: GPUBuffer;
  /** dL/db [N x M], written: exactly with a bias. */
  readonly gradB?: GPUBuffer;
}

/**
 * batch_neuron_grads: gradA_kj = alpha s_{m_k} sum_i g_ki H_kij and, with a bias,
 * gradB_kj = alpha s_{m_k} a_kj sum_i g_ki 1[H_kij > 0]. Bindings: 1 networks, 2 activation,
 * 3 outputGrad, 4 gradA, then with a bias 5 a, 6 gradB. One thread per (k, j).
 */
export function bindBatchNeuronGrads(gpu: GpuContext, shape: BatchShape, buffers: BatchNeuronGradsBuffers): Promise<BoundKernel> {
  const name = `${FAMILY}/batch_neuron_grads`;
  checkBatchShape(gpu, name, shape);
  biasBuffers(name, shape.hasBias, { ...buffers }, ['a', 'gradB']);
  const c = batchElementCounts(shape);
  checkBuffers(name, { ...buffers }, {
    networks: shape.networkCount * 4, activation: c.activation, outputGrad: c.samples, gradA: c.neurons, ...(shape.hasBias ? { a: c.neurons, gradB: c.neurons } : {}),
  });
  const bound = [buffers.networks, buffers.activation, buffers.outputGrad, buffers.gradA, ...(shape.hasBias ? [buffers.a!, buffers.gradB!] : [])];
  return bindKernel(gpu, batchNeuronGradsKernel, { hasBias: shape.hasBias }, { params: batchParams(shape), buffers: bound, workgroupCount: elementwise(c.neurons) });
}

export interface BatchUpdateBuffers {
  readonly networks: GPUBuffer;
  /** a [N x M], updated in place. */
  readonly a: GPUBuffer;
  /** First layer [N x M x R] (row j = (w_j, b_j) with a bias), updated in place. */
  readonly firstLayer: GPUBuffer;
  /** dL/da [N x M]. */
  readonly gradA: GPUBuffer;
  /** dL/dW [N x M x R] (the bias column, if any, is not read). */
  readonly gradW: GPUBuffer;
  /** dL/db [N x M]: exactly with a bias. */
  readonly gradB?: GPUBuffer;
}

/**
 * batch_update: a_k -= lr_a,k gradA_k, W_k -= lr_w,k gradW_k, b_k -= lr_w,k gradB_k for j < m_k only.
 * Bindings: 1 networks, 2 a, 3 firstLayer, 4 gradA, 5 gradW, then with a bias 6 gradB.
 */
export function bindBatchUpdate(gpu: GpuContext, shape: BatchShape, buffers: BatchUpdateBuffers): Promise<BoundKernel> {
  const name = `${FAMILY}/batch_update`;
  checkBatchShape(gpu, name, shape);
  biasBuffers(name, shape.hasBias, { ...buffers }, ['gradB']);
  const c = batchElementCounts(shape);
  checkBuffers(name, { ...buffers }, {
    networks: shape.networkCount * 4, a: c.neurons, firstLayer: c.firstLayer, gradA: c.neurons, gradW: c.firstLayer, ...(shape.hasBias ? { gradB: c.neurons } : {}),
  });
  const bound = [buffers.networks, buffers.a, buffers.firstLayer, buffers.gradA, buffers.gradW, ...(buffers.gradB ? [buffers.gradB] : [])];
  return bindKernel(gpu, batchUpdateKernel, { hasBias: shape.hasBias }, { params: batchParams(shape), buffers: bound, workgroupCount: elementwise(c.firstLayer) });
}

// ---- Array-in/array-out helpers -------------------------------------------------------------

/** Checks host arrays: lengths (with the shape in the message) and finiteness. */
function checkArrays(name: string, arrays: Record<string, readonly [data: ArrayLike<number>, length: number, shapeText: string]>): void {
  for (const [argument, [data, length, shapeText]] of Object.entries(arrays)) {
    checkLength(name, argument, data, length, shapeText);
    checkFinite(name, argument, data);
  }
}

/**
 * Uploads `inputs` (and the network table), creates zeroed `outputs` of the given element counts
 * (an output named like an input reuses its buffer: updated in place), runs the bound kernel once,
 * reads the outputs back and frees everything.
 */
async function runOnce<O extends string>(
  gpu: GpuContext,
  name: string,
  inputs: Record<string, ArrayBufferView>,
  outputs: Record<O, number>,
  bind: (buffers: Record<string, GPUBuffer>) => Promise<BoundKernel>,
): Promise<Record<O, Float32Array>> {
  const buffers: Record<string, GPUBuffer> = {};
  let kernel: BoundKernel | undefined;
  try {
    for (const [argument, data] of Object.entries(inputs)) buffers[argument] = createStorageBuffer(gpu, `${name}/${argument}`, data);
    for (const [argument, count] of Object.entries<number>(outputs)) buffers[argument] ??= createStorageBuffer(gpu, `${name}/${argument}`, count * 4);
    kernel = await bind(buffers);
    await runKernels(gpu, name, [kernel]);
    const entries = await Promise.all(Object.entries<number>(outputs).map(async ([argument, count]) => [argument, await readFloat32(gpu, buffers[argument]!, count)] as const));
    return Object.fromEntries(entries) as Record<O, Float32Array>;
  } finally {
    kernel?.destroy();
    for (const buffer of Object.values(buffers)) buffer.destroy();
  }
}

function shapeTexts(shape: BatchShape) {
  const { networkCount: N, sampleCount: n, maxWidth: M } = shape;
  const R = batchRowLength(shape);
  return { activation: `[${N} x ${n} x ${M}]`, samples: `[${N} x ${n}]`, neurons: `[${N} x ${M}]`, firstLayer: `[${N} x ${M} x ${R}]` };
}

/** The network table as bytes for upload, after checking the problem. */
function prepare(gpu: GpuContext, name: string, problem: BatchProblem): Uint8Array {
  checkBatchShape(gpu, name, problem.shape);
  return new Uint8Array(networkTable(problem.shape, problem.settings, problem.networks, name));
}

export interface BatchHeadInputs {
  /** H [N x n x M]. */
  readonly activation: Float32Array;
  /** a [N x M]. */
  readonly a: Float32Array;
}

/** Uploads H, a, y; runs batch_output_loss; reads back f, per-sample losses and dL/df [N x n]. */
export async function batchOutputLoss(
  gpu: GpuContext,
  problem: BatchProblem,
  loss: LossKind,
  inputs: BatchHeadInputs & { readonly y: Float32Array },
): Promise<{ output: Float32Array; loss: Float32Array; outputGrad: Float32Array }> {
  const name = `${FAMILY}/batch_output_loss`;
  const networks = prepare(gpu, name, problem);
  checkLoss(name, loss);
  const c = batchElementCounts(problem.shape);
  const s = shapeTexts(problem.shape);
  checkArrays(name, { activation: [inputs.activation, c.activation, s.activation], a: [inputs.a, c.neurons, s.neurons], y: [inputs.y, c.samples, s.samples] });
  const counts = { output: c.samples, loss: c.samples, outputGrad: c.samples };
  return runOnce(gpu, name, { networks, activation: inputs.activation, a: inputs.a, y: inputs.y }, counts, (b) =>
    bindBatchOutputLoss(gpu, problem.shape, loss, { networks: b.networks!, activation: b.activation!, a: b.a!, y: b.y!, output: b.output!, loss: b.loss!, outputGrad: b.outputGrad! }),
  );
}

/** Uploads per-sample losses [N x n]; runs batch_mean_loss into row `outputOffset`; returns the [(outputOffset + 1) x N] log. */
export async function batchMeanLoss(gpu: GpuContext, shape: BatchShape, loss: Float32Array, outputOffset = 0): Promise<Float32Array> {
  const name = `${FAMILY}/batch_mean_loss`;
  checkBatchShape(gpu, name, shape);
  checkArrays(name, { loss: [loss, shape.networkCount * shape.sampleCount, shapeTexts(shape).samples] });
  if (!Number.isInteger(outputOffset) || outputOffset < 0) {
    throw new KernelArgumentError(name, 'outputOffset', `must be a non-negative integer, got ${outputOffset}`);
  }
  const { metrics } = await runOnce(gpu, name, { loss }, { metrics: (outputOffset + 1) * shape.networkCount }, (b) =>
    bindBatchMeanLoss(gpu, shape, outputOffset, { loss: b.loss!, metrics: b.metrics! }),
  );
  return metrics;
}

export interface BatchGradInputs extends BatchHeadInputs {
  /** dL/df [N x n]. */
  readonly outputGrad: Float32Array;
}

function checkGradInputs(gpu: GpuContext, name: string, problem: BatchProblem, inputs: BatchGradInputs): Uint8Array {
  const networks = prepare(gpu, name, problem);
  const c = batchElementCounts(problem.shape);
  const s = shapeTexts(problem.shape);
  checkArrays(name, { activation: [inputs.activation, c.activation, s.activation], a: [inputs.a, c.neurons, s.neurons], outputGrad: [inputs.outputGrad, c.samples, s.samples] });
  return networks;
}

/** Uploads H, dL/df (and a); runs batch_neuron_grads; reads back dL/da (and dL/db) [N x M]. */
export async function batchNeuronGrads(gpu: GpuContext, problem: BatchProblem, inputs: BatchGradInputs): Promise<{ gradA: Float32Array; gradB?: Float32Array }> {
  const name = `${FAMILY}/batch_neuron_grads`;
  const networks = checkGradInputs(gpu, name, problem, inputs);
  const { hasBias } = problem.shape;
  const c = batchElementCounts(problem.shape);
  const uploads = { networks, activation: inputs.activation, outputGrad: inputs.outputGrad, ...(hasBias ? { a: inputs.a } : {}) };
  const outputs: Record<string, number> = hasBias ? { gradA: c.neurons, gradB: c.neurons } : { gradA: c.neurons };
  const { gradA, gradB } = await runOnce(gpu, name, uploads, outputs, (b) =>
    bindBatchNeuronGrads(gpu, problem.shape, { networks: b.networks!, activation: b.activation!, outputGrad: b.outputGrad!, gradA: b.gradA!, ...(hasBias ? { a: b.a!, gradB: b.gradB! } : {}) }),
  );
  return gradB ? { gradA: gradA!, gradB } : { gradA: gradA! };
}

export interface BatchUpdateInputs {
  /** a [N x M]. */
  readonly a: Float32Array;
  /** First layer [N x M x R]. */
  readonly firstLayer: Float32Array;
  readonly gradA: Float32Array;
  /** [N x M x R]. */
  readonly gradW: Float32Array;
  /** [N x M], exactly with a bias. */
  readonly gradB?: Float32Array;
}

/** Uploads parameters and gradients; runs one batch_update; reads back a [N x M] and the first layer [N x M x R]. */
export async function batchUpdate(gpu: GpuContext, problem: BatchProblem, inputs: BatchUpdateInputs): Promise<{ a: Float32Array; firstLayer: Float32Array }> {
  const name = `${FAMILY}/batch_update`;
  const networks = prepare(gpu, name, problem);
  const { hasBias } = problem.shape;
  if ((inputs.gradB !== undefined) !== hasBias) {
    throw new KernelArgumentError(name, 'gradB', hasBias ? 'is required when hasBias is set' : 'is given but hasBias is not set');
  }
  const c = batchElementCounts(problem.shape);
  const s = shapeTexts(problem.shape);
  checkArrays(name, {
    a: [inputs.a, c.neurons, s.neurons],
    firstLayer: [inputs.firstLayer, c.firstLayer, s.firstLayer],
    gradA: [inputs.gradA, c.neurons, s.neurons],
    gradW: [inputs.gradW, c.firstLayer, s.firstLayer],
    ...(inputs.gradB ? { gradB: [inputs.gradB, c.neurons, s.neurons] as const } : {}),
  });
  const uploads = { networks, a: inputs.a, firstLayer: inputs.firstLayer, gradA: inputs.gradA, gradW: inputs.gradW, ...(inputs.gradB ? { gradB: inputs.gradB } : {}) };
  return runOnce(gpu, name, uploads, { a: c.neurons, firstLayer: c.firstLayer }, (b) =>
    bindBatchUpdate(gpu, problem.shape, { networks: b.networks!, a: b.a!, firstLayer: b.firstLayer!, gradA: b.gradA!, gradW: b.gradW!, ...(b.gradB ? { gradB: b.gradB } : {}) }),
  );
}
