import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfigInput } from '../../../src/config/schema';
import { runExperiment } from '../../../src/run/run-experiment';
import { getTestGpu } from '../../helpers/gpu';

/** docs/science.md section 4's escape example as an experiment: SGD (B = 1, lr 0.7) leaves x = 1 for 0, GD stays. */
function escape(batchSize: number | undefined, backend: 'gpu' | 'float64'): ExperimentConfigInput {
  return {
    steps: 300,
    backend,
    model: {
      kind: 'landscape',
      spec: { kind: 'escape', particleCount: 256, learningRate: 0.7, ...(batchSize ? { batchSize } : {}), exitAnchor: [1], exitRadius: 0.5, seed: 3 },
      start: { point: [1 - 1e-5] },
      target: [0],
      targetRadius: 1e-3,
    },
    metrics: { every: 100, names: ['meanValue', 'escapedFraction', 'nearTargetFraction', 'meanSquaredNorm'] },
  };
}

describe('landscape experiments', () => {
  it.each(['gpu', 'float64'] as const)('the f1/f2 escape on the %s backend: SGD escapes to 0, GD stays at 1', async (backend) => {
    const sgd = await runExperiment(parseConfig(escape(1, backend)), { requestGpu: getTestGpu });
    const gd = await runExperiment(parseConfig(escape(undefined, backend)), { requestGpu: getTestGpu });
    expect(sgd.metrics.map((row) => row.step)).toEqual([0, 100, 200, 300]);
    expect(sgd.metrics[0]!.escapedFraction).toBe(0);
    expect(sgd.metrics.at(-1)!.escapedFraction).toBeGreaterThan(0.95);
    expect(sgd.metrics.at(-1)!.nearTargetFraction).toBeGreaterThan(0.95);
    expect(gd.metrics.at(-1)!.escapedFraction).toBe(0);
    expect(gd.metrics.at(-1)!.nearTargetFraction).toBe(0);
    expect(gd.metrics.at(-1)!.meanSquaredNorm).toBeCloseTo(1, 3);
  });

  it('logs only landscape metrics for a landscape model, and says which are allowed', () => {
    expect(() => parseConfig({ ...escape(1, 'gpu'), metrics: { names: ['loss'] } })).toThrow(/metrics\.names\.0.*loss is not logged for a landscape model/);
    expect(parseConfig({ model: escape(1, 'gpu').model }).metrics.names).toEqual(['meanValue', 'meanSquaredNorm', 'escapedFraction']);
    expect(() => parseConfig({ model: { kind: 'landscape', spec: { kind: 'escape', particleCount: 4 }, start: { point: [1] } } })).toThrow(/model\.spec\.learningRate/);
  });
});
