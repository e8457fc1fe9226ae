import { describe, expect, it } from 'vitest';
import { teacherTrainingSet } from '../../helpers/teacher-training-set';
import { initialWeights } from '../../../src/core/initialization';
import { KernelArgumentError } from '../../../src/core/errors';
import { TwoLayerTrainer } from '../../../src/models/two-layer/trainer';
import { Float64Trainer } from '../../../src/float64/two-layer-trainer';
import type { TrainingSet, TwoLayerTrainerConfig } from '../../../src/core/network';
import { MULTI_STEP_MAX_INPUT_DIM } from '../../../src/core/step-kernels';
import { onGpu } from '../../helpers/gpu';
import { expectClose } from '../../helpers/tolerance';

/**
 * The multi-step kernel (K steps per dispatch, one workgroup) against the float64 twin. Its sums run in
 * another order than the unfused passes (s_m a_j factored out of the gradient sums, z recomputed in the
 * backward), so it is compared with float64 at the trainer tests' float32 tolerance: 50 steps of GD carry
 * rounding of about 1e-7 relative per step forward; measured worst gaps 1e-7 to 3e-6 relative; 1e-4 leaves
 * a wide margin while a wrong scale, index, mask or batch moves the curve by percents.
 */
const CURVE = { abs: 1e-7, rel: 1e-4 };
const WEIGHTS = { abs: 1e-4, rel: 1e-3 };
const STEPS = 50;

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
  stepKernel: 'multi-step',
};

function problem(config: TwoLayerTrainerConfig): { data: TrainingSet; init: ReturnType<typeof initialWeights> } {
  const data = teacherTrainingSet({ seed: config.seed, sampleCount: config.sampleCount, inputDim: config.inputDim, loss: config.loss });
  return { data, init: initialWeights({ seed: config.seed, width: config.width, inputDim: config.inputDim, hasBias: config.hasBias }) };
}

/** Trains `chunks` (step counts, one submit each) on the GPU; returns the losses, the weights and the kernel used. */
async function gpuRun(config: TwoLayerTrainerConfig, chunks: readonly number[] = [STEPS]) {
  const { data, init } = problem(config);
  return onGpu('multi-step', async (gpu) => {
    const trainer = await TwoLayerTrainer.create(gpu, config, init, data);
    try {
      const losses: number[] = [];
      for (const count of chunks) losses.push(...(await trainer.train(count)));
      return { losses: Float32Array.from(losses), weights: await trainer.readWeights(), kernel: trainer.stepKernel, init };
    } finally {
      trainer.destroy();
    }
  });
}

function referenceRun(config: TwoLayerTrainerConfig, steps = STEPS) {
  const { data, init } = problem(config);
  const reference = new Float64Trainer(config, init, data);
  return { losses: reference.train(steps), weights: reference.weights };
}

describe('multi-step kernel: GPU against the float64 twin', () => {
  const cases: [string, Partial<TwoLayerTrainerConfig>][] = [
    ['mean-field, square, GD', {}],
    ['ntk, square, GD, bias', { scaling: 'ntk', hasBias: true, learningRate: 0.2 }],
    ['standard, logistic, GD, first layer only', { scaling: 'standard', loss: 'logistic', trainable: 'first' }],
    ['mean-field, exponential, GD, alpha 2', { loss: 'exponential', alpha: 2, learningRate: 0.02 }],
    ['SGD B = 8 without replacement', { batchSize: 8 }],
    ['ntk, SGD B = 5 with replacement, bias', { scaling: 'ntk', batchSize: 5, withReplacement: true, hasBias: true, learningRate: 0.1 }],
    ['d = 2', { inputDim: 2 }],
    ['m = 1', { width: 1, hasBias: true, learningRate: 0.2 }],
    ['n = 1, d = 1 (batch of one sample)', { sampleCount: 1, inputDim: 1, hasBias: true }],
    // Seed 3: the one neuron is active on the one sample (at seed 7 it starts dead and nothing moves).
    ['m = 1, n = 1, d = 1', { width: 1, sampleCount: 1, inputDim: 1, hasBias: true, learningRate: 0.2, seed: 3 }],
    // More neurons and samples than the workgroup's 64 threads, neither a multiple of it.
    ['m = 131, n = 150, bias, SGD B = 97', { width: 131, sampleCount: 150, hasBias: true, batchSize: 97 }],
    [`d = ${MULTI_STEP_MAX_INPUT_DIM} (the widest compiled)`, { inputDim: MULTI_STEP_MAX_INPUT_DIM, width: 9, learningRate: 0.02 }],
    ['ntk, GD, centered alpha 4', { scaling: 'ntk', centered: true, alpha: 4, learningRate: 0.2 / 16 }],
    ['SGD B = 8, centered alpha 4, bias', { centered: true, alpha: 4, batchSize: 8, hasBias: true, learningRate: 0.05 / 16 }],
    ['GD under a cosine schedule with warm-up', { schedule: { kind: 'cosine', learningRate: 0.1, warmupSteps: 5, finalLearningRate: 0.01, decaySteps: 30 }, learningRate: 0.1 }],
  ];

  it.each(cases)('%s: 50-step loss curve and final weights agree', async (_name, change) => {
    const config = { ...base, ...change };
    const gpu = await gpuRun(config);
    const reference = referenceRun(config);
    expect(gpu.kernel).toBe('multi-step');
    expectClose(gpu.losses, reference.losses, CURVE, 'loss curve');
    expectClose(gpu.weights.a, reference.weights.a, WEIGHTS, 'a');
    expectClose(gpu.weights.W, reference.weights.W, WEIGHTS, 'W');
    if (config.hasBias) expectClose(gpu.weights.b!, reference.weights.b!, WEIGHTS, 'b');
    const head = gpu.losses.slice(0, 10).reduce((s, v) => s + v, 0);
    const tail = gpu.losses.slice(-10).reduce((s, v) => s + v, 0);
    expect(tail).toBeLessThan(head);
  });

  it('the second layer alone (random features) leaves W bit-identical', async () => {
    const run = await gpuRun({ ...base, trainable: 'second', hasBias: true });
    expect(Array.from(run.weights.W)).toEqual(Array.from(run.init.W));
    expect(Array.from(run.weights.b!)).toEqual(Array.from(run.init.b!));
    expect(Array.from(run.weights.a)).not.toEqual(Array.from(run.init.a));
  });
});

describe('multi-step kernel: bitwise reproducible', () => {
  const config = { ...base, hasBias: true, batchSize: 11 };

  it('two runs agree bit for bit, and so do any split into dispatches and submits', async () => {
    const once = await gpuRun(config);
    const again = await gpuRun(config);
    const shortDispatches = await gpuRun({ ...config, stepsPerDispatch: 7 });
    const chunked = await gpuRun(config, [13, 1, 36]);
    for (const other of [again, shortDispatches, chunked]) {
      expect(Array.from(other.losses)).toEqual(Array.from(once.losses));
      expect(Array.from(other.weights.W)).toEqual(Array.from(once.weights.W));
      expect(Array.from(other.weights.a)).toEqual(Array.from(once.weights.a));
      expect(Array.from(other.weights.b!)).toEqual(Array.from(once.weights.b!));
    }
  });

  it('draws the same minibatches as the unfused step (the curves agree to float32 rounding)', async () => {
    const fused = await gpuRun(config);
    const unfused = await gpuRun({ ...config, stepKernel: 'unfused' });
    expect(unfused.kernel).toBe('unfused');
    expectClose(fused.losses, unfused.losses, CURVE, 'loss curve');
  });

  it('restoring a checkpoint (weights and step counter) continues the same trajectory bit for bit', async () => {
    const { data, init } = problem(config);
    const [whole, resumed] = await onGpu('multi-step restore', async (gpu) => {
      const first = await TwoLayerTrainer.create(gpu, config, init, data);
      await first.train(20);
      const checkpoint = await first.readWeights();
      const whole = await first.train(30);
      first.destroy();
      const second = await TwoLayerTrainer.create(gpu, config, init, data);
      await second.restore(checkpoint, 20);
      const resumed = await second.train(30);
      second.destroy();
      return [whole, resumed];
    });
    expect(Array.from(resumed)).toEqual(Array.from(whole));
  });
});

describe('multi-step kernel: what it declines', () => {
  const declined: [string, Partial<TwoLayerTrainerConfig>, RegExp][] = [
    ['Adam', { optimizer: { kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } }, /optimizer rule 'adam' needs the unfused step/],
    ['JKO', { jko: { tau: 0.2, innerSteps: 4, innerLearningRate: 0.02 } }, /JKO steps need the unfused step/],
    ['the sphere', { sphere: true }, /model.sphere needs the unfused step/],
    [`d = ${MULTI_STEP_MAX_INPUT_DIM + 1}`, { inputDim: MULTI_STEP_MAX_INPUT_DIM + 1 }, new RegExp(`d <= ${MULTI_STEP_MAX_INPUT_DIM}; d = ${MULTI_STEP_MAX_INPUT_DIM + 1} needs the unfused step`)],
  ];

  it.each(declined)('%s: stepKernel multi-step is refused with the reason', async (_name, change, reason) => {
    const config = { ...base, ...change };
    const { data, init } = problem(config);
    const error = await onGpu('multi-step declined', (gpu) => TwoLayerTrainer.create(gpu, config, init, data).then(() => undefined, (e: unknown) => e));
    expect(error).toBeInstanceOf(KernelArgumentError);
    expect(String((error as Error).message)).toMatch(/stepKernel/);
    expect(String((error as Error).message)).toMatch(reason);
  });
});
