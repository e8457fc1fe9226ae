/**
 * The batch sharpness E_B[g_B^T H_B g_B / |g_B|^2] (src/float64/batch-sharpness.ts, docs/science.md section 9) of
 * the network on its weight buffers, on the GPU. For each mini-batch of the evaluation:
 *
 *   Xb, yb (f0b) <- rows idx of X, y (f0)     gather_rows, as the trainer gathers (none when B is the whole set)
 *   g_B                                      the trainer's passes on the batch (forward, backward)
 *   v <- g_B                                 buffer copies into the Hessian operator's direction blocks
 *   g_B . H_B g_B, |g_B|^2                   GpuHessian.directionalCurvatures: forward, one exact HVP, two dots
 *
 * The indices come from the float64 twin's batchSharpnessIndices on the host (B integers per batch), so both
 * backends measure the same batches; only two numbers per batch are read back.
 */
import { createStorageBuffer } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import type { BoundKernel } from '../../gpu/kernel';
import { particleTimeFactor, type TrainableParts } from '../../core/conventions';
import type { NetworkSpec } from '../../core/network';
import { bindGatherRows } from '../../kernels/particles';
import { GpuHessian } from '../../metrics/sharpness';
import {
  batchSharpnessIndices,
  batchSharpnessSummary,
  evaluatedBatchCount,
  isWholeSet,
  type BatchDraw,
  type BatchSharpnessEstimate,
} from '../../float64/batch-sharpness';
import { bindTwoLayerPasses, type TwoLayerPasses, type WeightBuffers } from './passes';

const NAME = 'batch-sharpness';

/** The train set X [n x d], y [n] (and f0 [n] of a centered model) and the network's weights. */
export interface BatchSharpnessInputs {
  readonly data: { readonly X: GPUBuffer; readonly y: GPUBuffer; readonly outputOffset?: GPUBuffer };
  readonly weights: WeightBuffers;
}

export class GpuBatchSharpness {
  private constructor(
    private readonly gpu: GpuContext,
    private readonly spec: NetworkSpec,
    private readonly draw: BatchDraw,
    /** u32 [B]: the batch's rows, written before each batch; absent when the batch is the whole set. */
    private readonly indices: GPUBuffer | undefined,
    /** gather_rows of X, y (and f0): empty when the batch is the whole set. */
    private readonly gathers: readonly BoundKernel[],
    private readonly passes: TwoLayerPasses,
    private readonly hessian: GpuHessian,
    private readonly owned: readonly GPUBuffer[],
  ) {}

  /** Kernels and scratch for batches of `draw` on `inputs` (read at each estimate, so they follow training). */
  static async create(gpu: GpuContext, spec: NetworkSpec & { readonly trainable: TrainableParts }, draw: BatchDraw, inputs: BatchSharpnessInputs): Promise<GpuBatchSharpness> {
    const { inputDim: d } = spec;
    const { sampleCount: n, batchSize: B } = draw;
    const owned: GPUBuffer[] = [];
    const gathers: BoundKernel[] = [];
    const buffer = (label: string, bytes: number) => {
      const created = createStorageBuffer(gpu, `${NAME}/${label}`, bytes);
      owned.push(created);
      return created;
    };
    let passes: TwoLayerPasses | undefined;
    try {
      let batch = inputs.data;
      let indices: GPUBuffer | undefined;
      if (!isWholeSet(draw)) {
        indices = buffer('indices', B * 4);
        const X = buffer('X', B * d * 4);
        const y = buffer('y', B * 4);
        gathers.push(await bindGatherRows(gpu, { sampleCount: n, inputDim: d, batchSize: B }, { indices, inputs: inputs.data.X, targets: inputs.data.y, batchInputs: X, batchTargets: y }));
        let outputOffset: GPUBuffer | undefined;
        if (inputs.data.outputOffset) {
          // f0 as a one-column matrix through the same gather (its targets copy goes to a scratch buffer), as the trainer does.
          outputOffset = buffer('outputOffset', B * 4);
          const scratch = buffer('outputOffsetScratch', B * 4);
          gathers.push(await bindGatherRows(gpu, { sampleCount: n, inputDim: 1, batchSize: B }, {
            indices, inputs: inputs.data.outputOffset, targets: inputs.data.outputOffset, batchInputs: outputOffset, batchTargets: scratch,
          }));
        }
        batch = { X, y, ...(outputOffset ? { outputOffset } : {}) };
      }
      const lossLog = buffer('loss', 4);
      passes = await bindTwoLayerPasses(gpu, spec, { sampleCount: B, X: batch.X, y: batch.y, lossLog, ...(batch.outputOffset ? { outputOffset: batch.outputOffset } : {}) }, inputs.weights, {
        backward: true,
        firstLayerGradient: spec.trainable !== 'second',
      }, NAME);
      // Two reductions per batch; no Lanczos runs on this operator, so no basis.
      const hessian = await GpuHessian.create(gpu, { ...spec, sampleCount: B, historyCapacity: 2 * evaluatedBatchCount(draw), basisBytes: 0 }, { ...batch, ...inputs.weights });
      return new GpuBatchSharpness(gpu, spec, draw, indices, gathers, passes, hessian, owned);
    } catch (error) {
      for (const kernel of gathers) kernel.destroy();
      passes?.destroy();
      for (const created of owned) created.destroy();
      throw error;
    }
  }

  /** The batch sharpness at the current weights for the evaluation at step `step` (its batches: batchSharpnessIndices). */
  async estimate(step: number): Promise<BatchSharpnessEstimate> {
    const { draw, indices, passes } = this;
    const { queue } = this.gpu.device;
    const { width: m, inputDim: d } = this.spec;
    const grads = passes.buffers;
    const curvatures = await this.hessian.directionalCurvatures(evaluatedBatchCount(draw), (encoder, direction, k) => {
      if (indices) queue.writeBuffer(indices, 0, Uint32Array.from(batchSharpnessIndices(draw, step, k)));
      const pass = encoder.beginComputePass();
      for (const kernel of [...this.gathers, ...passes.kernels]) kernel.encode(pass);
      pass.end();
      encoder.copyBufferToBuffer(grads.gradA, 0, direction.a, 0, m * 4);
      encoder.copyBufferToBuffer(grads.gradW, 0, direction.W, 0, m * d * 4);
      if (grads.gradB && direction.b) encoder.copyBufferToBuffer(grads.gradB, 0, direction.b, 0, m * 4);
    });
    return batchSharpnessSummary(curvatures, particleTimeFactor(this.spec.scaling, m));
  }

  destroy(): void {
    this.hessian.destroy();
    this.passes.destroy();
    for (const kernel of this.gathers) kernel.destroy();
    for (const created of this.owned) created.destroy();
  }
}
