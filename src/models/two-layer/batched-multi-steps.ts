/**
 * The batch's multi-step path: train_steps (shaders/two-layer-steps.wgsl.ts) runs up to `stepsPerDispatch`
 * whole GD steps of all N networks in one dispatch, one workgroup per network. The batch carries the bias
 * as column d of X (all ones) and of the first layer, so the kernel is bound bias-free with R = d + 1
 * inputs: w_d x_d = b exactly, and its gradient sum adds g_i 1 where the single run's adds g_i, so network k
 * takes exactly the float operations of its single multi-step run.
 *
 * Network k's width and alpha s_{m_k} are its row of the network table; its step sizes (lr_a,k, lr_w,k), the
 * same float32 values as that row's, go to the `rates` table for every step of a chunk just before its
 * submit, from the rates that chunk was requested with (setLearningRates changes them for later chunks).
 */
import type { GpuContext } from '../../gpu/device';
import { createStorageBuffer } from '../../gpu/buffers';
import { bindTrainSteps, encodeStepWindows, trainStepsWorkspaceWords, type TrainStepsShape, type TrainStepsVariant } from '../../kernels/two-layer-steps';
import { stepSizes } from '../../core/update-settings';
import { RANDOM_STREAMS } from '../../core/conventions';
import { batchRowLength, type BatchShape } from '../../core/batched-network';
import { settingsOf, type BatchedTrainerOptions } from './batched-config';
import type { BatchBuffers, BatchStepEncoder } from './batched-step-encoder';

/**
 * (lr_a,k, lr_w,k) of each network at lr_k = learningRates[k], [N x 2] float32: lr_k c_s from its own scaling,
 * width and trainable parts (stepSizes, exactly 0 for a frozen layer), rounded once, the values networkTable
 * puts in its row and the single run's multi-step path in its rates.
 */
export function batchStepSizes(config: BatchedTrainerOptions, learningRates: readonly number[]): Float32Array {
  const sizes = new Float32Array(2 * config.networks.length);
  config.networks.forEach(({ width }, k) => {
    const step = stepSizes({ ...settingsOf(config, k), width }, learningRates[k]!);
    sizes[2 * k] = step.a;
    sizes[2 * k + 1] = step.w;
  });
  return sizes;
}

/** Binds train_steps to the batch (checked by checkBatchedConfig, which declines R > MULTI_STEP_MAX_INPUT_DIM). */
export async function bindBatchedMultiSteps(
  gpu: GpuContext,
  config: BatchedTrainerOptions & { readonly maxStepsPerSubmit: number; readonly stepsPerDispatch: number },
  shape: BatchShape,
  shared: BatchBuffers,
  label: string,
): Promise<BatchStepEncoder> {
  const { networkCount: N, sampleCount: n, maxWidth: M } = shape;
  const { maxStepsPerSubmit, stepsPerDispatch } = config;
  const R = batchRowLength(shape);
  // The bias is an input column, so the kernel's own bias path stays off; full batch, no centering.
  const variant: TrainStepsVariant = { inputDim: R, hasBias: false, centered: false, sampler: 'full' };
  const steps: TrainStepsShape = {
    networkCount: N, maxWidth: M, inputDim: R, sampleCount: n, batchSize: n, loss: config.loss, seed: 0, stream: RANDOM_STREAMS.minibatch,
  };
  const own = {
    workspace: createStorageBuffer(gpu, `${label}/workspace`, trainStepsWorkspaceWords(steps, variant) * 4),
    rates: createStorageBuffer(gpu, `${label}/rates`, maxStepsPerSubmit * N * 8),
  };
  try {
    const kernel = await bindTrainSteps(gpu, steps, variant, {
      networks: shared.networks, X: shared.X, y: shared.y, a: shared.a, W: shared.firstLayer, losses: shared.losses,
      workspace: own.workspace, rates: own.rates,
    }, { firstStep: 0, stepCount: 1, firstSlot: maxStepsPerSubmit - 1 });
    return {
      kernel: 'multi-step',
      encode(encoder, firstStep, stepCount, learningRates) {
        // Slot t N + k: network k's step sizes at every step of the chunk (queue order: this chunk's, no earlier one's).
        const sizes = batchStepSizes(config, learningRates);
        const rates = new Float32Array(2 * N * stepCount);
        for (let t = 0; t < stepCount; t++) rates.set(sizes, 2 * N * t);
        gpu.device.queue.writeBuffer(own.rates, 0, rates);
        return [encodeStepWindows(gpu.device, encoder, kernel, steps, { firstStep, stepCount, stepsPerDispatch }, label)];
      },
      destroy() {
        kernel.destroy();
        for (const b of Object.values(own)) b.destroy();
      },
    };
  } catch (error) {
    for (const b of Object.values(own)) b.destroy();
    throw error;
  }
}
