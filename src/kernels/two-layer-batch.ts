/**
 * Wrappers for shaders/two-layer-batch.wgsl.ts: N independent networks, each of width m_k <= M
 * stored padded to M. Bound kernels on GPU buffers (for the batched trainer). Every argument is
 * checked before any buffer is created or work dispatched.
 */
import { batchMeanLossSource, batchNeuronGradsSource, batchOutputLossSource, batchUpdateSource, type TwoLayerBatchBiasVariant, type TwoLayerBatchVariant } from '../../shaders/two-layer-batch.wgsl';
import { BATCH_NETWORK, BATCH_PARAMS } from '../../shaders/two-layer-passes.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { checkBufferSize } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkBufferHolds, checkSize } from '../gpu/validate';
import { lossCode, type LossKind } from '../core/conventions';
import { batchRowLength, type BatchNetwork, type BatchSettings, type BatchShape } from '../core/batched-network';
import { neuronStepSizes } from './particles';
import { checkLoss, outputScaleOf } from './two-layer';

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
 * One network's entry: its width and rate, and optionally its own scaling, alpha and trainable parts (a run
 * set's members may differ in them; each field left out is the batch's shared setting).
 */
export type BatchTableEntry = BatchNetwork & Partial<BatchSettings>;

/** Network `entry`'s settings: its own where it gives them, else the batch's. */
export function entrySettings(settings: BatchSettings, entry: Partial<BatchSettings>): BatchSettings {
  const alpha = entry.alpha ?? settings.alpha;
  return { scaling: entry.scaling ?? settings.scaling, trainable: entry.trainable ?? settings.trainable, ...(alpha !== undefined ? { alpha } : {}) };
}

/**
 * The per-network table: width m_k, alpha s_{m_k} (rounded once to float32, as the single-network
 * kernels round it), and the particle-time step sizes lr_a, lr_w (exactly 0 for a frozen layer), each
 * from the network's own settings (entrySettings).
 */
export function networkTable(shape: BatchShape, settings: BatchSettings, networks: readonly BatchTableEntry[], name = `${FAMILY}/networks`): ArrayBuffer {
  if (networks.length !== shape.networkCount) {
    throw new KernelArgumentError(name, 'networks', `has ${networks.length} entries, expected networkCount = ${shape.networkCount}`);
  }
  const stride = BATCH_NETWORK.byteLength;
  const bytes = new Uint8Array(Math.max(1, networks.length) * stride);
  networks.forEach((entry, k) => {
    const { width, learningRate } = entry;
    const own = entrySettings(settings, entry);
    if (!Number.isInteger(width) || width < 1 || width > shape.maxWidth) {
      throw new KernelArgumentError(name, `networks[${k}].width`, `is ${width}; must be an integer in [1, maxWidth = ${shape.maxWidth}]`);
    }
    if (!Number.isFinite(learningRate) || learningRate < 0) {
      throw new KernelArgumentError(name, `networks[${k}].learningRate`, `must be finite and >= 0, got ${learningRate}`);
    }
    const scale = outputScaleOf(name, { ...own, width }, `networks[${k}].alpha`);
    const steps = neuronStepSizes({ scaling: own.scaling, learningRate, trainable: own.trainable }, width);
    for (const value of [steps.lrA, steps.lrW]) {
      if (!Number.isFinite(Math.fround(value))) throw new KernelArgumentError(name, `networks[${k}].learningRate`, `gives ${value}, not a finite float32`);
    }
    bytes.set(new Uint8Array(BATCH_NETWORK.pack({ width, output_scale: scale, lr_a: steps.lrA, lr_w: steps.lrW })), k * stride);
  });
  return bytes.buffer;
}

/** Uniform bytes of every entry point (BATCH_PARAMS); outputOffset is mean_loss's log row. */
export function batchParams(shape: BatchShape, loss: LossKind = 'square', outputOffset = 0): ArrayBuffer {
  return BATCH_PARAMS.pack({
    network_count: shape.networkCount,
    sample_count: shape.sampleCount,
    max_width: shape.maxWidth,
    row_length: batchRowLength(shape),
    input_dim: shape.inputDim,
    loss_code: lossCode(loss),
    output_offset: outputOffset,
  });
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
