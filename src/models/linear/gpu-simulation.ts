/** The linear model on the GPU: one linear_logistic_run (src/kernels/linear-logistic.ts), w read back to log metrics. */
import type { LinearRunSettings } from '../../core/linear-run';
import type { Checkpoint, MetricValues, Simulation } from '../../core/simulation';
import type { GpuContext } from '../../gpu/device';
import { DeviceLossWatch } from '../../gpu/device-loss';
import { checkLearningRate } from '../../core/update-settings';
import { createLinearLogisticSession, type LinearLogisticSession } from '../../kernels/linear-logistic';
import type { LinearTrainingSet, LinearWeights } from './problem';
import type { LinearMetrics } from './linear-metrics';

const NO_STEP_LOSSES = new Float32Array(0);

export class GpuLinearSimulation implements Simulation<LinearWeights> {
  readonly backend = 'gpu' as const;
  readonly memberCount = 1;
  readonly reportsStepLoss = false;

  private constructor(
    readonly device: string,
    private readonly session: LinearLogisticSession,
    private settings: LinearRunSettings,
    private readonly metrics: LinearMetrics,
    private readonly loss: DeviceLossWatch,
  ) {}

  /**
   * Uploads the signed samples and w0 = 0 (v0 = 0); `stepsPerDispatch` steps loop inside one dispatch. Set-up on
   * a device lost meanwhile fails as DeviceLostError, so the runner sets up again on a new one.
   */
  static async create(gpu: GpuContext, train: LinearTrainingSet, settings: LinearRunSettings, stepsPerDispatch: number, metrics: LinearMetrics): Promise<GpuLinearSimulation> {
    const loss = new DeviceLossWatch(gpu.device);
    return loss.build(async () => {
      const session = await createLinearLogisticSession(gpu, { signedSamples: train.signedSamples, dim: train.dim, runs: [settings], initialWeights: new Float32Array(train.dim), stepsPerDispatch });
      return new GpuLinearSimulation(gpu.adapterDescription, session, settings, metrics, loss);
    });
  }

  get stepsTaken(): number {
    return this.session.run.stepsTaken;
  }

  submitSteps(stepCount: number): Promise<ArrayLike<number>> {
    return this.loss.guard(async () => {
      await this.session.run.run(stepCount);
      return NO_STEP_LOSSES;
    });
  }

  async evaluate(names: readonly string[]): Promise<readonly MetricValues[]> {
    const { weights } = await this.loss.guard(() => this.session.read());
    return [this.metrics(weights, names)];
  }

  get learningRate(): number {
    return this.settings.learningRate;
  }

  setLearningRate(learningRate: number): void {
    this.settings = { ...this.settings, learningRate: checkLearningRate({}, learningRate) };
    this.session.setRuns([this.settings]);
  }

  async checkpoint(): Promise<Checkpoint<LinearWeights>> {
    const { weights, velocity } = await this.loss.guard(() => this.session.read());
    return { backend: this.backend, stepsTaken: this.stepsTaken, learningRate: this.settings.learningRate, weights: { w: weights }, optimizerState: [velocity] };
  }

  async restore(checkpoint: Checkpoint<LinearWeights>): Promise<void> {
    // Writes only queue: a device lost under them is found here if already known, else by the next guarded call.
    await this.loss.guard(async () => this.session.write({ weights: checkpoint.weights.w, velocity: checkpoint.optimizerState[0]! }, checkpoint.stepsTaken));
    this.setLearningRate(checkpoint.learningRate);
  }

  async readWeights(): Promise<LinearWeights> {
    const { weights } = await this.loss.guard(() => this.session.read());
    return { w: weights };
  }

  destroy(): void {
    this.loss.release();
    if (this.loss.loss) return; // a lost device freed everything already
    this.session.destroy();
  }
}
