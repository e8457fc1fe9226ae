/** The float64 CPU backend of a Simulation: the same run as the GPU one, for checks and small studies. */
import { Float64Trainer } from '../../float64/two-layer-trainer';
import { centeringOffset, forward, gradients, meanLoss, outputLoss, type TwoLayerOptions, type TwoLayerParams } from '../../float64/two-layer';
import type { TrainingSet } from '../../core/network';
import { particleTimeFactor } from '../../core/conventions';
import type { Problem } from './problem';
import { particleMetricsFloat64 } from '../../metrics/particles';
import { neuronMetricValues } from './neuron-metrics';
import { NEURON_METRICS } from '../../metrics/registry';
import { gradientMetricValues } from './gradient-metrics';
import { GRADIENT_METRICS } from '../../metrics/registry';
import { w2ToTarget } from './transport-metrics';
import { CURVATURE_SETTINGS, curvatureMetricValues } from './curvature-metrics';
import { CURVATURE_METRICS } from '../../metrics/registry';
import { estimateSharpness } from '../../float64/hessian';
import { exactHessianTrace } from '../../float64/hessian-trace';
import { ntkGram } from '../../float64/ntk';
import type { Checkpoint, MetricValues, Simulation, Weights } from '../../core/simulation';

export class Float64Simulation implements Simulation {
  readonly backend = 'float64' as const;
  readonly device = 'float64 reference on the CPU';
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

  async submitSteps(stepCount: number): Promise<ArrayLike<number>> {
    return this.trainer.train(stepCount);
  }

  async evaluate(names: readonly string[]): Promise<MetricValues> {
    const values: MetricValues = {};
    const params = this.trainer.weights;
    const options = this.trainOptions;
    if (names.includes('loss') || names.includes('accuracy')) {
      const train = evaluateSet(params, this.problem.train, options);
      if (names.includes('loss')) values.loss = train.loss;
      if (names.includes('accuracy')) values.accuracy = train.accuracy;
    }
    if (names.includes('testLoss') || names.includes('testAccuracy')) {
      const test = this.problem.test ? evaluateSet(params, this.problem.test, this.testOptions) : { loss: NaN, accuracy: NaN };
      if (names.includes('testLoss')) values.testLoss = test.loss;
      if (names.includes('testAccuracy')) values.testAccuracy = test.accuracy;
    }
    if (names.some((name) => GRADIENT_METRICS.includes(name))) {
      const { X, y } = this.problem.train;
      const learningRate = this.problem.trainer.learningRate * this.trainer.learningRateScaleValue;
      Object.assign(values, gradientMetricValues(names, gradients(params, X, y, y.length, options), { ...this.problem.trainer, learningRate }, params.W));
    }
    if (names.includes('w2ToTarget')) {
      const { width, inputDim, seed } = this.problem.trainer;
      values.w2ToTarget = this.problem.w2 ? await w2ToTarget(this.problem.w2, params.W, width, inputDim, seed) : NaN;
    }
    if (names.some((name) => (NEURON_METRICS as readonly string[]).includes(name))) {
      const { width, inputDim, scaling, alpha } = this.problem.trainer;
      const { X, y } = this.problem.train;
      const activationsOf = (p: TwoLayerParams) => forward(p, X, y.length, options).activation;
      Object.assign(values, await neuronMetricValues(names, {
        weights: params, train: this.problem.train, width, inputDim, scaling, alpha: alpha ?? 1,
        particles: async (withActivations) => particleMetricsFloat64({ width, inputDim }, params, this.problem.init, {}, withActivations
          ? { sampleCount: y.length, current: activationsOf(params), initial: (this.initialActivations ??= activationsOf(this.initialParams())) }
          : undefined),
      }));
      // min y f / |theta|^2 presumes a homogeneous f; f - f0 is not, so a centered model has no margin.
      if (this.problem.trainer.centered && names.includes('margin')) values.margin = NaN;
    }
    if (names.some((name) => (CURVATURE_METRICS as readonly string[]).includes(name))) {
      const { X, y } = this.problem.train;
      const n = y.length;
      const { width, seed } = this.problem.trainer;
      const { maxIterations, tolerance } = { ...CURVATURE_SETTINGS, ...this.problem.lanczos };
      const factor = particleTimeFactor(options.scaling, width);
      Object.assign(values, await curvatureMetricValues(names, {
        sampleCount: n,
        loss: options.loss,
        factor,
        sharpness: async () => estimateSharpness(params, X, y, n, options, { seed, maxIterations, tolerance }),
        hessianTrace: async () => exactHessianTrace(params, X, y, n, options),
        gram: async () => ntkGram(params, X, n, options),
        initialGram: names.includes('kernelChange') ? (this.initialGram ??= ntkGram(this.initialParams(), X, n, options)) : undefined,
        residuals: async () => forward(params, X, n, options).output.map((f, i) => f - y[i]!),
      }));
    }
    return values;
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
      learningRate: this.trainer.config.learningRate,
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
