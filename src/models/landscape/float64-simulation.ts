/** Landscape particles in float64 on the CPU: the twin of the GPU run (src/float64/landscapes.ts), stepped in place. */
import type { LandscapeModel } from '../../config/model-kinds';
import { FLOAT64_DEVICE, type Checkpoint, type MetricValues, type Simulation } from '../../core/simulation';
import { LandscapeTwin } from '../../float64/landscapes';
import { checkLearningRate } from '../../core/update-settings';
import { populationMetrics } from './population-metrics';
import type { LandscapeState } from './problem';

const NO_STEP_LOSSES = new Float64Array(0);

export class Float64LandscapeSimulation implements Simulation<LandscapeState> {
  readonly backend = 'float64' as const;
  readonly memberCount = 1;
  readonly device = FLOAT64_DEVICE;
  readonly reportsStepLoss = false;
  private readonly twin: LandscapeTwin;
  /** lr0, the run's base rate (the twin keeps it per particle, rounded to float32). */
  private rate: number;

  constructor(
    private readonly model: LandscapeModel,
    x0: Float32Array,
  ) {
    this.twin = new LandscapeTwin(model.spec, x0);
    this.rate = model.spec.learningRate;
  }

  get stepsTaken(): number {
    return this.twin.stepsTaken;
  }

  async submitSteps(stepCount: number): Promise<ArrayLike<number>> {
    this.twin.advance(stepCount);
    return NO_STEP_LOSSES;
  }

  async evaluate(names: readonly string[]): Promise<readonly MetricValues[]> {
    return [populationMetrics(this.model, this.twin.result(), this.stepsTaken, names)];
  }

  get learningRate(): number {
    return this.rate;
  }

  setLearningRate(learningRate: number): void {
    this.rate = checkLearningRate({}, learningRate);
    this.twin.setLearningRate(learningRate);
  }

  async checkpoint(): Promise<Checkpoint<LandscapeState>> {
    const { positions, stats, accumulators } = this.twin.snapshot();
    return { backend: this.backend, stepsTaken: this.stepsTaken, learningRate: this.rate, weights: { positions, stats }, optimizerState: [accumulators] };
  }

  async restore(checkpoint: Checkpoint<LandscapeState>): Promise<void> {
    const { positions, stats } = checkpoint.weights;
    this.twin.restore({ positions: Float64Array.from(positions), stats: Float64Array.from(stats), accumulators: Float64Array.from(checkpoint.optimizerState[0] ?? []) }, checkpoint.stepsTaken);
    this.setLearningRate(checkpoint.learningRate);
  }

  async readWeights(): Promise<LandscapeState> {
    const { positions, stats } = this.twin.snapshot();
    return { positions, stats };
  }

  destroy(): void {}
}
