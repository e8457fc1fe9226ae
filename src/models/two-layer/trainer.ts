/**
 * The two-layer network's training step on the GPU, composed from the kernel families:
 *
 *   [sample_batch_indices, gather_rows]   minibatch (SGD only; GD uses X, y directly); without
 *                                         replacement the sampler shuffles an n-entry scratch; a
 *                                         centered model gathers its offsets f0 too (a second gather_rows)
 *   [sample_online]                       or fresh samples every step (population risk)
 *   forward and backward passes           two-layer-passes.ts (loss of step t into losses[t])
 *   update                                trainer-update.ts: fused GD, an optimizer, SAM or JKO
 *
 * `train(k)` records k steps into ONE queue submit. Params that change per step (the step counter of
 * the batch sampler, the loss slot) are copied into the kernels' uniform buffers from a params table
 * between compute passes, so no step waits for the CPU.
 */
import type { GpuContext } from '../../gpu/device';
import { createStorageBuffer, readFloat32 } from '../../gpu/buffers';
import { createParamsTable } from '../../gpu/params';
import { KernelArgumentError } from '../../core/errors';
import type { BoundKernel } from '../../gpu/kernel';
import { checkFinite, checkLength, checkSize } from '../../gpu/validate';
import { bindGatherRows } from '../../kernels/particles';
import { batchSamplingParams, bindSampleBatchIndices } from '../../kernels/random';
import { meanLossParams } from '../../kernels/two-layer';
import { bindSampleOnline, sampleOnlineParams } from '../../kernels/data';
import { bindTwoLayerPasses, computeOutputOffset, type TwoLayerPasses } from './passes';
import { bindTrainerUpdate, type TrainerUpdate } from './trainer-update';
import { checkLearningRate, learningRateProblem, scheduleRateProblem, sphereProblem } from '../../core/update-settings';
import type { TrainingSet, TwoLayerTrainerConfig, TwoLayerWeights } from '../../core/network';
import { RANDOM_STREAMS } from '../../core/conventions';

const MINIBATCH_STREAM = RANDOM_STREAMS.minibatch;

const NAME = 'two-layer-trainer';

export class TwoLayerTrainer {
  /** Steps submitted so far; also the counter of the minibatch stream. */
  stepsTaken = 0;
  private nextStaging = 0;
  private readonly stagingInFlight: (Promise<void> | undefined)[] = [undefined, undefined];
  /**
   * lr0, the run's base rate in the scaling's own units: the config's until setLearningRate replaces it. Each
   * chunk takes the value in force when it is requested and hands it down as it is (TrainerUpdate.prepare).
   */
  private baseRate: number;
  /** Settles once the most recently requested chunk has been handed to the queue. */
  private lastSubmitted: Promise<void> = Promise.resolve();
  private readonly staging: GPUBuffer[];

  private constructor(
    private readonly gpu: GpuContext,
    readonly config: Required<Pick<TwoLayerTrainerConfig, 'batchSize' | 'maxStepsPerSubmit'>> & TwoLayerTrainerConfig,
    private readonly buffers: Record<string, GPUBuffer>,
    private readonly kernels: {
      sample: BoundKernel | undefined;
      gather: BoundKernel | undefined;
      gatherOffset: BoundKernel | undefined;
      passes: TwoLayerPasses;
      update: TrainerUpdate;
    },
  ) {
    this.baseRate = config.learningRate;
    const size = config.maxStepsPerSubmit * 4;
    this.staging = [0, 1].map((i) => gpu.device.createBuffer({ label: `${NAME}/losses-staging-${i}`, size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ }));
  }

  static async create(gpu: GpuContext, config: TwoLayerTrainerConfig, init: TwoLayerWeights, data: TrainingSet): Promise<TwoLayerTrainer> {
    const { width: m, inputDim: d, sampleCount: n, hasBias } = config;
    for (const key of ['width', 'inputDim', 'sampleCount'] as const) checkSize(NAME, key, config[key]);
    const batchSize = config.online?.batchSize ?? config.batchSize ?? n;
    checkSize(NAME, 'batchSize', batchSize);
    if (batchSize > n && !config.withReplacement && !config.online) {
      throw new KernelArgumentError(NAME, 'batchSize', `is ${batchSize}, over the ${n} samples; sample with replacement or lower it`);
    }
    const rateProblem = learningRateProblem(config, config.learningRate);
    if (rateProblem) throw new KernelArgumentError(NAME, 'learningRate', rateProblem);
    const scheduleProblem = scheduleRateProblem(config);
    if (scheduleProblem) throw new KernelArgumentError(NAME, 'schedule.learningRate', scheduleProblem);
    if (config.centered && config.online) {
      throw new KernelArgumentError(NAME, 'centered', 'cannot be combined with online: f0 of fresh samples would need the initial network every step');
    }
    const sphere = sphereProblem(config);
    if (sphere) throw new KernelArgumentError(NAME, 'sphere', sphere);
    const maxStepsPerSubmit = config.maxStepsPerSubmit ?? 1024;
    checkSize(NAME, 'maxStepsPerSubmit', maxStepsPerSubmit);
    checkLength(NAME, 'init.a', init.a, m, `[${m}]`);
    checkLength(NAME, 'init.W', init.W, m * d, `[${m} x ${d}]`);
    if (hasBias !== (init.b !== undefined)) throw new KernelArgumentError(NAME, 'init.b', hasBias ? 'is required when hasBias is set' : 'is given but hasBias is not set');
    if (init.b) checkLength(NAME, 'init.b', init.b, m, `[${m}]`);
    checkLength(NAME, 'data.X', data.X, n * d, `[${n} x ${d}]`);
    checkLength(NAME, 'data.y', data.y, n, `[${n}]`);
    for (const [argument, values] of Object.entries({ 'init.a': init.a, 'init.W': init.W, 'init.b': init.b, 'data.X': data.X, 'data.y': data.y })) {
      if (values) checkFinite(NAME, argument, values);
    }

    const full = { ...config, batchSize, maxStepsPerSubmit };
    const online = config.online;
    const minibatch = !online && (batchSize !== n || config.withReplacement === true);
    const B = batchSize;
    const teacher = online?.target.kind === 'teacher' ? online.target.teacher : undefined;
    const buffer = (label: string, contents: number | ArrayBufferView) => createStorageBuffer(gpu, `${NAME}/${label}`, contents);
    const buffers: Record<string, GPUBuffer> = {
      X: buffer('X', data.X),
      y: buffer('y', data.y),
      a: buffer('a', init.a),
      W: buffer('W', init.W),
      // One slot per step, plus a scratch slot for the extra passes of SAM and JKO.
      losses: buffer('losses', (maxStepsPerSubmit + 1) * 4),
      ...(init.b ? { b: buffer('b', init.b) } : {}),
      ...(minibatch ? { indices: buffer('indices', B * 4) } : {}),
      // The sampler's partial Fisher-Yates shuffle of [0, n), one step per dispatch.
      ...(minibatch && !config.withReplacement ? { batchScratch: buffer('batchScratch', n * 4) } : {}),
      ...(minibatch || online ? { Xb: buffer('Xb', B * d * 4), yb: buffer('yb', B * 4) } : {}),
      ...(teacher ? { teacherA: buffer('teacherA', teacher.a), teacherW: buffer('teacherW', teacher.W) } : {}),
    };
    const Xb = buffers.Xb ?? buffers.X!;
    const yb = buffers.yb ?? buffers.y!;
    const weights = { a: buffers.a!, W: buffers.W!, ...(buffers.b ? { b: buffers.b } : {}) };
    if (config.centered) {
      // f0 on the train set from the initial weights (just uploaded); a minibatch gathers its rows of it.
      buffers.outputOffset = await computeOutputOffset(gpu, config, { sampleCount: n, X: buffers.X!, y: buffers.y! }, weights, NAME);
      if (minibatch) {
        buffers.outputOffsetBatch = buffer('outputOffsetBatch', B * 4);
        buffers.gatherScratch = buffer('gatherScratch', B * 4);
      }
    }
    const offsetB = buffers.outputOffsetBatch ?? buffers.outputOffset;
    const passes = await bindTwoLayerPasses(gpu, config, { sampleCount: B, X: Xb, y: yb, lossLog: buffers.losses!, ...(offsetB ? { outputOffset: offsetB } : {}) }, weights, {
      backward: true,
      firstLayerGradient: config.trainable !== 'second',
    }, NAME);
    const grads = passes.buffers;
    const kernels = {
      sample: minibatch
        ? await bindSampleBatchIndices(
            gpu,
            { seed: config.seed, stream: MINIBATCH_STREAM, step: 0, sampleCount: n, batchSize: B, replace: config.withReplacement ?? false },
            { indices: buffers.indices!, ...(buffers.batchScratch ? { scratch: buffers.batchScratch } : {}) },
          )
        : undefined,
      gather: minibatch
        ? await bindGatherRows(gpu, { sampleCount: n, inputDim: d, batchSize: B }, { indices: buffers.indices!, inputs: buffers.X!, targets: buffers.y!, batchInputs: Xb, batchTargets: yb })
        : online
          ? await bindSampleOnline(gpu, online, { inputs: Xb, labels: yb, ...(teacher ? { teacherA: buffers.teacherA!, teacherW: buffers.teacherW! } : {}) })
          : undefined,
      // f0 as a one-column matrix through the same gather (its targets copy goes to a scratch buffer).
      gatherOffset: buffers.outputOffsetBatch
        ? await bindGatherRows(gpu, { sampleCount: n, inputDim: 1, batchSize: B }, {
            indices: buffers.indices!, inputs: buffers.outputOffset!, targets: buffers.outputOffset!, batchInputs: buffers.outputOffsetBatch, batchTargets: buffers.gatherScratch!,
          })
        : undefined,
      passes,
      update: await bindTrainerUpdate(gpu, config, weights, grads, buffers.losses!),
    };
    return new TwoLayerTrainer(gpu, full, buffers, kernels);
  }

  /**
   * Runs `stepCount` steps in one queue submit and returns the loss before each step
   * (the empirical risk on that step's batch; on all n samples for full-batch GD).
   */
  train(stepCount: number): Promise<Float32Array> {
    return this.submitSteps(stepCount);
  }

  /**
   * Records `stepCount` steps and a copy of their losses into one of two staging buffers, submits,
   * and returns at once with a promise of the losses. A caller may submit the next chunk before
   * that promise settles: with two staging buffers the GPU keeps working while the CPU reads the
   * previous chunk (at most two chunks in flight; a third waits for the older readback).
   */
  submitSteps(stepCount: number): Promise<Float32Array> {
    try {
      checkSize(NAME, 'stepCount', stepCount);
      if (stepCount > this.config.maxStepsPerSubmit) {
        throw new KernelArgumentError(NAME, 'stepCount', `is ${stepCount}, over maxStepsPerSubmit = ${this.config.maxStepsPerSubmit}; call train again or raise it`);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    const slot = this.nextStaging;
    this.nextStaging = 1 - slot;
    // Submits stay in call order, and a staging buffer is reused only once its last readback is done.
    const previous = Promise.all([this.stagingInFlight[slot], this.lastSubmitted]);
    const { device } = this.gpu;
    const k = this.kernels;
    const firstStep = this.stepsTaken;
    const B = this.config.batchSize;
    const meanLoss = k.passes.meanLoss;
    // Rows 0..stepCount-1: step t logs into slot t; the last row points extra passes at the scratch slot.
    const lossTable = createParamsTable(this.gpu.device, NAME, meanLoss.paramsByteLength, stepCount + 1, (t) => meanLossParams(B, t < stepCount ? t : this.config.maxStepsPerSubmit));
    const learningRate = this.baseRate;
    const sampleTable = k.sample
      ? createParamsTable(this.gpu.device, NAME, k.sample.paramsByteLength, stepCount, (t) =>
          batchSamplingParams({
            seed: this.config.seed, stream: MINIBATCH_STREAM, step: firstStep + t,
            sampleCount: this.config.sampleCount, batchSize: B, replace: this.config.withReplacement ?? false,
          }))
      : undefined;
    const onlineTable = this.config.online && k.gather
      ? createParamsTable(this.gpu.device, NAME, k.gather.paramsByteLength, stepCount, (t) => sampleOnlineParams(this.config.online!, firstStep + t))
      : undefined;
    this.stepsTaken += stepCount;
    const result = previous.then(async () => {
      const updateTables = k.update.prepare(device.queue, firstStep, stepCount, learningRate);
      const encoder = device.createCommandEncoder({ label: `${NAME}/train` });
      for (let t = 0; t < stepCount; t++) {
        meanLoss.copyParams(encoder, lossTable, t * meanLoss.paramsByteLength);
        if (k.sample && sampleTable) k.sample.copyParams(encoder, sampleTable, t * k.sample.paramsByteLength);
        if (k.gather && onlineTable) k.gather.copyParams(encoder, onlineTable, t * k.gather.paramsByteLength);
        k.update.beforeStep(encoder, t, updateTables);
        for (let passIndex = 0; passIndex < k.update.passesPerStep; passIndex++) {
          // Only the first pass logs the step's loss L(theta_t); the others write the scratch slot.
          if (passIndex === 1) meanLoss.copyParams(encoder, lossTable, stepCount * meanLoss.paramsByteLength);
          const pass = encoder.beginComputePass();
          if (passIndex === 0) for (const kernel of [k.sample, k.gather, k.gatherOffset]) kernel?.encode(pass);
          for (const kernel of k.passes.kernels) kernel.encode(pass);
          k.update.afterPass(pass, passIndex);
          pass.end();
        }
      }
      const staging = this.staging[slot]!;
      encoder.copyBufferToBuffer(this.buffers.losses!, 0, staging, 0, stepCount * 4);
      device.queue.submit([encoder.finish()]);
      for (const table of [lossTable, sampleTable, onlineTable, ...updateTables]) table?.destroy();
      return staging;
    });
    this.lastSubmitted = result.then(() => undefined, () => undefined);
    const losses = result.then(async (staging) => {
      await staging.mapAsync(GPUMapMode.READ, 0, stepCount * 4);
      const values = new Float32Array(staging.getMappedRange(0, stepCount * 4).slice(0));
      staging.unmap();
      return values;
    });
    this.stagingInFlight[slot] = losses.then(() => undefined, () => undefined);
    return losses;
  }

  /** Waits until every submitted chunk has been read back. */
  async settle(): Promise<void> {
    await Promise.all([...this.stagingInFlight, this.lastSubmitted]);
  }

  /**
   * Replaces the parameters and the step counter (which is also the minibatch stream position):
   * restoring a checkpoint this way continues the same trajectory bit for bit.
   */
  async restore(weights: TwoLayerWeights, stepsTaken: number, optimizerState?: readonly Float32Array[]): Promise<void> {
    await this.settle();
    const { width: m, inputDim: d } = this.config;
    checkLength(NAME, 'weights.a', weights.a, m, `[${m}]`);
    checkLength(NAME, 'weights.W', weights.W, m * d, `[${m} x ${d}]`);
    if ((weights.b !== undefined) !== this.config.hasBias) throw new KernelArgumentError(NAME, 'weights.b', this.config.hasBias ? 'is required' : 'is given but the model has no bias');
    const queue = this.gpu.device.queue;
    const write = (buffer: GPUBuffer, values: Float32Array) => queue.writeBuffer(buffer, 0, values.buffer as ArrayBuffer, values.byteOffset, values.byteLength);
    write(this.buffers.a!, weights.a);
    write(this.buffers.W!, weights.W);
    if (weights.b) write(this.buffers.b!, weights.b);
    const stateBuffers = this.kernels.update.stateBuffers;
    if (optimizerState) {
      if (optimizerState.length !== stateBuffers.length) throw new KernelArgumentError(NAME, 'optimizerState', `has ${optimizerState.length} arrays, this optimizer keeps ${stateBuffers.length}`);
      optimizerState.forEach((values, k) => write(stateBuffers[k]!, values));
    } else {
      // No saved state: start the optimizer afresh (zero moments and sums).
      for (const buffer of stateBuffers) queue.writeBuffer(buffer, 0, new Uint8Array(buffer.size));
    }
    this.stepsTaken = stepsTaken;
  }

  /** lr0: the base rate of the next requested chunk (a schedule runs its shape from it). */
  get learningRate(): number {
    return this.baseRate;
  }

  /**
   * Replaces lr0 from the next requested chunk on, without a reset (InvalidLearningRateError for a rate no step
   * can take). Chunks already requested keep the rate they were requested with.
   */
  setLearningRate(learningRate: number): void {
    this.baseRate = checkLearningRate(this.config, learningRate);
  }

  /** Reads the current parameters back. */
  async readWeights(): Promise<TwoLayerWeights> {
    await this.lastSubmitted;
    const { width: m, inputDim: d } = this.config;
    const [a, W] = await Promise.all([readFloat32(this.gpu, this.buffers.a!, m), readFloat32(this.gpu, this.buffers.W!, m * d)]);
    return this.buffers.b ? { a, W, b: await readFloat32(this.gpu, this.buffers.b, m) } : { a, W };
  }

  /** The optimizer's step-to-step state (moments, running sums), for checkpoints. */
  async readOptimizerState(): Promise<Float32Array[]> {
    await this.lastSubmitted;
    return Promise.all(this.kernels.update.stateBuffers.map((buffer) => readFloat32(this.gpu, buffer, buffer.size / 4)));
  }

  /**
   * The training set on the GPU (X [n x d], y [n], and f0 [n] of a centered model), for metrics taken on
   * it without a second upload.
   */
  get dataBuffers(): { X: GPUBuffer; y: GPUBuffer; outputOffset?: GPUBuffer } {
    return { X: this.buffers.X!, y: this.buffers.y!, ...(this.buffers.outputOffset ? { outputOffset: this.buffers.outputOffset } : {}) };
  }

  /** The weights buffers, for views that draw particles straight from GPU memory. */
  get weightBuffers(): { a: GPUBuffer; W: GPUBuffer; b?: GPUBuffer } {
    return { a: this.buffers.a!, W: this.buffers.W!, ...(this.buffers.b ? { b: this.buffers.b } : {}) };
  }

  destroy(): void {
    this.kernels.sample?.destroy();
    this.kernels.gather?.destroy();
    this.kernels.gatherOffset?.destroy();
    this.kernels.passes.destroy();
    this.kernels.update.destroy();
    for (const buffer of [...Object.values(this.buffers), ...this.staging]) buffer.destroy();
  }
}
