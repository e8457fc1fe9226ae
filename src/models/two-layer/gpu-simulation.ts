/** The GPU backend of a Simulation: the trainer for steps, evaluators for metrics, device-loss detection. */
import type { GpuContext } from '../../gpu/device';
import { TwoLayerTrainer } from './trainer';
import { GpuEvaluator } from './gpu-evaluator';
import { w2ToTarget } from './transport-metrics';
import { particleMetrics } from '../../metrics/particles';
import { CURVATURE_SETTINGS } from './curvature-metrics';
import { evaluateTwoLayerMetrics, needsGradient, needsInitial } from './evaluate-metrics';
import { once, type TwoLayerMetricSource } from './metric-source';
import { GpuHessian } from '../../metrics/sharpness';
import { GpuHessianTrace } from '../../metrics/hessian-trace';
import { GpuNtk } from '../../metrics/ntk';
import type { Problem } from './problem';
import type { Checkpoint, MetricValues, Simulation, Weights } from '../../core/simulation';
import { DeviceLossWatch } from '../../gpu/device-loss';

export class GpuSimulation implements Simulation {
  readonly backend = 'gpu' as const;
  readonly memberCount = 1;
  readonly reportsStepLoss = true;
  private readonly deviceLoss: DeviceLossWatch;

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
    this.deviceLoss = new DeviceLossWatch(gpu.device);
  }

  /** `metricNames`: what will be logged, so that what they need at initialisation (H, K) is kept. */
  static async create(gpu: GpuContext, problem: Problem, metricNames: readonly string[] = []): Promise<GpuSimulation> {
    const trainer = await TwoLayerTrainer.create(gpu, problem.trainer, problem.init, problem.train);
    const weights = trainer.weightBuffers;
    const trainEvaluator = await GpuEvaluator.create(gpu, problem.trainer, problem.train, weights, 'evaluate/train');
    const testEvaluator = problem.test ? await GpuEvaluator.create(gpu, problem.trainer, problem.test, weights, 'evaluate/test') : undefined;
    const initialActivations = needsInitial(metricNames, 'activations') ? await trainEvaluator.activations() : undefined;
    const ntk = needsInitial(metricNames, 'gram') ? await GpuNtk.create(gpu, networkOf(problem), { X: trainer.dataBuffers.X, ...weights }) : undefined;
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

  get learningRate(): number {
    return this.trainer.learningRate;
  }

  submitSteps(stepCount: number): Promise<ArrayLike<number>> {
    return this.guard(() => this.trainer.submitSteps(stepCount));
  }

  async evaluate(names: readonly string[]): Promise<readonly MetricValues[]> {
    return [await this.guard(() => evaluateTwoLayerMetrics(names, this.metricSource(names), this.backend))];
  }

  /** The GPU's computations on the current weights, for one evaluation of `names`. */
  private metricSource(names: readonly string[]): TwoLayerMetricSource {
    const { problem, trainer } = this;
    const { width, inputDim, seed } = problem.trainer;
    // One pass serves loss, accuracy and the gradient metrics; it computes the gradient only when one is asked for.
    const trainPass = once(() => this.trainEvaluator.evaluate(needsGradient(names)));
    const weights = once(() => trainer.readWeights());
    // The curvature operators read the weight buffers: let every queued step land first.
    const settled = once(() => trainer.settle());
    const { maxIterations, tolerance } = { ...CURVATURE_SETTINGS, ...problem.lanczos };
    return {
      settings: problem.trainer,
      train: problem.train,
      learningRate: trainer.learningRate,
      trainFit: trainPass,
      testFit: async () => {
        const test = await this.testEvaluator?.evaluate(false);
        return { loss: test?.loss ?? NaN, accuracy: test?.accuracy ?? NaN };
      },
      gradients: async () => (await trainPass()).gradients!,
      weights,
      particles: async (withActivations) => {
        const current = await weights();
        const initial = this.initialActivations;
        const activations = withActivations && initial
          ? { sampleCount: problem.train.y.length, current: await this.trainEvaluator.activations(), initial }
          : undefined;
        return particleMetrics(this.gpu, { width, inputDim }, current, problem.init, {}, activations);
      },
      w2ToTarget: async () => (problem.w2 ? w2ToTarget(problem.w2, (await weights()).W, width, inputDim, seed, this.gpu) : NaN),
      sharpness: async () => {
        await settled();
        return (await this.getHessian()).sharpness({ seed, maxIterations, tolerance });
      },
      hessianTrace: async () => {
        await settled();
        return (await this.getHessianTrace()).compute();
      },
      gram: async () => {
        await settled();
        return (await this.getNtk()).compute();
      },
      initialGram: () => this.initialGram,
      residuals: async () => {
        await settled();
        return this.trainEvaluator.residuals();
      },
    };
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
    await this.trainer.restore({ a: f32(a), W: f32(W), ...(b ? { b: f32(b) } : {}) }, checkpoint.stepsTaken, checkpoint.optimizerState.map(f32));
    this.setLearningRate(checkpoint.learningRate);
  }

  readWeights(): Promise<Weights> {
    return this.guard(() => this.trainer.readWeights());
  }

  destroy(): void {
    if (this.deviceLoss.loss) return; // a lost device freed everything already
    this.trainer.destroy();
    this.hessian?.destroy();
    this.hessianTrace?.destroy();
    this.ntk?.destroy();
    this.trainEvaluator.destroy();
    this.testEvaluator?.destroy();
  }

  /** Turns a failure on a lost device into DeviceLostError, so the runner can resume elsewhere. */
  private guard<T>(work: () => Promise<T>): Promise<T> {
    return this.deviceLoss.guard(work);
  }
}

/**
 * The network as the curvature operators see it: the trainer's settings over the whole train set. A centered
 * model's Hessian reads f0 from the trainer's data buffers (dataBuffers.outputOffset); its NTK needs no f0.
 */
function networkOf(problem: Problem) {
  return { ...problem.trainer, sampleCount: problem.train.y.length };
}
