/** The float64 CPU backend of a Simulation: the same run as the GPU one, for checks and small studies. */
import { Float64Trainer } from '../../float64/two-layer-trainer';
import { centeringOffset, forward, gradients, meanLoss, outputLoss, type TwoLayerOptions, type TwoLayerParams } from '../../float64/two-layer';
import type { TrainingSet } from '../../core/network';
import type { Problem } from './problem';
import { particleMetricsFloat64 } from '../../metrics/particles';
import { w2ToTarget } from './transport-metrics';
import { CURVATURE_SETTINGS, batchDrawOf } from './curvature-metrics';
import { estimateBatchSharpness } from '../../float64/batch-sharpness';
import { evaluateTwoLayerMetrics } from './evaluate-metrics';
import type { TwoLayerMetricSource } from './metric-source';
import { estimateSharpness } from '../../float64/hessian';
import { exactHessianTrace } from '../../float64/hessian-trace';
import { ntkGram } from '../../float64/ntk';
import { FLOAT64_DEVICE, type Checkpoint, type MetricValues, type Simulation, type Weights } from '../../core/simulation';

export class Float64Simulation implements Simulation {
  readonly backend = 'float64' as const;
  readonly memberCount = 1;
  readonly reportsStepLoss = true;
  readonly device = FLOAT64_DEVICE;
  private readonly trainer: Float64Trainer;
  /** Options on the train and test sets: a centered model's f0 of each set rides along (outputOffset). */
  private readonly trainOptions: TwoLayerOptions;
  private readonly testOptions: TwoLayerOptions;

  constructor(private readonly problem: Problem) {
    this.trainer = new Float64Trainer(problem.trainer, problem.init, problem.train);
    const options = this.trainer.config;
    const trainOffset = this.trainer.outputOffset;
    const test = problem.test;
    this.trainOptions = trainOffset ? { ...options, outputOffset: trainOffset } : options;
    this.testOptions = options.centered && test
      ? { ...options, outputOffset: centeringOffset(this.initialParams(), test.X, test.y.length, options) }
      : options;
  }

  get stepsTaken(): number {
    return this.trainer.stepsTaken;
  }

  get learningRate(): number {
    return this.trainer.learningRate;
  }

  async submitSteps(stepCount: number): Promise<ArrayLike<number>> {
    return this.trainer.train(stepCount);
  }

  async evaluate(names: readonly string[]): Promise<readonly MetricValues[]> {
    return [await evaluateTwoLayerMetrics(names, this.metricSource(), this.backend)];
  }

  /** The float64 computations on the current weights, for one evaluation. */
  private metricSource(): TwoLayerMetricSource {
    const { problem } = this;
    const params = this.trainer.weights;
    const options = this.trainOptions;
    const { X, y } = problem.train;
    const n = y.length;
    const { width, inputDim, seed } = problem.trainer;
    const { maxIterations, tolerance } = { ...CURVATURE_SETTINGS, ...problem.lanczos };
    const activationsOf = (p: TwoLayerParams) => forward(p, X, n, options).activation;
    return {
      settings: problem.trainer,
      train: problem.train,
      learningRate: this.trainer.learningRate,
      trainFit: async () => evaluateSet(params, problem.train, options),
      testFit: async () => (problem.test ? evaluateSet(params, problem.test, this.testOptions) : { loss: NaN, accuracy: NaN }),
      gradients: async () => gradients(params, X, y, n, options),
      weights: async () => params,
      particles: async (withActivations) => particleMetricsFloat64({ width, inputDim }, params, problem.init, {}, withActivations
        ? { sampleCount: n, current: activationsOf(params), initial: (this.initialActivations ??= activationsOf(this.initialParams())) }
        : undefined),
      w2ToTarget: async () => (problem.w2 ? w2ToTarget(problem.w2, params.W, width, inputDim, seed) : NaN),
      sharpness: async () => estimateSharpness(params, X, y, n, options, { seed, maxIterations, tolerance }),
      batchSharpness: async () => estimateBatchSharpness(params, X, y, options, batchDrawOf(problem), this.trainer.stepsTaken),
      hessianTrace: async () => exactHessianTrace(params, X, y, n, options),
      gram: async () => ntkGram(params, X, n, options),
      initialGram: () => (this.initialGram ??= ntkGram(this.initialParams(), X, n, options)),
      residuals: async () => forward(params, X, n, options).output.map((f, i) => f - y[i]!),
    };
  }

  private initialGram: Float64Array | undefined;

  private initialActivations: Float64Array | undefined;

  private initialParams(): TwoLayerParams {
    const { width, inputDim } = this.problem.trainer;
    const { a, W, b } = this.problem.init;
    return { width, inputDim, a: Float64Array.from(a), W: Float64Array.from(W), ...(b ? { b: Float64Array.from(b) } : {}) };
  }

  setLearningRate(learningRate: number): void {
    this.trainer.setLearningRate(learningRate);
  }

  async checkpoint(): Promise<Checkpoint> {
    const { a, W, b } = this.trainer.weights;
    return {
      backend: this.backend,
      stepsTaken: this.trainer.stepsTaken,
      learningRate: this.trainer.learningRate,
      weights: { a: a.slice(), W: W.slice(), ...(b ? { b: b.slice() } : {}) },
      optimizerState: this.trainer.optimizerStateArrays,
    };
  }

  async restore(checkpoint: Checkpoint): Promise<void> {
    this.trainer.restore(checkpoint.weights, checkpoint.stepsTaken, checkpoint.optimizerState);
    this.trainer.setLearningRate(checkpoint.learningRate);
  }

  async readWeights(): Promise<Weights> {
    return this.trainer.weights;
  }

  destroy(): void {}
}

/** Loss and +-1 accuracy of `params` on a whole data set (options.outputOffset: f0 of that set, when centered). */
function evaluateSet(params: TwoLayerParams, data: TrainingSet, options: TwoLayerOptions): { loss: number; accuracy: number } {
  const n = data.y.length;
  const { activation } = forward(params, data.X, n, options);
  const shape = { sampleCount: n, width: params.width, scaling: options.scaling, alpha: options.alpha ?? 1 };
  const head = outputLoss(activation, params.a, data.y, shape, options.loss, options.outputOffset);
  const signLabels = data.y.every((v) => v === 1 || v === -1);
  let correct = 0;
  for (let i = 0; i < n; i++) if ((head.output[i]! > 0 ? 1 : -1) === data.y[i]) correct++;
  return { loss: meanLoss(head.loss), accuracy: signLabels ? correct / n : NaN };
}
