/**
 * A two-layer network and its training run, as both backends read them (docs/science.md section 0):
 * f(x) = alpha s_m sum_j a_j relu(w_j . x + b_j).
 */
import type { OnlineSpec } from './dataset';
import type { JkoSettings } from './update-settings';
import type { OptimizerRule } from './update-rules';
import type { LearningRateSchedule } from './schedule';
import type { LossKind, Scaling, TrainableParts } from './conventions';
import type { MatmulSetting } from './matmul-algorithms';

/**
 * A two-layer network's parameters in any storage: a [m], W [m x d] (row j = neuron j), b [m] exactly when
 * the network has a bias. T is Float32Array (the GPU's host copy), Float64Array (the float64 backend),
 * GPUBuffer (on the device) or ArrayLike<number> (whatever was read).
 */
export interface NetworkParameters<T> {
  readonly a: T;
  readonly W: T;
  readonly b?: T;
}

/** The network's architecture and output: what the forward and backward passes of both backends need. */
export interface NetworkSpec {
  readonly width: number;
  readonly inputDim: number;
  readonly scaling: Scaling;
  readonly loss: LossKind;
  readonly alpha?: number;
  /** f_alpha = alpha (f_theta - f_theta0): output_loss subtracts PassInputs.outputOffset. Default false. */
  readonly centered?: boolean;
  readonly hasBias: boolean;
  /** Default 'register'; 'auto': the adapter's autotuned winner (src/kernels/matmul-autotune.ts). */
  readonly matmulAlgorithm?: MatmulSetting;
}

export interface TwoLayerTrainerConfig {
  /** Hidden width m. */
  readonly width: number;
  /** Input dimension d. */
  readonly inputDim: number;
  /** Training samples n. */
  readonly sampleCount: number;
  readonly scaling: Scaling;
  readonly loss: LossKind;
  /** Output scale alpha (default 1). */
  readonly alpha?: number;
  /**
   * f_alpha = alpha (f_theta - f_theta0) (docs/science.md section 0, lazy training): f0 on the train set is
   * computed once at creation from `init`. Not with `online` (fresh samples have no f0). Default false.
   */
  readonly centered?: boolean;
  readonly hasBias: boolean;
  readonly trainable: TrainableParts;
  /** lr in the scaling's own units (mean-field: particle time). */
  readonly learningRate: number;
  /** Minibatch size B; absent or equal to n means full-batch GD. */
  readonly batchSize?: number;
  /** SGD with replacement (i.i.d. indices); default false: distinct indices within a step. */
  readonly withReplacement?: boolean;
  /** Seed of the minibatch stream. */
  readonly seed: number;
  /**
   * Population risk: every step draws `online.batchSize` fresh samples on the GPU (the data set
   * passed to `create` is then unused for steps). Overrides batchSize.
   */
  readonly online?: OnlineSpec;
  /** Default 'register'; 'auto' picks the adapter's fastest (timed once, remembered). */
  readonly matmulAlgorithm?: MatmulSetting;
  /** Update rule (default plain GD, fused into one kernel). */
  readonly optimizer?: OptimizerRule;
  /** Learning rate per step (lr0 = its learningRate); absent: constant `learningRate`. */
  readonly schedule?: LearningRateSchedule;
  /** Implicit (JKO) steps instead of explicit ones. */
  readonly jko?: JkoSettings;
  /** Rows of W on the unit sphere: plain GD followed by w_j <- w_j / |w_j| (see UpdateSettings.sphere). */
  readonly sphere?: boolean;
  /** Most steps one `train` call may record (size of the loss log). Default 1024. */
  readonly maxStepsPerSubmit?: number;
}

/** The parameters as float32 arrays (the GPU trainer's host copy). */
export type TwoLayerWeights = NetworkParameters<Float32Array>;

/** Training set: X [n x d], y [n]. */
export interface TrainingSet {
  readonly X: Float32Array;
  readonly y: Float32Array;
}
