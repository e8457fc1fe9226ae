/**
 * What BatchedTrainer asks of a way to run the steps of its N networks (batched-unfused-steps.ts,
 * batched-multi-steps.ts): record the steps of one chunk into a command encoder. The trainer owns the
 * buffers every way shares, the network table, the submit and the loss read-back.
 */
import type { StepKernel } from '../../core/step-kernels';

/** The batch's shared buffers, in the padded 'batch' layout (a bias is column d of X and of the first layer). */
export interface BatchBuffers {
  /** Row k = (m_k, alpha s_{m_k}, lr_a,k, lr_w,k): BATCH_NETWORK rows of networkTable. */
  readonly networks: GPUBuffer;
  /** X [N x n x R], y [N x n]. */
  readonly X: GPUBuffer;
  readonly y: GPUBuffer;
  /** a [N x M], first layer [N x M x R]: updated in place. */
  readonly a: GPUBuffer;
  readonly firstLayer: GPUBuffer;
  /** [maxStepsPerSubmit x N]: step t of a chunk logs network k's loss at t N + k. */
  readonly losses: GPUBuffer;
}

export interface BatchStepEncoder {
  readonly kernel: StepKernel;
  /**
   * Records steps firstStep .. firstStep + stepCount - 1 of all N networks, network k at lr_k =
   * learningRates[k] (the rates of the network table this chunk runs with, already written to `networks`),
   * logging step t at row t of the loss log. Called just before the submit (it may write the queue); returns
   * buffers to destroy after it.
   */
  encode(encoder: GPUCommandEncoder, firstStep: number, stepCount: number, learningRates: readonly number[]): GPUBuffer[];
  destroy(): void;
}
