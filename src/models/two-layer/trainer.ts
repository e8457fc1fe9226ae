/**
 * The two-layer network's training step on the GPU. The trainer owns the train set, the parameters, the
 * loss log, the submits and the read-back; how the steps are dispatched is a StepEncoder:
 *
 *   'unfused'     unfused-steps.ts: the kernel families one after another (any size, every update rule)
 *   'multi-step'  multi-steps.ts: K whole steps per dispatch of one workgroup (small networks, plain GD)
 *
 * chosen by the config's stepKernel ('auto': step-choice.ts). `train(k)` records k steps into ONE queue
 * submit, so no step waits for the CPU.
 */
import type { GpuContext } from '../../gpu/device';
import { createStorageBuffer, readFloat32 } from '../../gpu/buffers';
import { KernelArgumentError } from '../../core/errors';
import { checkFinite, checkLength, checkSize } from '../../gpu/validate';
import { computeOutputOffset } from './passes';
import { checkLearningRate, learningRateProblem, scheduleRateProblem, sphereProblem } from '../../core/update-settings';
import type { TrainingSet, TwoLayerTrainerConfig, TwoLayerWeights } from '../../core/network';
import { MULTI_STEP_DISPATCH_STEPS, type StepKernel } from '../../core/step-kernels';
import type { StepEncoder, TrainerBuffers } from './step-encoder';
import { bindUnfusedSteps } from './unfused-steps';
import { bindMultiSteps } from './multi-steps';
import { resolveStepKernel } from './step-choice';

const NAME = 'two-layer-trainer';

export class TwoLayerTrainer {
  /** Steps submitted so far; also the counter of the minibatch stream. */
  stepsTaken = 0;
  private nextStaging = 0;
  private readonly stagingInFlight: (Promise<void> | undefined)[] = [undefined, undefined];
  /**
   * lr0, the run's base rate in the scaling's own units: the config's until setLearningRate replaces it. Each
   * chunk takes the value in force when it is requested and hands it down as it is (StepEncoder.encode).
   */
  private baseRate: number;
  /** Settles once the most recently requested chunk has been handed to the queue. */
  private lastSubmitted: Promise<void> = Promise.resolve();
  private readonly staging: GPUBuffer[];

  private constructor(
    private readonly gpu: GpuContext,
    readonly config: Required<Pick<TwoLayerTrainerConfig, 'batchSize' | 'maxStepsPerSubmit'>> & TwoLayerTrainerConfig,
    private readonly buffers: TrainerBuffers,
    private readonly steps: StepEncoder,
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
    const stepsPerDispatch = config.stepsPerDispatch ?? MULTI_STEP_DISPATCH_STEPS;
    checkSize(NAME, 'stepsPerDispatch', stepsPerDispatch);
    checkLength(NAME, 'init.a', init.a, m, `[${m}]`);
    checkLength(NAME, 'init.W', init.W, m * d, `[${m} x ${d}]`);
    if (hasBias !== (init.b !== undefined)) throw new KernelArgumentError(NAME, 'init.b', hasBias ? 'is required when hasBias is set' : 'is given but hasBias is not set');
    if (init.b) checkLength(NAME, 'init.b', init.b, m, `[${m}]`);
    checkLength(NAME, 'data.X', data.X, n * d, `[${n} x ${d}]`);
    checkLength(NAME, 'data.y', data.y, n, `[${n}]`);
    for (const [argument, values] of Object.entries({ 'init.a': init.a, 'init.W': init.W, 'init.b': init.b, 'data.X': data.X, 'data.y': data.y })) {
      if (values) checkFinite(NAME, argument, values);
    }
    const full = { ...config, batchSize, maxStepsPerSubmit, stepsPerDispatch };
    const kernel = await resolveStepKernel(gpu, full);

    const buffer = (label: string, contents: number | ArrayBufferView) => createStorageBuffer(gpu, `${NAME}/${label}`, contents);
    const created: GPUBuffer[] = [];
    const own = (b: GPUBuffer) => (created.push(b), b);
    try {
      const weights = { a: own(buffer('a', init.a)), W: own(buffer('W', init.W)), ...(init.b ? { b: own(buffer('b', init.b)) } : {}) };
      const X = own(buffer('X', data.X));
      const y = own(buffer('y', data.y));
      // f0 on the train set from the initial weights (just uploaded); a minibatch reads its rows of it.
      const outputOffset = config.centered ? own(await computeOutputOffset(gpu, config, { sampleCount: n, X, y }, weights, NAME)) : undefined;
      const buffers: TrainerBuffers = {
        X, y, ...weights,
        // One slot per step, plus a scratch slot for the extra passes of SAM and JKO.
        losses: own(buffer('losses', (maxStepsPerSubmit + 1) * 4)),
        ...(outputOffset ? { outputOffset } : {}),
      };
      const steps = kernel === 'multi-step' ? await bindMultiSteps(gpu, full, buffers, NAME) : await bindUnfusedSteps(gpu, full, buffers, NAME);
      return new TwoLayerTrainer(gpu, full, buffers, steps);
    } catch (error) {
      for (const b of created) b.destroy();
      throw error;
    }
  }

  /** How this trainer dispatches its steps. */
  get stepKernel(): StepKernel {
    return this.steps.kernel;
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
    const firstStep = this.stepsTaken;
    const learningRate = this.baseRate;
    this.stepsTaken += stepCount;
    const result = previous.then(async () => {
      const encoder = device.createCommandEncoder({ label: `${NAME}/train` });
      const tables = this.steps.encode(encoder, firstStep, stepCount, learningRate);
      const staging = this.staging[slot]!;
      encoder.copyBufferToBuffer(this.buffers.losses, 0, staging, 0, stepCount * 4);
      device.queue.submit([encoder.finish()]);
      for (const table of tables) table.destroy();
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
    write(this.buffers.a, weights.a);
    write(this.buffers.W, weights.W);
    if (weights.b && this.buffers.b) write(this.buffers.b, weights.b);
    const stateBuffers = this.steps.stateBuffers;
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
    const [a, W] = await Promise.all([readFloat32(this.gpu, this.buffers.a, m), readFloat32(this.gpu, this.buffers.W, m * d)]);
    return this.buffers.b ? { a, W, b: await readFloat32(this.gpu, this.buffers.b, m) } : { a, W };
  }

  /** The optimizer's step-to-step state (moments, running sums), for checkpoints. */
  async readOptimizerState(): Promise<Float32Array[]> {
    await this.lastSubmitted;
    return Promise.all(this.steps.stateBuffers.map((buffer) => readFloat32(this.gpu, buffer, buffer.size / 4)));
  }

  /**
   * The training set on the GPU (X [n x d], y [n], and f0 [n] of a centered model), for metrics taken on
   * it without a second upload.
   */
  get dataBuffers(): { X: GPUBuffer; y: GPUBuffer; outputOffset?: GPUBuffer } {
    return { X: this.buffers.X, y: this.buffers.y, ...(this.buffers.outputOffset ? { outputOffset: this.buffers.outputOffset } : {}) };
  }

  /** The weights buffers, for views that draw particles straight from GPU memory. */
  get weightBuffers(): { a: GPUBuffer; W: GPUBuffer; b?: GPUBuffer } {
    return { a: this.buffers.a, W: this.buffers.W, ...(this.buffers.b ? { b: this.buffers.b } : {}) };
  }

  destroy(): void {
    this.steps.destroy();
    for (const buffer of [this.buffers.X, this.buffers.y, this.buffers.a, this.buffers.W, this.buffers.b, this.buffers.losses, this.buffers.outputOffset, ...this.staging]) buffer?.destroy();
  }
}
