/**
 * What TwoLayerTrainer asks of a way to run its steps (unfused-steps.ts, multi-steps.ts): record the steps
 * of one chunk into a command encoder. The trainer owns the buffers every way shares, the submit and the
 * loss read-back.
 */
import type { StepKernel } from '../../core/step-kernels';

/** The trainer's buffers: the train set, the parameters, the loss log and, for a centered model, f0. */
export interface TrainerBuffers {
  readonly X: GPUBuffer;
  readonly y: GPUBuffer;
  readonly a: GPUBuffer;
  readonly W: GPUBuffer;
  readonly b?: GPUBuffer;
  /** Slot t gets the loss of step t of a chunk; slot maxStepsPerSubmit is scratch. */
  readonly losses: GPUBuffer;
  readonly outputOffset?: GPUBuffer;
}

export interface StepEncoder {
  readonly kernel: StepKernel;
  /**
   * Records steps firstStep .. firstStep + stepCount - 1 at base rate lr0 = `learningRate`, logging step t's
   * loss at slot t. Called just before the submit (it may write the queue); returns buffers to destroy after it.
   */
  encode(encoder: GPUCommandEncoder, firstStep: number, stepCount: number, learningRate: number): GPUBuffer[];
  /** Buffers that carry state from step to step (optimizer moments, running sums): part of a checkpoint. */
  readonly stateBuffers: readonly GPUBuffer[];
  destroy(): void;
}
