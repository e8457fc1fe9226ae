/**
 * What a GPU Hessian of the two-layer network's empirical risk is taken at: its configuration, the GPU
 * buffers of the network and data, and the host arrays they are uploaded from. Shared by the Hessian
 * operator (GpuHessian, sharpness.ts) and the exact trace (GpuHessianTrace, hessian-trace.ts), so a
 * simulation can feed both from one set of buffers.
 */
import type { TrainableParts } from '../core/conventions';
import type { NetworkParameters, NetworkSpec, TrainingSet } from '../core/network';
import type { CenteredHostData } from './host-inputs';

/** The network's shape and loss, the samples n, and how much Lanczos history and basis the operator holds. */
export interface GpuHessianConfig extends NetworkSpec {
  /** Samples n the empirical risk averages over. */
  readonly sampleCount: number;
  /** The Hessian is restricted to these parameters (default 'both'). */
  readonly trainable?: TrainableParts;
  /** Most reductions (Lanczos iterations or probes) one call may record (default LANCZOS_MAX_ITERATIONS = 1024). */
  readonly historyCapacity?: number;
  /** Lanczos iterations the stored basis is sized for (default LANCZOS_DEFAULTS.maxIterations); a longer run replays. */
  readonly basisIterations?: number;
  /** Most bytes the stored basis may take (default LANCZOS_BASIS_BYTES); 0 always replays. */
  readonly basisBytes?: number;
}

/**
 * The network and data the Hessian is taken at: GPU buffers X [n x d], y [n], a [m], W [m x d], b [m], and
 * f0 [n] = f_theta0(x_i) exactly when the model is centered.
 */
export interface GpuHessianInputs extends NetworkParameters<GPUBuffer> {
  readonly X: GPUBuffer;
  readonly y: GPUBuffer;
  readonly outputOffset?: GPUBuffer;
}

/** A training set plus, for a centered model, f0 [n] = f_theta0(x_i). */
export type HessianData = TrainingSet & CenteredHostData;
