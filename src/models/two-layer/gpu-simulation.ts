/** The GPU backend of a Simulation: the trainer for steps, TwoLayerGpuMetrics on its buffers for metrics, device-loss detection. */
import type { GpuContext } from '../../gpu/device';
import { TwoLayerTrainer } from './trainer';
import { TwoLayerGpuMetrics } from './gpu-metrics';
import type { Problem } from './problem';
import type { Checkpoint, MetricValues, Simulation, Weights } from '../../core/simulation';
import { DeviceLossWatch } from '../../gpu/device-loss';

export class GpuSimulation implements Simulation {
  readonly backend = 'gpu' as const;
  readonly memberCount = 1;
  readonly reportsStepLoss = true;

  private constructor(
    private readonly gpu: GpuContext,
    private readonly problem: Problem,
    private readonly trainer: TwoLayerTrainer,
    private readonly metrics: TwoLayerGpuMetrics,
    private readonly deviceLoss: DeviceLossWatch,
  ) {}

  /**
   * `metricNames`: what will be logged, so that what they need at initialisation (H, K) is kept. Set-up on a
   * device lost meanwhile fails as DeviceLostError, so the runner sets up again on a new one.
   */
  static async create(gpu: GpuContext, problem: Problem, metricNames: readonly string[] = []): Promise<GpuSimulation> {
    const deviceLoss = new DeviceLossWatch(gpu.device);
    return deviceLoss.build(async () => {
      const trainer = await TwoLayerTrainer.create(gpu, problem.trainer, problem.init, problem.train);
      try {
        const metrics = await TwoLayerGpuMetrics.create(gpu, problem, metricNames, { data: trainer.dataBuffers, weights: trainer.weightBuffers });
        return new GpuSimulation(gpu, problem, trainer, metrics, deviceLoss);
      } catch (error) {
        trainer.destroy();
        throw error;
      }
    });
  }

  stepKernelOf(): string {
    return this.trainer.stepKernel;
  }

  get device(): string {
    return this.gpu.adapterDescription;
  }

  /** The live parameter buffers on their device: the app's views draw straight from them, no readback. */
  get liveParameters(): { readonly gpu: GpuContext; readonly a: GPUBuffer; readonly W: GPUBuffer; readonly b?: GPUBuffer } {
    return { gpu: this.gpu, ...this.trainer.weightBuffers };
  }

  /** The problem being trained (data, teacher, settings). */
  get trainedProblem(): Problem {
    return this.problem;
  }

  get stepsTaken(): number {
    return this.trainer.stepsTaken;
  }

  get learningRate(): number {
    return this.trainer.learningRate;
  }

  submitSteps(stepCount: number): Promise<ArrayLike<number>> {
    return this.guard(() => this.trainer.submitSteps(stepCount));
  }

  async evaluate(names: readonly string[]): Promise<readonly MetricValues[]> {
    const { trainer } = this;
    const state = { learningRate: trainer.learningRate, stepsTaken: trainer.stepsTaken, readWeights: () => trainer.readWeights(), settle: () => trainer.settle() };
    return [await this.guard(() => this.metrics.evaluate(names, state))];
  }

  setLearningRate(learningRate: number): void {
    this.trainer.setLearningRate(learningRate);
  }

  checkpoint(): Promise<Checkpoint> {
    return this.guard(async () => ({
      backend: this.backend,
      stepsTaken: this.trainer.stepsTaken,
      learningRate: this.trainer.learningRate,
      weights: await this.trainer.readWeights(),
      optimizerState: await this.trainer.readOptimizerState(),
    }));
  }

  async restore(checkpoint: Checkpoint): Promise<void> {
    const { a, W, b } = checkpoint.weights;
    const f32 = (values: ArrayLike<number>) => Float32Array.from(values);
    await this.guard(() => this.trainer.restore({ a: f32(a), W: f32(W), ...(b ? { b: f32(b) } : {}) }, checkpoint.stepsTaken, checkpoint.optimizerState.map(f32)));
    this.setLearningRate(checkpoint.learningRate);
  }

  readWeights(): Promise<Weights> {
    return this.guard(() => this.trainer.readWeights());
  }

  destroy(): void {
    this.deviceLoss.release();
    if (this.deviceLoss.loss) return; // a lost device freed everything already
    this.trainer.destroy();
    this.metrics.destroy();
  }

  /** Turns a failure on a lost device into DeviceLostError, so the runner can resume elsewhere. */
  private guard<T>(work: () => Promise<T>): Promise<T> {
    return this.deviceLoss.guard(work);
  }
}

