/**
 * N independent two-layer networks trained by full-batch GD in ONE set of dispatches per step (a
 * sweep over seeds, widths m_k <= M and learning rates lr_k; scaling, loss, alpha, bias and trainable
 * parts are the sweep's fixed part). Each network is exactly the network a single-network run with
 * its seed, width and rate would train: s_m and the particle-time step are taken at its own m_k.
 *
 *   H_k = relu(X_k W_k^T + b_k)            batched matmul, batch = N (bias as an extra input column)
 *   f, l, g = l'/n per (k, i)               batch_output_loss
 *   L_k -> losses[t, k]                     batch_mean_loss
 *   dL/da_k, dL/db_k                        batch_neuron_grads
 *   dL/dW_k = D_k^T X_k                     batched matmul, 'relu-grad' operand (D_k read from H_k,
 *                                           g_k, a_k and alpha s_{m_k}, never stored); only when the first layer trains
 *   theta_k -= lr_k c(m_k) grad             batch_update (padding never written)
 *
 * `train(t)` records t steps into one queue submit; each step's loss row is set by copying the mean
 * loss kernel's params from a table between compute passes, as TwoLayerTrainer does.
 */
import { createStorageBuffer, readFloat32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { createParamsTable } from '../../gpu/params';
import { KernelArgumentError } from '../../core/errors';
import type { BoundKernel } from '../../gpu/kernel';
import { checkFinite, checkLength, checkSize } from '../../gpu/validate';
import { batchElementCounts, batchParams, bindBatchMeanLoss, bindBatchNeuronGrads, bindBatchOutputLoss, bindBatchUpdate, checkBatchShape, networkTable } from '../../kernels/two-layer-batch';
import { batchRowLength, type BatchShape, type BatchedTrainerConfig } from '../../core/batched-network';
import { padWeights, unpadWeights, batchTrainingSets } from './batched-layout';
import { bindHiddenLayer, bindReluGradMatmul, createOutputScaleBuffer, type ProductShape } from './passes';
import { initialWeights } from '../../core/initialization';
import type { TrainingSet, TwoLayerWeights } from '../../core/network';

const NAME = 'batched-trainer';
const UINT32_RANGE = 2 ** 32;

/** Checks the configuration and data (before any allocation); returns the batch shape. */
function checkConfig(gpu: GpuContext, config: BatchedTrainerConfig, data: TrainingSet | readonly TrainingSet[]): BatchShape {
  const { networks, inputDim: d, sampleCount: n } = config;
  if (!Array.isArray(networks) || networks.length === 0) throw new KernelArgumentError(NAME, 'networks', 'is empty; a batch needs at least one network');
  for (const key of ['inputDim', 'sampleCount'] as const) checkSize(NAME, key, config[key]);
  networks.forEach(({ seed, width, learningRate }, k) => {
    if (!Number.isInteger(seed) || seed < 0 || seed >= UINT32_RANGE) throw new KernelArgumentError(NAME, `networks[${k}].seed`, `must be a u32 integer, got ${seed}`);
    checkSize(NAME, `networks[${k}].width`, width);
    if (!Number.isFinite(learningRate) || learningRate < 0) throw new KernelArgumentError(NAME, `networks[${k}].learningRate`, `must be finite and >= 0, got ${learningRate}`);
  });
  const widest = networks.reduce((largest, network) => Math.max(largest, network.width), 0);
  const maxWidth = config.maxWidth ?? widest;
  checkSize(NAME, 'maxWidth', maxWidth);
  if (widest > maxWidth) {
    const k = networks.findIndex((network) => network.width > maxWidth);
    throw new KernelArgumentError(NAME, `networks[${k}].width`, `is ${networks[k]!.width}, over maxWidth = ${maxWidth}; raise maxWidth or leave it out`);
  }
  if (config.maxStepsPerSubmit !== undefined) checkSize(NAME, 'maxStepsPerSubmit', config.maxStepsPerSubmit);
  const sets = Array.isArray(data) ? (data as readonly TrainingSet[]) : [data as TrainingSet];
  if (Array.isArray(data) && sets.length !== networks.length) {
    throw new KernelArgumentError(NAME, 'data', `holds ${sets.length} data sets for ${networks.length} networks; give one per network, or one shared set (not in an array)`);
  }
  sets.forEach((set, k) => {
    const which = Array.isArray(data) ? `data[${k}]` : 'data';
    checkLength(NAME, `${which}.X`, set.X, n * d, `[${n} x ${d}]`);
    checkLength(NAME, `${which}.y`, set.y, n, `[${n}]`);
    checkFinite(NAME, `${which}.X`, set.X);
    checkFinite(NAME, `${which}.y`, set.y);
  });
  const shape: BatchShape = { networkCount: networks.length, sampleCount: n, maxWidth, inputDim: d, hasBias: config.hasBias };
  checkBatchShape(gpu, NAME, shape);
  // Validates widths, rates, scaling and alpha against float32 before anything is created.
  networkTable(shape, config, networks, NAME);
  return shape;
}

interface Kernels {
  readonly all: readonly BoundKernel[];
  readonly meanLoss: BoundKernel;
}

export class BatchedTrainer {
  /** Steps submitted so far. */
  stepsTaken = 0;
  /** Settles when the most recent `train` call has finished (calls run in order). */
  private pending: Promise<void> = Promise.resolve();

  private constructor(
    private readonly gpu: GpuContext,
    readonly config: BatchedTrainerConfig,
    readonly shape: BatchShape,
    private readonly maxStepsPerSubmit: number,
    private readonly buffers: Record<string, GPUBuffer>,
    private readonly kernels: Kernels,
    private readonly staging: GPUBuffer,
  ) {}

  /**
   * Uploads the N initial networks (initialWeights of each seed at its own width, padded to M) and
   * the data: one TrainingSet shared by all networks, or an array of N (same n and d).
   */
  static async create(gpu: GpuContext, config: BatchedTrainerConfig, data: TrainingSet | readonly TrainingSet[]): Promise<BatchedTrainer> {
    const shape = checkConfig(gpu, config, data);
    const { networkCount: N, sampleCount: n, maxWidth: M, inputDim: d, hasBias } = shape;
    const R = batchRowLength(shape);
    const maxStepsPerSubmit = config.maxStepsPerSubmit ?? 1024;
    const inits = config.networks.map(({ seed, width }) => initialWeights({ seed, width, inputDim: d, hasBias }));
    const padded = padWeights(shape, inits);
    const sets = batchTrainingSets(shape, Array.isArray(data) ? (data as readonly TrainingSet[]) : [data as TrainingSet]);
    const counts = batchElementCounts(shape);
    const buffer = (label: string, contents: number | ArrayBufferView) => createStorageBuffer(gpu, `${NAME}/${label}`, contents);
    const firstLayerTrains = config.trainable !== 'second';
    const buffers: Record<string, GPUBuffer> = {
      networks: buffer('networks', new Uint8Array(networkTable(shape, config, config.networks, NAME))),
      X: buffer('X', sets.X),
      y: buffer('y', sets.y),
      a: buffer('a', padded.a),
      firstLayer: buffer('firstLayer', padded.firstLayer),
      H: buffer('H', counts.activation * 4),
      output: buffer('output', counts.samples * 4),
      sampleLoss: buffer('sampleLoss', counts.samples * 4),
      outputGrad: buffer('outputGrad', counts.samples * 4),
      gradA: buffer('gradA', counts.neurons * 4),
      gradW: buffer('gradW', counts.firstLayer * 4),
      losses: buffer('losses', maxStepsPerSubmit * N * 4),
      ...(hasBias ? { gradB: buffer('gradB', counts.neurons * 4) } : {}),
      // alpha s_{m_k} per network, as in the network table, for the 'relu-grad' matmul.
      ...(firstLayerTrains ? { outputScale: createOutputScaleBuffer(gpu, `${NAME}/outputScale`, config, config.networks.map(({ width }) => width)) } : {}),
    };
    const b = buffers;
    const algorithm = config.matmulAlgorithm ?? 'register';
    const all: BoundKernel[] = [];
    const bound = async (kernel: Promise<BoundKernel>) => {
      const k = await kernel;
      all.push(k);
      return k;
    };
    try {
      // The bias, if any, is column d of X and of the first layer: a plain relu epilogue.
      const products: ProductShape = { networkCount: N, sampleCount: n, width: M, rowLength: R };
      await bound(bindHiddenLayer(gpu, algorithm, { ...products, biasEpilogue: false }, { X: b.X!, W: b.firstLayer!, H: b.H! }));
      await bound(bindBatchOutputLoss(gpu, shape, config.loss, { networks: b.networks!, activation: b.H!, a: b.a!, y: b.y!, output: b.output!, loss: b.sampleLoss!, outputGrad: b.outputGrad! }));
      const meanLoss = await bound(bindBatchMeanLoss(gpu, shape, 0, { loss: b.sampleLoss!, metrics: b.losses! }));
      await bound(bindBatchNeuronGrads(gpu, shape, { networks: b.networks!, activation: b.H!, outputGrad: b.outputGrad!, gradA: b.gradA!, ...(hasBias ? { a: b.a!, gradB: b.gradB! } : {}) }));
      if (firstLayerTrains) {
        await bound(bindReluGradMatmul(gpu, algorithm, products, { H: b.H!, X: b.X!, outputGrad: b.outputGrad!, a: b.a!, outputScale: b.outputScale!, gradW: b.gradW! }));
      }
      await bound(bindBatchUpdate(gpu, shape, { networks: b.networks!, a: b.a!, firstLayer: b.firstLayer!, gradA: b.gradA!, gradW: b.gradW!, ...(hasBias ? { gradB: b.gradB! } : {}) }));
      const staging = gpu.device.createBuffer({ label: `${NAME}/losses-staging`, size: maxStepsPerSubmit * N * 4, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
      return new BatchedTrainer(gpu, config, shape, maxStepsPerSubmit, buffers, { all, meanLoss }, staging);
    } catch (error) {
      for (const kernel of all) kernel.destroy();
      for (const buffer of Object.values(buffers)) buffer.destroy();
      throw error;
    }
  }

  /**
   * Runs `stepCount` GD steps of all N networks in one queue submit and returns the loss of each
   * network before each step, as [stepCount x N] (row t, column k = L_k(theta_t); see networkLossCurve).
   */
  train(stepCount: number): Promise<Float32Array> {
    try {
      checkSize(NAME, 'stepCount', stepCount);
      if (stepCount > this.maxStepsPerSubmit) {
        throw new KernelArgumentError(NAME, 'stepCount', `is ${stepCount}, over maxStepsPerSubmit = ${this.maxStepsPerSubmit}; call train again or raise it`);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    this.stepsTaken += stepCount;
    const run = this.pending.then(() => this.runSteps(stepCount));
    this.pending = run.then(() => undefined, () => undefined);
    return run;
  }

  private async runSteps(stepCount: number): Promise<Float32Array> {
    const { device } = this.gpu;
    const { meanLoss, all } = this.kernels;
    const byteLength = stepCount * this.shape.networkCount * 4;
    const stride = meanLoss.paramsByteLength;
    // Row t of the table points the mean loss at row t of the loss log.
    const table = createParamsTable(device, NAME, stride, stepCount, (t) => batchParams(this.shape, this.config.loss, t));
    const encoder = device.createCommandEncoder({ label: `${NAME}/train` });
    for (let t = 0; t < stepCount; t++) {
      meanLoss.copyParams(encoder, table, t * stride);
      const pass = encoder.beginComputePass({ label: `${NAME}/step` });
      for (const kernel of all) kernel.encode(pass);
      pass.end();
    }
    encoder.copyBufferToBuffer(this.buffers.losses!, 0, this.staging, 0, byteLength);
    device.queue.submit([encoder.finish()]);
    table.destroy();
    await this.staging.mapAsync(GPUMapMode.READ, 0, byteLength);
    const losses = new Float32Array(this.staging.getMappedRange(0, byteLength).slice(0));
    this.staging.unmap();
    return losses;
  }

  /** All parameters in the padded layout: a [N x M], firstLayer [N x M x R] (R = d, +1 for the bias column). */
  async readPaddedWeights(): Promise<{ a: Float32Array; firstLayer: Float32Array }> {
    await this.pending;
    const counts = batchElementCounts(this.shape);
    const [a, firstLayer] = await Promise.all([readFloat32(this.gpu, this.buffers.a!, counts.neurons), readFloat32(this.gpu, this.buffers.firstLayer!, counts.firstLayer)]);
    return { a, firstLayer };
  }

  /** Network k's current parameters at its own width: a [m_k], W [m_k x d], b [m_k] with a bias. */
  async readWeights(k: number): Promise<TwoLayerWeights> {
    if (!Number.isInteger(k) || k < 0 || k >= this.shape.networkCount) {
      throw new KernelArgumentError(NAME, 'k', `is ${k}; must be an integer in [0, ${this.shape.networkCount - 1}]`);
    }
    return unpadWeights(this.shape, await this.readPaddedWeights(), k, this.config.networks[k]!.width);
  }

  destroy(): void {
    for (const kernel of this.kernels.all) kernel.destroy();
    for (const buffer of [...Object.values(this.buffers), this.staging]) buffer.destroy();
  }
}
