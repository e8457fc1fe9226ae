import { describe, expect, it } from 'vitest';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { createStorageBuffer, readFloat32, readUint32 } from '../../src/gpu/buffers';
import { KernelArgumentError } from '../../src/core/errors';
import { runKernels } from '../../src/gpu/kernel';
import { bindGatherRows, bindUpdateNeurons, type NeuronUpdateRule } from '../../src/kernels/particles';
import { bindSampleBatchIndices } from '../../src/kernels/random';
import { SCALINGS, particleLearningRate, type TrainableParts } from '../../src/core/conventions';
import * as reference from '../../src/float64/particles';
import { sampleBatchIndices as referenceBatchIndices } from '../../src/core/random';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { gatherRows, normalizeRows, updateNeurons } from '../helpers/kernel-arrays/particles';
import { expectClose, F32_EPSILON, testValues, type Tolerance } from '../helpers/tolerance';

// A gather is a copy: exact.
const EXACT = { abs: 0, rel: 0 };

/**
 * One update element is theta - eta * g in float32: eta rounded to f32 (2^-24 relative), the product
 * rounded (or fused into an fma) and the difference rounded, against float64 on the same inputs.
 * So |error| <= 2 eps |eta g| + eps |result|; 4 eps on each part leaves room and is still ~1e-7.
 */
function updateTolerance(eta: number, gradients: ArrayLike<number>): Tolerance {
  let largest = 0;
  for (let i = 0; i < gradients.length; i++) largest = Math.max(largest, Math.abs(gradients[i]!));
  return { abs: 4 * F32_EPSILON * eta * largest, rel: 4 * F32_EPSILON };
}

function bitsOf(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

function neuronData(width: number, inputDim: number, hasBias: boolean, seed: number) {
  const parameters = {
    a: testValues(width, seed),
    W: testValues(width * inputDim, seed + 1),
    ...(hasBias ? { b: testValues(width, seed + 2) } : {}),
  };
  const gradients = {
    gradA: testValues(width, seed + 3),
    gradW: testValues(width * inputDim, seed + 4),
    ...(hasBias ? { gradB: testValues(width, seed + 5) } : {}),
  };
  // Frozen layers must keep -0 as -0: a - 0 * g would turn it into +0 when g < 0.
  parameters.a[0] = -0;
  gradients.gradA[0] = -0.5;
  parameters.W[0] = -0;
  gradients.gradW[0] = -0.25;
  return { parameters, gradients };
}

const TRAINABLE: readonly TrainableParts[] = ['both', 'first', 'second'];

describe('particles: update_neurons', () => {
  it.each(SCALINGS)('takes the particle-time step for %s', async (scaling) => {
    const width = 10;
    const rule: NeuronUpdateRule = { scaling, learningRate: 0.01, trainable: 'both' };
    const ones = new Float32Array(width).fill(1);
    const result = await onGpu('update_neurons particle time', (gpu) =>
      updateNeurons(gpu, { a: ones, W: ones }, { gradA: ones, gradW: ones }, { width, inputDim: 1 }, rule),
    );
    // mean-field: eta = lr * m = 0.1; ntk and standard: eta = lr = 0.01.
    const expected = scaling === 'mean-field' ? 0.9 : 0.99;
    expectClose(result.a, new Float64Array(width).fill(expected), { abs: 0, rel: 4 * F32_EPSILON }, 'a');
    expectClose(result.W, new Float64Array(width).fill(expected), { abs: 0, rel: 4 * F32_EPSILON }, 'W');
  });

  const shapes = [
    [1, 1],
    [7, 13],
    [ELEMENTWISE_WORKGROUP_SIZE + 1, 1],
    [3, ELEMENTWISE_WORKGROUP_SIZE],
  ] as const;
  const cases = shapes.flatMap(([width, inputDim]) =>
    SCALINGS.flatMap((scaling) => TRAINABLE.flatMap((trainable) => [false, true].map((hasBias) => ({ width, inputDim, scaling, trainable, hasBias })))),
  );

  it.each(cases)('matches the reference: m $width, d $inputDim, $scaling, trains $trainable, bias $hasBias', async (c) => {
    const { parameters, gradients } = neuronData(c.width, c.inputDim, c.hasBias, c.width * 31 + c.inputDim);
    // Keep eta * |g| moderate whatever the scaling, so the check is sharp for every element.
    const rule: NeuronUpdateRule = { scaling: c.scaling, learningRate: c.scaling === 'mean-field' ? 0.3 / c.width : 0.3, trainable: c.trainable };
    const shape = { width: c.width, inputDim: c.inputDim };
    const result = await onGpu('update_neurons', (gpu) => updateNeurons(gpu, parameters, gradients, shape, rule));
    const expected = reference.updateNeurons(parameters, gradients, shape, rule);
    const eta = particleLearningRate(c.scaling, rule.learningRate, c.width);
    expectClose(result.a, expected.a, updateTolerance(eta, gradients.gradA), 'a');
    expectClose(result.W, expected.W, updateTolerance(eta, gradients.gradW), 'W');
    expect(result.b === undefined).toBe(!c.hasBias);
    if (c.hasBias) expectClose(result.b!, expected.b!, updateTolerance(eta, gradients.gradB!), 'b');
    // A frozen layer is bit-identical (including the -0 planted at index 0).
    if (c.trainable === 'first') expect(bitsOf(result.a)).toEqual(bitsOf(parameters.a));
    if (c.trainable === 'second') {
      expect(bitsOf(result.W)).toEqual(bitsOf(parameters.W));
      if (c.hasBias) expect(bitsOf(result.b!)).toEqual(bitsOf(parameters.b!));
    }
  });

  it('updates more neurons than one dispatch dimension can cover (d = 1, with bias)', async () => {
    const gpu = await getTestGpu();
    const width = gpu.device.limits.maxComputeWorkgroupsPerDimension * ELEMENTWISE_WORKGROUP_SIZE + 5;
    const { parameters, gradients } = neuronData(width, 1, true, 5);
    const rule: NeuronUpdateRule = { scaling: 'mean-field', learningRate: 0.2 / width, trainable: 'both' };
    const shape = { width, inputDim: 1 };
    const result = await onGpu('update_neurons past the dispatch limit', (g) => updateNeurons(g, parameters, gradients, shape, rule));
    const expected = reference.updateNeurons(parameters, gradients, shape, rule);
    const eta = particleLearningRate('mean-field', rule.learningRate, width);
    expectClose(result.a, expected.a, updateTolerance(eta, gradients.gradA), 'a');
    expectClose(result.W, expected.W, updateTolerance(eta, gradients.gradW), 'W');
    expectClose(result.b!, expected.b!, updateTolerance(eta, gradients.gradB!), 'b');
    // The last neuron sits in the second row of the dispatch grid.
    expect(result.a[width - 1]).not.toBe(parameters.a[width - 1]);
  });

  it('rejects bad input before dispatching', async () => {
    const gpu = await getTestGpu();
    const { parameters, gradients } = neuronData(4, 3, true, 9);
    const shape = { width: 4, inputDim: 3 };
    const rule: NeuronUpdateRule = { scaling: 'ntk', learningRate: 0.1, trainable: 'both' };
    const run = (p: typeof parameters, g: typeof gradients, s = shape, r = rule) => updateNeurons(gpu, p, g, s, r);
    await expect(run(parameters, gradients, { width: 0, inputDim: 3 })).rejects.toThrow(/'width'.*positive integer/);
    await expect(run(parameters, gradients, { width: 4, inputDim: 0 })).rejects.toThrow(/'inputDim'/);
    await expect(run({ ...parameters, W: new Float32Array(11) }, gradients)).rejects.toThrow(/'W' has 11 elements, expected 12/);
    await expect(run(parameters, { ...gradients, gradA: new Float32Array(5) })).rejects.toThrow(/'gradA' has 5 elements/);
    await expect(run(parameters, { ...gradients, gradB: new Float32Array(3) })).rejects.toThrow(/'gradB' has 3 elements/);
    const nanW = Float32Array.from(parameters.W);
    nanW[7] = NaN;
    await expect(run({ ...parameters, W: nanW }, gradients)).rejects.toThrow(/'W' contains NaN at index 7/);
    const infGradB = Float32Array.from(gradients.gradB!);
    infGradB[2] = Infinity;
    await expect(run(parameters, { ...gradients, gradB: infGradB })).rejects.toThrow(/'gradB' contains Infinity at index 2/);
    await expect(run({ a: parameters.a, W: parameters.W }, gradients)).rejects.toThrow(/'gradB' is given but b is not/);
    await expect(run(parameters, { gradA: gradients.gradA, gradW: gradients.gradW })).rejects.toThrow(/'gradB' is required/);
    await expect(run(parameters, gradients, shape, { ...rule, learningRate: NaN })).rejects.toThrow(/'learningRate'/);
    await expect(run(parameters, gradients, shape, { ...rule, learningRate: -1 })).rejects.toThrow(/'learningRate'/);
    await expect(run(parameters, gradients, shape, { ...rule, scaling: 'mean-field', learningRate: 1e38 })).rejects.toThrow(/stepSizes/);
    const buffer = createStorageBuffer(gpu, 'particles-test/small', 16);
    const buffers = { a: buffer, W: buffer, gradA: buffer, gradW: buffer };
    await expect(bindUpdateNeurons(gpu, { hasBias: true }, { width: 4, inputDim: 1 }, { lrA: 1, lrW: 1 }, buffers)).rejects.toThrow(/'b' is required/);
    await expect(bindUpdateNeurons(gpu, { hasBias: false }, { width: 4, inputDim: 1 }, { lrA: 1, lrW: 1 }, { ...buffers, gradB: buffer })).rejects.toThrow(/'gradB' is given/);
    await expect(bindUpdateNeurons(gpu, { hasBias: false }, { width: 4, inputDim: 2 }, { lrA: 1, lrW: 1 }, buffers)).rejects.toThrow(/'W' buffer holds 16 bytes/);
    await expect(bindUpdateNeurons(gpu, { hasBias: false }, { width: 4, inputDim: 1 }, { lrA: NaN, lrW: 1 }, buffers)).rejects.toThrow(/'stepSizes.lrA'/);
    buffer.destroy();
  });
});

describe('particles: gather_rows', () => {
  const cases = [
    { sampleCount: 1, inputDim: 1, indices: [0] },
    { sampleCount: 10, inputDim: 3, indices: [9, 0, 9, 3, 3, 1, 0] },
    { sampleCount: 5, inputDim: 13, indices: [4, 4, 4, 4] },
    { sampleCount: 200, inputDim: 2, indices: Array.from({ length: ELEMENTWISE_WORKGROUP_SIZE + 3 }, (_, k) => (k * 37 + 11) % 200) },
  ];

  it.each(cases)('gathers repeated and out-of-order rows exactly (n $sampleCount, d $inputDim)', async ({ sampleCount, inputDim, indices }) => {
    const inputs = testValues(sampleCount * inputDim, sampleCount + inputDim);
    const targets = testValues(sampleCount, 3 * sampleCount);
    const result = await onGpu('gather_rows', (gpu) => gatherRows(gpu, inputs, targets, indices, inputDim));
    const expected = reference.gatherRows(inputs, targets, indices, inputDim);
    expectClose(result.batchInputs, expected.batchInputs, EXACT, 'batch inputs');
    expectClose(result.batchTargets, expected.batchTargets, EXACT, 'batch targets');
  });

  it('gathers the minibatch that sample_batch_indices draws, in one submit', async () => {
    const sampleCount = 300;
    const inputDim = 5;
    const batchSize = 70;
    const inputs = testValues(sampleCount * inputDim, 21);
    const targets = testValues(sampleCount, 22);
    const sampling = { seed: 8, stream: 2, step: 40, sampleCount, batchSize, replace: false };
    const result = await onGpu('sample then gather', async (gpu) => {
      const buffers = {
        indices: createStorageBuffer(gpu, 'particles-test/indices', batchSize * 4),
        scratch: createStorageBuffer(gpu, 'particles-test/scratch', sampleCount * 4),
        inputs: createStorageBuffer(gpu, 'particles-test/inputs', inputs),
        targets: createStorageBuffer(gpu, 'particles-test/targets', targets),
        batchInputs: createStorageBuffer(gpu, 'particles-test/batchInputs', batchSize * inputDim * 4),
        batchTargets: createStorageBuffer(gpu, 'particles-test/batchTargets', batchSize * 4),
      };
      const kernels = [
        await bindSampleBatchIndices(gpu, sampling, buffers),
        await bindGatherRows(gpu, { sampleCount, inputDim, batchSize }, buffers),
      ];
      await runKernels(gpu, 'sample then gather', kernels);
      const out = {
        indices: await readUint32(gpu, buffers.indices, batchSize),
        batchInputs: await readFloat32(gpu, buffers.batchInputs, batchSize * inputDim),
        batchTargets: await readFloat32(gpu, buffers.batchTargets, batchSize),
      };
      kernels.forEach((k) => k.destroy());
      Object.values(buffers).forEach((b) => b.destroy());
      return out;
    });
    const indices = referenceBatchIndices(8, 2, 40, sampleCount, batchSize, false);
    expect(result.indices).toEqual(indices);
    const expected = reference.gatherRows(inputs, targets, indices, inputDim);
    expectClose(result.batchInputs, expected.batchInputs, EXACT, 'batch inputs');
    expectClose(result.batchTargets, expected.batchTargets, EXACT, 'batch targets');
  });

  it('marks rows of out-of-range indices with NaN when bound directly (no CPU check on that path)', async () => {
    const inputs = testValues(6, 1);
    const targets = testValues(3, 2);
    const result = await onGpu('gather_rows out of range', async (gpu) => {
      const buffers = {
        indices: createStorageBuffer(gpu, 'particles-test/indices', new Uint32Array([2, 3, 0xffffffff])),
        inputs: createStorageBuffer(gpu, 'particles-test/inputs', inputs),
        targets: createStorageBuffer(gpu, 'particles-test/targets', targets),
        batchInputs: createStorageBuffer(gpu, 'particles-test/batchInputs', 6 * 4),
        batchTargets: createStorageBuffer(gpu, 'particles-test/batchTargets', 3 * 4),
      };
      const kernel = await bindGatherRows(gpu, { sampleCount: 3, inputDim: 2, batchSize: 3 }, buffers);
      await runKernels(gpu, 'gather_rows out of range', [kernel]);
      const out = { batchInputs: await readFloat32(gpu, buffers.batchInputs, 6), batchTargets: await readFloat32(gpu, buffers.batchTargets, 3) };
      kernel.destroy();
      Object.values(buffers).forEach((b) => b.destroy());
      return out;
    });
    expectClose(result.batchInputs, [inputs[4]!, inputs[5]!, NaN, NaN, NaN, NaN], EXACT, 'batch inputs');
    expectClose(result.batchTargets, [targets[2]!, NaN, NaN], EXACT, 'batch targets');
  });

  it('rejects bad input before dispatching', async () => {
    const gpu = await getTestGpu();
    const inputs = testValues(12, 1);
    const targets = testValues(4, 2);
    await expect(gatherRows(gpu, inputs, targets, [0, 4], 3)).rejects.toThrow(/'indices' has 4 at position 1; indices must be integers in \[0, 4\)/);
    await expect(gatherRows(gpu, inputs, targets, [-1], 3)).rejects.toThrow(/'indices' has -1/);
    await expect(gatherRows(gpu, inputs, targets, [1.5], 3)).rejects.toThrow(/'indices' has 1.5/);
    await expect(gatherRows(gpu, inputs, targets, [], 3)).rejects.toThrow(/'batchSize'/);
    await expect(gatherRows(gpu, inputs, new Float32Array(0), [0], 3)).rejects.toThrow(/'sampleCount'/);
    await expect(gatherRows(gpu, inputs, targets, [0], 0)).rejects.toThrow(/'inputDim'/);
    await expect(gatherRows(gpu, inputs, targets, [0], 2)).rejects.toThrow(/'inputs' has 12 elements, expected 8/);
    const nanTargets = Float32Array.from(targets);
    nanTargets[3] = NaN;
    await expect(gatherRows(gpu, inputs, nanTargets, [0], 3)).rejects.toThrow(/'targets' contains NaN at index 3/);
    const nanInputs = Float32Array.from(inputs);
    nanInputs[5] = NaN;
    await expect(gatherRows(gpu, nanInputs, targets, [0], 3)).rejects.toThrow(/'inputs' contains NaN at index 5/);
    await expect(onGpu('gather_rows rejected', (g) => gatherRows(g, inputs, targets, [2, 9], 3))).rejects.toThrow(KernelArgumentError);
  });
});

describe('particles: normalize_rows', () => {
  /** Per element: the squared sum (d terms), sqrt and divide in float32, about (d + 3) eps relative; 8 eps with d = 3 leaves room. */
  const UNIT = { abs: 8 * F32_EPSILON, rel: 8 * F32_EPSILON };

  it('puts every row on the unit sphere, matching float64, across more than one workgroup', async () => {
    const width = ELEMENTWISE_WORKGROUP_SIZE + 5;
    const inputDim = 3;
    const W = testValues(width * inputDim, 11);
    W.fill(0, 0, inputDim); // a zero row stays zero rather than becoming NaN
    const result = await onGpu('normalize_rows', (gpu) => normalizeRows(gpu, W, { width, inputDim }));
    expectClose(result, reference.normalizeRows(W, inputDim), UNIT, 'W');
    expect(Array.from(result.slice(0, inputDim))).toEqual([0, 0, 0]);
  });

  it('rejects bad input before dispatching', async () => {
    const gpu = await getTestGpu();
    await expect(normalizeRows(gpu, testValues(6, 1), { width: 2, inputDim: 2 })).rejects.toThrow(/'W' has 6 elements, expected 4/);
    await expect(normalizeRows(gpu, testValues(4, 1), { width: 0, inputDim: 2 })).rejects.toThrow(/'width'/);
    const bad = testValues(4, 1);
    bad[2] = Infinity;
    await expect(normalizeRows(gpu, bad, { width: 2, inputDim: 2 })).rejects.toThrow(/'W' contains/);
  });
});

describe('particles: tangentialRows (float64)', () => {
  it('removes the radial part of each row', () => {
    const out = reference.tangentialRows([3, 4, 1, 1], [1, 0, 0, 1], 2);
    expect(Array.from(out)).toEqual([0, 4, 1, 0]);
  });
});
