/**
 * The two-layer metrics of one network on the GPU, on whatever buffers hold its weights: a single run's
 * trainer buffers (GpuSimulation), or a run-set member's own copy of its slice of a lane (BatchedGpuSimulation).
 * Holds the evaluators on the train and test sets, what the logged metrics need from initialisation (H(0),
 * K(0)) and the curvature operators (made on first use), and lays out one row per evaluation.
 */
import type { GpuContext } from '../../gpu/device';
import { GpuEvaluator } from './gpu-evaluator';
import { w2ToTarget } from './transport-metrics';
import { particleMetrics } from '../../metrics/particles';
import { CURVATURE_SETTINGS, batchDrawOf } from './curvature-metrics';
import { GpuBatchSharpness } from './gpu-batch-sharpness';
import { evaluateTwoLayerMetrics, needsGradient, needsInitial } from './evaluate-metrics';
import { once, type TwoLayerMetricSource } from './metric-source';
import { GpuHessian } from '../../metrics/sharpness';
import { GpuHessianTrace } from '../../metrics/hessian-trace';
import { GpuNtk } from '../../metrics/ntk';
import type { Problem } from './problem';
import type { Backend, MetricValues } from '../../core/simulation';
import type { TwoLayerWeights } from '../../core/network';
import type { WeightBuffers } from './passes';

/** The buffers the metrics read: the train set (and f0 of a centered model) and the network's weights. */
export interface NetworkBuffers {
  readonly data: { readonly X: GPUBuffer; readonly y: GPUBuffer; readonly outputOffset?: GPUBuffer };
  readonly weights: WeightBuffers;
}

/** What an evaluation asks of whoever trains the network. */
export interface NetworkState {
  /** The rate the next step applies, in the update rule's units. */
  readonly learningRate: number;
  /** Steps taken so far: the evaluation's place in the batch sharpness's stream of batches. */
  readonly stepsTaken: number;
  /** The current parameters as host arrays (after every queued step). */
  readWeights(): Promise<TwoLayerWeights>;
  /** Resolves once every queued step has reached the weight buffers, which the curvature operators read directly. */
  settle(): Promise<void>;
}

const BACKEND: Backend = 'gpu';

export class TwoLayerGpuMetrics {
  private hessian: GpuHessian | undefined;
  private hessianTrace: GpuHessianTrace | undefined;
  private batchSharpness: GpuBatchSharpness | undefined;

  private constructor(
    private readonly gpu: GpuContext,
    private readonly problem: Problem,
    private readonly buffers: NetworkBuffers,
    private readonly trainEvaluator: GpuEvaluator,
    private readonly testEvaluator: GpuEvaluator | undefined,
    /** H on the train set at initialisation, kept when activation metrics are wanted. */
    private readonly initialActivations: Float32Array | undefined,
    /** K at initialisation, kept when kernelChange is wanted. */
    private readonly initialGram: Float32Array | undefined,
    /** The NTK operator on the weight buffers (so it follows training), made on first use or at creation for K(0). */
    private ntk: GpuNtk | undefined,
  ) {}

  /**
   * Call while `buffers.weights` still hold the initial weights: what `metricNames` need from initialisation
   * (H(0), K(0)) is computed here, and a centered model's evaluators take f0 from them.
   */
  static async create(gpu: GpuContext, problem: Problem, metricNames: readonly string[], buffers: NetworkBuffers): Promise<TwoLayerGpuMetrics> {
    const { weights } = buffers;
    const trainEvaluator = await GpuEvaluator.create(gpu, problem.trainer, problem.train, weights, 'evaluate/train');
    const testEvaluator = problem.test ? await GpuEvaluator.create(gpu, problem.trainer, problem.test, weights, 'evaluate/test') : undefined;
    const initialActivations = needsInitial(metricNames, 'activations') ? await trainEvaluator.activations() : undefined;
    const ntk = needsInitial(metricNames, 'gram') ? await GpuNtk.create(gpu, networkOf(problem), { X: buffers.data.X, ...weights }) : undefined;
    const initialGram = await ntk?.compute();
    return new TwoLayerGpuMetrics(gpu, problem, buffers, trainEvaluator, testEvaluator, initialActivations, initialGram, ntk);
  }

  /** The row of `names` at the network's current weights. */
  evaluate(names: readonly string[], state: NetworkState): Promise<MetricValues> {
    return evaluateTwoLayerMetrics(names, this.source(names, state), BACKEND);
  }

  private async getHessian(): Promise<GpuHessian> {
    // The stored Lanczos basis is sized for the configured cap: within its memory budget no run replays the recurrence.
    const basisIterations = this.problem.lanczos?.maxIterations ?? CURVATURE_SETTINGS.maxIterations;
    this.hessian ??= await GpuHessian.create(this.gpu, { ...networkOf(this.problem), basisIterations }, { ...this.buffers.data, ...this.buffers.weights });
    return this.hessian;
  }

  private async getBatchSharpness(): Promise<GpuBatchSharpness> {
    this.batchSharpness ??= await GpuBatchSharpness.create(this.gpu, this.problem.trainer, batchDrawOf(this.problem), this.buffers);
    return this.batchSharpness;
  }

  private async getHessianTrace(): Promise<GpuHessianTrace> {
    this.hessianTrace ??= await GpuHessianTrace.create(this.gpu, networkOf(this.problem), { ...this.buffers.data, ...this.buffers.weights });
    return this.hessianTrace;
  }

  private async getNtk(): Promise<GpuNtk> {
    this.ntk ??= await GpuNtk.create(this.gpu, networkOf(this.problem), { X: this.buffers.data.X, ...this.buffers.weights });
    return this.ntk;
  }

  /** The GPU's computations on the current weights, for one evaluation of `names`. */
  private source(names: readonly string[], state: NetworkState): TwoLayerMetricSource {
    const { problem } = this;
    const { width, inputDim, seed } = problem.trainer;
    // One pass serves loss, accuracy and the gradient metrics; it computes the gradient only when one is asked for.
    const trainPass = once(() => this.trainEvaluator.evaluate(needsGradient(names)));
    const weights = once(() => state.readWeights());
    // The curvature operators read the weight buffers: let every queued step land first.
    const settled = once(() => state.settle());
    const { maxIterations, tolerance } = { ...CURVATURE_SETTINGS, ...problem.lanczos };
    return {
      settings: problem.trainer,
      train: problem.train,
      learningRate: state.learningRate,
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
      batchSharpness: async () => {
        await settled();
        return (await this.getBatchSharpness()).estimate(state.stepsTaken);
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

  destroy(): void {
    this.hessian?.destroy();
    this.hessianTrace?.destroy();
    this.batchSharpness?.destroy();
    this.ntk?.destroy();
    this.trainEvaluator.destroy();
    this.testEvaluator?.destroy();
  }
}

/**
 * The network as the curvature operators see it: the trainer's settings over the whole train set. A centered
 * model's Hessian reads f0 from the data buffers (outputOffset); its NTK needs no f0.
 */
function networkOf(problem: Problem) {
  return { ...problem.trainer, sampleCount: problem.train.y.length };
}
