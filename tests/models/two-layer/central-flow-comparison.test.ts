import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/errors';
import { parseConfig } from '../../../src/config/schema';
import { compareWithCentralFlow } from '../../../src/models/two-layer/central-flow-comparison';
import { runExperiment } from '../../../src/run/run-experiment';

/** A small net memorizing random labels, fast enough to compare every few steps (the edge-of-stability preset's setting, shrunk). */
const base = {
  name: 'central-flow-comparison',
  seed: 3,
  steps: 40,
  backend: 'float64',
  loss: 'square',
  model: { width: 6, scaling: 'standard', init: { aStd: 0.3, wScale: 0.5 } },
  data: { kind: 'teacher-student', sampleCount: 12, inputDim: 3, teacher: { kind: 'explicit', a: [0], W: [[1, 0, 0]] }, labelNoiseStd: 1 },
  optimizer: { rule: 'gd', learningRate: 0.1 },
  metrics: { every: 10, names: ['loss'] },
} as const;

describe('compareWithCentralFlow', () => {
  it("replays the float64 run's GD exactly and averages over the centred window", async () => {
    const config = parseConfig(base);
    const run = await runExperiment(config);
    const comparison = await compareWithCentralFlow(config, { window: 3, sampleEvery: 5 });
    // The same trainer from the same problem: bitwise the run's step losses.
    expect(Array.from(comparison.gdLosses)).toEqual(run.stepLosses);
    // Samples from W to steps - W - 1, every sampleEvery.
    expect(comparison.samples.map((s) => s.step)).toEqual([3, 8, 13, 18, 23, 28, 33]);
    const sample = comparison.samples[2]!;
    const windowLosses = run.stepLosses.slice(10, 17);
    expect(sample.gdMeanLoss).toBeCloseTo(windowLosses.reduce((s, v) => s + v, 0) / 7, 14);
    expect(sample.gdDisplacement).toBeGreaterThan(0);
  });

  it('is gradient flow while lr * sharpness stays far below 2: sigma^2 = 0 and the two flows coincide', async () => {
    // lr 0.01: lr * sharpness ~ 0.05, so the projection never acts and both flows are Euler on the same field
    // (4 substeps each: GradientFlow adds substeps only past lr * S = 2), hence the same weights.
    const config = parseConfig({ ...base, optimizer: { rule: 'gd', learningRate: 0.01 } });
    const comparison = await compareWithCentralFlow(config, { window: 2, sampleEvery: 10 });
    expect(Math.max(...comparison.centralVariance)).toBe(0);
    for (const sample of comparison.samples) {
      expect(sample.centralSharpness * 0.01).toBeLessThan(0.5);
      expect(sample.centralDistance).toBeCloseTo(sample.gradientFlowDistance, 12);
      expect(sample.predictedMeanLoss).toBeGreaterThan(0);
    }
  });

  it('refuses runs whose steps are not plain full-batch GD, naming the field', async () => {
    const sgd = parseConfig({ ...base, optimizer: { rule: 'gd', learningRate: 0.1, batchSize: 4 } });
    await expect(compareWithCentralFlow(sgd, { window: 2, sampleEvery: 5 })).rejects.toThrow(ConfigError);
    await expect(compareWithCentralFlow(sgd, { window: 2, sampleEvery: 5 })).rejects.toThrow(/optimizer\.batchSize/);
    await expect(compareWithCentralFlow(parseConfig(base), { window: 0, sampleEvery: 5 })).rejects.toThrow(RangeError);
  });
});
