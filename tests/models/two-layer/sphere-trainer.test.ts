/**
 * model.sphere (docs/science.md section 1, E-Ma-Wu particles on the circle): plain GD followed by the
 * retraction w_j <- w_j / |w_j|, on the GPU (update_neurons + normalize_rows) against the float64
 * reference trainer, from the same von Mises initialization with a = 1.
 */
import { describe, expect, it } from 'vitest';
import { KernelArgumentError } from '../../../src/core/errors';
import { initialWeights } from '../../../src/core/initialization';
import { TwoLayerTrainer } from '../../../src/models/two-layer/trainer';
import { type TrainingSet, type TwoLayerTrainerConfig } from '../../../src/core/network';
import { Float64Trainer } from '../../../src/float64/two-layer-trainer';
import { parseConfig } from '../../../src/config/schema';
import { getTestGpu, onGpu } from '../../helpers/gpu';
import { expectClose, testValues } from '../../helpers/tolerance';

const STEPS = 50;
/** As tests/model/two-layer-trainer.test.ts: 50 float32 steps against float64 (measured gaps ~1e-7 relative); the retraction adds a few ulps per step. */
const CURVE = { abs: 1e-7, rel: 1e-4 };
const WEIGHTS = { abs: 1e-4, rel: 1e-3 };

const base: TwoLayerTrainerConfig = {
  width: 29,
  inputDim: 2,
  sampleCount: 41,
  scaling: 'mean-field',
  loss: 'square',
  hasBias: false,
  trainable: 'first',
  learningRate: 0.5,
  seed: 5,
  sphere: true,
};

/** Inputs on the unit circle, y = |x| / pi = 1 / pi (the uniform measure's output, E-Ma-Wu's f*). */
function circleData(n: number): TrainingSet {
  const angles = testValues(n, 3).map((v) => Math.PI * v);
  const X = new Float32Array(2 * n);
  angles.forEach((t, i) => ((X[2 * i] = Math.cos(t)), (X[2 * i + 1] = Math.sin(t))));
  return { X, y: new Float32Array(n).fill(1 / Math.PI) };
}

describe('two-layer trainer on the sphere: GPU against the float64 reference', () => {
  it.each<[string, Partial<TwoLayerTrainerConfig>]>([
    ['first layer only, a = 1', {}],
    ['both layers', { trainable: 'both', learningRate: 0.2 }],
  ])('%s: 50-step loss curves and final weights agree, rows stay unit', async (_name, change) => {
    const config = { ...base, ...change };
    const init = initialWeights({ seed: config.seed, width: config.width, inputDim: 2, hasBias: false, aValue: 1, directions: { kind: 'von-mises', kappa: 2, meanAngle: 0.3 } });
    const data = circleData(config.sampleCount);
    const { losses, weights } = await onGpu('sphere trainer', async (gpu) => {
      const trainer = await TwoLayerTrainer.create(gpu, config, init, data);
      const out = { losses: await trainer.train(STEPS), weights: await trainer.readWeights() };
      trainer.destroy();
      return out;
    });
    const reference = new Float64Trainer(config, init, data);
    const referenceLosses = reference.train(STEPS);
    expectClose(losses, referenceLosses, CURVE, 'loss curve');
    expectClose(weights.W, reference.weights.W, WEIGHTS, 'W');
    expectClose(weights.a, reference.weights.a, WEIGHTS, 'a');
    for (let j = 0; j < config.width; j++) expect(Math.hypot(weights.W[2 * j]!, weights.W[2 * j + 1]!)).toBeCloseTo(1, 6);
    if (config.trainable === 'first') expect(Array.from(weights.a)).toEqual(Array.from(init.a));
    expect(losses[STEPS - 1]!).toBeLessThan(0.5 * losses[0]!);
  });

  it('rejects combinations the retraction does not support', async () => {
    const gpu = await getTestGpu();
    const init = initialWeights({ seed: 1, width: 29, inputDim: 2, hasBias: false });
    const data = circleData(41);
    await expect(TwoLayerTrainer.create(gpu, { ...base, optimizer: { kind: 'momentum', beta: 0.9 } }, init, data)).rejects.toThrow(KernelArgumentError);
    await expect(TwoLayerTrainer.create(gpu, { ...base, trainable: 'second' }, init, data)).rejects.toThrow(/'sphere'.*trained first layer/);
    expect(() => new Float64Trainer({ ...base, jko: { tau: 0.1, innerSteps: 2, innerLearningRate: 0.01 } }, init, data)).toThrow(/sphere needs plain GD/);
    expect(() => parseConfig({ model: { sphere: true, trainable: 'second' } })).toThrow(/model.sphere/);
    expect(() => parseConfig({ model: { sphere: true }, optimizer: { rule: 'adam' } })).toThrow(/model.sphere needs plain GD/);
    expect(() => parseConfig({ model: { sphere: true, bias: true } })).toThrow(/bias-free/);
    expect(parseConfig({ model: { sphere: true, trainable: 'first', init: { aValue: 1, directions: { kind: 'von-mises', kappa: 2 } } } }).model).toMatchObject({ sphere: true });
  });

  it('von Mises directions are unit, deterministic, concentrated around the mean angle, and need d = 2', () => {
    const spec = { kind: 'von-mises', kappa: 4, meanAngle: 1 } as const;
    const first = initialWeights({ seed: 9, width: 2000, inputDim: 2, hasBias: false, aValue: 1, directions: spec });
    const again = initialWeights({ seed: 9, width: 2000, inputDim: 2, hasBias: false, aValue: 1, directions: spec });
    expect(Array.from(again.W)).toEqual(Array.from(first.W));
    expect(Array.from(first.a).every((a) => a === 1)).toBe(true);
    let c = 0;
    let s = 0;
    for (let j = 0; j < 2000; j++) {
      expect(Math.hypot(first.W[2 * j]!, first.W[2 * j + 1]!)).toBeCloseTo(1, 6);
      c += first.W[2 * j]!;
      s += first.W[2 * j + 1]!;
    }
    // Mean resultant length I1(4)/I0(4) = 0.8635; 2000 draws: standard error ~0.005, so 0.02 is ~4 sigma.
    expect(Math.hypot(c, s) / 2000).toBeCloseTo(0.8635, 1);
    expect(Math.abs(Math.hypot(c, s) / 2000 - 0.8635)).toBeLessThan(0.02);
    expect(Math.atan2(s, c)).toBeCloseTo(1, 1);
    expect(() => initialWeights({ seed: 9, width: 4, inputDim: 3, hasBias: false, directions: spec })).toThrow(/inputDim 2/);
  });
});
