/**
 * docs/science.md section 0, in code: the one place both backends take scalings, losses and the
 * particle-time learning rate from.
 *
 * Layouts (row-major, float32 on the GPU, float64 on the CPU):
 *   X [n x d] inputs, y [n] targets, W [m x d] first layer (row j = neuron j), a [m], b [m],
 *   Z = X W^T + b [n x m] pre-activations, H = relu(Z) [n x m] (H > 0 is the ReLU mask).
 */

/** As-const tuples, so a config's z.enum of them parses straight to these types. */
export const SCALINGS = ['mean-field', 'ntk', 'standard'] as const;
export type Scaling = (typeof SCALINGS)[number];
export const LOSS_KINDS = ['square', 'logistic', 'exponential'] as const;
export type LossKind = (typeof LOSS_KINDS)[number];
/** Which layers train: both, the first (W, b) only, or the second (a) only (random features). */
export const TRAINABLE_PARTS = ['both', 'first', 'second'] as const;
export type TrainableParts = (typeof TRAINABLE_PARTS)[number];

/** s_m in f(x) = s_m * sum_j a_j sigma(w_j . x + b_j). */
export function outputScale(scaling: Scaling, width: number): number {
  switch (scaling) {
    case 'mean-field':
      return 1 / width;
    case 'ntk':
      return 1 / Math.sqrt(width);
    case 'standard':
      return 1;
  }
}

/**
 * What fixes the output scale alpha s_m: the home of these three fields, which NetworkSpec (src/core/network.ts)
 * extends; declared here because this file is the floor below network.ts.
 */
export interface OutputScaleSpec {
  /** Hidden width m. */
  readonly width: number;
  readonly scaling: Scaling;
  /** Output scale alpha (default 1). */
  readonly alpha?: number;
}

/** alpha * s_m, the factor in front of sum_j a_j sigma(w_j . x + b_j) (alpha defaults to 1). */
export function combinedOutputScale(shape: OutputScaleSpec): number {
  return (shape.alpha ?? 1) * outputScale(shape.scaling, shape.width);
}

/**
 * The step size applied to each parameter: mean-field runs in particle (Wasserstein-flow) time,
 * theta_j <- theta_j - lr * m * grad_{theta_j} L, so neurons move O(1) whatever m is. The training paths
 * take it as lr c_s from stepScales (src/core/update-settings.ts), which also masks frozen tensors; the
 * hand-written kernel references spell it out here.
 */
export function particleLearningRate(scaling: Scaling, learningRate: number, width: number): number {
  return scaling === 'mean-field' ? learningRate * width : learningRate;
}

/**
 * The update rule's unit factor: m for mean-field (particle time), else 1. Curvature in the update's units
 * (sharpnessParticleTime, hessianTraceParticleTime) is this times the Hessian's, and GD is linearly stable
 * while lr * factor * lambda_max < 2.
 */
export function particleTimeFactor(scaling: Scaling, width: number): number {
  return particleLearningRate(scaling, 1, width);
}

/** Numeric codes for WGSL uniforms: the index into LOSS_KINDS / SCALINGS. */
export function lossCode(loss: LossKind): number {
  return LOSS_KINDS.indexOf(loss);
}

/**
 * Stream ids of the counter-based generator (key = (seed, stream)): each independent quantity
 * draws from its own stream, so changing one (say the batch size) leaves the others unchanged.
 */
export const RANDOM_STREAMS = {
  data: 1,
  teacher: 2,
  minibatch: 3,
  initA: 4,
  initW: 5,
  initB: 6,
  /** Offline label noise: Gaussian regression noise, and the keyed permutation choosing flipped labels. */
  labelNoise: 7,
  /** Online (population-risk) inputs: fresh x at every step, counter word 1 = step. */
  online: 8,
  /** Online label noise, per step. */
  onlineLabelNoise: 9,
  /** Class and cluster assignment of synthetic sign-labelled sets (a keyed permutation, so counts balance). */
  dataLabels: 10,
  /** The train/test split permutation of file data sets. */
  split: 11,
  /** Initial directions drawn from a density on the circle (von Mises), by inverse CDF of one uniform per neuron. */
  initDirections: 12,
} as const;
