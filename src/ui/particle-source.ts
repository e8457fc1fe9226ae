/**
 * What the GPU views read: the live parameter buffers the trainer writes every step (same device,
 * same queue, so a view's draw submitted after a training submit sees that step without any sync)
 * plus small CPU-side context (teacher, target measure, data) the views overlay.
 * Layouts follow src/core/conventions.ts: W [m x d] row-major (row j = neuron j), a and b [m].
 */

/** The target measure pi* drawn over the particles. */
export type TargetMeasure = { readonly kind: 'uniform-circle' } | { readonly kind: 'points'; readonly points: readonly (readonly number[])[] };

/** The particles theta_j = (a_j, w_j) of a width-m network, for <gradflow-particle-view>. */
export interface ParticleSource {
  readonly device: GPUDevice;
  /** Second layer a [m] f32 (STORAGE | COPY_SRC). */
  readonly a: GPUBuffer;
  /** First layer W [m x d] f32 row-major (STORAGE | COPY_SRC). */
  readonly W: GPUBuffer;
  /** Hidden width m (number of particles). */
  readonly width: number;
  /** Input dimension d. */
  readonly inputDim: number;
  /** Teacher network: W [M x d], a [M]. */
  readonly teacher?: { readonly W: Float32Array; readonly a: Float32Array };
  readonly target?: TargetMeasure;
  /** Training inputs X [n x d], to count how many samples activate a selected neuron. */
  readonly data?: { readonly X: Float32Array };
}

/** The network f(x) = scale * sum_j a_j relu(w_j . x + b_j), for <gradflow-function-view>. */
export interface FunctionSource extends Omit<ParticleSource, 'data'> {
  /** Optional first-layer bias b [m] f32. */
  readonly b?: GPUBuffer;
  /** The output multiplier alpha * s_m. */
  readonly scale: number;
  /** Training set X [n x d], y [n], drawn over the function. */
  readonly data?: { readonly X: Float32Array; readonly y: Float32Array };
}
