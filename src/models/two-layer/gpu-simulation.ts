/** The GPU backend of a Simulation: the trainer for steps, evaluators for metrics, device-loss detection. */
import type { GpuContext } from '../../gpu/device';
import { TwoLayerTrainer } from './trainer';
import { GpuEvaluator } from './gpu-evaluator';
import { gradientMetricValues } from './gradient-metrics';
import { GRADIENT_METRICS } from '../../metrics/registry';
import { w2ToTarget } from './transport-metrics';
import { particleMetrics } from '../../metrics/particles';
import { needsActivations, neuronMetricValues } from './neuron-metrics';
import { NEURON_METRICS } from '../../metrics/registry';
import { CURVATURE_SETTINGS, curvatureMetricValues, needsInitialGram } from './curvature-metrics';
import { CURVATURE_METRICS } from '../../metrics/registry';
import { GpuHessian } from '../../metrics/sharpness';
import { GpuHessianTrace } from '../../metrics/hessian-trace';
import { GpuNtk } from '../../metrics/ntk';
import { particleTimeFactor } from '../../core/conventions';
import type { Problem } from './problem';
import { DeviceLostError, type Checkpoint, type MetricValues, type Simulation, type Weights } from '../../core/simulation';

/** How long a failed GPU call waits for device.lost to settle before it counts as a plain error. */
const LOSS_SETTLE_MS = 2000;

export class GpuSimulation implements Simulation {
  readonly backend = 'gpu' as const;
  private lostReason: string | undefined;
  private learningRate: number;

  private constructor(
    private readonly gpu: GpuContext,
    private readonly problem: Problem,
    private readonly trainer: TwoLayerTrainer,
    private readonly trainEvaluator: GpuEvaluator,
    private readonly testEvaluator: GpuEvaluator | undefined,
    /** H on the train set at initialisation, kept when activation metrics are wanted. */
    private readonly initialActivations: Float32Array | undefined,
    /** K at initialisation, kept when kernelChange is wanted. */
    private readonly initialGram: Float32Array | undefined,
    /** Hessian and NTK operators on the trainer's buffers (so they follow training), made on first use. */
    private ntk: GpuNtk | undefined,
  ) {
    this.learningRate = trainer.config.learningRate;
    gpu.device.lost.then((info) => {
      this.lostReason = `${info.reason}: ${info.message}`;
    });
  }

  /** `metricNames`: what will be logged, so that what they need at initialisation (H, K) is kept. */
  static async create(gpu: GpuContext, problem: Problem, metricNames: readonly string[] = []): Promise<GpuSimulation> {
    const trainer = await TwoLayerTrainer.create(gpu, problem.trainer, problem.init, problem.train);
    const weights = trainer.weightBuffers;
    const trainEvaluator = await GpuEvaluator.create(gpu, problem.trainer, problem.train, weights, 'evaluate/train');
    const testEvaluator = problem.test ? await GpuEvaluator.create(gpu, problem.trainer, problem.test, weights, 'evaluate/test') : undefined;
    const initialActivations = needsActivations(metricNames) ? await trainEvaluator.activations() : undefined;
    const ntk = needsInitialGram(metricNames) ? await GpuNtk.create(gpu, networkOf(problem), { X: trainer.dataBuffers.X, ...weights }) : undefined;
    const initialGram = await ntk?.compute();
    return new GpuSimulation(gpu, problem, trainer, trainEvaluator, testEvaluator, initialActivations, initialGram, ntk);
  }

  private hessian: GpuHessian | undefined;

  private async getHessian(): Promise<GpuHessian> {
    // The stored Lanczos basis is sized for the configured cap: within its memory budget no run replays the recurrence.
    const basisIterations = this.problem.lanczos?.maxIterations ?? CURVATURE_SETTINGS.maxIterations;
    this.hessian ??= await GpuHessian.create(this.gpu, { ...networkOf(this.problem), basisIterations }, { ...this.trainer.dataBuffers, ...this.trainer.weightBuffers });
    return this.hessian;
  }

  private hessianTrace: GpuHessianTrace | undefined;

  private async getHessianTrace(): Promise<GpuHessianTrace> {
    this.hessianTrace ??= await GpuHessianTrace.create(this.gpu, networkOf(this.problem), { ...this.trainer.dataBuffers, ...this.trainer.weightBuffers });
    return this.hessianTrace;
  }

  private async getNtk(): Promise<GpuNtk> {
    this.ntk ??= await GpuNtk.create(this.gpu, networkOf(this.problem), { X: this.trainer.dataBuffers.X, ...this.trainer.weightBuffers });
    return this.ntk;
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

  submitSteps(stepCount: number): Promise<ArrayLike<number>> {
    return this.guard(() => this.trainer.submitSteps(stepCount));
  }

  evaluate(names: readonly string[]): Promise<MetricValues> {
    return this.guard(async () => {
      const values: MetricValues = {};
      const wantsGradient = names.some((n) => GRADIENT_METRICS.includes(n));
      if (wantsGradient || names.includes('loss') || names.includes('accuracy')) {
        const train = await this.trainEvaluator.evaluate(wantsGradient);
        if (names.includes('loss')) values.loss = train.loss;
        if (names.includes('accuracy')) values.accuracy = train.accuracy;
        if (train.gradients) {
          const W = this.problem.trainer.sphere && names.includes('energyResidual') ? (await this.trainer.readWeights()).W : undefined;
          Object.assign(values, gradientMetricValues(names, train.gradients, { ...this.problem.trainer, learningRate: this.learningRate }, W));
        }
      }
      if (names.includes('testLoss') || names.includes('testAccuracy')) {
        const test = await this.testEvaluator?.evaluate(false);
        if (names.includes('testLoss')) values.testLoss = test?.loss ?? NaN;
        if (names.includes('testAccuracy')) values.testAccuracy = test?.accuracy ?? NaN;
      }
      if (names.some((name) => (NEURON_METRICS as readonly string[]).includes(name))) {
        Object.assign(values, await this.neuronMetrics(names));
        // min y f / |theta|^2 presumes a homogeneous f; f - f0 is not, so a centered model has no margin.
        if (this.problem.trainer.centered && names.includes('margin')) values.margin = NaN;
      }
      if (names.includes('w2ToTarget')) values.w2ToTarget = await this.w2Distance();
      if (names.some((name) => (CURVATURE_METRICS as readonly string[]).includes(name))) {
        await this.trainer.settle();
        const { maxIterations, tolerance } = { ...CURVATURE_SETTINGS, ...this.problem.lanczos };
        const seed = this.problem.trainer.seed;
        Object.assign(values, await curvatureMetricValues(names, {
          sampleCount: this.problem.train.y.length,
          loss: this.problem.trainer.loss,
          factor: particleTimeFactor(this.problem.trainer.scaling, this.problem.trainer.width),
          sharpness: async () => (await this.getHessian()).sharpness({ seed, maxIterations, tolerance }),
          hessianTrace: async () => (await this.getHessianTrace()).compute(),
          gram: async () => (await this.getNtk()).compute(),
          initialGram: this.initialGram,
          residuals: () => this.trainEvaluator.residuals(),
        }));
      }
      return values;
    });
  }

  private async neuronMetrics(names: readonly string[]): Promise<MetricValues> {
    const weights = await this.trainer.readWeights();
    const { width, inputDim, scaling, alpha } = this.problem.trainer;
    const shape = { width, inputDim };
    return neuronMetricValues(names, {
      weights, train: this.problem.train, width, inputDim, scaling, alpha: alpha ?? 1,
      particles: async (withActivations) => {
        const initial = this.initialActivations;
        const activations = withActivations && initial
          ? { sampleCount: this.problem.train.y.length, current: await this.trainEvaluator.activations(), initial }
          : undefined;
        return particleMetrics(this.gpu, shape, weights, this.problem.init, {}, activations);
      },
    });
  }

  private async w2Distance(): Promise<number> {
    const { width, inputDim, seed } = this.problem.trainer;
    if (!this.problem.w2) return NaN;
    return w2ToTarget(this.problem.w2, (await this.trainer.readWeights()).W, width, inputDim, seed, this.gpu);
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
    this.hessian?.destroy();
    this.hessianTrace?.destroy();
    this.ntk?.destroy();
    this.trainEvaluator.destroy();
    this.testEvaluator?.destroy();
  }

  /** Turns a failure on a lost device into DeviceLostError, so the runner can resume elsewhere. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    if (this.lostReason) throw new DeviceLostError(`GPU device lost (${this.lostReason})`);
    try {
      return await work();
    } catch (error) {
      // The lost promise may settle well after the failed call that revealed the loss (a mapAsync aborted
      // by the destroyed device; a busy browser takes hundreds of ms): wait for it before calling this fatal.
      await Promise.race([this.gpu.device.lost, new Promise((resolve) => setTimeout(resolve, LOSS_SETTLE_MS))]);
      if (this.lostReason) throw new DeviceLostError(`GPU device lost (${this.lostReason})`);
      throw error;
    }
  }
}

/**
 * The network as the curvature operators see it: the trainer's settings over the whole train set. A centered
 * model's Hessian reads f0 from the trainer's data buffers (dataBuffers.outputOffset); its NTK needs no f0.
 */
function networkOf(problem: Problem) {
  return { ...problem.trainer, sampleCount: problem.train.y.length };
}
