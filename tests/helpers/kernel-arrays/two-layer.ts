/**
 * Array-in/array-out runs of the two-layer kernels (src/kernels/two-layer.ts) for tests: upload host
 * arrays, bind and run one kernel, read the result back, free everything. Every argument is checked
 * (by the kernel's own checks) before any buffer is created or any work is dispatched.
 */
import { checkBufferSize, createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/device';
import { KernelArgumentError } from '../../../src/core/errors';
import { runKernels, type BoundKernel } from '../../../src/gpu/kernel';
import { checkFinite, checkLength, checkSize } from '../../../src/gpu/validate';
import type { LossKind } from '../../../src/core/conventions';
import {
  bindFirstLayerGrad,
  bindMeanLoss,
  bindNeuronGrads,
  bindOutputLoss,
  checkActivationSize,
  firstLayerGradParams,
  twoLayerParams,
  type OutputLossShape,
  type TwoLayerShape,
} from '../../../src/kernels/two-layer';

/** Checks the lengths and finiteness of host arrays against their expected element counts. */
function checkArrays(name: string, arrays: Record<string, readonly [data: ArrayLike<number>, length: number, shapeText: string]>): void {
  for (const [argument, [data, length, shapeText]] of Object.entries(arrays)) {
    checkLength(name, argument, data, length, shapeText);
    checkFinite(name, argument, data);
  }
}

/** Logistic and exponential losses take labels in {-1, +1}; names the first index that is not. */
function checkSignLabels(name: string, loss: LossKind, y: ArrayLike<number>): void {
  if (loss === 'square') return;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1 && y[i] !== -1) {
      throw new KernelArgumentError(name, 'y', `is ${y[i]} at index ${i}; the ${loss} loss needs labels in {-1, +1}`);
    }
  }
}

/** Runs `kernel` once over freshly uploaded buffers, then frees the kernel and every buffer. */
async function runOnce<T>(gpu: GpuContext, name: string, buffers: Record<string, GPUBuffer>, bind: () => Promise<BoundKernel>, read: () => Promise<T>): Promise<T> {
  let kernel: BoundKernel | undefined;
  try {
    kernel = await bind();
    await runKernels(gpu, name, [kernel]);
    return await read();
  } finally {
    kernel?.destroy();
    for (const buffer of Object.values(buffers)) buffer.destroy();
  }
}

export interface OutputLossResult {
  readonly output: Float32Array;
  readonly loss: Float32Array;
  readonly outputGrad: Float32Array;
}

/**
 * Uploads H [n x m], a [m], y [n] (and f0 [n] when centered), runs output_loss, reads back f, per-sample
 * losses and dL/df.
 */
export async function outputLoss(
  gpu: GpuContext,
  inputs: { readonly activation: Float32Array; readonly a: Float32Array; readonly y: Float32Array; readonly outputOffset?: Float32Array },
  shape: OutputLossShape,
): Promise<OutputLossResult> {
  const name = 'two-layer/output_loss';
  twoLayerParams(shape, shape.loss, name);
  checkActivationSize(gpu, name, shape);
  const { sampleCount: n, width: m } = shape;
  const centered = shape.centered ?? false;
  if (centered !== (inputs.outputOffset !== undefined)) {
    throw new KernelArgumentError(name, 'outputOffset', centered ? 'is missing; a centered network needs f0 of every sample' : 'is given but the shape is not centered');
  }
  checkArrays(name, {
    activation: [inputs.activation, n * m, `[${n} x ${m}]`],
    a: [inputs.a, m, `[${m}]`],
    y: [inputs.y, n, `[${n}]`],
    ...(inputs.outputOffset ? { outputOffset: [inputs.outputOffset, n, `[${n}]`] as const } : {}),
  });
  checkSignLabels(name, shape.loss, inputs.y);
  const buffers = {
    activation: createStorageBuffer(gpu, `${name}/activation`, inputs.activation),
    a: createStorageBuffer(gpu, `${name}/a`, inputs.a),
    y: createStorageBuffer(gpu, `${name}/y`, inputs.y),
    output: createStorageBuffer(gpu, `${name}/output`, n * 4),
    loss: createStorageBuffer(gpu, `${name}/loss`, n * 4),
    outputGrad: createStorageBuffer(gpu, `${name}/outputGrad`, n * 4),
    ...(inputs.outputOffset ? { outputOffset: createStorageBuffer(gpu, `${name}/outputOffset`, inputs.outputOffset) } : {}),
  };
  return runOnce(gpu, name, buffers, () => bindOutputLoss(gpu, shape, buffers), async () => {
    const [output, loss, outputGrad] = await Promise.all([
      readFloat32(gpu, buffers.output, n),
      readFloat32(gpu, buffers.loss, n),
      readFloat32(gpu, buffers.outputGrad, n),
    ]);
    return { output, loss, outputGrad };
  });
}

/**
 * Uploads the per-sample losses and `metrics` (default one zero), runs mean_loss into
 * metrics[outputOffset] and returns the whole metrics array.
 */
export async function meanLoss(gpu: GpuContext, loss: Float32Array, outputOffset = 0, metrics?: Float32Array): Promise<Float32Array> {
  const name = 'two-layer/mean_loss';
  checkSize(name, 'loss.length', loss.length);
  checkFinite(name, 'loss', loss);
  const initial = metrics ?? new Float32Array(outputOffset + 1);
  if (!Number.isInteger(outputOffset) || outputOffset < 0 || outputOffset >= initial.length) {
    throw new KernelArgumentError(name, 'outputOffset', `is ${outputOffset}; must be an integer in [0, ${initial.length - 1}] (metrics has ${initial.length} elements)`);
  }
  checkBufferSize(gpu, 'loss', loss.length * 4, name);
  const buffers = {
    loss: createStorageBuffer(gpu, `${name}/loss`, loss),
    metrics: createStorageBuffer(gpu, `${name}/metrics`, initial),
  };
  return runOnce(gpu, name, buffers, () => bindMeanLoss(gpu, loss.length, outputOffset, buffers), () =>
    readFloat32(gpu, buffers.metrics, initial.length),
  );
}

/** Uploads H, dL/df (and a, with a bias), runs neuron_grads, reads back dL/da (and dL/db). */
export async function neuronGrads(
  gpu: GpuContext,
  inputs: { readonly activation: Float32Array; readonly a: Float32Array; readonly outputGrad: Float32Array },
  shape: TwoLayerShape & { readonly hasBias: boolean },
): Promise<{ gradA: Float32Array; gradB?: Float32Array }> {
  const name = 'two-layer/neuron_grads';
  twoLayerParams(shape, 'square', name);
  checkActivationSize(gpu, name, shape);
  const { sampleCount: n, width: m } = shape;
  checkArrays(name, {
    activation: [inputs.activation, n * m, `[${n} x ${m}]`],
    a: [inputs.a, m, `[${m}]`],
    outputGrad: [inputs.outputGrad, n, `[${n}]`],
  });
  const common = {
    activation: createStorageBuffer(gpu, `${name}/activation`, inputs.activation),
    outputGrad: createStorageBuffer(gpu, `${name}/outputGrad`, inputs.outputGrad),
    gradA: createStorageBuffer(gpu, `${name}/gradA`, m * 4),
  };
  const buffers = shape.hasBias
    ? { ...common, a: createStorageBuffer(gpu, `${name}/a`, inputs.a), gradB: createStorageBuffer(gpu, `${name}/gradB`, m * 4) }
    : common;
  return runOnce(gpu, name, buffers, () => bindNeuronGrads(gpu, shape, buffers), async () => {
    const gradA = await readFloat32(gpu, buffers.gradA, m);
    return 'gradB' in buffers ? { gradA, gradB: await readFloat32(gpu, buffers.gradB, m) } : { gradA };
  });
}

/** Uploads H, a, dL/df and X, runs first_layer_grad, reads back dL/dW [m x d]. */
export async function firstLayerGrad(
  gpu: GpuContext,
  inputs: { readonly activation: Float32Array; readonly a: Float32Array; readonly outputGrad: Float32Array; readonly X: Float32Array },
  shape: TwoLayerShape & { readonly inputDim: number },
): Promise<Float32Array> {
  const name = 'two-layer/first_layer_grad';
  firstLayerGradParams(shape, name);
  checkActivationSize(gpu, name, shape);
  const { sampleCount: n, width: m, inputDim: d } = shape;
  checkBufferSize(gpu, 'gradW', m * d * 4, name);
  checkArrays(name, {
    activation: [inputs.activation, n * m, `[${n} x ${m}]`],
    a: [inputs.a, m, `[${m}]`],
    outputGrad: [inputs.outputGrad, n, `[${n}]`],
    X: [inputs.X, n * d, `[${n} x ${d}]`],
  });
  const buffers = {
    activation: createStorageBuffer(gpu, `${name}/activation`, inputs.activation),
    a: createStorageBuffer(gpu, `${name}/a`, inputs.a),
    outputGrad: createStorageBuffer(gpu, `${name}/outputGrad`, inputs.outputGrad),
    X: createStorageBuffer(gpu, `${name}/X`, inputs.X),
    gradW: createStorageBuffer(gpu, `${name}/gradW`, m * d * 4),
  };
  return runOnce(gpu, name, buffers, () => bindFirstLayerGrad(gpu, shape, buffers), () => readFloat32(gpu, buffers.gradW, m * d));
}
