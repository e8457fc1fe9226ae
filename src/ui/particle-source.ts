/**
 * What the GPU views read: the live parameter buffers the trainer writes every step (same device,
 * same queue, so a view's draw submitted after a training submit sees that step without any sync)
 * plus small CPU-side context (teacher, target measure, data) the views overlay.
 * Layouts follow src/core/conventions.ts: W [m x d] row-major (row j = neuron j), a and b [m].
 */
import type { NetworkParameters } from '../core/network';
import type { ViewSource } from './gpu-view-element';

/** The target measure pi* drawn over the particles. */
export type TargetMeasure = { readonly kind: 'uniform-circle' } | { readonly kind: 'points'; readonly points: readonly (readonly number[])[] };

/**
 * The particles theta_j = (a_j, w_j, b_j) of a width-m network, for <gradflow-particle-view>: a [m],
 * W [m x d] row-major and the optional bias b [m], f32 buffers with STORAGE | COPY_SRC usage.
 */
export interface ParticleSource extends NetworkParameters<GPUBuffer>, ViewSource {
  /** Hidden width m (number of particles). */
  readonly width: number;
  /** Input dimension d. */
  readonly inputDim: number;
  /** Teacher network: W [M x d], a [M]. */
  readonly teacher?: Pick<NetworkParameters<Float32Array>, 'a' | 'W'>;
  readonly target?: TargetMeasure;
  /** Training inputs X [n x d], to count how many samples activate a selected neuron. */
  readonly data?: { readonly X: Float32Array };
}

/** The network f(x) = scale * sum_j a_j relu(w_j . x + b_j), for <gradflow-function-view>. */
export interface FunctionSource extends Omit<ParticleSource, 'data'> {
  /** The output multiplier alpha * s_m. */
  readonly scale: number;
  /** Training set X [n x d], y [n], drawn over the function. */
  readonly data?: { readonly X: Float32Array; readonly y: Float32Array };
}
