/** The GPU backend of a Simulation: the trainer for steps, evaluators for metrics, device-loss detection. */
import type { GpuContext } from '../gpu/device';
import { TwoLayerTrainer } from '../model/two-layer-trainer';
import { GpuEvaluator } from './gpu-evaluator';
import type { Problem } from './problem';
import { DeviceLostError, type Checkpoint, type MetricValues, type Simulation, type Weights } from './simulation';

export class GpuSimulation implements Simulation {
  readonly backend = 'gpu' as const;
  private lostReason: string | undefined;
  private learningRate: number;

  private constructor(
    private readonly gpu: GpuContext,
    private readonly trainer: TwoLayerTrainer,
    private readonly trainEvaluator: GpuEvaluator,
    private readonly testEvaluator: GpuEvaluator | undefined,
  ) {
    this.learningRate = trainer.config.learningRate;
    gpu.device.lost.then((info) => {
      this.lostReason = `${info.reason}: ${info.message}`;
    });
  }

  static async create(gpu: GpuContext, problem: Problem): Promise<GpuSimulation> {
    const trainer = await TwoLayerTrainer.create(gpu, problem.trainer, problem.init, problem.train);
    const weights = trainer.weightBuffers;
    const trainEvaluator = await GpuEvaluator.create(gpu, problem.trainer, problem.train, weights, 'evaluate/train');
    const testEvaluator = problem.test ? await GpuEvaluator.create(gpu, problem.trainer, problem.test, weights, 'evaluate/test') : undefined;
    return new GpuSimulation(gpu, trainer, trainEvaluator, testEvaluator);
  }

  get device(): string {
    return this.gpu.adapterDescription;
  }

  get stepsTaken(): number {
    return this.trainer.stepsTaken;
  }

  submitSteps(stepCount: number): Promise<ArrayLike<number>> {
    return this.guard(() => this.trainer.submitSteps(stepCount));
  }

  evaluate(names: readonly string[]): Promise<MetricValues> {
    return this.guard(async () => {
      const values: MetricValues = {};
      const wantsTrain = names.some((n) => n === 'loss' || n === 'accuracy' || n === 'gradNorm');
      if (wantsTrain) {
        const train = await this.trainEvaluator.evaluate(names.includes('gradNorm'));
        if (names.includes('loss')) values.loss = train.loss;
        if (names.includes('accuracy')) values.accuracy = train.accuracy;
        if (train.gradNorm !== undefined) values.gradNorm = train.gradNorm;
      }
      if (names.includes('testLoss') || names.includes('testAccuracy')) {
        const test = await this.testEvaluator?.evaluate(false);
        if (names.includes('testLoss')) values.testLoss = test?.loss ?? NaN;
        if (names.includes('testAccuracy')) values.testAccuracy = test?.accuracy ?? NaN;
      }
      return values;
    });
  }

  setLearningRate(learningRate: number): void {
    this.trainer.setLearningRate(learningRate);
    this.learningRate = learningRate;
  }

  checkpoint(): Promise<Checkpoint> {
    return this.guard(async () => ({
      backend: this.backend,
      stepsTaken: this.trainer.stepsTaken,
      learningRate: this.learningRate,
      weights: await this.trainer.readWeights(),
      optimizerState: await this.trainer.readOptimizerState(),
    }));
  }

  async restore(checkpoint: Checkpoint): Promise<void> {
    const { a, W, b } = checkpoint.weights;
    const f32 = (values: ArrayLike<number>) => Float32Array.from(values);
    await this.trainer.restore({ a: f32(a), W: f32(W), ...(b ? { b: f32(b) } : {}) }, checkpoint.stepsTaken, checkpoint.optimizerState.map(f32));
    this.setLearningRate(checkpoint.learningRate);
  }

  readWeights(): Promise<Weights> {
    return this.guard(() => this.trainer.readWeights());
  }

  destroy(): void {
    if (this.lostReason) return; // a lost device freed everything already
    this.trainer.destroy();
    this.trainEvaluator.destroy();
    this.testEvaluator?.destroy();
  }

  /** Turns a failure on a lost device into DeviceLostError, so the runner can resume elsewhere. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    if (this.lostReason) throw new DeviceLostError(`GPU device lost (${this.lostReason})`);
    try {
      return await work();
    } catch (error) {
      // The lost promise may settle just after the failed call that revealed the loss.
      await Promise.race([this.gpu.device.lost, new Promise((resolve) => setTimeout(resolve, 50))]);
      if (this.lostReason) throw new DeviceLostError(`GPU device lost (${this.lostReason})`);
      throw error;
    }
  }
}
