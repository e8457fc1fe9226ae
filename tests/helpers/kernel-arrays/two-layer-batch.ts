/**
 * Array-in/array-out runs of the batched two-layer kernels (src/kernels/two-layer-batch.ts) for
 * tests: N independent networks, each of width m_k <= M stored padded to M. Every argument is
 * checked before any buffer is created or work dispatched.
 */
import { createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/device';
import { KernelArgumentError } from '../../../src/core/errors';
import { runKernels, type BoundKernel } from '../../../src/gpu/kernel';
import { checkFinite, checkLength } from '../../../src/gpu/validate';
import type { LossKind } from '../../../src/core/conventions';
import { batchRowLength, type BatchProblem, type BatchShape } from '../../../src/core/batched-network';
import { batchElementCounts, bindBatchMeanLoss, bindBatchNeuronGrads, bindBatchOutputLoss, bindBatchUpdate, checkBatchShape, networkTable } from '../../../src/kernels/two-layer-batch';
import { checkLoss } from '../../../src/kernels/two-layer';

/** The kernel family, for labels and error messages (as in src/kernels/two-layer-batch.ts). */
const FAMILY = 'two-layer-batch';

/** Checks host arrays: lengths (with the shape in the message) and finiteness. */
function checkArrays(name: string, arrays: Record<string, readonly [data: ArrayLike<number>, length: number, shapeText: string]>): void {
  for (const [argument, [data, length, shapeText]] of Object.entries(arrays)) {
    checkLength(name, argument, data, length, shapeText);
    checkFinite(name, argument, data);
  }
}

/**
 * Uploads `inputs` (and the network table), creates zeroed `outputs` of the given element counts
 * (an output named like an input reuses its buffer: updated in place), runs the bound kernel once,
 * reads the outputs back and frees everything.
 */
async function runOnce<O extends string>(
  gpu: GpuContext,
  name: string,
  inputs: Record<string, ArrayBufferView>,
  outputs: Record<O, number>,
  bind: (buffers: Record<string, GPUBuffer>) => Promise<BoundKernel>,
): Promise<Record<O, Float32Array>> {
  const buffers: Record<string, GPUBuffer> = {};
  let kernel: BoundKernel | undefined;
  try {
    for (const [argument, data] of Object.entries(inputs)) buffers[argument] = createStorageBuffer(gpu, `${name}/${argument}`, data);
    for (const [argument, count] of Object.entries<number>(outputs)) buffers[argument] ??= createStorageBuffer(gpu, `${name}/${argument}`, count * 4);
    kernel = await bind(buffers);
    await runKernels(gpu, name, [kernel]);
    const entries = await Promise.all(Object.entries<number>(outputs).map(async ([argument, count]) => [argument, await readFloat32(gpu, buffers[argument]!, count)] as const));
    return Object.fromEntries(entries) as Record<O, Float32Array>;
  } finally {
    kernel?.destroy();
    for (const buffer of Object.values(buffers)) buffer.destroy();
  }
}

function shapeTexts(shape: BatchShape) {
  const { networkCount: N, sampleCount: n, maxWidth: M } = shape;
  const R = batchRowLength(shape);
  return { activation: `[${N} x ${n} x ${M}]`, samples: `[${N} x ${n}]`, neurons: `[${N} x ${M}]`, firstLayer: `[${N} x ${M} x ${R}]` };
}

/** The network table as bytes for upload, after checking the problem. */
function prepare(gpu: GpuContext, name: string, problem: BatchProblem): Uint8Array {
  checkBatchShape(gpu, name, problem.shape);
  return new Uint8Array(networkTable(problem.shape, problem.settings, problem.networks, name));
}

export interface BatchHeadInputs {
  /** H [N x n x M]. */
  readonly activation: Float32Array;
  /** a [N x M]. */
  readonly a: Float32Array;
}

/** Uploads H, a, y; runs batch_output_loss; reads back f, per-sample losses and dL/df [N x n]. */
export async function batchOutputLoss(
  gpu: GpuContext,
  problem: BatchProblem,
  loss: LossKind,
  inputs: BatchHeadInputs & { readonly y: Float32Array },
): Promise<{ output: Float32Array; loss: Float32Array; outputGrad: Float32Array }> {
  const name = `${FAMILY}/batch_output_loss`;
  const networks = prepare(gpu, name, problem);
  checkLoss(name, loss);
  const c = batchElementCounts(problem.shape);
  const s = shapeTexts(problem.shape);
  checkArrays(name, { activation: [inputs.activation, c.activation, s.activation], a: [inputs.a, c.neurons, s.neurons], y: [inputs.y, c.samples, s.samples] });
  const counts = { output: c.samples, loss: c.samples, outputGrad: c.samples };
  return runOnce(gpu, name, { networks, activation: inputs.activation, a: inputs.a, y: inputs.y }, counts, (b) =>
    bindBatchOutputLoss(gpu, problem.shape, loss, { networks: b.networks!, activation: b.activation!, a: b.a!, y: b.y!, output: b.output!, loss: b.loss!, outputGrad: b.outputGrad! }),
  );
}

/** Uploads per-sample losses [N x n]; runs batch_mean_loss into row `outputOffset`; returns the [(outputOffset + 1) x N] log. */
export async function batchMeanLoss(gpu: GpuContext, shape: BatchShape, loss: Float32Array, outputOffset = 0): Promise<Float32Array> {
  const name = `${FAMILY}/batch_mean_loss`;
  checkBatchShape(gpu, name, shape);
  checkArrays(name, { loss: [loss, shape.networkCount * shape.sampleCount, shapeTexts(shape).samples] });
  if (!Number.isInteger(outputOffset) || outputOffset < 0) {
    throw new KernelArgumentError(name, 'outputOffset', `must be a non-negative integer, got ${outputOffset}`);
  }
  const { metrics } = await runOnce(gpu, name, { loss }, { metrics: (outputOffset + 1) * shape.networkCount }, (b) =>
    bindBatchMeanLoss(gpu, shape, outputOffset, { loss: b.loss!, metrics: b.metrics! }),
  );
  return metrics;
}

export interface BatchGradInputs extends BatchHeadInputs {
  /** dL/df [N x n]. */
  readonly outputGrad: Float32Array;
}

function checkGradInputs(gpu: GpuContext, name: string, problem: BatchProblem, inputs: BatchGradInputs): Uint8Array {
  const networks = prepare(gpu, name, problem);
  const c = batchElementCounts(problem.shape);
  const s = shapeTexts(problem.shape);
  checkArrays(name, { activation: [inputs.activation, c.activation, s.activation], a: [inputs.a, c.neurons, s.neurons], outputGrad: [inputs.outputGrad, c.samples, s.samples] });
  return networks;
}

/** Uploads H, dL/df (and a); runs batch_neuron_grads; reads back dL/da (and dL/db) [N x M]. */
export async function batchNeuronGrads(gpu: GpuContext, problem: BatchProblem, inputs: BatchGradInputs): Promise<{ gradA: Float32Array; gradB?: Float32Array }> {
  const name = `${FAMILY}/batch_neuron_grads`;
  const networks = checkGradInputs(gpu, name, problem, inputs);
  const { hasBias } = problem.shape;
  const c = batchElementCounts(problem.shape);
  const uploads = { networks, activation: inputs.activation, outputGrad: inputs.outputGrad, ...(hasBias ? { a: inputs.a } : {}) };
  const outputs: Record<string, number> = hasBias ? { gradA: c.neurons, gradB: c.neurons } : { gradA: c.neurons };
  const { gradA, gradB } = await runOnce(gpu, name, uploads, outputs, (b) =>
    bindBatchNeuronGrads(gpu, problem.shape, { networks: b.networks!, activation: b.activation!, outputGrad: b.outputGrad!, gradA: b.gradA!, ...(hasBias ? { a: b.a!, gradB: b.gradB! } : {}) }),
  );
  return gradB ? { gradA: gradA!, gradB } : { gradA: gradA! };
}

export interface BatchUpdateInputs {
  /** a [N x M]. */
  readonly a: Float32Array;
  /** First layer [N x M x R]. */
  readonly firstLayer: Float32Array;
  readonly gradA: Float32Array;
  /** [N x M x R]. */
  readonly gradW: Float32Array;
  /** [N x M], exactly with a bias. */
  readonly gradB?: Float32Array;
}

/** Uploads parameters and gradients; runs one batch_update; reads back a [N x M] and the first layer [N x M x R]. */
export async function batchUpdate(gpu: GpuContext, problem: BatchProblem, inputs: BatchUpdateInputs): Promise<{ a: Float32Array; firstLayer: Float32Array }> {
  const name = `${FAMILY}/batch_update`;
  const networks = prepare(gpu, name, problem);
  const { hasBias } = problem.shape;
  if ((inputs.gradB !== undefined) !== hasBias) {
    throw new KernelArgumentError(name, 'gradB', hasBias ? 'is required when hasBias is set' : 'is given but hasBias is not set');
  }
  const c = batchElementCounts(problem.shape);
  const s = shapeTexts(problem.shape);
  checkArrays(name, {
    a: [inputs.a, c.neurons, s.neurons],
    firstLayer: [inputs.firstLayer, c.firstLayer, s.firstLayer],
    gradA: [inputs.gradA, c.neurons, s.neurons],
    gradW: [inputs.gradW, c.firstLayer, s.firstLayer],
    ...(inputs.gradB ? { gradB: [inputs.gradB, c.neurons, s.neurons] as const } : {}),
  });
  const uploads = { networks, a: inputs.a, firstLayer: inputs.firstLayer, gradA: inputs.gradA, gradW: inputs.gradW, ...(inputs.gradB ? { gradB: inputs.gradB } : {}) };
  return runOnce(gpu, name, uploads, { a: c.neurons, firstLayer: c.firstLayer }, (b) =>
    bindBatchUpdate(gpu, problem.shape, { networks: b.networks!, a: b.a!, firstLayer: b.firstLayer!, gradA: b.gradA!, gradW: b.gradW!, ...(b.gradB ? { gradB: b.gradB } : {}) }),
  );
}
