/**
 * What the two-layer metric evaluators read. Each backend supplies a TwoLayerMetricSource of the current
 * weights (GPU kernels or float64 on the CPU); MetricInputs computes each of its quantities at most once per
 * evaluation, so metrics that share a computation (one Lanczos run for every sharpness name, one Gram for
 * every kernel name) share it, whichever of them are asked for.
 */
import type { TrainingSet, TwoLayerTrainerConfig } from '../../core/network';
import type { Weights } from '../../core/simulation';
import { particleTimeFactor } from '../../core/conventions';
import type { ParticleMetrics } from '../../metrics/particles';
import { ntkSpectrum, type NtkSpectrum } from '../../metrics/ntk';
import type { GradientVectors } from './gradient-metrics';
import type { SharpnessResult } from './curvature-metrics';
import type { BatchSharpnessEstimate } from '../../float64/batch-sharpness';

/** Loss and +-1 accuracy on one data set. */
export interface Fit {
  readonly loss: number;
  readonly accuracy: number;
}

/** A backend's computations on its current weights; each call computes afresh. */
export interface TwoLayerMetricSource {
  readonly settings: TwoLayerTrainerConfig;
  readonly train: TrainingSet;
  /** The rate the next step applies, in the update rule's units (after any setLearningRate). */
  readonly learningRate: number;
  trainFit(): Promise<Fit>;
  /** NaN and NaN without a test set. */
  testFit(): Promise<Fit>;
  /** The full-batch gradient on the train set. */
  gradients(): Promise<GradientVectors>;
  weights(): Promise<Weights>;
  /** With activation statistics (H against H(0) on the train set) when `withActivations`. */
  particles(withActivations: boolean): Promise<ParticleMetrics>;
  /** W2 (not squared) from the rows of W to metrics.w2's target; NaN without one. */
  w2ToTarget(): Promise<number>;
  /** lambda_max of the Hessian, parameter units, by Lanczos with the configured settings. */
  sharpness(): Promise<SharpnessResult>;
  /** The batch sharpness over this evaluation's mini-batches (batchDrawOf, at the current step), in the update rule's units. */
  batchSharpness(): Promise<BatchSharpnessEstimate>;
  /** Tr(Hessian), parameter units, exact (closed form). */
  hessianTrace(): Promise<number>;
  /** The NTK Gram K [n x n] on the train set. */
  gram(): Promise<ArrayLike<number>>;
  /** K at initialisation, when the backend kept it. */
  initialGram(): ArrayLike<number> | undefined;
  /** e = f(X) - y on the train set. */
  residuals(): Promise<ArrayLike<number>>;
}

/** `compute` run on the first call only; later calls return its first result (a promise too). */
export function once<T>(compute: () => T): () => T {
  let cached: { readonly value: T } | undefined;
  return () => (cached ??= { value: compute() }).value;
}

/** The source's quantities for one evaluation, each computed at most once, and what follows from them. */
export class MetricInputs {
  readonly settings: TwoLayerTrainerConfig;
  readonly train: TrainingSet;
  readonly learningRate: number;
  /** The update rule's unit factor: m for mean-field (particle time), 1 otherwise. */
  readonly factor: number;

  constructor(
    private readonly source: TwoLayerMetricSource,
    /** Whether some asked metric reads the activation statistics (they cost a pass over the train set). */
    private readonly withActivations: boolean,
  ) {
    this.settings = source.settings;
    this.train = source.train;
    this.learningRate = source.learningRate;
    this.factor = particleTimeFactor(source.settings.scaling, source.settings.width);
  }

  readonly trainFit = once(() => this.source.trainFit());
  readonly testFit = once(() => this.source.testFit());
  readonly gradients = once(() => this.source.gradients());
  readonly weights = once(() => this.source.weights());
  readonly particles = once(() => this.source.particles(this.withActivations));
  readonly w2ToTarget = once(() => this.source.w2ToTarget());
  readonly sharpness = once(() => this.source.sharpness());
  readonly batchSharpness = once(() => this.source.batchSharpness());
  readonly hessianTrace = once(() => this.source.hessianTrace());
  readonly gram = once(() => this.source.gram());
  readonly initialGram = once(() => this.source.initialGram());
  readonly residuals = once(() => this.source.residuals());
  /** The Gram's eigenvalues (O(n^3) on the host), shared by its lambda_min and lambda_max. */
  readonly ntkSpectrum = once(async (): Promise<NtkSpectrum> => ntkSpectrum(await this.gram(), this.train.y.length));
}
