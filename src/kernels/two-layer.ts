/**
 * Wrappers for shaders/two-layer.wgsl.ts: bound kernels on GPU buffers (for the scheduler). Every
 * argument is checked before any buffer is created or any work is dispatched.
 */
import { FIRST_LAYER_GRAD_PARAMS, firstLayerGradSource, meanLossSource, neuronGradsSource, outputLossSource, type NeuronGradsVariant, type TwoLayerVariant } from '../../shaders/two-layer.wgsl';
import { HEAD_PARAMS, MEAN_LOSS_PARAMS, type OutputLossVariant } from '../../shaders/two-layer-passes.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { checkBufferSize } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkBufferHolds, checkSize } from '../gpu/validate';
import { LOSS_KINDS, SCALINGS, combinedOutputScale, lossCode, type LossKind } from '../core/conventions';
import type { TwoLayerTrainerConfig } from '../core/network';

const VARIANT: TwoLayerVariant = {};

export const outputLossKernel: KernelSource<OutputLossVariant> = {
  family: 'two-layer',
  entryPoint: 'output_loss',
  source: outputLossSource,
  cacheKey: (variant) => (variant.centered ? 'f32-centered' : 'f32'),
};

export const meanLossKernel: KernelSource<TwoLayerVariant> = {
  family: 'two-layer',
  entryPoint: 'mean_loss',
  source: meanLossSource,
  cacheKey: () => 'f32',
};

export const neuronGradsKernel: KernelSource<NeuronGradsVariant> = {
  family: 'two-layer',
  entryPoint: 'neuron_grads',
  source: neuronGradsSource,
  cacheKey: (variant) => (variant.hasBias ? 'f32-bias' : 'f32'),
};

export const firstLayerGradKernel: KernelSource<TwoLayerVariant> = {
  family: 'two-layer',
  entryPoint: 'first_layer_grad',
  source: firstLayerGradSource,
  cacheKey: () => 'f32',
};

/**
 * Sizes and output scale shared by output_loss, neuron_grads and first_layer_grad: n samples (rows of H),
 * width m (columns of H), the scaling and alpha (the kernels use alpha * s_m, computed in float64 and rounded once).
 */
export type TwoLayerShape = Pick<TwoLayerTrainerConfig, 'sampleCount' | 'width' | 'scaling' | 'alpha'>;

/** A shape plus the loss, for output_loss. */
export interface OutputLossShape extends TwoLayerShape {
  readonly loss: LossKind;
  /** f = alpha (f_theta - f_theta0): subtract the per-sample offset f0 (then required); default false. */
  readonly centered?: boolean;
}

/**
 * alpha * s_m of a network of width m as a float64 (uniforms and the batch's network table hold it rounded to
 * float32), after checking the scaling and that it is a finite float32. `argument` names alpha in the error.
 */
export function outputScaleOf(name: string, settings: Pick<TwoLayerShape, 'width' | 'scaling' | 'alpha'>, argument = 'alpha'): number {
  if (!SCALINGS.includes(settings.scaling)) {
    throw new KernelArgumentError(name, 'scaling', `is '${String(settings.scaling)}'; expected one of ${SCALINGS.join(', ')}`);
  }
  const alpha = settings.alpha ?? 1;
  const scale = combinedOutputScale(settings);
  if (!Number.isFinite(alpha) || !Number.isFinite(Math.fround(scale))) {
    throw new KernelArgumentError(name, argument, `is ${alpha}; alpha * s_m must be a finite float32`);
  }
  return scale;
}

/** alpha * s_m of the shape, after checking its sizes. */
function checkedOutputScale(name: string, shape: TwoLayerShape): number {
  checkSize(name, 'sampleCount', shape.sampleCount);
  checkSize(name, 'width', shape.width);
  return outputScaleOf(name, shape);
}

/** The loss is one of LOSS_KINDS (the kernels' loss_code). */
export function checkLoss(name: string, loss: LossKind): void {
  if (!LOSS_KINDS.includes(loss)) {
    throw new KernelArgumentError(name, 'loss', `is '${String(loss)}'; expected one of ${LOSS_KINDS.join(', ')}`);
  }
}

/** Uniform bytes of output_loss and neuron_grads (HEAD_PARAMS; output_scale = alpha * s_m). */
export function twoLayerParams(shape: TwoLayerShape, loss: LossKind = 'square', name = 'two-layer/params'): ArrayBuffer {
  const scale = checkedOutputScale(name, shape);
  checkLoss(name, loss);
  return HEAD_PARAMS.pack({ sample_count: shape.sampleCount, width: shape.width, output_scale: scale, loss_code: lossCode(loss) });
}

/** Uniform bytes of mean_loss (MEAN_LOSS_PARAMS): L goes to metrics[outputOffset]. */
export function meanLossParams(sampleCount: number, outputOffset: number): ArrayBuffer {
  return MEAN_LOSS_PARAMS.pack({ sample_count: sampleCount, output_offset: outputOffset });
}

/** H [n x m] must fit one storage binding; also keeps n m < 2^30, which the shader's u32 indices rely on. */
export function checkActivationSize(gpu: GpuContext, name: string, shape: TwoLayerShape): void {
  checkBufferSize(gpu, 'activation', shape.sampleCount * shape.width * 4, name);
}

export interface OutputLossBuffers {
  /** H [n x m]. */
  readonly activation: GPUBuffer;
  /** a [m]. */
  readonly a: GPUBuffer;
  /** y [n]. */
  readonly y: GPUBuffer;
  /** f [n], written. */
  readonly output: GPUBuffer;
  /** l(f_i, y_i) [n], written. */
  readonly loss: GPUBuffer;
  /** dL/df_i = l'(f_i, y_i) / n [n], written. */
  readonly outputGrad: GPUBuffer;
  /** f0_i = f_theta0(x_i) [n] (alpha included): needed (and bound) exactly when the shape is centered. */
  readonly outputOffset?: GPUBuffer;
}

/**
 * output_loss: f_i = alpha s_m sum_j a_j H_ij (minus outputOffset_i when centered), loss_i = l(f_i, y_i),
 * outputGrad_i = l'(f_i, y_i) / n. Bindings: 1 activation, 2 a, 3 y, 4 output, 5 loss, 6 outputGrad, then
 * centered 7 outputOffset. One thread per sample.
 */
export function bindOutputLoss(gpu: GpuContext, shape: OutputLossShape, buffers: OutputLossBuffers): Promise<BoundKernel> {
  const name = 'two-layer/output_loss';
  const params = twoLayerParams(shape, shape.loss, name);
  checkActivationSize(gpu, name, shape);
  const { sampleCount: n, width: m } = shape;
  const centered = shape.centered ?? false;
  checkBufferHolds(name, 'activation', buffers.activation, n * m);
  checkBufferHolds(name, 'a', buffers.a, m);
  for (const argument of ['y', 'output', 'loss', 'outputGrad'] as const) checkBufferHolds(name, argument, buffers[argument], n);
  const bound = [buffers.activation, buffers.a, buffers.y, buffers.output, buffers.loss, buffers.outputGrad];
  if (centered !== (buffers.outputOffset !== undefined)) {
    throw new KernelArgumentError(name, 'outputOffset', centered ? 'is missing; a centered network needs f0 of every sample' : 'is given but the shape is not centered');
  }
  if (buffers.outputOffset) {
    checkBufferHolds(name, 'outputOffset', buffers.outputOffset, n);
    bound.push(buffers.outputOffset);
  }
  return bindKernel(gpu, outputLossKernel, { centered }, { params, buffers: bound, workgroupCount: Math.ceil(n / ELEMENTWISE_WORKGROUP_SIZE) });
}

export interface MeanLossBuffers {
  /** Per-sample losses [n]. */
  readonly loss: GPUBuffer;
  /** Receives L at element `outputOffset`; other elements are untouched. */
  readonly metrics: GPUBuffer;
}

/**
 * mean_loss: metrics[outputOffset] = (1/n) sum_i loss_i, by one workgroup for any n.
 * Bindings: 1 loss, 2 metrics. Change the slot per step with `kernel.writeParams(queue, meanLossParams(n, t))`.
 */
export function bindMeanLoss(gpu: GpuContext, sampleCount: number, outputOffset: number, buffers: MeanLossBuffers): Promise<BoundKernel> {
  const name = 'two-layer/mean_loss';
  checkSize(name, 'sampleCount', sampleCount);
  if (!Number.isInteger(outputOffset) || outputOffset < 0) {
    throw new KernelArgumentError(name, 'outputOffset', `must be a non-negative integer, got ${outputOffset}`);
  }
  checkBufferSize(gpu, 'loss', sampleCount * 4, name);
  checkBufferHolds(name, 'loss', buffers.loss, sampleCount);
  checkBufferHolds(name, 'metrics', buffers.metrics, outputOffset + 1);
  return bindKernel(gpu, meanLossKernel, VARIANT, {
    params: meanLossParams(sampleCount, outputOffset),
    buffers: [buffers.loss, buffers.metrics],
    workgroupCount: 1,
  });
}

export interface NeuronGradsBuffers {
  /** H [n x m]. */
  readonly activation: GPUBuffer;
  /** dL/df [n]. */
  readonly outputGrad: GPUBuffer;
  /** dL/da [m], written. */
  readonly gradA: GPUBuffer;
  /** a [m]: needed (and bound) only with a bias. */
  readonly a?: GPUBuffer;
  /** dL/db [m], written: needed (and bound) only with a bias. */
  readonly gradB?: GPUBuffer;
}

/**
 * neuron_grads: gradA_j = alpha s_m sum_i g_i H_ij and, when `hasBias`, gradB_j = alpha s_m a_j sum_i g_i 1[H_ij > 0],
 * fused into one pass over H. Bindings: 1 activation, 2 outputGrad, 3 gradA, then with a bias 4 a, 5 gradB.
 * One thread per neuron.
 */
export function bindNeuronGrads(
  gpu: GpuContext,
  shape: TwoLayerShape & { readonly hasBias: boolean },
  buffers: NeuronGradsBuffers,
): Promise<BoundKernel> {
  const name = 'two-layer/neuron_grads';
  const params = twoLayerParams(shape, 'square', name);
  checkActivationSize(gpu, name, shape);
  const { sampleCount: n, width: m } = shape;
  checkBufferHolds(name, 'activation', buffers.activation, n * m);
  checkBufferHolds(name, 'outputGrad', buffers.outputGrad, n);
  checkBufferHolds(name, 'gradA', buffers.gradA, m);
  const bound = [buffers.activation, buffers.outputGrad, buffers.gradA];
  if (shape.hasBias) {
    for (const argument of ['a', 'gradB'] as const) {
      const buffer = buffers[argument];
      if (!buffer) throw new KernelArgumentError(name, argument, 'is missing; a network with a bias needs a and gradB');
      checkBufferHolds(name, argument, buffer, m);
      bound.push(buffer);
    }
  }
  return bindKernel(gpu, neuronGradsKernel, { hasBias: shape.hasBias }, {
    params,
    buffers: bound,
    workgroupCount: Math.ceil(m / ELEMENTWISE_WORKGROUP_SIZE),
  });
}

export interface FirstLayerGradBuffers {
  /** H [n x m]. */
  readonly activation: GPUBuffer;
  /** a [m]. */
  readonly a: GPUBuffer;
  /** dL/df [n]. */
  readonly outputGrad: GPUBuffer;
  /** X [n x d]. */
  readonly X: GPUBuffer;
  /** dL/dW [m x d], written. */
  readonly gradW: GPUBuffer;
}

/** Uniform bytes of first_layer_grad (FIRST_LAYER_GRAD_PARAMS; output_scale = alpha * s_m). */
export function firstLayerGradParams(shape: TwoLayerShape & { readonly inputDim: number }, name = 'two-layer/first_layer_grad'): ArrayBuffer {
  const scale = checkedOutputScale(name, shape);
  checkSize(name, 'inputDim', shape.inputDim);
  return FIRST_LAYER_GRAD_PARAMS.pack({ sample_count: shape.sampleCount, width: shape.width, output_scale: scale, input_dim: shape.inputDim });
}

/**
 * first_layer_grad: gradW_jc = sum_i D_ij X_ic with D_ij = alpha s_m g_i a_j 1[H_ij > 0] (D, never
 * stored). Bindings: 1 activation, 2 a, 3 outputGrad, 4 X, 5 gradW. One thread per element of gradW, each
 * looping over the n samples: the small-d alternative to the 'relu-grad' matmul (see two-layer-passes.ts).
 */
export function bindFirstLayerGrad(gpu: GpuContext, shape: TwoLayerShape & { readonly inputDim: number }, buffers: FirstLayerGradBuffers): Promise<BoundKernel> {
  const name = 'two-layer/first_layer_grad';
  const params = firstLayerGradParams(shape, name);
  checkActivationSize(gpu, name, shape);
  const { sampleCount: n, width: m, inputDim: d } = shape;
  checkBufferSize(gpu, 'gradW', m * d * 4, name);
  checkBufferSize(gpu, 'X', n * d * 4, name);
  checkBufferHolds(name, 'activation', buffers.activation, n * m);
  checkBufferHolds(name, 'a', buffers.a, m);
  checkBufferHolds(name, 'outputGrad', buffers.outputGrad, n);
  checkBufferHolds(name, 'X', buffers.X, n * d);
  checkBufferHolds(name, 'gradW', buffers.gradW, m * d);
  return bindKernel(gpu, firstLayerGradKernel, VARIANT, {
    params,
    buffers: [buffers.activation, buffers.a, buffers.outputGrad, buffers.X, buffers.gradW],
    workgroupCount: Math.ceil((m * d) / ELEMENTWISE_WORKGROUP_SIZE),
  });
}
