/**
 * The multi-step training step: train_steps (shaders/two-layer-steps.wgsl.ts) runs up to
 * `stepsPerDispatch` whole steps in one dispatch of one workgroup, so a chunk of 64 steps is one
 * dispatch instead of about 500. Each step's (lr_a, lr_w) = lr_t c_s (a schedule's rate at that step,
 * rounded once to float32) is written to a table before the chunk's submit; each dispatch's window of
 * steps comes from a params table copied into its uniform between compute passes.
 */
import type { GpuContext } from '../../gpu/device';
import { createStorageBuffer } from '../../gpu/buffers';
import { bindTrainSteps, encodeStepWindows, networkRow, trainStepsWorkspaceWords, type TrainStepsShape, type TrainStepsVariant } from '../../kernels/two-layer-steps';
import type { TwoLayerTrainerConfig } from '../../core/network';
import { RANDOM_STREAMS } from '../../core/conventions';
import { KernelArgumentError } from '../../core/errors';
import { multiStepProblem } from '../../core/step-kernels';
import { rateAt, stepSizes } from '../../core/update-settings';
import type { StepEncoder, TrainerBuffers } from './step-encoder';

export async function bindMultiSteps(
  gpu: GpuContext,
  config: TwoLayerTrainerConfig & { readonly batchSize: number; readonly maxStepsPerSubmit: number; readonly stepsPerDispatch: number },
  shared: TrainerBuffers,
  label: string,
): Promise<StepEncoder> {
  const problem = multiStepProblem(config);
  if (problem) throw new KernelArgumentError(label, 'stepKernel', `is 'multi-step', but the multi-step kernel ${problem}`);
  const { sampleCount: n, batchSize: B, maxStepsPerSubmit, stepsPerDispatch } = config;
  const minibatch = B !== n || config.withReplacement === true;
  const variant: TrainStepsVariant = {
    inputDim: config.inputDim,
    hasBias: config.hasBias,
    centered: shared.outputOffset !== undefined,
    sampler: !minibatch ? 'full' : config.withReplacement ? 'replace' : 'shuffle',
  };
  const shape: TrainStepsShape = {
    networkCount: 1, maxWidth: config.width, inputDim: config.inputDim, sampleCount: n, batchSize: B, loss: config.loss, seed: config.seed, stream: RANDOM_STREAMS.minibatch,
  };
  const buffer = (name: string, bytes: number) => createStorageBuffer(gpu, `${label}/${name}`, bytes);
  const own: Record<string, GPUBuffer> = {
    networks: createStorageBuffer(gpu, `${label}/networks`, new Uint8Array(networkRow(config))),
    workspace: buffer('workspace', trainStepsWorkspaceWords(shape, variant) * 4),
    rates: buffer('rates', maxStepsPerSubmit * 8),
  };
  try {
    const kernel = await bindTrainSteps(gpu, shape, variant, {
      networks: own.networks!, X: shared.X, y: shared.y, a: shared.a, W: shared.W, ...(shared.b ? { b: shared.b } : {}), losses: shared.losses,
      workspace: own.workspace!, rates: own.rates!,
      ...(shared.outputOffset ? { outputOffset: shared.outputOffset } : {}),
    }, { firstStep: 0, stepCount: 1, firstSlot: maxStepsPerSubmit - 1 });
    return {
      kernel: 'multi-step',
      encode(encoder, firstStep, stepCount, learningRate) {
        const rates = new Float32Array(2 * stepCount);
        for (let t = 0; t < stepCount; t++) {
          const step = stepSizes(config, rateAt(config, firstStep + t, learningRate));
          rates[2 * t] = step.a;
          rates[2 * t + 1] = step.w;
        }
        gpu.device.queue.writeBuffer(own.rates!, 0, rates);
        return [encodeStepWindows(gpu.device, encoder, kernel, shape, { firstStep, stepCount, stepsPerDispatch }, label)];
      },
      // Plain GD keeps no state between steps.
      stateBuffers: [],
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
