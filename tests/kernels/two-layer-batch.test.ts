import { describe, expect, it } from 'vitest';
import { KernelArgumentError } from '../../src/core/errors';
import { batchElementCounts } from '../../src/kernels/two-layer-batch';
import { type BatchProblem, type BatchShape } from '../../src/core/batched-network';
import type { LossKind, Scaling, TrainableParts } from '../../src/core/conventions';
import * as reference from '../../src/float64/two-layer-batch';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { batchMeanLoss, batchNeuronGrads, batchOutputLoss, batchUpdate } from '../helpers/kernel-arrays/two-layer-batch';
import { expectClose, reductionTolerance, testValues } from '../helpers/tolerance';

/** Widths 3, 17 and 70 (past one reduction workgroup of 64) stored at M = 72, so every network has padding. */
const WIDTHS = [3, 17, 70];
const SHAPE: BatchShape = { networkCount: WIDTHS.length, sampleCount: 5, maxWidth: 72, inputDim: 4, hasBias: false };
/** Planted in the padding of inputs: a kernel that reads it, or writes there, fails by O(1). */
const GARBAGE = 7;

function problem(change: { scaling?: Scaling; alpha?: number; trainable?: TrainableParts; hasBias?: boolean } = {}): BatchProblem {
  return {
    shape: { ...SHAPE, hasBias: change.hasBias ?? false },
    settings: { scaling: change.scaling ?? 'mean-field', alpha: change.alpha ?? 1, trainable: change.trainable ?? 'both' },
    networks: WIDTHS.map((width, k) => ({ width, learningRate: [0.05, 0.2, 0.01][k]! })),
  };
}

/** Whether element `index` of a [N x rows x M] array (rows = 1 for [N x M]) lies in network padding. */
function isPadding(index: number, rows: number, columns = 1): boolean {
  const neuron = Math.floor(index / columns);
  const j = neuron % SHAPE.maxWidth;
  const k = Math.floor(neuron / (SHAPE.maxWidth * rows));
  return j >= WIDTHS[k]!;
}

function withGarbage(values: Float32Array, rows: number, columns = 1): Float32Array {
  return values.map((v, index) => (isPadding(index, rows, columns) ? GARBAGE : v));
}

function headInputs(seed: number, loss: LossKind = 'square') {
  const c = batchElementCounts(SHAPE);
  const activation = withGarbage(testValues(c.activation, seed).map((v) => Math.max(v, 0)), SHAPE.sampleCount);
  const a = withGarbage(testValues(c.neurons, seed + 1), 1);
  const raw = testValues(c.samples, seed + 2);
  const y = loss === 'square' ? raw : raw.map((v) => (v > 0 ? 1 : -1));
  const outputGrad = testValues(c.samples, seed + 3).map((v) => v / SHAPE.sampleCount);
  return { activation, a, y, outputGrad };
}

describe('two-layer-batch kernels against per-network float64 twins', () => {
  // f sums at most 70 products of O(1) terms (scaled by s_m <= 1); l and l' add a few roundings on top.
  const HEAD = reductionTolerance(SHAPE.maxWidth);
  // Gradients sum n = 5 products of O(1) terms.
  const GRADS = reductionTolerance(SHAPE.sampleCount);
  // D_ij is a product of three float32 values (no sum): a few roundings.
  const PRODUCT = reductionTolerance(1);

  const heads: [Scaling, LossKind, number][] = [
    ['mean-field', 'square', 1],
    ['ntk', 'logistic', 1],
    ['standard', 'exponential', 0.5],
    ['mean-field', 'square', 3],
  ];

  it.each(heads)('batch_output_loss: %s scaling, %s loss, alpha %d', async (scaling, loss, alpha) => {
    const p = problem({ scaling, alpha });
    const inputs = headInputs(11, loss);
    const result = await onGpu('batch_output_loss', (gpu) => batchOutputLoss(gpu, p, loss, inputs));
    const expected = reference.batchOutputLoss(p, loss, inputs.activation, inputs.a, inputs.y);
    expectClose(result.output, expected.output, HEAD, 'f');
    expectClose(result.loss, expected.loss, HEAD, 'per-sample loss');
    expectClose(result.outputGrad, expected.outputGrad, HEAD, 'dL/df');
  });

  it('batch_mean_loss writes row t of a [steps x N] log and leaves the other rows alone', async () => {
    const losses = testValues(SHAPE.networkCount * SHAPE.sampleCount, 5).map((v) => v * v);
    const log = await onGpu('batch_mean_loss', (gpu) => batchMeanLoss(gpu, SHAPE, losses, 2));
    const expected = reference.batchMeanLoss(SHAPE, losses);
    expect(Array.from(log.subarray(0, 2 * SHAPE.networkCount))).toEqual(new Array(2 * SHAPE.networkCount).fill(0));
    expectClose(log.subarray(2 * SHAPE.networkCount), expected, reductionTolerance(SHAPE.sampleCount), 'L_k');
  });

  it.each([false, true])('batch_neuron_grads (bias %s): per network, exact zeros in the padding', async (hasBias) => {
    const p = problem({ scaling: 'ntk', hasBias });
    const inputs = headInputs(21);
    const result = await onGpu('batch_neuron_grads', (gpu) => batchNeuronGrads(gpu, p, inputs));
    const expected = reference.batchNeuronGrads(p, inputs.activation, inputs.a, inputs.outputGrad);
    expectClose(result.gradA, expected.gradA, GRADS, 'dL/da');
    expect(result.gradB !== undefined).toBe(hasBias);
    if (hasBias) expectClose(result.gradB!, expected.gradB!, GRADS, 'dL/db');
    // The twin writes zeros there; check the GPU wrote exact zeros too (not merely small values).
    result.gradA.forEach((v, index) => isPadding(index, 1) && expect(v).toBe(0));
  });

  const updates: [TrainableParts, boolean, Scaling][] = [
    ['both', false, 'mean-field'],
    ['both', true, 'ntk'],
    ['first', true, 'mean-field'],
    ['second', true, 'standard'],
  ];

  it.each(updates)('batch_update (%s, bias %s, %s): per-network step sizes, padding never written', async (trainable, hasBias, scaling) => {
    const p = problem({ trainable, hasBias, scaling });
    const c = batchElementCounts(p.shape);
    const R = SHAPE.inputDim + (hasBias ? 1 : 0);
    const inputs = {
      a: withGarbage(testValues(c.neurons, 41), 1),
      firstLayer: withGarbage(testValues(c.firstLayer, 42), 1, R),
      gradA: testValues(c.neurons, 43),
      gradW: testValues(c.firstLayer, 44),
      ...(hasBias ? { gradB: testValues(c.neurons, 45) } : {}),
    };
    const result = await onGpu('batch_update', (gpu) => batchUpdate(gpu, p, inputs));
    const expected = reference.batchUpdate(p, inputs);
    // theta - step * g with step up to lr * m = 0.7 and O(1) values: a couple of roundings.
    expectClose(result.a, expected.a, PRODUCT, 'a');
    expectClose(result.firstLayer, expected.firstLayer, PRODUCT, 'first layer');
    result.a.forEach((v, index) => isPadding(index, 1) && expect(v).toBe(GARBAGE));
    result.firstLayer.forEach((v, index) => isPadding(index, 1, R) && expect(v).toBe(GARBAGE));
    // A frozen layer stays bit-identical.
    if (trainable === 'first') expect(Array.from(result.a)).toEqual(Array.from(inputs.a));
    if (trainable === 'second') expect(Array.from(result.firstLayer)).toEqual(Array.from(inputs.firstLayer));
  });

  // One workgroup per (network, sample) with tree barriers costs ~0.1-0.2 ms each on SwiftShader, so
  // this one dispatch takes seconds; mean_loss shares the same linear_workgroup_index guard.
  it('batch_output_loss past 65535 workgroups (one per network and sample)', async () => {
    const gpu = await getTestGpu();
    const networkCount = gpu.device.limits.maxComputeWorkgroupsPerDimension + 65;
    const shape: BatchShape = { networkCount, sampleCount: 1, maxWidth: 2, inputDim: 1, hasBias: false };
    const p: BatchProblem = { shape, settings: { scaling: 'ntk', trainable: 'both' }, networks: Array.from({ length: networkCount }, (_, k) => ({ width: 1 + (k % 2), learningRate: 0.1 })) };
    const c = batchElementCounts(shape);
    const inputs = { activation: testValues(c.activation, 51).map((v) => Math.max(v, 0)), a: testValues(c.neurons, 52), y: testValues(c.samples, 53) };
    const result = await onGpu('batch_output_loss, many networks', (g) => batchOutputLoss(g, p, 'square', inputs));
    const expected = reference.batchOutputLoss(p, 'square', inputs.activation, inputs.a, inputs.y);
    expectClose(result.output, expected.output, reductionTolerance(2), 'f');
    expectClose(result.loss, expected.loss, reductionTolerance(2), 'per-sample loss');
  });

  it('rejects bad input before dispatching', async () => {
    const gpu = await getTestGpu();
    const inputs = headInputs(61);
    const p = problem();
    const wide = { ...p, networks: [...p.networks.slice(0, 2), { width: 73, learningRate: 0.1 }] };
    await expect(batchOutputLoss(gpu, wide, 'square', inputs)).rejects.toThrow(/networks\[2\]\.width.*73.*maxWidth = 72/);
    const none = { ...p, shape: { ...SHAPE, networkCount: 0 }, networks: [] };
    await expect(batchOutputLoss(gpu, none, 'square', inputs)).rejects.toThrow(KernelArgumentError);
    await expect(batchOutputLoss(gpu, { ...p, networks: p.networks.slice(1) }, 'square', inputs)).rejects.toThrow(/networks.*2 entries, expected networkCount = 3/);
    await expect(batchOutputLoss(gpu, p, 'square', { ...inputs, y: inputs.y.subarray(1) })).rejects.toThrow(/'y' has 14 elements, expected 15 for shape \[3 x 5\]/);
    await expect(batchNeuronGrads(gpu, p, { ...inputs, outputGrad: inputs.outputGrad.map((v, i) => (i === 4 ? NaN : v)) })).rejects.toThrow(/outputGrad.*NaN at index 4/);
    const negative = { ...p, networks: p.networks.map((n) => ({ ...n, learningRate: -1 })) };
    await expect(batchNeuronGrads(gpu, negative, inputs)).rejects.toThrow(/learningRate.*>= 0/);
    const c = batchElementCounts(SHAPE);
    const update = { a: new Float32Array(c.neurons), firstLayer: new Float32Array(c.firstLayer), gradA: new Float32Array(c.neurons), gradW: new Float32Array(c.firstLayer) };
    await expect(batchUpdate(gpu, problem({ hasBias: true }), update)).rejects.toThrow(/gradB.*required/);
    await expect(batchMeanLoss(gpu, SHAPE, new Float32Array(15), -1)).rejects.toThrow(/outputOffset/);
  });
});
