/** The linear model in float64 on the CPU: the twin of the GPU run (src/float64/linear-logistic.ts). */
import type { LinearRunSettings } from '../../core/linear-run';
import { FLOAT64_DEVICE, type Checkpoint, type MetricValues, type Simulation } from '../../core/simulation';
import { linearStep } from '../../float64/linear-logistic';
import { checkLearningRate } from '../../core/update-settings';
import type { LinearTrainingSet, LinearWeights } from './problem';
import type { LinearMetrics } from './linear-metrics';

const NO_STEP_LOSSES = new Float64Array(0);

export class Float64LinearSimulation implements Simulation<LinearWeights> {
  readonly backend = 'float64' as const;
  readonly memberCount = 1;
  readonly device = FLOAT64_DEVICE;
  readonly reportsStepLoss = false;
  stepsTaken = 0;
  private readonly state: { weights: Float64Array; velocity: Float64Array };

  constructor(
    private readonly train: LinearTrainingSet,
    private settings: LinearRunSettings,
    private readonly metrics: LinearMetrics,
  ) {
    this.state = { weights: new Float64Array(train.dim), velocity: new Float64Array(train.dim) };
  }

  async submitSteps(stepCount: number): Promise<ArrayLike<number>> {
    for (let t = 0; t < stepCount; t++) linearStep(this.state, this.train.signedSamples, this.settings);
    this.stepsTaken += stepCount;
    return NO_STEP_LOSSES;
  }

  async evaluate(names: readonly string[]): Promise<readonly MetricValues[]> {
    return [this.metrics(this.state.weights, names)];
  }

  get learningRate(): number {
    return this.settings.learningRate;
  }

  setLearningRate(learningRate: number): void {
    this.settings = { ...this.settings, learningRate: checkLearningRate({}, learningRate) };
  }

  async checkpoint(): Promise<Checkpoint<LinearWeights>> {
    return { backend: this.backend, stepsTaken: this.stepsTaken, learningRate: this.settings.learningRate, weights: { w: this.state.weights.slice() }, optimizerState: [this.state.velocity.slice()] };
  }

  async restore(checkpoint: Checkpoint<LinearWeights>): Promise<void> {
    this.state.weights.set(checkpoint.weights.w);
    this.state.velocity.set(checkpoint.optimizerState[0]!);
    this.stepsTaken = checkpoint.stepsTaken;
    this.setLearningRate(checkpoint.learningRate);
  }

  async readWeights(): Promise<LinearWeights> {
    return { w: this.state.weights.slice() };
  }

  destroy(): void {}
}
