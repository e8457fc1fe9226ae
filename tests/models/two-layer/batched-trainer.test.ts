import { describe, expect, it } from 'vitest';
import { teacherTrainingSet } from '../../helpers/teacher-training-set';
import { KernelArgumentError } from '../../../src/core/errors';
import { BatchedTrainer } from '../../../src/models/two-layer/batched-trainer';
import type { BatchedTrainerNetwork, BatchedTrainerOptions } from '../../../src/models/two-layer/batched-config';
import { padWeights } from '../../../src/models/two-layer/batched-layout';
import { networkConfig, networkData, networkLossCurve, type BatchedTrainerConfig } from '../../../src/core/batched-network';
import { initialWeights } from '../../../src/core/initialization';
import { TwoLayerTrainer } from '../../../src/models/two-layer/trainer';
import { type TrainingSet } from '../../../src/core/network';
import { Float64BatchedTrainer } from '../../../src/float64/batched-trainer';
import { getTestGpu, onGpu } from '../../helpers/gpu';
import { expectClose } from '../../helpers/tolerance';

const STEPS = 50;

/**
 * The trainer tests' tolerances (tests/model/two-layer-trainer.test.ts): 50 float32 GD steps against
 * float64 drift by ~1e-7 to 5e-7 relative; 1e-4 leaves a wide margin, while a wrong width, scale,
 * rate or a padded neuron leaking in moves a curve by percents.
 */
const CURVE = { abs: 1e-7, rel: 1e-4 };
const WEIGHTS = { abs: 1e-4, rel: 1e-3 };

const base: BatchedTrainerConfig = {
  networks: [
    { seed: 1, width: 3, learningRate: 0.05 },
    { seed: 2, width: 17, learningRate: 0.1 },
    { seed: 3, width: 64, learningRate: 0.02 },
  ],
  maxWidth: 64,
  inputDim: 5,
  sampleCount: 29,
  scaling: 'mean-field',
  loss: 'square',
  hasBias: false,
  trainable: 'both',
};

function dataSet(config: BatchedTrainerConfig, seed: number): TrainingSet {
  return teacherTrainingSet({ seed, sampleCount: config.sampleCount, inputDim: config.inputDim, loss: config.loss });
}

function data(config: BatchedTrainerConfig, perNetwork: boolean): TrainingSet | TrainingSet[] {
  return perNetwork ? config.networks.map((_, k) => dataSet(config, 100 + k)) : dataSet(config, 7);
}

/** Padded entries (neuron j >= m_k) of a [N x M] and the first layer [N x M x R]. */
function paddingOf(trainer: BatchedTrainer, padded: { a: Float32Array; firstLayer: Float32Array }): number[] {
  const { maxWidth: M, networkCount: N } = trainer.shape;
  const R = padded.firstLayer.length / (N * M);
  const values: number[] = [];
  for (let k = 0; k < N; k++) {
    for (let j = trainer.config.networks[k]!.width; j < M; j++) {
      values.push(padded.a[k * M + j]!, ...padded.firstLayer.subarray((k * M + j) * R, (k * M + j + 1) * R));
    }
  }
  return values;
}

describe('batched trainer: N networks in one set of dispatches', () => {
  const cases: [string, Partial<BatchedTrainerConfig>, boolean][] = [
    ['mean-field, square, shared data', {}, false],
    ['ntk, square, bias, per-network data', { scaling: 'ntk', hasBias: true }, true],
    ['standard, logistic, first layer only, per-network data', { scaling: 'standard', loss: 'logistic', trainable: 'first' }, true],
    ['mean-field, exponential, alpha 2, second layer only, bias, M = 80 > every width, shared data', { loss: 'exponential', alpha: 2, trainable: 'second', hasBias: true, maxWidth: 80 }, false],
  ];

  it.each(cases)('%s: 50 steps against N independent float64 runs and N single-network GPU runs', async (_name, change, perNetwork) => {
    const config = { ...base, ...change };
    const sets = data(config, perNetwork);
    const N = config.networks.length;
    const { batched, padding, weights, singles } = await onGpu('batched trainer', async (gpu) => {
      const trainer = await BatchedTrainer.create(gpu, config, sets);
      const losses = await trainer.train(STEPS);
      const padded = await trainer.readPaddedWeights();
      const weights = await Promise.all(config.networks.map((_, k) => trainer.readWeights(k)));
      trainer.destroy();
      const singles = [];
      for (let k = 0; k < N; k++) {
        const single = networkConfig(config, k);
        const run = await TwoLayerTrainer.create(gpu, single, initialWeights({ ...single }), networkData(sets, k));
        singles.push({ losses: await run.train(STEPS), weights: await run.readWeights() });
        run.destroy();
      }
      return { batched: losses, padding: paddingOf(trainer, padded), weights, singles };
    });
    expect(batched.length).toBe(STEPS * N);
    const reference = new Float64BatchedTrainer(config, sets);
    const referenceLosses = reference.train(STEPS);
    expectClose(batched, referenceLosses, CURVE, 'loss log [steps x N]');
    for (let k = 0; k < N; k++) {
      const curve = networkLossCurve(batched, N, k);
      const expected = reference.weights(k);
      expectClose(weights[k]!.a, expected.a, WEIGHTS, `a of network ${k}`);
      expectClose(weights[k]!.W, expected.W, WEIGHTS, `W of network ${k}`);
      if (config.hasBias) expectClose(weights[k]!.b!, expected.b!, WEIGHTS, `b of network ${k}`);
      // Same kernels' arithmetic in the same order, network by network: bitwise equal to a single run.
      expect(Array.from(curve), `loss curve of network ${k} vs its single-network run`).toEqual(Array.from(singles[k]!.losses));
      expect(Array.from(weights[k]!.a)).toEqual(Array.from(singles[k]!.weights.a));
      expect(Array.from(weights[k]!.W)).toEqual(Array.from(singles[k]!.weights.W));
      if (config.hasBias) expect(Array.from(weights[k]!.b!)).toEqual(Array.from(singles[k]!.weights.b!));
      // Every network trains.
      expect(curve[STEPS - 1]!).toBeLessThan(curve[0]!);
    }
    // Padded neurons (and their bias column) never move off exact zero.
    expect(padding.length).toBeGreaterThan(0);
    expect(padding.every((v) => Object.is(v, 0))).toBe(true);
  });

  it('many steps per submit give the same trajectory as several shorter submits', async () => {
    const sets = data(base, true);
    const gpu = await getTestGpu();
    const together = await BatchedTrainer.create(gpu, base, sets);
    const split = await BatchedTrainer.create(gpu, base, sets);
    const all = await together.train(12);
    // Submitted back to back without waiting: calls run in order.
    const parts = await Promise.all([split.train(5), split.train(7)]);
    expect(Array.from(all)).toEqual([...parts[0]!, ...parts[1]!]);
    expect(split.stepsTaken).toBe(12);
    expect(Array.from((await together.readPaddedWeights()).firstLayer)).toEqual(Array.from((await split.readPaddedWeights()).firstLayer));
    together.destroy();
    split.destroy();
  });

  it('networks with their own scaling, alpha, trainable parts and init, two chunks in flight, new rates and a restore: each bitwise its single run', async () => {
    const own: BatchedTrainerOptions = {
      ...base,
      networks: [
        { seed: 1, width: 3, learningRate: 0.05, scaling: 'ntk', alpha: 2 },
        { seed: 2, width: 17, learningRate: 0.1, trainable: 'second' },
        { seed: 3, width: 64, learningRate: 0.02, scaling: 'standard', trainable: 'first', init: initialWeights({ seed: 9, width: 64, inputDim: 5, hasBias: false, aStd: 0.5, wScale: 0.3 }) },
      ],
    };
    const sets = data(base, false);
    const gpu = await getTestGpu();
    const trainer = await BatchedTrainer.create(gpu, own, sets);
    const singles = await Promise.all(own.networks.map(({ scaling, alpha, trainable, init }, k) => {
      const single = { ...networkConfig(base, k), ...(scaling ? { scaling } : {}), ...(alpha ? { alpha } : {}), ...(trainable ? { trainable } : {}) };
      return TwoLayerTrainer.create(gpu, single, init ?? initialWeights({ ...single }), sets as TrainingSet);
    }));
    const compare = (batched: Float32Array, single: readonly Float32Array[], what: string) =>
      single.forEach((losses, k) => expect(Array.from(networkLossCurve(batched, 3, k)), `${what}, network ${k}`).toEqual(Array.from(losses)));
    const chunks = await Promise.all([trainer.submitSteps(4), trainer.submitSteps(5)]);
    const singleChunks = await Promise.all(singles.map((single) => Promise.all([single.submitSteps(4), single.submitSteps(5)])));
    chunks.forEach((chunk, c) => compare(chunk, singleChunks.map((both) => both[c]!), `chunk ${c}`));
    const saved = await trainer.readAllWeights();
    const rates = [0.08, 0.3, 0.01];
    trainer.setLearningRates(rates);
    expect(trainer.learningRates).toEqual(rates);
    singles.forEach((single, k) => single.setLearningRate(rates[k]!));
    const after = await trainer.submitSteps(6);
    compare(after, await Promise.all(singles.map((single) => single.submitSteps(6))), 'after new rates');
    expect(await trainer.readAllWeights()).toEqual(await Promise.all(singles.map((single) => single.readWeights())));
    // Back to step 9, per-network weights; then the padded form of the same state.
    await trainer.restore(saved, 9);
    expect(trainer.stepsTaken).toBe(9);
    expect(Array.from(await trainer.submitSteps(6))).toEqual(Array.from(after));
    await trainer.restore(padWeights(trainer.shape, saved), 9);
    expect(Array.from(await trainer.submitSteps(6))).toEqual(Array.from(after));
    trainer.destroy();
    for (const single of singles) single.destroy();
  });

  it('rejects bad input before allocating anything', async () => {
    const gpu = await getTestGpu();
    const sets = dataSet(base, 7);
    const reject = (config: Partial<BatchedTrainerConfig>, d: TrainingSet | TrainingSet[] = sets) => BatchedTrainer.create(gpu, { ...base, ...config }, d);
    await expect(reject({ networks: [] })).rejects.toThrow(/networks.*empty/);
    await expect(reject({ maxWidth: 32 })).rejects.toThrow(/networks\[2\]\.width.*64, over maxWidth = 32/);
    await expect(reject({ networks: [{ seed: 1, width: 0, learningRate: 0.1 }] })).rejects.toThrow(/networks\[0\]\.width/);
    await expect(reject({ networks: [{ seed: -1, width: 2, learningRate: 0.1 }] })).rejects.toThrow(/networks\[0\]\.seed/);
    await expect(reject({ networks: [{ seed: 1, width: 2, learningRate: NaN }] })).rejects.toThrow(/networks\[0\]\.learningRate/);
    await expect(reject({}, { X: sets.X.subarray(1), y: sets.y })).rejects.toThrow(/data\.X.*144 elements, expected 145/);
    await expect(reject({}, (data(base, true) as TrainingSet[]).slice(1))).rejects.toThrow(/data.*2 data sets for 3 networks/);
    const nanY = sets.y.map((v, i) => (i === 3 ? NaN : v));
    await expect(reject({}, [sets, sets, { X: sets.X, y: nanY }])).rejects.toThrow(/data\[2\]\.y.*NaN at index 3/);
    await expect(reject({ sampleCount: 0 })).rejects.toThrow(KernelArgumentError);
    const init = initialWeights({ seed: 1, width: 3, inputDim: 5, hasBias: false });
    const withInit = (network: Partial<BatchedTrainerNetwork>) => BatchedTrainer.create(gpu, { ...base, networks: [{ ...base.networks[0]!, ...network }] }, sets);
    await expect(withInit({ init: { a: init.a, W: init.W.subarray(1) } })).rejects.toThrow(/networks\[0\]\.init\.W.*14 elements, expected 15/);
    await expect(withInit({ init: { ...init, b: init.a } })).rejects.toThrow(/networks\[0\]\.init\.b.*hasBias is not set/);
    await expect(withInit({ scaling: 'huge' as never })).rejects.toThrow(/scaling.*'huge'/);
    await expect(withInit({ alpha: 1e40 })).rejects.toThrow(/networks\[0\]\.alpha/);
    const trainer = await BatchedTrainer.create(gpu, { ...base, maxStepsPerSubmit: 4 }, sets);
    await expect(trainer.train(0)).rejects.toThrow(/stepCount/);
    await expect(trainer.train(5)).rejects.toThrow(/5, over maxStepsPerSubmit = 4/);
    await expect(trainer.readWeights(3)).rejects.toThrow(/'k' is 3/);
    expect(() => trainer.setLearningRates([0.1])).toThrow(/1 entries for 3 networks/);
    expect(() => trainer.setLearningRates([0.1, 0.1, -1])).toThrow(/networks\[2\]\.learningRate/);
    await expect(trainer.restore([init], 0)).rejects.toThrow(/1 networks, the batch has 3/);
    await expect(trainer.restore({ a: new Float32Array(3), firstLayer: new Float32Array(3) }, 0)).rejects.toThrow(/weights\.a/);
    expect(trainer.stepsTaken).toBe(0);
    trainer.destroy();
  });
});
