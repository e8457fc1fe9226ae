/**
 * What the scheduler drives: one training run on one backend. The GPU and reference backends
 * implement the same interface, so every experiment, the CLI and the app run on either.
 */
/** Parameters as stored by a backend: float32 on the GPU, float64 in the reference. */
export interface Weights {
  readonly a: Float32Array | Float64Array;
  readonly W: Float32Array | Float64Array;
  readonly b?: Float32Array | Float64Array;
}

export type Backend = 'gpu' | 'float64';

/** Everything needed to continue a run exactly: parameters and the step counter (= random stream position). */
export interface Checkpoint {
  readonly backend: Backend;
  readonly stepsTaken: number;
  readonly learningRate: number;
  readonly weights: Weights;
  /** The optimizer's moments and running sums, in the backend's own order. */
  readonly optimizerState: readonly (Float32Array | Float64Array)[];
}

/** Metric values at one step; keys are metric names. */
export type MetricValues = Record<string, number>;

export interface Simulation {
  readonly backend: Backend;
  /** The device it runs on, e.g. the adapter name, or "float64 reference on the CPU". */
  readonly device: string;
  readonly stepsTaken: number;
  /**
   * Queues `stepCount` steps and resolves with the loss before each. Callers may queue the next
   * chunk before this settles (the GPU backend keeps two chunks in flight).
   */
  submitSteps(stepCount: number): Promise<ArrayLike<number>>;
  /** Metrics of the current parameters (after every queued step). */
  evaluate(names: readonly string[]): Promise<MetricValues>;
  /** From the next queued step on. */
  setLearningRate(learningRate: number): void;
  checkpoint(): Promise<Checkpoint>;
  restore(checkpoint: Checkpoint): Promise<void>;
  readWeights(): Promise<Weights>;
  destroy(): void;
}

/** The GPU device was lost (driver reset, tab backgrounded too long, or destroy()). */
export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
}
