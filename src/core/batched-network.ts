/**
 * N independent two-layer networks trained side by side (a sweep over widths, learning rates and seeds):
 * their shared shape and what varies per network, as the batched GPU kernels and their float64 twin read them.
 */
import type { MatmulAlgorithm } from './matmul-algorithms';
import type { TrainingSet, TwoLayerTrainerConfig } from './network';

/** Sizes of a batch of networks. */
export interface BatchShape {
  /** N independent networks. */
  readonly networkCount: number;
  /** n samples per network. */
  readonly sampleCount: number;
  /** M: the width every network is stored at (its own width m_k <= M). */
  readonly maxWidth: number;
  /** d inputs. */
  readonly inputDim: number;
  /** With a bias, X and the first layer carry one more column (X: 1, first layer: b). */
  readonly hasBias: boolean;
}

/** The sweep's fixed part, shared by all networks of a batch. */
export type BatchSettings = Pick<TwoLayerTrainerConfig, 'scaling' | 'alpha' | 'trainable'>;

/** What varies per network in the kernels: its width m_k and learning rate lr_k. */
export interface BatchNetwork {
  readonly width: number;
  /** lr in the scaling's own units (mean-field: particle time, so the step is lr * m_k). */
  readonly learningRate: number;
}

/** Everything the array helpers need. */
export interface BatchProblem {
  readonly shape: BatchShape;
  readonly settings: BatchSettings;
  readonly networks: readonly BatchNetwork[];
}

/** R: the row length of X and of the first layer (d, plus the bias column). */
export function batchRowLength(shape: Pick<BatchShape, 'inputDim' | 'hasBias'>): number {
  return shape.inputDim + (shape.hasBias ? 1 : 0);
}

/** What varies from network to network. */
export interface BatchedNetworkSpec {
  /** Seed of the initial weights (initialWeights). */
  readonly seed: number;
  /** Hidden width m_k <= maxWidth. */
  readonly width: number;
  /** lr_k in the scaling's own units (mean-field: particle time). */
  readonly learningRate: number;
}

/** What the batch shares, as the single trainer's config names it; width and rate vary per network. */
export interface BatchedTrainerConfig extends Pick<TwoLayerTrainerConfig, 'inputDim' | 'sampleCount' | 'scaling' | 'loss' | 'alpha' | 'hasBias' | 'trainable'> {
  readonly networks: readonly BatchedNetworkSpec[];
  /** M, the padded width (default: the largest m_k). */
  readonly maxWidth?: number;
  readonly matmulAlgorithm?: MatmulAlgorithm;
  /** Most steps one `train` call may record (rows of the loss log). Default 1024. */
  readonly maxStepsPerSubmit?: number;
}

/** The single-network configuration network k is equivalent to (full-batch GD). */
export function networkConfig(config: BatchedTrainerConfig, k: number): TwoLayerTrainerConfig {
  const { seed, width, learningRate } = config.networks[k]!;
  const { inputDim, sampleCount, scaling, loss, hasBias, trainable } = config;
  return { width, inputDim, sampleCount, scaling, loss, hasBias, trainable, learningRate, seed, ...(config.alpha !== undefined ? { alpha: config.alpha } : {}) };
}

/** Network k's data set: its own, or the shared one. */
export function networkData(data: TrainingSet | readonly TrainingSet[], k: number): TrainingSet {
  return Array.isArray(data) ? (data as readonly TrainingSet[])[k]! : (data as TrainingSet);
}

/** Column k of a [steps x N] loss log: network k's loss curve. */
export function networkLossCurve<T extends Float32Array | Float64Array>(losses: T, networkCount: number, k: number): T {
  const steps = losses.length / networkCount;
  const curve = new (losses.constructor as new (length: number) => T)(steps);
  for (let t = 0; t < steps; t++) curve[t] = losses[t * networkCount + k]!;
  return curve;
}
