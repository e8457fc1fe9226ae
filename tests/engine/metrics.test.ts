import { describe, expect, it } from 'vitest';
import { METRIC_NAMES, parseConfig } from '../../src/config/schema';
import { runExperiment } from '../../src/engine/run-experiment';
import { getTestGpu } from '../helpers/gpu';
import { expectClose } from '../helpers/tolerance';

/** Every logged metric on both backends from the same seed: the GPU path against the float64 one. */
describe('metrics at logged steps, GPU against reference', () => {
  const base = {
    steps: 30,
    stepsPerSubmit: 10,
    loss: 'logistic',
    model: { width: 24, scaling: 'mean-field' },
    data: { kind: 'linear-separable', sampleCount: 40, testCount: 16, inputDim: 3, margin: 0.1 },
    optimizer: { learningRate: 0.5 },
    metrics: { every: 10, names: [...METRIC_NAMES] },
  };

  it('agree on every metric, and the particle metrics say what they should', async () => {
    const gpu = await runExperiment(parseConfig({ ...base, backend: 'gpu' }), { requestGpu: getTestGpu });
    const cpu = await runExperiment(parseConfig({ ...base, backend: 'reference' }), { requestGpu: getTestGpu });
    expect(gpu.metrics.map((row) => row.step)).toEqual([0, 10, 20, 30]);
    for (const name of METRIC_NAMES) {
      const g = gpu.metrics.map((row) => row[name]!);
      const c = cpu.metrics.map((row) => row[name]!);
      // Continuous metrics: float32 training over 30 steps (see the trainer tests) plus reductions.
      // Counts (neurons, clusters) are exact unless a value sits on a threshold, which these seeds avoid.
      expectClose(g, c, { abs: 1e-5, rel: 1e-3 }, name);
    }
    const [first, last] = [gpu.metrics[0]!, gpu.metrics.at(-1)!];
    expect(first.distanceFromInitMax).toBe(0);
    expect(first.maskChangeFraction).toBe(0);
    expect(last.distanceFromInitMax).toBeGreaterThan(0);
    expect(last.distanceFromInitRms).toBeLessThanOrEqual(last.distanceFromInitMax!);
    expect(last.livingNeurons).toBeGreaterThan(0);
    expect(last.livingNeurons).toBeLessThanOrEqual(24);
    expect(last.activatedNeurons).toBeLessThanOrEqual(24);
    expect(last.accuracy).toBeGreaterThan(first.accuracy!);
    expect(Number.isFinite(last.margin)).toBe(true);
  });
});
