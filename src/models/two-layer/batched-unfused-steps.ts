/**
 * The batch's unfused step: the batched kernel families one after another, one set of dispatches per step
 * for all N networks (any size; see batched-trainer.ts for the passes). Each step's loss row is set by
 * copying the mean loss kernel's params from a table between compute passes, as TwoLayerTrainer does.
 */
import type { GpuContext } from '../../gpu/device';
import { createStorageBuffer } from '../../gpu/buffers';
import { createParamsTable } from '../../gpu/params';
import type { BoundKernel } from '../../gpu/kernel';
import { batchElementCounts, batchParams, bindBatchMeanLoss, bindBatchNeuronGrads, bindBatchOutputLoss, bindBatchUpdate } from '../../kernels/two-layer-batch';
import { batchRowLength, type BatchShape } from '../../core/batched-network';
import { bindHiddenLayer, bindReluGradMatmul, type ProductShape } from './passes';
import { outputScales, trainsFirstLayer, type BatchedTrainerOptions } from './batched-config';
import type { BatchBuffers, BatchStepEncoder } from './batched-step-encoder';

export async function bindBatchedUnfusedSteps(gpu: GpuContext, config: BatchedTrainerOptions, shape: BatchShape, shared: BatchBuffers, label: string): Promise<BatchStepEncoder> {
  const { networkCount: N, sampleCount: n, maxWidth: M, hasBias } = shape;
  const R = batchRowLength(shape);
  const counts = batchElementCounts(shape);
  const buffer = (name: string, contents: number | ArrayBufferView) => createStorageBuffer(gpu, `${label}/${name}`, contents);
  const firstLayerTrains = trainsFirstLayer(config);
  const own: Record<string, GPUBuffer> = {
    H: buffer('H', counts.activation * 4),
    output: buffer('output', counts.samples * 4),
    sampleLoss: buffer('sampleLoss', counts.samples * 4),
    outputGrad: buffer('outputGrad', counts.samples * 4),
    gradA: buffer('gradA', counts.neurons * 4),
    gradW: buffer('gradW', counts.firstLayer * 4),
    ...(hasBias ? { gradB: buffer('gradB', counts.neurons * 4) } : {}),
    // alpha_k s_{m_k} per network, as in the network table, for the 'relu-grad' matmul.
    ...(firstLayerTrains ? { outputScale: buffer('outputScale', outputScales(config)) } : {}),
  };
  const b = shared;
  const o = own;
  const algorithm = config.matmulAlgorithm ?? 'register';
  const all: BoundKernel[] = [];
  const bound = async (kernel: Promise<BoundKernel>) => {
    const k = await kernel;
    all.push(k);
    return k;
  };
  const destroy = () => {
    for (const kernel of all) kernel.destroy();
    for (const owned of Object.values(own)) owned.destroy();
  };
  try {
    // The bias, if any, is column d of X and of the first layer: a plain relu epilogue.
    const products: ProductShape = { networkCount: N, sampleCount: n, width: M, rowLength: R };
    await bound(bindHiddenLayer(gpu, algorithm, { ...products, biasEpilogue: false }, { X: b.X, W: b.firstLayer, H: o.H! }));
    await bound(bindBatchOutputLoss(gpu, shape, config.loss, { networks: b.networks, activation: o.H!, a: b.a, y: b.y, output: o.output!, loss: o.sampleLoss!, outputGrad: o.outputGrad! }));
    const meanLoss = await bound(bindBatchMeanLoss(gpu, shape, 0, { loss: o.sampleLoss!, metrics: b.losses }));
    await bound(bindBatchNeuronGrads(gpu, shape, { networks: b.networks, activation: o.H!, outputGrad: o.outputGrad!, gradA: o.gradA!, ...(hasBias ? { a: b.a, gradB: o.gradB! } : {}) }));
    if (firstLayerTrains) {
      await bound(bindReluGradMatmul(gpu, algorithm, products, { H: o.H!, X: b.X, outputGrad: o.outputGrad!, a: b.a, outputScale: o.outputScale!, gradW: o.gradW! }));
    }
    await bound(bindBatchUpdate(gpu, shape, { networks: b.networks, a: b.a, firstLayer: b.firstLayer, gradA: o.gradA!, gradW: o.gradW!, ...(hasBias ? { gradB: o.gradB! } : {}) }));
    return {
      kernel: 'unfused',
      // The update reads the step sizes from the network table itself.
      encode(encoder, _firstStep, stepCount) {
        const stride = meanLoss.paramsByteLength;
        // Row t of the table points the mean loss at row t of the loss log.
        const lossRows = createParamsTable(gpu.device, label, stride, stepCount, (t) => batchParams(shape, config.loss, t));
        for (let t = 0; t < stepCount; t++) {
          meanLoss.copyParams(encoder, lossRows, t * stride);
          const pass = encoder.beginComputePass({ label: `${label}/step` });
          for (const kernel of all) kernel.encode(pass);
          pass.end();
        }
        return [lossRows];
      },
      destroy,
    };
  } catch (error) {
    destroy();
    throw error;
  }
}
