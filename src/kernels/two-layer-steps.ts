/**
 * Wrapper for shaders/two-layer-steps.wgsl.ts: train_steps bound to the buffers of N networks, K steps of
 * training per dispatch, one workgroup per network. Every argument is checked before anything is created.
 */
import { BATCH_NETWORK } from '../../shaders/two-layer-passes.wgsl';
import { TRAIN_STEPS_PARAMS, trainStepsBindings, trainStepsSource, type TrainStepsVariant } from '../../shaders/two-layer-steps.wgsl';
import type { GpuContext } from '../gpu/device';
import { checkBufferSize } from '../gpu/buffers';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { createParamsTable } from '../gpu/params';
import { checkBufferHolds, checkSize } from '../gpu/validate';
import { KernelArgumentError } from '../core/errors';
import { lossCode, type LossKind, type Scaling } from '../core/conventions';
import { checkLoss, outputScaleOf } from './two-layer';
import { MULTI_STEP_MAX_INPUT_DIM } from '../core/step-kernels';

export type { StepSampler, TrainStepsVariant } from '../../shaders/two-layer-steps.wgsl';

const NAME = 'two-layer/train_steps';

export const trainStepsKernel: KernelSource<TrainStepsVariant> = {
  family: 'two-layer',
  entryPoint: 'train_steps',
  source: trainStepsSource,
  cacheKey: (v) => `f32-d${v.inputDim}-${v.sampler}${v.hasBias ? '-bias' : ''}${v.centered ? '-centered' : ''}`,
};

/** The batch of networks and their steps' fixed facts (one network: networkCount 1, maxWidth = m). */
export interface TrainStepsShape {
  readonly networkCount: number;
  /** M: every network's neurons sit in a stretch of M (its own width m_k <= M is in the network table). */
  readonly maxWidth: number;
  /** d, or d + 1 in a batch that carries the bias as a column of X and W. */
  readonly inputDim: number;
  /** n per network. */
  readonly sampleCount: number;
  /** B (n for full batch). */
  readonly batchSize: number;
  readonly loss: LossKind;
  /** The minibatch stream's key. */
  readonly seed: number;
  readonly stream: number;
}

/** Which steps one dispatch runs: run steps firstStep .. firstStep + stepCount - 1, logged from slot firstSlot. */
export interface StepWindow {
  readonly firstStep: number;
  readonly stepCount: number;
  readonly firstSlot: number;
}

export interface TrainStepsBuffers {
  /** Row k = (m_k, alpha s_{m_k}) of each network (BATCH_NETWORK rows; see networkRow). */
  readonly networks: GPUBuffer;
  /** X [N x n x d], y [N x n]. */
  readonly X: GPUBuffer;
  readonly y: GPUBuffer;
  /** a [N x M], W [N x M x d], b [N x M]: updated in place. */
  readonly a: GPUBuffer;
  readonly W: GPUBuffer;
  readonly b?: GPUBuffer;
  /** Step t of a dispatch writes network k's loss at losses[(firstSlot + t) N + k]. */
  readonly losses: GPUBuffer;
  /** Scratch, trainStepsWorkspaceWords(shape, variant) u32 words. */
  readonly workspace: GPUBuffer;
  /** (lr_a, lr_w) per slot and network, vec2 of f32, at the losses' index. */
  readonly rates: GPUBuffer;
  /** f0 [N x n]: needed exactly when centered. */
  readonly outputOffset?: GPUBuffer;
}

/** Row of the network table for one network of width m: its width and alpha s_m (the step sizes come from `rates`). */
export function networkRow(network: { readonly width: number; readonly scaling: Scaling; readonly alpha?: number }): ArrayBuffer {
  checkSize(NAME, 'width', network.width);
  return BATCH_NETWORK.pack({ width: network.width, output_scale: outputScaleOf(NAME, network), lr_a: 0, lr_w: 0 });
}

/** Words of the workspace: per network g [B], and for a minibatch its indices [B], and without replacement the shuffle [n]. */
export function trainStepsWorkspaceWords(shape: Pick<TrainStepsShape, 'networkCount' | 'batchSize' | 'sampleCount'>, variant: Pick<TrainStepsVariant, 'sampler'>): number {
  const { batchSize: B, sampleCount: n } = shape;
  const perNetwork = B + (variant.sampler === 'full' ? 0 : B) + (variant.sampler === 'shuffle' ? n : 0);
  return shape.networkCount * perNetwork;
}

/** The uniform bytes for one dispatch. */
export function trainStepsParams(shape: TrainStepsShape, window: StepWindow): ArrayBuffer {
  return TRAIN_STEPS_PARAMS.pack({
    network_count: shape.networkCount,
    sample_count: shape.sampleCount,
    batch_size: shape.batchSize,
    max_width: shape.maxWidth,
    loss_code: lossCode(shape.loss),
    seed: shape.seed,
    stream: shape.stream,
    first_step: window.firstStep,
    step_count: window.stepCount,
    first_slot: window.firstSlot,
  });
}

function checkVariant(shape: TrainStepsShape, variant: TrainStepsVariant): void {
  for (const key of ['networkCount', 'maxWidth', 'sampleCount', 'batchSize'] as const) checkSize(NAME, key, shape[key]);
  checkLoss(NAME, shape.loss);
  if (shape.inputDim !== variant.inputDim) throw new KernelArgumentError(NAME, 'inputDim', `is ${shape.inputDim}, but the variant is compiled for ${variant.inputDim}`);
  if (!Number.isInteger(shape.inputDim) || shape.inputDim < 1 || shape.inputDim > MULTI_STEP_MAX_INPUT_DIM) {
    throw new KernelArgumentError(NAME, 'inputDim', `is ${shape.inputDim}; the multi-step kernel takes 1..${MULTI_STEP_MAX_INPUT_DIM}`);
  }
  if (variant.sampler === 'full' && shape.batchSize !== shape.sampleCount) {
    throw new KernelArgumentError(NAME, 'batchSize', `is ${shape.batchSize}; a full batch is all ${shape.sampleCount} samples`);
  }
  if (variant.sampler === 'shuffle' && shape.batchSize > shape.sampleCount) {
    throw new KernelArgumentError(NAME, 'batchSize', `is ${shape.batchSize}, over the ${shape.sampleCount} samples; draw with replacement`);
  }
}

/** train_steps on these buffers, one workgroup per network, for the steps of `window` (change them per dispatch with copyParams). */
export function bindTrainSteps(gpu: GpuContext, shape: TrainStepsShape, variant: TrainStepsVariant, buffers: TrainStepsBuffers, window: StepWindow): Promise<BoundKernel> {
  checkVariant(shape, variant);
  const { networkCount: N, maxWidth: M, inputDim: d, sampleCount: n } = shape;
  checkBufferSize(gpu, 'W', N * M * d * 4, NAME);
  checkBufferSize(gpu, 'X', N * n * d * 4, NAME);
  const slots = (window.firstSlot + window.stepCount) * N;
  const byName: Record<string, [GPUBuffer | undefined, number, string]> = {
    networks: [buffers.networks, (N * BATCH_NETWORK.byteLength) / 4, 'networks'],
    inputs: [buffers.X, N * n * d, 'X'],
    labels: [buffers.y, N * n, 'y'],
    second_layer: [buffers.a, N * M, 'a'],
    first_layer: [buffers.W, N * M * d, 'W'],
    bias: [buffers.b, N * M, 'b'],
    losses: [buffers.losses, slots, 'losses'],
    workspace: [buffers.workspace, trainStepsWorkspaceWords(shape, variant), 'workspace'],
    rates: [buffers.rates, 2 * slots, 'rates'],
    output_offset: [buffers.outputOffset, N * n, 'outputOffset'],
  };
  const names = trainStepsBindings(variant);
  const bound = names.map((name) => {
    const [buffer, count, argument] = byName[name]!;
    if (!buffer) throw new KernelArgumentError(NAME, argument, `is missing; this variant (${trainStepsKernel.cacheKey(variant)}) binds it`);
    checkBufferHolds(NAME, argument, buffer, count);
    return buffer;
  });
  for (const [name, [buffer, , argument]] of Object.entries(byName)) {
    if (buffer && !names.includes(name)) throw new KernelArgumentError(NAME, argument, `is given, but this variant (${trainStepsKernel.cacheKey(variant)}) does not read it`);
  }
  return bindKernel(gpu, trainStepsKernel, variant, { params: trainStepsParams(shape, window), buffers: bound, workgroupCount: N });
}

/**
 * Records steps firstStep .. firstStep + stepCount - 1 of a chunk as dispatches of at most stepsPerDispatch steps,
 * each its own compute pass with its window copied into the kernel's uniform (step t of the chunk logs at slot t).
 * Returns the params table, to destroy after the submit.
 */
export function encodeStepWindows(
  device: GPUDevice,
  encoder: GPUCommandEncoder,
  kernel: BoundKernel,
  shape: TrainStepsShape,
  chunk: { readonly firstStep: number; readonly stepCount: number; readonly stepsPerDispatch: number },
  label: string,
): GPUBuffer {
  const { firstStep, stepCount, stepsPerDispatch } = chunk;
  const windows = Math.ceil(stepCount / stepsPerDispatch);
  const table = createParamsTable(device, label, kernel.paramsByteLength, windows, (w) => {
    const firstSlot = w * stepsPerDispatch;
    return trainStepsParams(shape, { firstStep: firstStep + firstSlot, stepCount: Math.min(stepsPerDispatch, stepCount - firstSlot), firstSlot });
  });
  for (let w = 0; w < windows; w++) {
    kernel.copyParams(encoder, table, w * kernel.paramsByteLength);
    const pass = encoder.beginComputePass({ label: `${label}/train-steps` });
    kernel.encode(pass);
    pass.end();
  }
  return table;
}
