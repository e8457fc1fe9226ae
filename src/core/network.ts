/**
 * A two-layer network and its training run, as both backends read them (docs/science.md section 0):
 * f(x) = alpha s_m sum_j a_j relu(w_j . x + b_j).
 */
import type { OnlineSpec } from './dataset';
import type { OptimizerRule } from './update-rules';
import type { LearningRateSchedule } from './schedule';
import type { LossKind, OutputScaleSpec, TrainableParts } from './conventions';
import type { MatmulSetting } from './matmul-algorithms';
import type { StepKernelSetting } from './step-kernels';

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

/**
 * The network's architecture and output: what the forward and backward passes of both backends need. Each
 * field is declared once, here (width m, scaling and alpha in OutputScaleSpec, src/core/conventions.ts);
 * narrower settings types Pick from this or TwoLayerTrainerConfig.
 */
export interface NetworkSpec extends OutputScaleSpec {
  /** Input dimension d. */
  readonly inputDim: number;
  readonly loss: LossKind;
  /**
   * f_alpha = alpha (f_theta - f_theta0) (docs/science.md section 0, lazy training): the output loss subtracts
   * f0 (PassInputs.outputOffset), which a trainer computes once on the train set at creation from `init`.
   * Not with `online` (fresh samples have no f0). Default false.
   */
  readonly centered?: boolean;
  readonly hasBias: boolean;
  /** Default 'register'; 'auto': the adapter's autotuned winner (src/kernels/matmul-autotune.ts), timed once and remembered. */
  readonly matmulAlgorithm?: MatmulSetting;
}

/** JKO / proximal step (docs/science.md section 1): theta^{k+1} = argmin L + (1/(2 tau)) (1/m) sum_j |theta_j - theta_j^k|^2. */
export interface JkoSettings {
  readonly tau: number;
  readonly innerSteps: number;
  readonly innerLearningRate: number;
}

/**
 * A training run: the network (NetworkSpec) and the run's own settings, each declared once, here. The update
 * rule's part is UpdateSettings (src/core/update-settings.ts), a Pick of this.
 */
export interface TwoLayerTrainerConfig extends NetworkSpec {
  /** Training samples n. */
  readonly sampleCount: number;
  /** Which layers train ('second' with W frozen is the random feature model). */
  readonly trainable: TrainableParts;
  /**
   * lr0, the run's base rate in the scaling's own units (mean-field: particle time): the schedule's start
   * (its learningRate must equal it) or the constant rate. A live change replaces the trainer's copy, never this.
   */
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
  /** Update rule (default plain GD, fused into one kernel). */
  readonly optimizer?: OptimizerRule;
  /** Learning rate per step (lr0 = its learningRate); absent: constant `learningRate`. */
  readonly schedule?: LearningRateSchedule;
  /** Implicit (JKO) steps instead of explicit ones; tau is the outer step at lr0 and moves with the run's rate (jkoTau). */
  readonly jko?: JkoSettings;
  /**
   * First-layer rows constrained to the unit sphere (docs/science.md section 1, E-Ma-Wu): each plain-GD step
   * is followed by the retraction w_j <- w_j / |w_j|. Only with plain GD (checked by the trainers, sphereProblem).
   */
  readonly sphere?: boolean;
  /** Most steps one `train` call may record (size of the loss log). Default 1024. */
  readonly maxStepsPerSubmit?: number;
  /** How steps are dispatched (src/core/step-kernels.ts); default 'unfused'. 'auto' picks per adapter and size. */
  readonly stepKernel?: StepKernelSetting;
  /** The multi-step kernel's steps per dispatch (default MULTI_STEP_DISPATCH_STEPS). */
  readonly stepsPerDispatch?: number;
}

/** The parameters as float32 arrays (the GPU trainer's host copy). */
export type TwoLayerWeights = NetworkParameters<Float32Array>;

/** Training set: X [n x d], y [n]. */
export interface TrainingSet {
  readonly X: Float32Array;
  readonly y: Float32Array;
}
