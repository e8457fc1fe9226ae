/**
 * Array-in/array-out runs of the particle kernels (src/kernels/particles.ts) for tests: the
 * minibatch gather, the fused per-neuron update and the sphere retraction.
 */
import { checkBufferSize, createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/device';
import { KernelArgumentError } from '../../../src/core/errors';
import { runKernels } from '../../../src/gpu/kernel';
import { checkFinite, checkLength } from '../../../src/gpu/validate';
import {
  bindGatherRows,
  bindNormalizeRows,
  bindUpdateNeurons,
  checkGatherShape,
  checkNeuronShape,
  checkStepSizes,
  neuronStepSizes,
  type NeuronShape,
  type NeuronUpdateRule,
  type UpdateNeuronsBuffers,
} from '../../../src/kernels/particles';

/** Checks indices on the CPU (integers in [0, n)) and returns them as u32. */
function checkIndices(kernel: string, indices: ArrayLike<number>, sampleCount: number): Uint32Array {
  for (let k = 0; k < indices.length; k++) {
    const index = indices[k]!;
    if (!Number.isInteger(index) || index < 0 || index >= sampleCount) {
      throw new KernelArgumentError(kernel, 'indices', `has ${index} at position ${k}; indices must be integers in [0, ${sampleCount})`);
    }
  }
  return Uint32Array.from(indices);
}

/** Uploads X [n x d], y [n] and the indices, runs gather_rows, reads back Xb [B x d] and yb [B]. */
export async function gatherRows(
  gpu: GpuContext,
  inputs: Float32Array,
  targets: Float32Array,
  indices: ArrayLike<number>,
  inputDim: number,
): Promise<{ batchInputs: Float32Array; batchTargets: Float32Array }> {
  const name = 'particles/gather_rows';
  const shape = { sampleCount: targets.length, inputDim, batchSize: indices.length };
  checkGatherShape(name, shape);
  const { sampleCount: n, batchSize: b } = shape;
  checkLength(name, 'inputs', inputs, n * inputDim, `[${n} x ${inputDim}]`);
  checkFinite(name, 'inputs', inputs);
  checkFinite(name, 'targets', targets);
  const indexData = checkIndices(name, indices, n);
  checkBufferSize(gpu, 'inputs', inputs.byteLength, name);
  checkBufferSize(gpu, 'batchInputs', b * inputDim * 4, name);
  const buffers = {
    indices: createStorageBuffer(gpu, `${name}/indices`, indexData),
    inputs: createStorageBuffer(gpu, `${name}/inputs`, inputs),
    targets: createStorageBuffer(gpu, `${name}/targets`, targets),
    batchInputs: createStorageBuffer(gpu, `${name}/batchInputs`, b * inputDim * 4),
    batchTargets: createStorageBuffer(gpu, `${name}/batchTargets`, b * 4),
  };
  try {
    const kernel = await bindGatherRows(gpu, shape, buffers);
    await runKernels(gpu, name, [kernel]);
    kernel.destroy();
    const [batchInputs, batchTargets] = await Promise.all([
      readFloat32(gpu, buffers.batchInputs, b * inputDim),
      readFloat32(gpu, buffers.batchTargets, b),
    ]);
    return { batchInputs, batchTargets };
  } finally {
    Object.values(buffers).forEach((buffer) => buffer.destroy());
  }
}

/** Parameters of the m neurons: a [m], W [m x d], b [m] (optional). */
export interface NeuronParameters<T> {
  readonly a: T;
  readonly W: T;
  readonly b?: T;
}

/** Gradients of L with respect to the parameters, same shapes. */
export interface NeuronGradients<T> {
  readonly gradA: T;
  readonly gradW: T;
  readonly gradB?: T;
}

/** Uploads parameters and gradients, runs one update_neurons step, reads back the new parameters. */
export async function updateNeurons(
  gpu: GpuContext,
  parameters: NeuronParameters<Float32Array>,
  gradients: NeuronGradients<Float32Array>,
  shape: NeuronShape,
  rule: NeuronUpdateRule,
): Promise<NeuronParameters<Float32Array>> {
  const name = 'particles/update_neurons';
  checkNeuronShape(name, shape);
  const { width: m, inputDim: d } = shape;
  const hasBias = parameters.b !== undefined;
  if ((gradients.gradB !== undefined) !== hasBias) {
    throw new KernelArgumentError(name, 'gradB', hasBias ? 'is required since b is given' : 'is given but b is not');
  }
  if (!Number.isFinite(rule.learningRate) || rule.learningRate < 0) {
    throw new KernelArgumentError(name, 'learningRate', `must be finite and >= 0, got ${rule.learningRate}`);
  }
  const arrays: [string, Float32Array, number][] = [
    ['a', parameters.a, m],
    ['W', parameters.W, m * d],
    ['gradA', gradients.gradA, m],
    ['gradW', gradients.gradW, m * d],
  ];
  if (parameters.b && gradients.gradB) arrays.push(['b', parameters.b, m], ['gradB', gradients.gradB, m]);
  for (const [argument, data, length] of arrays) checkLength(name, argument, data, length, length === m ? `[${m}]` : `[${m} x ${d}]`);
  for (const [argument, data] of arrays) checkFinite(name, argument, data);
  const steps = neuronStepSizes(rule, m);
  checkStepSizes(name, steps);
  checkBufferSize(gpu, 'W', m * d * 4, name);

  const upload = (argument: string, data: Float32Array) => createStorageBuffer(gpu, `${name}/${argument}`, data);
  const buffers: UpdateNeuronsBuffers = {
    a: upload('a', parameters.a),
    W: upload('W', parameters.W),
    gradA: upload('gradA', gradients.gradA),
    gradW: upload('gradW', gradients.gradW),
    ...(parameters.b && gradients.gradB ? { b: upload('b', parameters.b), gradB: upload('gradB', gradients.gradB) } : {}),
  };
  try {
    const kernel = await bindUpdateNeurons(gpu, { hasBias }, shape, steps, buffers);
    await runKernels(gpu, name, [kernel]);
    kernel.destroy();
    const [a, W, b] = await Promise.all([
      readFloat32(gpu, buffers.a, m),
      readFloat32(gpu, buffers.W, m * d),
      buffers.b ? readFloat32(gpu, buffers.b, m) : Promise.resolve(undefined),
    ]);
    return b ? { a, W, b } : { a, W };
  } finally {
    Object.values(buffers).forEach((buffer) => buffer?.destroy());
  }
}

/** Uploads W [m x d], normalizes its rows on the GPU, reads it back. */
export async function normalizeRows(gpu: GpuContext, W: Float32Array, shape: NeuronShape): Promise<Float32Array> {
  const name = 'particles/normalize_rows';
  checkNeuronShape(name, shape);
  checkLength(name, 'W', W, shape.width * shape.inputDim, `[${shape.width} x ${shape.inputDim}]`);
  checkFinite(name, 'W', W);
  checkBufferSize(gpu, 'W', W.byteLength, name);
  const buffer = createStorageBuffer(gpu, `${name}/W`, W);
  try {
    const kernel = await bindNormalizeRows(gpu, shape, buffer);
    await runKernels(gpu, name, [kernel]);
    kernel.destroy();
    return await readFloat32(gpu, buffer, W.length);
  } finally {
    buffer.destroy();
  }
}
