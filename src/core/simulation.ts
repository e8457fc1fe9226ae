/**
 * What the run loop drives: one training run of one model kind on one backend. Every model kind
 * (two-layer network, linear model, landscape particles) implements it on the GPU and in float64 on
 * the CPU, so every experiment, the CLI and the app run any kind on either backend.
 */
import type { NetworkParameters } from './network';

/** A backend's arrays: float32 on the GPU, float64 on the CPU. */
export type HostArray = Float32Array | Float64Array;

/** The two-layer network's parameters as a backend stores them. */
export type Weights = NetworkParameters<HostArray>;

export const BACKENDS = ['gpu', 'float64'] as const;
export type Backend = (typeof BACKENDS)[number];

/** The `device` of every float64 simulation. */
export const FLOAT64_DEVICE = 'float64 on the CPU';

/**
 * Everything needed to continue a run exactly: parameters and the step counter (= random stream position).
 * P is the model kind's parameter set (two-layer: Weights; linear: w; landscape: the particles).
 */
export interface Checkpoint<P = Weights> {
  readonly backend: Backend;
  readonly stepsTaken: number;
  readonly learningRate: number;
  readonly weights: P;
  /** The optimizer's moments and running sums, in the backend's own order. */
  readonly optimizerState: readonly HostArray[];
  /** A run set's parts, each its own checkpoint (weights then holds every member's parameters, in member order). */
  readonly parts?: readonly Checkpoint<unknown>[];
}

/** Metric values at one step; keys are metric names. */
export type MetricValues = Record<string, number>;

/** The metrics logged at one step. */
export interface MetricsRow extends MetricValues {
  readonly step: number;
}

export interface Simulation<P = Weights> {
  readonly backend: Backend;
  /**
   * Runs stepped together: 1 for a single run, N for a run set. Step losses are then step-major
   * ([stepCount x N]: step t, member k at t * N + k) and evaluate gives one row per member.
   */
  readonly memberCount: number;
  /** The device it runs on: the adapter's description, or FLOAT64_DEVICE. */
  readonly device: string;
  /**
   * How member k's steps are dispatched on the GPU ('unfused' or 'multi-step', src/core/step-kernels.ts), for
   * the result's summary: the two round differently. Absent where the choice does not exist (float64, other kinds).
   */
  stepKernelOf?(member: number): string | undefined;
  readonly stepsTaken: number;
  /**
   * Whether each step reports its loss (the network kinds). The landscape's particles are independent
   * runs and the linear model is measured at logged steps only: their submitSteps resolves with [].
   */
  readonly reportsStepLoss: boolean;
  /**
   * Queues `stepCount` steps and resolves with the loss before each, of every member (or [], see reportsStepLoss).
   * Callers may queue the next chunk before this settles (the GPU backend keeps two chunks in flight).
   */
  submitSteps(stepCount: number): Promise<ArrayLike<number>>;
  /** Metrics of the current parameters (after every queued step): one row per member. */
  evaluate(names: readonly string[]): Promise<readonly MetricValues[]>;
  /**
   * lr0, the run's base rate in its own units (a schedule runs its shape from it): the config's until
   * setLearningRate replaces it. The simulation holds the run's one copy; checkpoints carry it.
   * A run set's is its first member's; the others keep their ratio to it when it changes.
   */
  readonly learningRate: number;
  /** Replaces lr0 from the next queued step on; throws InvalidLearningRateError (a RangeError) for a rate no step can take. */
  setLearningRate(learningRate: number): void;
  checkpoint(): Promise<Checkpoint<P>>;
  restore(checkpoint: Checkpoint<P>): Promise<void>;
  readWeights(): Promise<P>;
  destroy(): void;
}

/** The GPU device was lost (driver reset, tab backgrounded too long, or destroy()). */
export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
}
