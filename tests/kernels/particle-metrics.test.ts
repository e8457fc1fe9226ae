import { describe, expect, it } from 'vitest';
import { KernelArgumentError } from '../../src/core/errors';
import { ACTIVITY_ROWS, STATS_ROWS, SUMMARY_SLOTS, activityMetrics, neuronMetrics, type NeuronArrays } from '../../src/kernels/particle-metrics';
import * as reference from '../../src/float64/particle-metrics';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { expectClose, reductionTolerance, testValues } from '../helpers/tolerance';

// Counts are integers: exact.
const EXACT = { abs: 0, rel: 0 };

function neurons(width: number, inputDim: number, hasBias: boolean, seed: number): NeuronArrays {
  const theta = { a: testValues(width, seed), W: testValues(width * inputDim, seed + 1) };
  return hasBias ? { ...theta, b: testValues(width, seed + 2) } : theta;
}

/** H = relu(values): about half the entries exactly 0 (inactive, sigma'(0) = 0 convention). */
function activations(count: number, seed: number): Float32Array {
  return testValues(count, seed).map((v) => Math.max(v, 0));
}

describe('particle-metrics', () => {
  // Widths inside one workgroup, and across several strides of the summary's 64 threads.
  it.each([
    [37, 5, false],
    [37, 5, true],
    [200, 3, true],
  ] as const)('neuron stats and their summary match the twin (m = %i, d = %i, bias %s)', async (width, inputDim, hasBias) => {
    const current = neurons(width, inputDim, hasBias, 10);
    const initial = neurons(width, inputDim, hasBias, 20);
    const livingThreshold = 0.1;
    const result = await onGpu('neuron metrics', (gpu) => neuronMetrics(gpu, current, initial, { width, inputDim, hasBias }, livingThreshold));
    const stats = reference.neuronStats(current, initial, width, inputDim);
    // Norms of d + 2 terms of size <= 4: f32 sums and one sqrt.
    const norms = reductionTolerance(inputDim + 2, 4);
    const row = (r: number) => result.stats.subarray(r * width, (r + 1) * width);
    expectClose(row(STATS_ROWS.magnitude), stats.magnitude, norms, 'magnitude');
    expectClose(row(STATS_ROWS.pathTerm), stats.pathTerm, norms, 'path term');
    expectClose(row(STATS_ROWS.displacement), stats.displacement, norms, 'displacement');
    const summary = reference.summarizeNeurons(stats, livingThreshold);
    // Sums over m neurons of O(d) terms.
    const sums = reductionTolerance(width * (inputDim + 2), 4);
    expectClose(
      [SUMMARY_SLOTS.maxDisplacement, SUMMARY_SLOTS.rmsDisplacement, SUMMARY_SLOTS.pathNorm, SUMMARY_SLOTS.maxMagnitude].map((slot) => result.summary[slot]!),
      [summary.maxDisplacement, summary.rmsDisplacement, summary.pathNorm, summary.maxMagnitude],
      sums,
      'summary',
    );
    expect(result.summary[SUMMARY_SLOTS.livingCount]).toBe(summary.livingCount);
    expect(summary.livingCount).toBeGreaterThan(0);
    expect(summary.livingCount).toBeLessThan(width);
  });

  it('counts living neurons against a fraction of the largest magnitude', async () => {
    // |a_j| |w_j| = 1, 0.05, 2, 0.3, 0 (w = (3, 4) / 5 scaled by a): with threshold 0.1 the floor is 0.2.
    const a = new Float32Array([1, 0.05, -2, 0.3, 0]);
    const W = new Float32Array([0.6, 0.8, 0.6, 0.8, -0.6, 0.8, 0.6, -0.8, 0.6, 0.8]);
    const theta = { a, W };
    const run = (threshold: number) => onGpu('living', (gpu) => neuronMetrics(gpu, theta, theta, { width: 5, inputDim: 2, hasBias: false }, threshold));
    expect((await run(0.1)).summary[SUMMARY_SLOTS.livingCount]).toBe(3);
    expect((await run(0)).summary[SUMMARY_SLOTS.livingCount]).toBe(4);
    expect((await run(0.6)).summary[SUMMARY_SLOTS.livingCount]).toBe(1);
    expect((await run(0.1)).summary[SUMMARY_SLOTS.maxDisplacement]).toBe(0);
  });

  it.each([
    [23, 37],
    [5, 130],
  ] as const)('activity counts match the twin (n = %i, m = %i)', async (sampleCount, width) => {
    const H = activations(sampleCount * width, 31);
    const H0 = activations(sampleCount * width, 32);
    // A neuron that never fires, and one whose pattern never changes.
    for (let i = 0; i < sampleCount; i++) {
      H[i * width + 2] = 0;
      H[i * width + 3] = H0[i * width + 3]!;
    }
    const result = await onGpu('activity', (gpu) => activityMetrics(gpu, H, H0, { sampleCount, width }));
    const activity = reference.neuronActivity(H, H0, sampleCount, width);
    const row = (r: number) => result.activity.subarray(r * width, (r + 1) * width);
    expectClose(row(ACTIVITY_ROWS.activeSamples), activity.activeSamples, EXACT, 'active samples');
    expectClose(row(ACTIVITY_ROWS.changedEntries), activity.changedEntries, EXACT, 'changed entries');
    const summary = reference.summarizeActivity(activity);
    expect([...result.activitySummary]).toEqual([summary.activatedCount, summary.changedEntryCount]);
    expect(summary.activatedCount).toBeLessThan(width);
  });

  it('rejects bad input before dispatching', async () => {
    const gpu = await getTestGpu();
    const theta = neurons(4, 3, false, 1);
    const shape = { width: 4, inputDim: 3, hasBias: false };
    await expect(neuronMetrics(gpu, theta, theta, { ...shape, width: 0 }, 0.1)).rejects.toThrow(KernelArgumentError);
    await expect(neuronMetrics(gpu, { ...theta, W: theta.W.subarray(1) }, theta, shape, 0.1)).rejects.toThrow(/'W' has 11 elements, expected 12/);
    await expect(neuronMetrics(gpu, theta, { ...theta, a: new Float32Array([0, NaN, 0, 0]) }, shape, 0.1)).rejects.toThrow(/'initial.a' contains NaN at index 1/);
    await expect(neuronMetrics(gpu, theta, theta, { ...shape, hasBias: true }, 0.1)).rejects.toThrow(/'b' is missing/);
    await expect(neuronMetrics(gpu, theta, theta, shape, -1)).rejects.toThrow(/'livingThreshold'/);
    await expect(activityMetrics(gpu, new Float32Array(6), new Float32Array(5), { sampleCount: 2, width: 3 })).rejects.toThrow(/'initialActivation' has 5 elements, expected 6/);
    await expect(activityMetrics(gpu, new Float32Array(6), new Float32Array(6), { sampleCount: 2, width: 2 ** 24 })).rejects.toThrow(/'width'.*2\^24/);
  });
});
