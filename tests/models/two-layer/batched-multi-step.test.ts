import { describe, expect, it } from 'vitest';
import { teacherTrainingSet } from '../../helpers/teacher-training-set';
import { KernelArgumentError } from '../../../src/core/errors';
import { BatchedTrainer } from '../../../src/models/two-layer/batched-trainer';
import { settingsOf, type BatchedTrainerOptions } from '../../../src/models/two-layer/batched-config';
import { networkConfig, networkData, networkLossCurve } from '../../../src/core/batched-network';
import { initialWeights } from '../../../src/core/initialization';
import { TwoLayerTrainer } from '../../../src/models/two-layer/trainer';
import type { TrainingSet, TwoLayerTrainerConfig, TwoLayerWeights } from '../../../src/core/network';
import { MULTI_STEP_MAX_INPUT_DIM } from '../../../src/core/step-kernels';
import { createStorageBuffer, readFloat32 } from '../../../src/gpu/buffers';
import type { GpuContext } from '../../../src/gpu/device';
import { onGpu } from '../../helpers/gpu';
import { expectClose } from '../../helpers/tolerance';

/**
 * BatchedTrainer on the multi-step kernel (train_steps, one workgroup per network). The batch carries the
 * bias as an input column of ones, which gives network k exactly the float operations of its own single
 * run on the multi-step kernel: so network k must equal that run bit for bit, losses and weights, whatever
 * the padding, settings, dispatch windows, submits, rate changes and restores. Against the unfused batch
 * (other summation order) the curves agree to the trainer tests' float32 tolerance: 50 GD steps drift by
 * about 1e-7 relative per step; a wrong rate, scale, index or padded neuron moves a curve by percents.
 */
const CURVE = { abs: 1e-7, rel: 1e-4 };
const WEIGHTS = { abs: 1e-4, rel: 1e-3 };
const STEPS = 50;

const base: BatchedTrainerOptions = {
  networks: [
    { seed: 1, width: 3, learningRate: 0.05 },
    { seed: 2, width: 17, learningRate: 0.1 },
    { seed: 3, width: 64, learningRate: 0.02 },
  ],
  maxWidth: 70,
  inputDim: 5,
  sampleCount: 29,
  scaling: 'mean-field',
  loss: 'square',
  hasBias: false,
  trainable: 'both',
  stepKernel: 'multi-step',
};

function dataSet(config: BatchedTrainerOptions, seed: number): TrainingSet {
  return teacherTrainingSet({ seed, sampleCount: config.sampleCount, inputDim: config.inputDim, loss: config.loss });
}

function data(config: BatchedTrainerOptions, perNetwork: boolean): TrainingSet | TrainingSet[] {
  return perNetwork ? config.networks.map((_, k) => dataSet(config, 100 + k)) : dataSet(config, 7);
}

/** Network k of the batch as a single run on the multi-step kernel: its own settings, init and data. */
async function singleRun(gpu: GpuContext, config: BatchedTrainerOptions, sets: TrainingSet | TrainingSet[], k: number): Promise<TwoLayerTrainer> {
  const own = settingsOf(config, k);
  const network = config.networks[k]!;
  const single: TwoLayerTrainerConfig = {
    ...networkConfig(config, k), scaling: own.scaling, trainable: own.trainable, ...(own.alpha !== undefined ? { alpha: own.alpha } : {}), stepKernel: 'multi-step',
  };
  const init = network.init ?? initialWeights({ seed: network.seed, width: network.width, inputDim: config.inputDim, hasBias: config.hasBias });
  const trainer = await TwoLayerTrainer.create(gpu, single, init, networkData(sets, k));
  expect(trainer.stepKernel).toBe('multi-step');
  return trainer;
}

function expectBitwise(actual: Float32Array, expected: Float32Array, what: string): void {
  expect(Array.from(actual), what).toEqual(Array.from(expected));
}

function expectSameWeights(actual: TwoLayerWeights, expected: TwoLayerWeights, what: string): void {
  expectBitwise(actual.a, expected.a, `${what}: a`);
  expectBitwise(actual.W, expected.W, `${what}: W`);
  expect(actual.b === undefined).toBe(expected.b === undefined);
  if (actual.b) expectBitwise(actual.b, expected.b!, `${what}: b`);
}

/** Padded entries (neuron j >= m_k) of a [N x M] and the first layer [N x M x R]. */
function paddingOf(config: BatchedTrainerOptions, M: number, padded: { a: Float32Array; firstLayer: Float32Array }): number[] {
  const N = config.networks.length;
  const R = padded.firstLayer.length / (N * M);
  const values: number[] = [];
  for (let k = 0; k < N; k++) {
    for (let j = config.networks[k]!.width; j < M; j++) values.push(padded.a[k * M + j]!, ...padded.firstLayer.subarray((k * M + j) * R, (k * M + j + 1) * R));
  }
  return values;
}

/** Trains the batch for STEPS in one submit: the loss log, each network's weights and the padded entries. */
async function batchRun(gpu: GpuContext, config: BatchedTrainerOptions, sets: TrainingSet | TrainingSet[]) {
  const trainer = await BatchedTrainer.create(gpu, config, sets);
  try {
    expect(trainer.stepKernel).toBe(config.stepKernel ?? 'unfused');
    const losses = await trainer.train(STEPS);
    const padded = await trainer.readPaddedWeights();
    return { losses, weights: await trainer.readAllWeights(), padding: paddingOf(config, trainer.shape.maxWidth, padded) };
  } finally {
    trainer.destroy();
  }
}

const cases: [string, Partial<BatchedTrainerOptions>, boolean][] = [
  ['widths 3, 17, 64 padded to M = 70, mean-field, square, shared data', {}, false],
  ['ntk, bias, per-network data', { scaling: 'ntk', hasBias: true }, true],
  [
    'own scaling, alpha, trainable first and second, init and rate per network; logistic, bias',
    {
      loss: 'logistic',
      hasBias: true,
      networks: [
        { seed: 1, width: 3, learningRate: 0.2, scaling: 'ntk', alpha: 2 },
        { seed: 2, width: 17, learningRate: 0.1, trainable: 'second' },
        { seed: 3, width: 64, learningRate: 0.03, scaling: 'standard', trainable: 'first', init: initialWeights({ seed: 9, width: 64, inputDim: 5, hasBias: true, aStd: 0.5, wScale: 0.3 }) },
        { seed: 4, width: 40, learningRate: 0.05, alpha: 0.5 },
      ],
    },
    true,
  ],
  // Seed 3: the one neuron is active on the one sample (as in multi-step.test.ts).
  ['N = 1, m = 1, n = 1, d = 1, bias', { networks: [{ seed: 3, width: 1, learningRate: 0.2 }], maxWidth: 1, sampleCount: 1, inputDim: 1, hasBias: true }, false],
  // More neurons and samples than the workgroup's 64 threads, neither a multiple of it.
  [
    'N = 3, M = 131, n = 150, d = 3, bias',
    { networks: [{ seed: 1, width: 131, learningRate: 0.05 }, { seed: 2, width: 70, learningRate: 0.1 }, { seed: 3, width: 5, learningRate: 0.02 }], maxWidth: 131, sampleCount: 150, inputDim: 3, hasBias: true },
    true,
  ],
];

describe('batched trainer, multi-step kernel: each network bitwise its single multi-step run', () => {
  it.each(cases)('%s: 50 steps, losses and final weights', async (_name, change, perNetwork) => {
    const config = { ...base, ...change };
    const sets = data(config, perNetwork);
    const N = config.networks.length;
    const { batch, singles } = await onGpu('batched multi-step', async (gpu) => {
      const batch = await batchRun(gpu, config, sets);
      const singles = [];
      for (let k = 0; k < N; k++) {
        const single = await singleRun(gpu, config, sets, k);
        singles.push({ losses: await single.train(STEPS), weights: await single.readWeights() });
        single.destroy();
      }
      return { batch, singles };
    });
    expect(batch.losses.length).toBe(STEPS * N);
    for (let k = 0; k < N; k++) {
      const curve = networkLossCurve(batch.losses, N, k);
      expectBitwise(curve, singles[k]!.losses, `loss curve of network ${k}`);
      expectSameWeights(batch.weights[k]!, singles[k]!.weights, `network ${k}`);
      expect(curve[STEPS - 1]!, `network ${k} trains`).toBeLessThan(curve[0]!);
    }
    // Padded neurons (and their bias column) never move off exact zero.
    if (batch.padding.length > 0) expect(batch.padding.every((v) => Object.is(v, 0))).toBe(true);
  });

  it('short dispatch windows, chunks in flight, new rates, a mirror and restores: bitwise the single runs in other windows', async () => {
    const config: BatchedTrainerOptions = { ...base, ...(cases[2]![1] as Partial<BatchedTrainerOptions>), stepsPerDispatch: 4 };
    const sets = data(config, true);
    const N = config.networks.length;
    await onGpu('batched multi-step chunks', async (gpu) => {
      const trainer = await BatchedTrainer.create(gpu, config, sets);
      // The single runs dispatch each chunk whole (the default 64 steps per dispatch).
      const singles = await Promise.all(config.networks.map((_, k) => singleRun(gpu, config, sets, k)));
      const compare = (batched: Float32Array, single: readonly Float32Array[], what: string) =>
        single.forEach((losses, k) => expectBitwise(networkLossCurve(batched, N, k), losses, `${what}, network ${k}`));
      const chunks = await Promise.all([trainer.submitSteps(7), trainer.submitSteps(13)]);
      const singleChunks = await Promise.all(singles.map((single) => Promise.all([single.submitSteps(7), single.submitSteps(13)])));
      chunks.forEach((chunk, c) => compare(chunk, singleChunks.map((both) => both[c]!), `chunk ${c}`));
      const saved = await trainer.readAllWeights();
      const rates = [0.1, 0.3, 0.01, 0.08];
      trainer.setLearningRates(rates);
      singles.forEach((single, k) => single.setLearningRate(rates[k]!));
      const m = config.networks[1]!.width;
      const mirror = { a: createStorageBuffer(gpu, 'mirror/a', m * 4), W: createStorageBuffer(gpu, 'mirror/W', m * config.inputDim * 4), b: createStorageBuffer(gpu, 'mirror/b', m * 4) };
      trainer.mirrorNetwork(1, mirror);
      const after = await trainer.submitSteps(9);
      compare(after, await Promise.all(singles.map((single) => single.submitSteps(9))), 'after new rates');
      const weights = await trainer.readAllWeights();
      for (let k = 0; k < N; k++) expectSameWeights(weights[k]!, await singles[k]!.readWeights(), `network ${k} after new rates`);
      const mirrored = { a: await readFloat32(gpu, mirror.a, m), W: await readFloat32(gpu, mirror.W, m * config.inputDim), b: await readFloat32(gpu, mirror.b, m) };
      expectSameWeights(mirrored, weights[1]!, 'mirror of network 1');
      // Back to step 20 (the new rates stay), per-network weights, then in one submit of other windows.
      await trainer.restore(saved, 20);
      expect(trainer.stepsTaken).toBe(20);
      expectBitwise(await trainer.submitSteps(9), after, 'after a restore');
      await trainer.restore(saved, 20);
      const [first, second] = await Promise.all([trainer.submitSteps(2), trainer.submitSteps(7)]);
      expectBitwise(Float32Array.from([...first!, ...second!]), after, 'after a restore, in two submits');
      expectSameWeights((await trainer.readAllWeights())[3]!, weights[3]!, 'network 3 after a restore');
      trainer.destroy();
      for (const single of singles) single.destroy();
      for (const buffer of Object.values(mirror)) buffer.destroy();
    });
  });
});

describe('batched trainer: multi-step against unfused', () => {
  it.each([cases[0]!, cases[2]!, cases[4]!])('%s: 50-step curves and weights agree to float32 rounding', async (_name, change, perNetwork) => {
    const config = { ...base, ...change };
    const sets = data(config, perNetwork);
    const [multi, unfused] = await onGpu('batched multi-step vs unfused', async (gpu) => [await batchRun(gpu, config, sets), await batchRun(gpu, { ...config, stepKernel: 'unfused' }, sets)]);
    expectClose(multi!.losses, unfused!.losses, CURVE, 'loss log [steps x N]');
    multi!.weights.forEach((weights, k) => {
      expectClose(weights.a, unfused!.weights[k]!.a, WEIGHTS, `a of network ${k}`);
      expectClose(weights.W, unfused!.weights[k]!.W, WEIGHTS, `W of network ${k}`);
      if (weights.b) expectClose(weights.b, unfused!.weights[k]!.b!, WEIGHTS, `b of network ${k}`);
    });
  });
});

describe('batched trainer, multi-step kernel: what it declines', () => {
  const declined: [string, Partial<BatchedTrainerOptions>, RegExp][] = [
    [`d = ${MULTI_STEP_MAX_INPUT_DIM + 1}`, { inputDim: MULTI_STEP_MAX_INPUT_DIM + 1 }, new RegExp(`d <= ${MULTI_STEP_MAX_INPUT_DIM}; d = ${MULTI_STEP_MAX_INPUT_DIM + 1} needs the unfused step`)],
    [`d = ${MULTI_STEP_MAX_INPUT_DIM} with a bias (its column makes ${MULTI_STEP_MAX_INPUT_DIM + 1})`, { inputDim: MULTI_STEP_MAX_INPUT_DIM, hasBias: true }, new RegExp(`d \\+ 1 <= ${MULTI_STEP_MAX_INPUT_DIM} in a batch with a bias.*d = ${MULTI_STEP_MAX_INPUT_DIM} with a bias needs the unfused step`)],
    ['an unknown kernel', { stepKernel: 'auto' as never }, /stepKernel.*'auto'; must be one of 'unfused', 'multi-step'/],
    ['stepsPerDispatch 0', { stepsPerDispatch: 0 }, /stepsPerDispatch/],
  ];

  it.each(declined)('%s: refused before anything is allocated, with the reason', async (_name, change, reason) => {
    const config = { ...base, ...change };
    const error = await onGpu('batched multi-step declined', (gpu) => BatchedTrainer.create(gpu, config, dataSet(config, 7)).then(() => undefined, (e: unknown) => e));
    expect(error).toBeInstanceOf(KernelArgumentError);
    if (change.stepKernel !== undefined || change.inputDim !== undefined) expect(String((error as Error).message)).toMatch(/stepKernel/);
    expect(String((error as Error).message)).toMatch(reason);
  });
});
