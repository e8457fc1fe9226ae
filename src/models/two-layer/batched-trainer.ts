/**
 * N independent two-layer networks trained by full-batch GD in ONE set of dispatches per step (a
 * sweep over seeds, widths m_k <= M and learning rates lr_k, and per network optionally its scaling,
 * alpha, trainable parts and initial weights; loss and bias are the batch's). Each network is exactly
 * the network a single-network run with its settings would train: s_m and the particle-time step are
 * taken at its own m_k.
 *
 *   H_k = relu(X_k W_k^T + b_k)            batched matmul, batch = N (bias as an extra input column)
 *   f, l, g = l'/n per (k, i)               batch_output_loss
 *   L_k -> losses[t, k]                     batch_mean_loss
 *   dL/da_k, dL/db_k                        batch_neuron_grads
 *   dL/dW_k = D_k^T X_k                     batched matmul, 'relu-grad' operand (D_k read from H_k,
 *                                           g_k, a_k and alpha_k s_{m_k}, never stored); only when some
 *                                           network trains its first layer
 *   theta_k -= lr_k c(m_k) grad             batch_update (padding never written; a step size of 0, a
 *                                           frozen part, skips the write as the single update does)
 *
 * That is the 'unfused' step kernel (batched-unfused-steps.ts, the default). With stepKernel 'multi-step'
 * (batched-multi-steps.ts) train_steps runs up to stepsPerDispatch whole steps of all N networks in one
 * dispatch, one workgroup per network: each network then takes exactly the float operations of its own
 * single run on the multi-step kernel (which sums in another order than the unfused passes).
 *
 * `submitSteps(t)` records t steps into one queue submit and, like TwoLayerTrainer, keeps up to two chunks
 * in flight.
 */
import { createStorageBuffer, readFloat32 } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { KernelArgumentError } from '../../core/errors';
import { checkLength, checkSize } from '../../gpu/validate';
import { batchElementCounts, networkTable } from '../../kernels/two-layer-batch';
import { batchRowLength, type BatchShape } from '../../core/batched-network';
import { MULTI_STEP_DISPATCH_STEPS, type StepKernel } from '../../core/step-kernels';
import { padWeights, unpadWeights, batchTrainingSets } from './batched-layout';
import { checkBatchedConfig, checkNetworkWeights, initialNetworks, type BatchedTrainerOptions } from './batched-config';
import type { BatchBuffers, BatchStepEncoder } from './batched-step-encoder';
import { bindBatchedUnfusedSteps } from './batched-unfused-steps';
import { bindBatchedMultiSteps } from './batched-multi-steps';
import type { TrainingSet, TwoLayerWeights } from '../../core/network';

const NAME = 'batched-trainer';

/** The padded layout of all N networks: a [N x M], firstLayer [N x M x R] (R = d, +1 for the bias column). */
export interface PaddedWeights {
  readonly a: Float32Array;
  readonly firstLayer: Float32Array;
}

export class BatchedTrainer {
  /** Steps submitted so far. */
  stepsTaken = 0;
  private nextStaging = 0;
  private readonly stagingInFlight: (Promise<void> | undefined)[] = [undefined, undefined];
  /** Settles once the most recently requested chunk has been handed to the queue. */
  private lastSubmitted: Promise<void> = Promise.resolve();
  /** Networks whose weights every chunk also copies into their own buffers (single-run layout), for live views. */
  private readonly mirrors = new Map<number, { a: GPUBuffer; W: GPUBuffer; b?: GPUBuffer }>();
  /** Each network's lr, in its scaling's own units: the config's until setLearningRates replaces them. */
  private rates: readonly number[];
  /** The network table of the rates in force (taken by the next requested chunk), and the one last written to the GPU. */
  private table: ArrayBuffer;
  private writtenTable: ArrayBuffer;

  private constructor(
    private readonly gpu: GpuContext,
    readonly config: BatchedTrainerOptions,
    readonly shape: BatchShape,
    private readonly maxStepsPerSubmit: number,
    private readonly buffers: BatchBuffers,
    private readonly steps: BatchStepEncoder,
    private readonly staging: readonly GPUBuffer[],
    table: ArrayBuffer,
  ) {
    this.rates = config.networks.map((network) => network.learningRate);
    this.table = table;
    this.writtenTable = table;
  }

  /**
   * Uploads the N initial networks (each its own init, or initialWeights of its seed at its width, padded
   * to M) and the data: one TrainingSet shared by all networks, or an array of N (same n and d).
   */
  static async create(gpu: GpuContext, config: BatchedTrainerOptions, data: TrainingSet | readonly TrainingSet[]): Promise<BatchedTrainer> {
    const shape = checkBatchedConfig(gpu, NAME, config, data);
    const maxStepsPerSubmit = config.maxStepsPerSubmit ?? 1024;
    const stepsPerDispatch = config.stepsPerDispatch ?? MULTI_STEP_DISPATCH_STEPS;
    const padded = padWeights(shape, initialNetworks(config, shape));
    const sets = batchTrainingSets(shape, Array.isArray(data) ? (data as readonly TrainingSet[]) : [data as TrainingSet]);
    const buffer = (label: string, contents: number | ArrayBufferView) => createStorageBuffer(gpu, `${NAME}/${label}`, contents);
    const table = networkTable(shape, config, config.networks, NAME);
    const created: GPUBuffer[] = [];
    const own = (b: GPUBuffer) => (created.push(b), b);
    try {
      const buffers: BatchBuffers = {
        networks: own(buffer('networks', new Uint8Array(table))),
        X: own(buffer('X', sets.X)),
        y: own(buffer('y', sets.y)),
        a: own(buffer('a', padded.a)),
        firstLayer: own(buffer('firstLayer', padded.firstLayer)),
        losses: own(buffer('losses', maxStepsPerSubmit * shape.networkCount * 4)),
      };
      const steps = (config.stepKernel ?? 'unfused') === 'multi-step'
        ? await bindBatchedMultiSteps(gpu, { ...config, maxStepsPerSubmit, stepsPerDispatch }, shape, buffers, NAME)
        : await bindBatchedUnfusedSteps(gpu, config, shape, buffers, NAME);
      const staging = [0, 1].map((i) => own(gpu.device.createBuffer({ label: `${NAME}/losses-staging-${i}`, size: maxStepsPerSubmit * shape.networkCount * 4, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ })));
      return new BatchedTrainer(gpu, config, shape, maxStepsPerSubmit, buffers, steps, staging, table);
    } catch (error) {
      for (const b of created) b.destroy();
      throw error;
    }
  }

  /** How this trainer dispatches its steps. */
  get stepKernel(): StepKernel {
    return this.steps.kernel;
  }

  /** submitSteps: `stepCount` GD steps of all N networks in one queue submit. */
  train(stepCount: number): Promise<Float32Array> {
    return this.submitSteps(stepCount);
  }

  /**
   * Records `stepCount` steps of all N networks and a copy of their losses into one of two staging buffers,
   * submits, and returns at once with a promise of the loss of each network before each step, as
   * [stepCount x N] (row t, column k = L_k(theta_t); see networkLossCurve). As TwoLayerTrainer.submitSteps:
   * a caller may submit the next chunk before that promise settles (at most two chunks in flight; a third
   * waits for the older readback), and each chunk runs at the rates in force when it was requested.
   */
  submitSteps(stepCount: number): Promise<Float32Array> {
    try {
      checkSize(NAME, 'stepCount', stepCount);
      if (stepCount > this.maxStepsPerSubmit) {
        throw new KernelArgumentError(NAME, 'stepCount', `is ${stepCount}, over maxStepsPerSubmit = ${this.maxStepsPerSubmit}; call train again or raise it`);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    const slot = this.nextStaging;
    this.nextStaging = 1 - slot;
    // Submits stay in call order, and a staging buffer is reused only once its last readback is done.
    const previous = Promise.all([this.stagingInFlight[slot], this.lastSubmitted]);
    const table = this.table;
    const rates = this.rates;
    const firstStep = this.stepsTaken;
    const byteLength = stepCount * this.shape.networkCount * 4;
    this.stepsTaken += stepCount;
    const submitted = previous.then(() => this.encodeAndSubmit(firstStep, stepCount, table, rates, this.staging[slot]!));
    this.lastSubmitted = submitted.then(() => undefined, () => undefined);
    const losses = submitted.then(async (staging) => {
      await staging.mapAsync(GPUMapMode.READ, 0, byteLength);
      const values = new Float32Array(staging.getMappedRange(0, byteLength).slice(0));
      staging.unmap();
      return values;
    });
    this.stagingInFlight[slot] = losses.then(() => undefined, () => undefined);
    return losses;
  }

  /** One chunk into one submit, run with the network table `table` of the rates `rates` (written first when it changed); returns its staging buffer. */
  private encodeAndSubmit(firstStep: number, stepCount: number, table: ArrayBuffer, rates: readonly number[], staging: GPUBuffer): GPUBuffer {
    const { device } = this.gpu;
    // Queue order: the new rates reach this chunk and no chunk submitted before it.
    if (table !== this.writtenTable) {
      device.queue.writeBuffer(this.buffers.networks, 0, table);
      this.writtenTable = table;
    }
    const encoder = device.createCommandEncoder({ label: `${NAME}/train` });
    const tables = this.steps.encode(encoder, firstStep, stepCount, rates);
    encoder.copyBufferToBuffer(this.buffers.losses, 0, staging, 0, stepCount * this.shape.networkCount * 4);
    this.encodeMirrors(encoder);
    device.queue.submit([encoder.finish()]);
    for (const used of tables) used.destroy();
    return staging;
  }

  /**
   * From the next chunk on, every chunk ends by copying network k's weights into `target` (a [m_k], W [m_k x d],
   * b [m_k]: the single-run layout the views draw from), GPU to GPU. Without a bias a and W are one copy each;
   * with one, W's rows sit between the bias entries and take a copy per row.
   */
  mirrorNetwork(k: number, target: { a: GPUBuffer; W: GPUBuffer; b?: GPUBuffer }): void {
    if (!Number.isInteger(k) || k < 0 || k >= this.shape.networkCount) throw new KernelArgumentError(NAME, 'k', `is ${k}; must be an integer in [0, ${this.shape.networkCount - 1}]`);
    if (this.shape.hasBias !== (target.b !== undefined)) throw new KernelArgumentError(NAME, 'target.b', this.shape.hasBias ? 'is required: the networks have a bias' : 'is given but the networks have no bias');
    this.mirrors.set(k, target);
  }

  private encodeMirrors(encoder: GPUCommandEncoder): void {
    const { maxWidth: M, inputDim: d } = this.shape;
    const R = batchRowLength(this.shape);
    for (const [k, target] of this.mirrors) {
      const m = this.config.networks[k]!.width;
      encoder.copyBufferToBuffer(this.buffers.a, k * M * 4, target.a, 0, m * 4);
      if (!target.b) {
        encoder.copyBufferToBuffer(this.buffers.firstLayer, k * M * d * 4, target.W, 0, m * d * 4);
        continue;
      }
      for (let j = 0; j < m; j++) {
        const row = (k * M + j) * R * 4;
        encoder.copyBufferToBuffer(this.buffers.firstLayer, row, target.W, j * d * 4, d * 4);
        encoder.copyBufferToBuffer(this.buffers.firstLayer, row + d * 4, target.b, j * 4, 4);
      }
    }
  }

  /** Waits until every submitted chunk has been read back. */
  async settle(): Promise<void> {
    await Promise.all([...this.stagingInFlight, this.lastSubmitted]);
  }

  /** Each network's lr (its scaling's own units) for the next requested chunk. */
  get learningRates(): readonly number[] {
    return this.rates;
  }

  /**
   * Replaces every network's lr from the next requested chunk on (chunks already requested keep theirs):
   * the network table is rebuilt, and checked, here and written just before that chunk is submitted.
   */
  setLearningRates(rates: readonly number[]): void {
    if (rates.length !== this.shape.networkCount) throw new KernelArgumentError(NAME, 'rates', `has ${rates.length} entries for ${this.shape.networkCount} networks`);
    const networks = this.config.networks.map((network, k) => ({ ...network, learningRate: rates[k]! }));
    this.table = networkTable(this.shape, this.config, networks, NAME);
    this.rates = [...rates];
  }

  /**
   * Replaces the parameters, given padded (PaddedWeights) or one TwoLayerWeights per network at its own
   * width, and the step counter, once every submitted chunk has landed. Full-batch GD keeps no other state,
   * so restoring a checkpoint this way continues the same trajectory bit for bit.
   */
  async restore(weights: PaddedWeights | readonly TwoLayerWeights[], stepsTaken: number): Promise<void> {
    await this.settle();
    const padded = Array.isArray(weights) ? this.padNetworks(weights as readonly TwoLayerWeights[]) : (weights as PaddedWeights);
    const counts = batchElementCounts(this.shape);
    checkLength(NAME, 'weights.a', padded.a, counts.neurons, `[${this.shape.networkCount} x ${this.shape.maxWidth}]`);
    checkLength(NAME, 'weights.firstLayer', padded.firstLayer, counts.firstLayer, `[${this.shape.networkCount} x ${this.shape.maxWidth} x ${batchRowLength(this.shape)}]`);
    const queue = this.gpu.device.queue;
    const write = (buffer: GPUBuffer, values: Float32Array) => queue.writeBuffer(buffer, 0, values.buffer as ArrayBuffer, values.byteOffset, values.byteLength);
    write(this.buffers.a, padded.a);
    write(this.buffers.firstLayer, padded.firstLayer);
    this.stepsTaken = stepsTaken;
  }

  private padNetworks(weights: readonly TwoLayerWeights[]): PaddedWeights {
    if (weights.length !== this.shape.networkCount) throw new KernelArgumentError(NAME, 'weights', `holds ${weights.length} networks, the batch has ${this.shape.networkCount}`);
    weights.forEach((network, k) => checkNetworkWeights(NAME, `weights[${k}]`, network, this.config.networks[k]!.width, this.shape));
    return padWeights(this.shape, weights);
  }

  /** All parameters in the padded layout, after every submitted step. */
  async readPaddedWeights(): Promise<PaddedWeights> {
    await this.lastSubmitted;
    const counts = batchElementCounts(this.shape);
    const [a, firstLayer] = await Promise.all([readFloat32(this.gpu, this.buffers.a, counts.neurons), readFloat32(this.gpu, this.buffers.firstLayer, counts.firstLayer)]);
    return { a, firstLayer };
  }

  /** Network k's current parameters at its own width: a [m_k], W [m_k x d], b [m_k] with a bias. */
  async readWeights(k: number): Promise<TwoLayerWeights> {
    if (!Number.isInteger(k) || k < 0 || k >= this.shape.networkCount) {
      throw new KernelArgumentError(NAME, 'k', `is ${k}; must be an integer in [0, ${this.shape.networkCount - 1}]`);
    }
    return unpadWeights(this.shape, await this.readPaddedWeights(), k, this.config.networks[k]!.width);
  }

  /** Every network's current parameters at its own width, from one readback. */
  async readAllWeights(): Promise<TwoLayerWeights[]> {
    const padded = await this.readPaddedWeights();
    return this.config.networks.map(({ width }, k) => unpadWeights(this.shape, padded, k, width));
  }

  destroy(): void {
    this.steps.destroy();
    for (const buffer of [...Object.values(this.buffers), ...this.staging]) buffer.destroy();
  }
}
