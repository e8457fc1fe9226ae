/**
 * The unfused training step: the kernel families one after another, for any size and every update rule.
 *
 *   [sample_batch_indices, gather_rows]   minibatch (SGD only; GD uses X, y directly); without
 *                                         replacement the sampler shuffles an n-entry scratch; a
 *                                         centered model gathers its offsets f0 too (a second gather_rows)
 *   [sample_online]                       or fresh samples every step (population risk)
 *   forward and backward passes           passes.ts (loss of step t into losses[t])
 *   update                                trainer-update.ts: fused GD, an optimizer, SAM or JKO
 *
 * Params that change per step (the step counter of the batch sampler, the loss slot) are copied into the
 * kernels' uniform buffers from a params table between compute passes, so no step waits for the CPU.
 */
import type { GpuContext } from '../../gpu/device';
import { createStorageBuffer } from '../../gpu/buffers';
import { createParamsTable } from '../../gpu/params';
import type { BoundKernel } from '../../gpu/kernel';
import { bindGatherRows } from '../../kernels/particles';
import { batchSamplingParams, bindSampleBatchIndices } from '../../kernels/random';
import { meanLossParams } from '../../kernels/two-layer';
import { bindSampleOnline, sampleOnlineParams } from '../../kernels/data';
import { bindTwoLayerPasses, type WeightBuffers } from './passes';
import { bindTrainerUpdate } from './trainer-update';
import type { TwoLayerTrainerConfig } from '../../core/network';
import { RANDOM_STREAMS } from '../../core/conventions';
import type { StepEncoder, TrainerBuffers } from './step-encoder';

const MINIBATCH_STREAM = RANDOM_STREAMS.minibatch;

export async function bindUnfusedSteps(
  gpu: GpuContext,
  config: TwoLayerTrainerConfig & { readonly batchSize: number; readonly maxStepsPerSubmit: number },
  shared: TrainerBuffers,
  label: string,
): Promise<StepEncoder> {
  const { inputDim: d, sampleCount: n, batchSize: B, maxStepsPerSubmit } = config;
  const online = config.online;
  const minibatch = !online && (B !== n || config.withReplacement === true);
  const teacher = online?.target.kind === 'teacher' ? online.target.teacher : undefined;
  const buffer = (name: string, contents: number | ArrayBufferView) => createStorageBuffer(gpu, `${label}/${name}`, contents);
  const own: Record<string, GPUBuffer> = {};
  const kernels: BoundKernel[] = [];
  const bound = async <K extends BoundKernel | undefined>(kernel: Promise<K> | undefined): Promise<K | undefined> => {
    const k = await kernel;
    if (k) kernels.push(k);
    return k;
  };
  try {
    if (minibatch) own.indices = buffer('indices', B * 4);
    // The sampler's partial Fisher-Yates shuffle of [0, n), one step per dispatch.
    if (minibatch && !config.withReplacement) own.batchScratch = buffer('batchScratch', n * 4);
    if (minibatch || online) Object.assign(own, { Xb: buffer('Xb', B * d * 4), yb: buffer('yb', B * 4) });
    if (teacher) Object.assign(own, { teacherA: buffer('teacherA', teacher.a), teacherW: buffer('teacherW', teacher.W) });
    if (shared.outputOffset && minibatch) Object.assign(own, { outputOffsetBatch: buffer('outputOffsetBatch', B * 4), gatherScratch: buffer('gatherScratch', B * 4) });
    const Xb = own.Xb ?? shared.X;
    const yb = own.yb ?? shared.y;
    const offsetB = own.outputOffsetBatch ?? shared.outputOffset;
    const weights: WeightBuffers = { a: shared.a, W: shared.W, ...(shared.b ? { b: shared.b } : {}) };
    const passes = await bindTwoLayerPasses(gpu, config, { sampleCount: B, X: Xb, y: yb, lossLog: shared.losses, ...(offsetB ? { outputOffset: offsetB } : {}) }, weights, {
      backward: true,
      firstLayerGradient: config.trainable !== 'second',
    }, label);
    const sample = await bound(minibatch
      ? bindSampleBatchIndices(
          gpu,
          { seed: config.seed, stream: MINIBATCH_STREAM, step: 0, sampleCount: n, batchSize: B, replace: config.withReplacement ?? false },
          { indices: own.indices!, ...(own.batchScratch ? { scratch: own.batchScratch } : {}) },
        )
      : undefined);
    const gather = await bound(minibatch
      ? bindGatherRows(gpu, { sampleCount: n, inputDim: d, batchSize: B }, { indices: own.indices!, inputs: shared.X, targets: shared.y, batchInputs: Xb, batchTargets: yb })
      : online
        ? bindSampleOnline(gpu, online, { inputs: Xb, labels: yb, ...(teacher ? { teacherA: own.teacherA!, teacherW: own.teacherW! } : {}) })
        : undefined);
    // f0 as a one-column matrix through the same gather (its targets copy goes to a scratch buffer).
    const gatherOffset = await bound(own.outputOffsetBatch
      ? bindGatherRows(gpu, { sampleCount: n, inputDim: 1, batchSize: B }, {
          indices: own.indices!, inputs: shared.outputOffset!, targets: shared.outputOffset!, batchInputs: own.outputOffsetBatch, batchTargets: own.gatherScratch!,
        })
      : undefined);
    const update = await bindTrainerUpdate(gpu, config, weights, passes.buffers, shared.losses);
    const meanLoss = passes.meanLoss;
    return {
      kernel: 'unfused',
      encode(encoder, firstStep, stepCount, learningRate) {
        const { device } = gpu;
        // Rows 0..stepCount-1: step t logs into slot t; the last row points extra passes at the scratch slot.
        const lossTable = createParamsTable(device, label, meanLoss.paramsByteLength, stepCount + 1, (t) => meanLossParams(B, t < stepCount ? t : maxStepsPerSubmit));
        const sampleTable = sample
          ? createParamsTable(device, label, sample.paramsByteLength, stepCount, (t) =>
              batchSamplingParams({ seed: config.seed, stream: MINIBATCH_STREAM, step: firstStep + t, sampleCount: n, batchSize: B, replace: config.withReplacement ?? false }))
          : undefined;
        const onlineTable = online && gather ? createParamsTable(device, label, gather.paramsByteLength, stepCount, (t) => sampleOnlineParams(online, firstStep + t)) : undefined;
        const updateTables = update.prepare(device.queue, firstStep, stepCount, learningRate);
        for (let t = 0; t < stepCount; t++) {
          meanLoss.copyParams(encoder, lossTable, t * meanLoss.paramsByteLength);
          if (sample && sampleTable) sample.copyParams(encoder, sampleTable, t * sample.paramsByteLength);
          if (gather && onlineTable) gather.copyParams(encoder, onlineTable, t * gather.paramsByteLength);
          update.beforeStep(encoder, t, updateTables);
          for (let passIndex = 0; passIndex < update.passesPerStep; passIndex++) {
            // Only the first pass logs the step's loss L(theta_t); the others write the scratch slot.
            if (passIndex === 1) meanLoss.copyParams(encoder, lossTable, stepCount * meanLoss.paramsByteLength);
            const pass = encoder.beginComputePass();
            if (passIndex === 0) for (const kernel of [sample, gather, gatherOffset]) kernel?.encode(pass);
            for (const kernel of passes.kernels) kernel.encode(pass);
            update.afterPass(pass, passIndex);
            pass.end();
          }
        }
        return [lossTable, ...(sampleTable ? [sampleTable] : []), ...(onlineTable ? [onlineTable] : []), ...updateTables];
      },
      stateBuffers: update.stateBuffers,
      destroy() {
        for (const kernel of kernels) kernel.destroy();
        passes.destroy();
        update.destroy();
        for (const b of Object.values(own)) b.destroy();
      },
    };
  } catch (error) {
    for (const kernel of kernels) kernel.destroy();
    for (const b of Object.values(own)) b.destroy();
    throw error;
  }
}
