import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/schema';
import { ConfigError } from '../../../src/config/errors';
import { linearLogSteps } from '../../../src/models/linear/problem';
import { linearModelSchema } from '../../../src/config/model-kinds';
import { runExperiment } from '../../../src/run/run-experiment';
import { getTestGpu } from '../../helpers/gpu';

const base = {
  seed: 3,
  steps: 300,
  loss: 'logistic',
  model: { kind: 'linear' },
  data: { kind: 'linear-separable', sampleCount: 20, inputDim: 3, inputs: 'gaussian', margin: 0.2 },
  optimizer: { rule: 'normalized-gd', learningRate: 1 },
  metrics: { names: ['loss', 'logLoss', 'margin', 'marginGap', 'weightNorm'] },
} as const;

describe('linear model experiments', () => {
  it('validates metric names per model kind', () => {
    expect(() => parseConfig({ ...base, metrics: { names: ['sharpness'] } })).toThrow(/sharpness is not logged for a linear model/);
    expect(() => parseConfig({ metrics: { names: ['marginGap'] } })).toThrow(/marginGap is not logged for a two-layer model/);
  });

  it('logs at log-spaced steps including 0 and the last', () => {
    const model = linearModelSchema.parse({ kind: 'linear', pointsPerDecade: 2 });
    expect(linearLogSteps(model, 1000, 10)).toEqual([0, 1, 3, 10, 32, 100, 316, 1000]);
    expect(linearLogSteps({ ...model, logging: 'every' }, 25, 10)).toEqual([0, 10, 20, 25]);
  });

  it('rejects rules and losses without a linear form', async () => {
    await expect(runExperiment(parseConfig({ ...base, optimizer: { rule: 'adam' } }))).rejects.toThrow(ConfigError);
    await expect(runExperiment(parseConfig({ ...base, loss: 'square' }))).rejects.toThrow(/logistic/);
  });

  // Gaussian inputs are scaled to max |x_i| = 1; the GPU's float32 run follows the float64 one to about
  // 1e-5 relative in w after 300 steps (T * 2^-24 * a few), so the logged metrics agree to 1e-3.
  it('the GPU run matches the reference backend, and the gap shrinks under normalized GD', async () => {
    const gpu = await runExperiment(parseConfig(base), { requestGpu: getTestGpu });
    const ref = await runExperiment(parseConfig({ ...base, backend: 'float64' }));
    expect(gpu.metrics.map((r) => r.step)).toEqual(ref.metrics.map((r) => r.step));
    gpu.metrics.forEach((row, i) => {
      for (const name of ['logLoss', 'margin', 'marginGap', 'weightNorm']) {
        const expected = ref.metrics[i]![name]!;
        if (Number.isNaN(expected)) expect(row[name]).toBeNaN();
        else expect(Math.abs(row[name]! - expected)).toBeLessThan(1e-3 * Math.max(1, Math.abs(expected)));
      }
    });
    const last = ref.metrics.at(-1)!;
    expect(last.marginGap!).toBeGreaterThanOrEqual(-1e-9);
    expect(last.marginGap!).toBeLessThan(ref.metrics[1]!.marginGap! / 10);
  });
});
