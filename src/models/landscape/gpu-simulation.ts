/** Landscape particles on the GPU: one landscape_run session whose particles stay on the device (src/kernels/landscapes.ts). */
import type { LandscapeModel } from '../../config/model-kinds';
import type { Checkpoint, MetricValues, Simulation } from '../../core/simulation';
import type { GpuContext } from '../../gpu/device';
import { DeviceLossWatch } from '../../gpu/device-loss';
import { checkLearningRate } from '../../core/update-settings';
import { createLandscapeSession, type LandscapeSession } from '../../kernels/landscape-session';
import { populationMetrics } from './population-metrics';
import { asInputError } from './checks';
import { ConfigError } from '../../config/errors';
import type { LandscapeState } from './problem';

const NO_STEP_LOSSES = new Float32Array(0);

/** The particles as live GPU buffers, for views that draw them: positions [P x k] and stats [P x 4] (value f(x_t) first). */
export interface LiveLandscapeBuffers {
  readonly gpu: GpuContext;
  readonly positions: GPUBuffer;
  readonly stats: GPUBuffer;
}

export class GpuLandscapeSimulation implements Simulation<LandscapeState> {
  readonly backend = 'gpu' as const;
  readonly memberCount = 1;
  readonly reportsStepLoss = false;

  private constructor(
    private readonly gpu: GpuContext,
    private readonly model: LandscapeModel,
    private readonly session: LandscapeSession,
    private readonly loss: DeviceLossWatch,
  ) {}

  /**
   * Uploads x0 and records the reset chunk, so the statistics hold step 0's values before any step. Set-up on a
   * device lost meanwhile (the expression's gradient check reads back) fails as DeviceLostError, so the runner
   * sets up again on a new one.
   */
  static async create(gpu: GpuContext, model: LandscapeModel, x0: Float32Array): Promise<GpuLandscapeSimulation> {
    const loss = new DeviceLossWatch(gpu.device);
    return loss.build(async () => {
      // The user's expression compiles and is gradient-checked here: its errors are input errors (exit code 2).
      const session = await createLandscapeSession(gpu, model.spec, x0).catch((error: unknown) => {
        throw asInputError(error, model.spec);
      });
      try {
        await session.run.run(0);
      } catch (error) {
        session.destroy();
        throw error;
      }
      return new GpuLandscapeSimulation(gpu, model, session, loss);
      // A ConfigError judges the user's text, not the device: it is reported at once.
    }, (error) => error instanceof ConfigError);
  }

  get device(): string {
    return this.gpu.adapterDescription;
  }

  /** The particles' live buffers, current after every chunk (views draw them; they go with destroy()). */
  get liveParticles(): LiveLandscapeBuffers {
    return { gpu: this.gpu, ...this.session.buffers };
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
    return [populationMetrics(this.model, await this.loss.guard(() => this.session.read()), this.stepsTaken, names)];
  }

  get learningRate(): number {
    return this.session.run.spec.learningRate;
  }

  setLearningRate(learningRate: number): void {
    this.session.run.setLearningRate(checkLearningRate({}, learningRate));
  }

  async checkpoint(): Promise<Checkpoint<LandscapeState>> {
    const { positions, stats, state } = await this.loss.guard(() => this.session.readState());
    return { backend: this.backend, stepsTaken: this.stepsTaken, learningRate: this.session.run.spec.learningRate, weights: { positions, stats }, optimizerState: [state] };
  }

  async restore(checkpoint: Checkpoint<LandscapeState>): Promise<void> {
    const { positions, stats } = checkpoint.weights;
    const state = { positions: Float32Array.from(positions), stats: Float32Array.from(stats), state: Float32Array.from(checkpoint.optimizerState[0] ?? []) };
    // Writes only queue: a device lost under them is found here if already known, else by the next guarded call.
    await this.loss.guard(async () => this.session.writeState(state, checkpoint.stepsTaken));
    this.setLearningRate(checkpoint.learningRate);
  }

  async readWeights(): Promise<LandscapeState> {
    const { positions, stats } = await this.loss.guard(() => this.session.readState());
    return { positions, stats };
  }

  destroy(): void {
    this.loss.release();
    if (this.loss.loss) return; // a lost device freed everything already
    this.session.destroy();
  }
}
