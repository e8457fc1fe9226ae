import { describe, expect, it } from 'vitest';
import { teacherTrainingSet } from '../../helpers/teacher-training-set';
import { onlineSpecFor } from '../../../src/data/online';
import { KernelArgumentError } from '../../../src/core/errors';
import { initialWeights } from '../../../src/core/initialization';
import { TwoLayerTrainer } from '../../../src/models/two-layer/trainer';
import { type TrainingSet, type TwoLayerTrainerConfig } from '../../../src/core/network';
import { Float64Trainer } from '../../../src/float64/two-layer-trainer';
import { getTestGpu, onGpu } from '../../helpers/gpu';
import { expectClose, reductionTolerance } from '../../helpers/tolerance';
import { readFloat32 } from '../../../src/gpu/buffers';
import { RANDOM_STREAMS } from '../../../src/core/conventions';
import { sampleBatchIndices } from '../../../src/core/random';
import { lossAtOutput, meanLoss } from '../../../src/float64/two-layer';
import { parseSchedule, withBaseRate } from '../../../src/core/schedule';
import { InvalidLearningRateError, jkoTau } from '../../../src/core/update-settings';

const STEPS = 50;

/**
 * Loss curves over 50 float32 steps against float64: each step rounds at about 1e-7 relative and
 * GD carries the differences forward. Measured worst gaps: 1.5e-7 to 5e-7 relative for GD and B = 8,
 * 4e-6 for B = 5 with replacement (noisier steps), 8e-7 for the centered alpha = 4 cases (f - f0, a
 * difference of two float32 sums of size alpha); 1e-4 leaves a 25x margin, while a wrong scale,
 * index or mask moves the curve by percents.
 */
const CURVE = { abs: 1e-7, rel: 1e-4 };
/** Weights after 50 steps: the same argument; parameters are O(1). */
const WEIGHTS = { abs: 1e-4, rel: 1e-3 };

const base: TwoLayerTrainerConfig = {
  width: 23,
  inputDim: 5,
  sampleCount: 37,
  scaling: 'mean-field',
  loss: 'square',
  hasBias: false,
  trainable: 'both',
  learningRate: 0.05,
  seed: 7,
};

function problem(config: TwoLayerTrainerConfig): { data: TrainingSet; init: ReturnType<typeof initialWeights> } {
  const data = teacherTrainingSet({ seed: config.seed, sampleCount: config.sampleCount, inputDim: config.inputDim, loss: config.loss });
  const init = initialWeights({ seed: config.seed, width: config.width, inputDim: config.inputDim, hasBias: config.hasBias });
  return { data, init };
}

async function compareRuns(config: TwoLayerTrainerConfig, steps = STEPS) {
  const { data, init } = problem(config);
  return onGpu('trainer', async (gpu) => {
    const trainer = await TwoLayerTrainer.create(gpu, config, init, data);
    const reference = new Float64Trainer(config, init, data);
    const gpuLosses = await trainer.train(steps);
    const referenceLosses = reference.train(steps);
    const weights = await trainer.readWeights();
    trainer.destroy();
    return { gpuLosses, referenceLosses, weights, reference: reference.weights, init };
  });
}

describe('two-layer trainer: GPU against the float64 reference', () => {
  const cases: [string, Partial<TwoLayerTrainerConfig>][] = [
    ['mean-field, square, GD', {}],
    ['ntk, square, GD, bias', { scaling: 'ntk', hasBias: true, learningRate: 0.2 }],
    ['standard, logistic, GD, first layer only', { scaling: 'standard', loss: 'logistic', trainable: 'first', learningRate: 0.05 }],
    ['mean-field, exponential, GD, alpha 2', { loss: 'exponential', alpha: 2, learningRate: 0.02 }],
    ['mean-field, square, SGD B = 8 without replacement', { batchSize: 8 }],
    ['ntk, square, SGD B = 5 with replacement, bias', { scaling: 'ntk', batchSize: 5, withReplacement: true, hasBias: true, learningRate: 0.1 }],
    // d = 2 takes first_layer_grad for dL/dW (d <= FIRST_LAYER_GRAD_MAX_DIM); the cases at d = 5 take the 'relu-grad' matmul.
    ['mean-field, square, GD, d = 2', { inputDim: 2 }],
    ['ntk, logistic, SGD B = 8, bias, d = 2', { scaling: 'ntk', loss: 'logistic', batchSize: 8, hasBias: true, learningRate: 0.1, inputDim: 2 }],
    ['register algorithm swapped for the tiled one', { matmulAlgorithm: 'tiled', hasBias: true }],
    ['heavy-ball momentum', { optimizer: { kind: 'momentum', beta: 0.9 }, learningRate: 0.01 }],
    ['nesterov, SGD B = 8, bias', { optimizer: { kind: 'nesterov', beta: 0.8 }, learningRate: 0.01, batchSize: 8, hasBias: true }],
    ['adam, ntk', { optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, scaling: 'ntk', learningRate: 0.01 }],
    ['adagrad', { optimizer: { kind: 'adagrad', epsilon: 1e-8 }, learningRate: 0.05 }],
    ['adanorm, first layer only', { optimizer: { kind: 'adanorm', delta0: 1e-4 }, learningRate: 0.2, trainable: 'first' }],
    ['normalized GD by the loss, logistic', { optimizer: { kind: 'normalized-gd', normalizer: 'loss', epsilon: 1e-30 }, loss: 'logistic', learningRate: 0.02 }],
    ['SAM over GD', { optimizer: { kind: 'sam', rho: 0.05, epsilon: 1e-12, base: { kind: 'gd' } }, learningRate: 0.05 }],
    ['GD under a cosine schedule with warm-up', { schedule: { kind: 'cosine', learningRate: 0.1, warmupSteps: 5, finalLearningRate: 0.01, decaySteps: 30 }, learningRate: 0.1 }],
    ['JKO implicit steps', { jko: { tau: 0.2, innerSteps: 4, innerLearningRate: 0.02 } }],
    // Centered alpha (f - f0) at lr / alpha^2 (same function-space speed as alpha = 1; see tests/engine/centered.test.ts).
    ['ntk, square, GD, centered alpha 4', { scaling: 'ntk', centered: true, alpha: 4, learningRate: 0.2 / 16 }],
    ['mean-field, square, SGD B = 8, centered alpha 4, bias', { centered: true, alpha: 4, batchSize: 8, hasBias: true, learningRate: 0.05 / 16 }],
    ['ntk, logistic, SGD B = 5 with replacement, centered alpha 4, Adam', {
      scaling: 'ntk', loss: 'logistic', centered: true, alpha: 4, batchSize: 5, withReplacement: true,
      optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, learningRate: 0.01,
    }],
  ];

  it.each(cases)('%s: 50-step loss curves and final weights agree', async (_name, change) => {
    const config = { ...base, ...change };
    const { gpuLosses, referenceLosses, weights, reference } = await compareRuns(config);
    expectClose(gpuLosses, referenceLosses, CURVE, 'loss curve');
    expectClose(weights.a, reference.a, WEIGHTS, 'a');
    expectClose(weights.W, reference.W, WEIGHTS, 'W');
    if (config.hasBias) expectClose(weights.b!, reference.b!, WEIGHTS, 'b');
    // Training must actually train: the loss falls (full batch) or its average falls (SGD).
    const head = gpuLosses.slice(0, 10).reduce((s, v) => s + v, 0);
    const tail = gpuLosses.slice(-10).reduce((s, v) => s + v, 0);
    expect(tail).toBeLessThan(head);
  });

  it('online mode (fresh GPU samples every step) follows the reference on the same stream', async () => {
    const spec = { kind: 'teacher-student' as const, seed: 3, inputDim: 5, teacher: { kind: 'random' as const, width: 2 } };
    const config = { ...base, online: onlineSpecFor(spec, 9) };
    const { gpuLosses, referenceLosses } = await compareRuns(config, 30);
    // Inputs differ by float32 normals (~1e-7) on top of the usual step rounding.
    expectClose(gpuLosses, referenceLosses, CURVE, 'population loss curve');
    expect(new Set(Array.from(gpuLosses)).size).toBe(30); // a new batch every step
  });

  it.each([
    ['square, GD', { loss: 'square' }],
    ['logistic, GD', { loss: 'logistic' }],
    ['square, SGD B = 8', { loss: 'square', batchSize: 8 }],
    ['logistic, SGD B = 5 with replacement', { loss: 'logistic', batchSize: 5, withReplacement: true }],
  ] as [string, Partial<TwoLayerTrainerConfig>][])('centered: the output at initialisation is 0, so the first loss is mean l(0, y) (%s)', async (_name, change) => {
    const config: TwoLayerTrainerConfig = { ...base, ...change, scaling: 'ntk', centered: true, alpha: 4 };
    const { data, init } = problem(config);
    const B = config.batchSize ?? config.sampleCount;
    const indices = config.batchSize
      ? sampleBatchIndices(config.seed, RANDOM_STREAMS.minibatch, 0, config.sampleCount, B, config.withReplacement ?? false)
      : Array.from({ length: B }, (_, i) => i);
    const batchLabels = Array.from(indices, (i) => data.y[i]!);
    const expected = meanLoss(lossAtOutput(new Float64Array(B), batchLabels, config.loss).loss);
    const reference = new Float64Trainer(config, init, data);
    expect(reference.train(1)[0]).toBe(expected); // f - f0 is exactly 0 in float64: the same sum twice
    await onGpu('centered trainer', async (gpu) => {
      const trainer = await TwoLayerTrainer.create(gpu, config, init, data);
      const [first] = await trainer.train(1);
      // The GPU's f - f0 is 0 (see the output_loss test); what remains is the float32 mean of B equal-order terms.
      expectClose([first!], [expected], reductionTolerance(B, expected), 'first loss');
      // f0 itself: the float32 forward pass against the float64 one (sums of m = 23 terms of size O(alpha / sqrt(m))).
      const offset = await readFloat32(gpu, trainer.dataBuffers.outputOffset!, config.sampleCount);
      expectClose(offset, reference.outputOffset!, { abs: 1e-5, rel: 1e-5 }, 'f0 on the train set');
      trainer.destroy();
    });
  });

  it('centered training refuses online mode, which would need f0 of every fresh sample', async () => {
    const spec = { kind: 'teacher-student' as const, seed: 3, inputDim: 5, teacher: { kind: 'random' as const, width: 2 } };
    const config = { ...base, centered: true, online: onlineSpecFor(spec, 9) };
    const { data, init } = problem(config);
    const gpu = await getTestGpu();
    await expect(TwoLayerTrainer.create(gpu, config, init, data)).rejects.toThrow(/'centered'.*online/);
    expect(() => new Float64Trainer(config, init, data)).toThrow(/centered.*online/);
  });

  it('random feature model (second layer only) leaves W bit-identical', async () => {
    const { weights, init, gpuLosses, referenceLosses } = await compareRuns({ ...base, trainable: 'second' }, 10);
    expectClose(gpuLosses, referenceLosses, CURVE, 'loss curve');
    expect(Array.from(weights.W)).toEqual(Array.from(init.W));
  });

  it('many steps per submit give the same trajectory as one step per submit', async () => {
    const { data, init } = problem(base);
    const gpu = await getTestGpu();
    const batched = await TwoLayerTrainer.create(gpu, { ...base, batchSize: 8 }, init, data);
    const single = await TwoLayerTrainer.create(gpu, { ...base, batchSize: 8 }, init, data);
    const together = await batched.train(12);
    const oneByOne: number[] = [];
    for (let t = 0; t < 12; t++) oneByOne.push(...(await single.train(1)));
    expect(Array.from(together)).toEqual(oneByOne);
    expect(Array.from((await batched.readWeights()).W)).toEqual(Array.from((await single.readWeights()).W));
    batched.destroy();
    single.destroy();
  });

  it('chunks submitted back to back without waiting (pipelined readback) give the same losses', async () => {
    const { data, init } = problem(base);
    const gpu = await getTestGpu();
    const config = { ...base, batchSize: 8 };
    const pipelined = await TwoLayerTrainer.create(gpu, config, init, data);
    const sequential = await TwoLayerTrainer.create(gpu, config, init, data);
    const chunks = [pipelined.submitSteps(4), pipelined.submitSteps(3), pipelined.submitSteps(5), pipelined.submitSteps(2)];
    const together = (await Promise.all(chunks)).flatMap((c) => Array.from(c));
    const expected: number[] = [];
    for (const k of [4, 3, 5, 2]) expected.push(...(await sequential.train(k)));
    expect(together).toEqual(expected);
    pipelined.destroy();
    sequential.destroy();
  });

  it('restoring a checkpoint (weights + step counter) continues the same trajectory bit for bit', async () => {
    const { data, init } = problem(base);
    const gpu = await getTestGpu();
    const config = { ...base, batchSize: 8, hasBias: false };
    const original = await TwoLayerTrainer.create(gpu, config, init, data);
    await original.train(7);
    const checkpoint = { weights: await original.readWeights(), stepsTaken: original.stepsTaken };
    const continued = await original.train(9);
    const resumed = await TwoLayerTrainer.create(gpu, config, init, data);
    await resumed.train(3); // a different state, overwritten by the restore
    await resumed.restore(checkpoint.weights, checkpoint.stepsTaken);
    expect(Array.from(await resumed.train(9))).toEqual(Array.from(continued));
    expect(Array.from((await resumed.readWeights()).W)).toEqual(Array.from((await original.readWeights()).W));
    original.destroy();
    resumed.destroy();
  });

  it('restoring weights, step counter and Adam moments continues the trajectory bit for bit', async () => {
    const { data, init } = problem(base);
    const gpu = await getTestGpu();
    const config: TwoLayerTrainerConfig = { ...base, batchSize: 8, optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, learningRate: 0.01 };
    const original = await TwoLayerTrainer.create(gpu, config, init, data);
    await original.train(6);
    const saved = { weights: await original.readWeights(), steps: original.stepsTaken, state: await original.readOptimizerState() };
    expect(saved.state.length).toBe(4); // first and second moments of a and W
    const continued = await original.train(8);
    const resumed = await TwoLayerTrainer.create(gpu, config, init, data);
    await resumed.train(2);
    await resumed.restore(saved.weights, saved.steps, saved.state);
    expect(Array.from(await resumed.train(8))).toEqual(Array.from(continued));
    original.destroy();
    resumed.destroy();
  });

  it('a learning-rate change mid-run matches the reference', async () => {
    const { data, init } = problem(base);
    const gpu = await getTestGpu();
    const trainer = await TwoLayerTrainer.create(gpu, base, init, data);
    const reference = new Float64Trainer(base, init, data);
    expectClose(await trainer.train(5), reference.train(5), CURVE, 'loss before the change');
    trainer.setLearningRate(0.2);
    reference.setLearningRate(0.2);
    const gpuLater = await trainer.train(10);
    const referenceLater = reference.train(10);
    expectClose(gpuLater, referenceLater, CURVE, 'loss after the change');
    trainer.destroy();
  });

  it('rejects bad configurations before touching the GPU', async () => {
    const gpu = await getTestGpu();
    const { data, init } = problem(base);
    await expect(TwoLayerTrainer.create(gpu, { ...base, width: 0 }, init, data)).rejects.toThrow(/width.*positive integer/);
    await expect(TwoLayerTrainer.create(gpu, { ...base, batchSize: 40 }, init, data)).rejects.toThrow(/batchSize.*over the 37 samples/);
    await expect(TwoLayerTrainer.create(gpu, base, { ...init, W: init.W.subarray(1) }, data)).rejects.toThrow(/init\.W.*expected 115/);
    const badX = data.X.slice();
    badX[4] = NaN;
    await expect(TwoLayerTrainer.create(gpu, base, init, { ...data, X: badX })).rejects.toThrow(/data\.X.*NaN at index 4/);
    await expect(TwoLayerTrainer.create(gpu, { ...base, learningRate: -1 }, init, data)).rejects.toThrow(KernelArgumentError);
    const trainer = await TwoLayerTrainer.create(gpu, { ...base, maxStepsPerSubmit: 4 }, init, data);
    await expect(trainer.train(5)).rejects.toThrow(/stepCount.*maxStepsPerSubmit/);
    trainer.destroy();
  });
});

/** Either backend's trainer behind one face, for the live-rate tests below. */
interface AnyTrainer {
  readonly learningRate: number;
  train(stepCount: number): Promise<number[]>;
  setLearningRate(learningRate: number): void;
  /** Weights, step counter and optimizer state: what a fresh trainer needs to continue. */
  save(): Promise<{ weights: { a: ArrayLike<number>; W: ArrayLike<number>; b?: ArrayLike<number> }; stepsTaken: number; state: ArrayLike<number>[] }>;
  load(saved: Awaited<ReturnType<AnyTrainer['save']>>): Promise<void>;
  destroy(): void;
}

async function anyTrainer(backend: 'gpu' | 'float64', config: TwoLayerTrainerConfig): Promise<AnyTrainer> {
  const { data, init } = problem(config);
  if (backend === 'float64') {
    const trainer = new Float64Trainer(config, init, data);
    return {
      get learningRate() {
        return trainer.learningRate;
      },
      train: async (k) => Array.from(trainer.train(k)),
      setLearningRate: (lr) => trainer.setLearningRate(lr),
      save: async () => ({ weights: { ...trainer.weights }, stepsTaken: trainer.stepsTaken, state: trainer.optimizerStateArrays }),
      load: async (saved) => trainer.restore(saved.weights, saved.stepsTaken, saved.state),
      destroy: () => {},
    };
  }
  const trainer = await TwoLayerTrainer.create(await getTestGpu(), config, init, data);
  const f32 = (values: ArrayLike<number>) => Float32Array.from(values);
  return {
    get learningRate() {
      return trainer.learningRate;
    },
    train: async (k) => Array.from(await trainer.train(k)),
    setLearningRate: (lr) => trainer.setLearningRate(lr),
    save: async () => ({ weights: await trainer.readWeights(), stepsTaken: trainer.stepsTaken, state: await trainer.readOptimizerState() }),
    load: async ({ weights, stepsTaken, state }) =>
      trainer.restore({ a: f32(weights.a), W: f32(weights.W), ...(weights.b ? { b: f32(weights.b) } : {}) }, stepsTaken, state.map(f32)),
    destroy: () => trainer.destroy(),
  };
}

/**
 * `before` trains `stepsBefore` steps, then takes `rate` live; a fresh trainer made from `after` (a config whose
 * own rate is that rate) and given the same weights, step and optimizer state must then take the very same
 * steps, bit for bit: the live change trains at exactly the rates `after` configures.
 */
async function liveChangeRun(backend: 'gpu' | 'float64', before: TwoLayerTrainerConfig, stepsBefore: number, rate: number, after: TwoLayerTrainerConfig, stepsAfter = 10) {
  const changed = await anyTrainer(backend, before);
  const lossesBefore = await changed.train(stepsBefore);
  const saved = await changed.save();
  changed.setLearningRate(rate);
  expect(changed.learningRate).toBe(rate);
  const lossesAfter = await changed.train(stepsAfter);
  const fresh = await anyTrainer(backend, after);
  await fresh.load(saved);
  expect(await fresh.train(stepsAfter)).toEqual(lossesAfter);
  expect((await fresh.save()).weights).toEqual((await changed.save()).weights);
  changed.destroy();
  fresh.destroy();
  return { lossesBefore, lossesAfter, saved };
}

describe.each(['gpu', 'float64'] as const)('live learning-rate changes on the %s backend', (backend) => {
  const cosine = { kind: 'cosine', finalLearningRate: 0, decaySteps: 30, warmupSteps: 8 } as const;
  const frozenCases: [string, Partial<TwoLayerTrainerConfig>, number, boolean][] = [
    ['plain GD (fused)', {}, 0.05, true],
    ['Adam', { optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } }, 0.01, true],
    ['SAM over momentum, SGD B = 8', { optimizer: { kind: 'sam', rho: 0.05, epsilon: 1e-12, base: { kind: 'momentum', beta: 0.9 } }, batchSize: 8 }, 0.02, true],
    // Changed at step 4, inside the warm-up: steps 4..7 ramp the new base.
    ['GD under a cosine schedule with warm-up', { schedule: parseSchedule({ ...cosine, learningRate: 0 }) }, 0.1, true],
    // Started at 0 the linear ramp still climbs to lrT; the live rate becomes its start.
    ['GD under a linear schedule from 0', { schedule: parseSchedule({ kind: 'linear', learningRate: 0, finalLearningRate: 0.1, decaySteps: 20 }) }, 0.05, false],
    ['sphere (GD and the retraction)', { sphere: true }, 0.05, false],
  ];

  it.each(frozenCases)('a config rate of 0, then a live change, trains at the new rate: %s', async (_name, change, rate, frozen) => {
    const before = { ...base, ...change, learningRate: 0 };
    const schedule = before.schedule ? { schedule: withBaseRate(before.schedule, rate) } : {};
    const { lossesBefore, lossesAfter } = await liveChangeRun(backend, before, 4, rate, { ...before, learningRate: rate, ...schedule });
    // At rate 0 nothing moves (full batch: the same loss every step); at the new rate the loss falls.
    if (frozen && !before.batchSize) expect(new Set(lossesBefore).size).toBe(1);
    expect(lossesAfter.at(-1)!).toBeLessThan(lossesAfter[0]!);
  });

  const schedules: [string, Partial<TwoLayerTrainerConfig>, number][] = [
    ['GD, cosine with warm-up, changed inside the warm-up', { schedule: parseSchedule({ ...cosine, learningRate: 0.1, finalLearningRate: 0.01, warmupSteps: 5 }) }, 0.2],
    ['momentum, inverse-sqrt', { optimizer: { kind: 'momentum', beta: 0.9 }, schedule: parseSchedule({ kind: 'inverse-sqrt', learningRate: 0.02 }) }, 0.01],
    ['Adam, linear decay with warm-up', { optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }, schedule: parseSchedule({ kind: 'linear', learningRate: 0.01, finalLearningRate: 0.001, decaySteps: 20, warmupSteps: 2 }) }, 0.03],
  ];

  it.each(schedules)('a live change under a schedule runs the schedule from the new base: %s', async (_name, change, rate) => {
    const before = { ...base, ...change, learningRate: change.schedule!.learningRate };
    await liveChangeRun(backend, before, 3, rate, { ...before, learningRate: rate, schedule: withBaseRate(before.schedule!, rate) }, 12);
  });

  it("a live change moves JKO's tau with the rate (tau new / old)", async () => {
    const before = { ...base, jko: { tau: 0.2, innerSteps: 4, innerLearningRate: 0.02 } };
    const after = { ...before, learningRate: 0.1, jko: { ...before.jko, tau: jkoTau(before, 0.1) } };
    expect(after.jko.tau).toBe(0.4);
    await liveChangeRun(backend, before, 3, 0.1, after, 5);
  });

  it('refuses a rate no step can take, keeping the one it has', async () => {
    const trainer = await anyTrainer(backend, base);
    for (const rate of [-1, NaN, Infinity]) expect(() => trainer.setLearningRate(rate)).toThrow(InvalidLearningRateError);
    expect(trainer.learningRate).toBe(base.learningRate);
    trainer.destroy();
    const jko = await anyTrainer(backend, { ...base, jko: { tau: 0.2, innerSteps: 2, innerLearningRate: 0.02 } });
    expect(() => jko.setLearningRate(0)).toThrow(/JKO/);
    jko.destroy();
  });
});

describe('live learning-rate changes: GPU against float64', () => {
  it('a schedule changed mid-warm-up follows the reference', async () => {
    const config = { ...base, learningRate: 0.1, schedule: parseSchedule({ kind: 'cosine', learningRate: 0.1, finalLearningRate: 0.01, decaySteps: 30, warmupSteps: 5 }) };
    const curves = await Promise.all((['gpu', 'float64'] as const).map(async (backend) => {
      const trainer = await anyTrainer(backend, config);
      const losses = [...(await trainer.train(3))];
      trainer.setLearningRate(0.2);
      losses.push(...(await trainer.train(20)));
      trainer.destroy();
      return losses;
    }));
    expectClose(curves[0]!, curves[1]!, CURVE, 'loss curve with a live change');
  });

  it('both backends refuse a schedule that does not start at the configured rate', async () => {
    const config = { ...base, learningRate: 0.1, schedule: parseSchedule({ kind: 'constant', learningRate: 0.2 }) };
    const { data, init } = problem(config);
    await expect(TwoLayerTrainer.create(await getTestGpu(), config, init, data)).rejects.toThrow(/schedule\.learningRate.*starts at the run's rate/);
    expect(() => new Float64Trainer(config, init, data)).toThrow(/schedule\.learningRate.*starts at the run's rate/);
  });
});
