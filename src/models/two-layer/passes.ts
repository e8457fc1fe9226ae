/**
 * The forward and backward passes of the two-layer network on GPU buffers, shared by the trainer
 * (on each step's batch) and the evaluator (on a whole train or test set):
 *
 *   H  = relu(X W^T + b)                 matmul with fused bias-relu epilogue (Z never stored)
 *   f, loss_i, g_i = l'(f_i, y_i) / n    output_loss (centered: f minus the constant f0 = f_theta0)
 *   L -> lossLog[slot]                   mean_loss
 *   gradA, gradB                         neuron_grads (one pass over H)            } backward
 *   gradW = D^T X, D = alpha s_m g a^T .* 1[H > 0]   matmul with the 'relu-grad'   }
 *       operand (D read from H, g and a as it goes, never stored), only when the first layer trains,
 *   or, for d <= FIRST_LAYER_GRAD_MAX_DIM: gradW by first_layer_grad (one thread per element of gradW)
 */
import { createStorageBuffer } from '../../gpu/buffers';
import type { GpuContext } from '../../gpu/device';
import { runKernels, type BoundKernel } from '../../gpu/kernel';
import { bindMatmul, matmulVariant } from '../../kernels/matmul';
import { fitAlgorithm, resolveMatmulAlgorithm } from '../../kernels/matmul-autotune';
import type { NetworkSpec, NetworkParameters } from '../../core/network';
import type { MatmulAlgorithm } from '../../core/matmul-algorithms';
import { bindFirstLayerGrad, bindMeanLoss, bindNeuronGrads, bindOutputLoss } from '../../kernels/two-layer';
import { combinedOutputScale } from '../../core/conventions';

/**
 * Widest input at which gradW comes from first_layer_grad (one thread per element of gradW [m x d], n terms
 * each) rather than the 'relu-grad' matmul: at small d the matmul's 32-wide output tile is mostly clamped
 * duplicates. SwiftShader, per step (measured against hidden_grad + matmul, which the 'relu-grad' operand
 * replaced): (m, n, d) = (10^4, 128, 2) ~85 ms instead of ~320 ms; at (1024, 1024, 4) ~160 ms instead of
 * ~120 ms, so the crossover is d ~ 3.
 */
export const FIRST_LAYER_GRAD_MAX_DIM = 2;

/**
 * The sizes of the two matmuls of a step for `networkCount` networks side by side (1 for one network; a batch
 * pads every network to the same width): X [N x n x R], W [N x m x R], H [N x n x m], with R = d, or d + 1 when
 * a batch carries the bias as a column of X and W.
 */
export interface ProductShape {
  readonly networkCount: number;
  readonly sampleCount: number;
  readonly width: number;
  readonly rowLength: number;
}

/**
 * H = relu(X W^T + b): the matmul with a fused relu epilogue, or bias-relu adding b [m] (Z never stored).
 * A batch has no bias epilogue (it holds one bias row for the whole batch); it folds b into W's last column.
 */
export function bindHiddenLayer(
  gpu: GpuContext,
  algorithm: MatmulAlgorithm,
  shape: ProductShape & { readonly biasEpilogue: boolean },
  buffers: { readonly X: GPUBuffer; readonly W: GPUBuffer; readonly H: GPUBuffer; readonly b?: GPUBuffer },
): Promise<BoundKernel> {
  const product = { batch: shape.networkCount, m: shape.sampleCount, n: shape.width, k: shape.rowLength };
  const variant = matmulVariant({ algorithm: fitAlgorithm(algorithm, product), transB: true, epilogue: shape.biasEpilogue ? 'bias-relu' : 'relu' });
  return bindMatmul(gpu, variant, product, { a: buffers.X, b: buffers.W, c: buffers.H, ...(buffers.b ? { bias: buffers.b } : {}) });
}

/**
 * dL/dW_jc = alpha s_m a_j sum_i g_i 1[H_ij > 0] X_ic: the matmul with the 'relu-grad' operand, H read transposed,
 * gated by g, rows scaled by a and by alpha s_m (outputScale [N], one per network).
 */
export function bindReluGradMatmul(
  gpu: GpuContext,
  algorithm: MatmulAlgorithm,
  shape: ProductShape,
  buffers: { readonly H: GPUBuffer; readonly X: GPUBuffer; readonly outputGrad: GPUBuffer; readonly a: GPUBuffer; readonly outputScale: GPUBuffer; readonly gradW: GPUBuffer },
): Promise<BoundKernel> {
  const product = { batch: shape.networkCount, m: shape.width, n: shape.rowLength, k: shape.sampleCount };
  const variant = matmulVariant({ algorithm: fitAlgorithm(algorithm, product), transA: true, operandA: 'relu-grad' });
  return bindMatmul(gpu, variant, product, {
    a: buffers.H, b: buffers.X, c: buffers.gradW, gate: buffers.outputGrad, rowScale: buffers.a, scale: buffers.outputScale,
  });
}

/** alpha s_m of each network (width m_k) as float32 [N], the buffer the 'relu-grad' matmul reads it from. */
export function createOutputScaleBuffer(gpu: GpuContext, label: string, settings: Pick<NetworkSpec, 'scaling' | 'alpha'>, widths: readonly number[]): GPUBuffer {
  return createStorageBuffer(gpu, label, new Float32Array(widths.map((width) => combinedOutputScale({ ...settings, width }))));
}

/** The parameters on the device. */
export type WeightBuffers = NetworkParameters<GPUBuffer>;

export interface PassInputs {
  readonly sampleCount: number;
  /** X [n x d]. */
  readonly X: GPUBuffer;
  /** y [n]. */
  readonly y: GPUBuffer;
  /** mean_loss writes L into this buffer at the slot of its params (see meanLossParams). */
  readonly lossLog: GPUBuffer;
  /** f0 [n] of these samples (see computeOutputOffset): required exactly when the spec is centered. */
  readonly outputOffset?: GPUBuffer;
}

export interface PassOptions {
  /** Record neuron_grads (gradA, gradB). */
  readonly backward: boolean;
  /** Also record gradW = D^T X (skip when W is frozen). */
  readonly firstLayerGradient: boolean;
}

export interface TwoLayerPasses {
  /** Forward kernels (hidden layer, output and loss, mean loss), in encoding order. */
  readonly forward: readonly BoundKernel[];
  /** Backward kernels (empty without `backward`), in encoding order after `forward`. */
  readonly backward: readonly BoundKernel[];
  /** forward then backward. */
  readonly kernels: readonly BoundKernel[];
  /** The loss reduction, whose params (the log slot) a caller may rewrite per step. */
  readonly meanLoss: BoundKernel;
  /** H, output f, per-sample loss, dL/df, and the gradients that the backward pass writes. */
  readonly buffers: { H: GPUBuffer; output: GPUBuffer; sampleLoss: GPUBuffer; outputGrad: GPUBuffer; gradA: GPUBuffer; gradW: GPUBuffer; gradB?: GPUBuffer; outputScale?: GPUBuffer };
  destroy(): void;
}

export async function bindTwoLayerPasses(
  gpu: GpuContext,
  spec: NetworkSpec,
  inputs: PassInputs,
  weights: WeightBuffers,
  options: PassOptions,
  label = 'two-layer-passes',
): Promise<TwoLayerPasses> {
  const { width: m, inputDim: d, hasBias } = spec;
  const n = inputs.sampleCount;
  const buffer = (name: string, elementCount: number) => createStorageBuffer(gpu, `${label}/${name}`, elementCount * 4);
  const buffers: TwoLayerPasses['buffers'] = {
    H: buffer('H', n * m),
    output: buffer('output', n),
    sampleLoss: buffer('sampleLoss', n),
    outputGrad: buffer('outputGrad', n),
    gradA: buffer('gradA', m),
    gradW: buffer('gradW', m * d),
    ...(hasBias ? { gradB: buffer('gradB', m) } : {}),
  };
  const reluGradMatmul = options.backward && options.firstLayerGradient && d > FIRST_LAYER_GRAD_MAX_DIM;
  // alpha s_m for the 'relu-grad' matmul, which reads it from a buffer (one per matrix of a batch).
  if (reluGradMatmul) buffers.outputScale = createOutputScaleBuffer(gpu, `${label}/outputScale`, spec, [m]);
  const algorithm = await resolveMatmulAlgorithm(gpu, spec.matmulAlgorithm ?? 'register');
  const head = { sampleCount: n, width: m, scaling: spec.scaling, alpha: spec.alpha ?? 1 };
  const forward: BoundKernel[] = [];
  const backward: BoundKernel[] = [];
  const products: ProductShape = { networkCount: 1, sampleCount: n, width: m, rowLength: d };
  forward.push(
    await bindHiddenLayer(gpu, algorithm, { ...products, biasEpilogue: hasBias }, { X: inputs.X, W: weights.W, H: buffers.H, ...(weights.b ? { b: weights.b } : {}) }),
    await bindOutputLoss(gpu, { ...head, loss: spec.loss, centered: spec.centered ?? false }, {
      activation: buffers.H, a: weights.a, y: inputs.y, output: buffers.output, loss: buffers.sampleLoss, outputGrad: buffers.outputGrad,
      ...(inputs.outputOffset ? { outputOffset: inputs.outputOffset } : {}),
    }),
  );
  const meanLoss = await bindMeanLoss(gpu, n, 0, { loss: buffers.sampleLoss, metrics: inputs.lossLog });
  forward.push(meanLoss);
  if (options.backward) {
    backward.push(
      await bindNeuronGrads(gpu, { ...head, hasBias }, {
        activation: buffers.H, outputGrad: buffers.outputGrad, gradA: buffers.gradA, ...(hasBias ? { a: weights.a, gradB: buffers.gradB! } : {}),
      }),
    );
    if (options.firstLayerGradient && d <= FIRST_LAYER_GRAD_MAX_DIM) {
      backward.push(
        await bindFirstLayerGrad(gpu, { ...head, inputDim: d }, { activation: buffers.H, a: weights.a, outputGrad: buffers.outputGrad, X: inputs.X, gradW: buffers.gradW }),
      );
    } else if (reluGradMatmul) {
      backward.push(
        await bindReluGradMatmul(gpu, algorithm, products, {
          H: buffers.H, X: inputs.X, outputGrad: buffers.outputGrad, a: weights.a, outputScale: buffers.outputScale!, gradW: buffers.gradW,
        }),
      );
    }
  }
  const kernels = [...forward, ...backward];
  return {
    forward,
    backward,
    kernels,
    meanLoss,
    buffers,
    destroy() {
      for (const kernel of kernels) kernel.destroy();
      for (const b of Object.values(buffers)) b?.destroy();
    },
  };
}

/**
 * f0_i = f_theta(x_i) at the weights as they are now (alpha included), into a new buffer [n]: the offsets of
 * a centered model when called with the initial weights. Runs the uncentered forward pass once (the same
 * kernels as training, so the centered output at the initial weights is f0 - f0 = 0) and copies f.
 */
export async function computeOutputOffset(
  gpu: GpuContext,
  spec: NetworkSpec,
  inputs: Pick<PassInputs, 'sampleCount' | 'X' | 'y'>,
  weights: WeightBuffers,
  label: string,
): Promise<GPUBuffer> {
  const n = inputs.sampleCount;
  const lossLog = createStorageBuffer(gpu, `${label}/offset-loss`, 4);
  const offset = createStorageBuffer(gpu, `${label}/outputOffset`, n * 4);
  let passes: TwoLayerPasses | undefined;
  try {
    passes = await bindTwoLayerPasses(gpu, { ...spec, centered: false }, { ...inputs, lossLog }, weights, { backward: false, firstLayerGradient: false }, `${label}/offset`);
    await runKernels(gpu, `${label}/offset`, passes.forward);
    const encoder = gpu.device.createCommandEncoder({ label: `${label}/offset-copy` });
    encoder.copyBufferToBuffer(passes.buffers.output, 0, offset, 0, n * 4);
    gpu.device.queue.submit([encoder.finish()]);
    return offset;
  } catch (error) {
    offset.destroy();
    throw error;
  } finally {
    passes?.destroy();
    lossLog.destroy();
  }
}
