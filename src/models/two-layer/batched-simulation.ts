/**
 * A lane of a run set as one Simulation: N two-layer runs that can share a lane (lanes.ts) stepped together by
 * one BatchedTrainer, each member bitwise the run GpuSimulation would make of its Problem alone: the same
 * step losses, and the same metric rows, which each member computes with TwoLayerGpuMetrics on its own copy
 * of its weights (LaneMember). Step losses are step-major, [stepCount x N]; evaluate gives one row per member.
 *
 * Learning rates: the lane's rate is member 0's. Each member's rate is its configured rate times
 * (member 0's rate / member 0's configured rate), so the ratios stay as configured and every rate is a
 * function of member 0's alone: restoring a checkpoint, which carries that one rate, gives every member
 * exactly the rate it had.
 */
import type { GpuContext } from '../../gpu/device';
import { createStorageBuffer } from '../../gpu/buffers';
import { DeviceLossWatch } from '../../gpu/device-loss';
import { KernelArgumentError } from '../../core/errors';
import { checkLearningRate, InvalidLearningRateError } from '../../core/update-settings';
import type { Checkpoint, MetricValues, Simulation, Weights } from '../../core/simulation';
import type { TwoLayerWeights } from '../../core/network';
import { resolveMatmulAlgorithm } from '../../kernels/matmul-autotune';
import { BatchedTrainer } from './batched-trainer';
import { resolveStepKernel } from './step-choice';
import type { BatchedTrainerOptions } from './batched-config';
import { canShareLane, laneProblem } from './lanes';
import { LaneMember } from './lane-member';
import type { Problem } from './problem';

const NAME = 'batched-simulation';

export class BatchedGpuSimulation implements Simulation<readonly Weights[]> {
  readonly backend = 'gpu' as const;
  readonly reportsStepLoss = true;
  readonly memberCount: number;

  private constructor(
    private readonly gpu: GpuContext,
    private readonly problems: readonly Problem[],
    private readonly trainer: BatchedTrainer,
    private readonly members: readonly LaneMember[],
    /** The train set X, y that every member's metrics read. */
    private readonly dataBuffers: readonly GPUBuffer[],
    private readonly deviceLoss: DeviceLossWatch,
  ) {
    this.memberCount = problems.length;
  }

  /**
   * `problems`: the members, all of one lane (planLanes); `metricNames`: what will be logged (see GpuSimulation.create).
   * Set-up on a device lost meanwhile fails as DeviceLostError, so the runner sets up again on a new one.
   */
  static async create(gpu: GpuContext, problems: readonly Problem[], metricNames: readonly string[] = []): Promise<BatchedGpuSimulation> {
    checkLane(problems);
    const first = problems[0]!;
    const deviceLoss = new DeviceLossWatch(gpu.device);
    return deviceLoss.build(async () => {
      const trainer = await BatchedTrainer.create(gpu, await trainerOptions(gpu, problems), first.train);
      const dataBuffers: GPUBuffer[] = [];
      const members: LaneMember[] = [];
      try {
        dataBuffers.push(createStorageBuffer(gpu, `${NAME}/X`, first.train.X), createStorageBuffer(gpu, `${NAME}/y`, first.train.y));
        const data = { X: dataBuffers[0]!, y: dataBuffers[1]! };
        for (const [k, problem] of problems.entries()) members.push(await LaneMember.create(gpu, problem, metricNames, data, `${NAME}/member-${k}`));
      } catch (error) {
        trainer.destroy();
        for (const member of members) member.destroy();
        for (const buffer of dataBuffers) buffer.destroy();
        throw error;
      }
      return new BatchedGpuSimulation(gpu, problems, trainer, members, dataBuffers, deviceLoss);
    });
  }

  stepKernelOf(): string {
    return this.trainer.stepKernel;
  }

  get device(): string {
    return this.gpu.adapterDescription;
  }

  get stepsTaken(): number {
    return this.trainer.stepsTaken;
  }

  /** Member 0's rate: the lane's. */
  get learningRate(): number {
    return this.trainer.learningRates[0]!;
  }

  /** Every member's rate, in member order. */
  get learningRates(): readonly number[] {
    return this.trainer.learningRates;
  }

  /** The members' problems, in member order. */
  get memberProblems(): readonly Problem[] {
    return this.problems;
  }

  submitSteps(stepCount: number): Promise<ArrayLike<number>> {
    return this.guard(() => this.trainer.submitSteps(stepCount));
  }

  evaluate(names: readonly string[]): Promise<readonly MetricValues[]> {
    // The rates of the next step, as a single run's evaluation reads them when it is asked.
    const rates = this.trainer.learningRates;
    return this.guard(async () => {
      const weights = await this.trainer.readAllWeights();
      const rows: MetricValues[] = [];
      // One member at a time: each member's metrics are the GPU work a single run's would be.
      for (const [k, member] of this.members.entries()) rows.push(await member.evaluate(names, weights[k]!, rates[k]!, this.trainer.stepsTaken));
      return rows;
    });
  }

  /**
   * Member 0's rate becomes `learningRate` and every other member's keeps its configured ratio to it, from the
   * next queued step on; InvalidLearningRateError (nothing changes) when some member could not take its rate.
   */
  setLearningRate(learningRate: number): void {
    const configured = this.problems.map((problem) => problem.trainer.learningRate);
    const base = configured[0]!;
    // With member 0 configured at 0 there is no ratio to keep: the others stay at their configured rates.
    const rates = configured.map((rate, k) => (k === 0 ? learningRate : base > 0 ? rate * (learningRate / base) : rate));
    rates.forEach((rate, k) => checkLearningRate(this.problems[k]!.trainer, rate));
    try {
      this.trainer.setLearningRates(rates);
    } catch (error) {
      // A step size past float32 (the network table's check): no step can take it.
      if (error instanceof KernelArgumentError) throw new InvalidLearningRateError(error.message);
      throw error;
    }
  }

  checkpoint(): Promise<Checkpoint<readonly Weights[]>> {
    return this.guard(async () => ({
      backend: this.backend,
      stepsTaken: this.trainer.stepsTaken,
      learningRate: this.learningRate,
      weights: await this.trainer.readAllWeights(),
      // Full-batch GD keeps no optimizer state.
      optimizerState: [],
    }));
  }

  async restore(checkpoint: Checkpoint<readonly Weights[]>): Promise<void> {
    if (checkpoint.optimizerState.length > 0) throw new RangeError(`${NAME}: the checkpoint carries optimizer state; a lane trains by plain GD and keeps none`);
    const f32 = (values: ArrayLike<number>) => Float32Array.from(values);
    const weights: TwoLayerWeights[] = checkpoint.weights.map(({ a, W, b }) => ({ a: f32(a), W: f32(W), ...(b ? { b: f32(b) } : {}) }));
    await this.guard(() => this.trainer.restore(weights, checkpoint.stepsTaken));
    this.setLearningRate(checkpoint.learningRate);
  }

  /**
   * Member k's live parameter buffers in the single-run layout (its LaneMember's), which from the next chunk on
   * every chunk refreshes on the GPU: views draw a lane's members as they draw a single run.
   */
  memberLiveParameters(k: number): { readonly gpu: GpuContext; readonly a: GPUBuffer; readonly W: GPUBuffer; readonly b?: GPUBuffer } {
    const buffers = this.members[k]?.weightBuffers;
    if (!buffers) throw new RangeError(`${NAME}: member ${k} is not in [0, ${this.memberCount - 1}]`);
    this.trainer.mirrorNetwork(k, buffers);
    return { gpu: this.gpu, ...buffers };
  }

  readWeights(): Promise<readonly Weights[]> {
    return this.guard(() => this.trainer.readAllWeights());
  }

  destroy(): void {
    this.deviceLoss.release();
    if (this.deviceLoss.loss) return; // a lost device freed everything already
    this.trainer.destroy();
    for (const member of this.members) member.destroy();
    for (const buffer of this.dataBuffers) buffer.destroy();
  }

  /** Turns a failure on a lost device into DeviceLostError, so the runner can resume elsewhere. */
  private guard<T>(work: () => Promise<T>): Promise<T> {
    return this.deviceLoss.guard(work);
  }
}

/** Throws unless `problems` are at least one and can all share one lane. */
function checkLane(problems: readonly Problem[]): void {
  if (problems.length === 0) throw new RangeError(`${NAME}: a lane needs at least one member`);
  problems.forEach((problem, k) => {
    const why = laneProblem(problem);
    if (why) throw new RangeError(`${NAME}: member ${k} cannot train in a lane: ${why}`);
    if (!canShareLane(problems[0]!, problem)) {
      throw new RangeError(`${NAME}: member ${k} cannot share a lane with member 0 (data, loss, bias, sizes, matmul, step kernel or steps per submit differ); group members with planLanes`);
    }
  });
}

/** The lane's trainer: the shared part from member 0 (equal in every member), and each member's own settings and init. */
async function trainerOptions(gpu: GpuContext, problems: readonly Problem[]): Promise<BatchedTrainerOptions> {
  const shared = problems[0]!.trainer;
  return {
    networks: problems.map(({ trainer, init }) => ({
      seed: trainer.seed, width: trainer.width, learningRate: trainer.learningRate,
      scaling: trainer.scaling, trainable: trainer.trainable, ...(trainer.alpha !== undefined ? { alpha: trainer.alpha } : {}), init,
    })),
    inputDim: shared.inputDim,
    sampleCount: shared.sampleCount,
    scaling: shared.scaling,
    loss: shared.loss,
    hasBias: shared.hasBias,
    trainable: shared.trainable,
    ...(shared.alpha !== undefined ? { alpha: shared.alpha } : {}),
    // 'auto' as a single run resolves it (the adapter's remembered winner); every algorithm sums in the same order anyway.
    matmulAlgorithm: await resolveMatmulAlgorithm(gpu, shared.matmulAlgorithm ?? 'register'),
    // As each member alone would resolve it: the lane key (laneStepKernel) makes the answer the same for all.
    stepKernel: await resolveStepKernel(gpu, { ...shared, batchSize: shared.sampleCount }),
    ...(shared.maxStepsPerSubmit !== undefined ? { maxStepsPerSubmit: shared.maxStepsPerSubmit } : {}),
  };
}
