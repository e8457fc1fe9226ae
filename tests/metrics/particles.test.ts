import { describe, expect, it } from 'vitest';
import { directionClusters, particleMetrics, particleMetricsFloat64 } from '../../src/metrics/particles';
import { initialWeights } from '../../src/core/initialization';
import { forward, trainStep, type TwoLayerParams } from '../../src/float64/two-layer';
import { getTestGpu, onGpu } from '../helpers/gpu';
import { expectClose, reductionTolerance, testValues } from '../helpers/tolerance';

describe('direction clusters', () => {
  // Neurons 0-2 near e1, 3-4 near e2, 5 near -e1, 6 dead (not a member) along (1, 1), 7 with w = 0.
  const W = new Float64Array([1, 0.01, 2, -0.02, 0.5, 0, 0.01, 1, -0.03, 3, -1, 0.05, 1, 1, 0, 0]);
  const members = [true, true, true, true, true, true, false, true];
  const magnitude = [1, 2, 0.5, 1, 3, 1, 0.01, 0];

  it('groups living neurons by angle, leaving out non-members and zero weights', () => {
    const clusters = directionClusters(W, 8, 2, members, magnitude);
    expect(clusters.count).toBe(3);
    expect(clusters.saturated).toBe(false);
    // Visited by decreasing magnitude: neuron 4 (e2) founds cluster 0, neuron 1 (e1) cluster 1, neuron 5 (-e1) cluster 2.
    expect([...clusters.labels]).toEqual([1, 1, 1, 0, 0, 2, -1, -1]);
  });

  it('merges more with a looser cosine and saturates at maxClusters', () => {
    // Every direction here is within 120 degrees of e2, the first founder.
    expect(directionClusters(W, 8, 2, members, magnitude, -0.5).count).toBe(1);
    const capped = directionClusters(W, 8, 2, members, magnitude, 0.99, 2);
    expect(capped.count).toBe(2);
    expect(capped.saturated).toBe(true);
    expect(capped.labels[5]).toBe(-1);
    expect(() => directionClusters(W, 8, 2, members, magnitude, 2)).toThrow(/cosine/);
  });
});

describe('particle metrics', () => {
  const width = 40;
  const inputDim = 3;
  const sampleCount = 30;
  const X = Float64Array.from(testValues(sampleCount * inputDim, 3));
  const y = Float64Array.from(testValues(sampleCount, 4));
  const options = { scaling: 'mean-field' as const, loss: 'square' as const, learningRate: 0.5 };

  /** theta(0) from the project initialiser, theta after `steps` float64 GD steps, and H at both on X. */
  function run(hasBias: boolean, steps: number) {
    const weights = initialWeights({ seed: 5, width, inputDim, hasBias });
    const initial: TwoLayerParams = {
      width,
      inputDim,
      a: Float64Array.from(weights.a),
      W: Float64Array.from(weights.W),
      ...(weights.b ? { b: Float64Array.from(weights.b) } : {}),
    };
    let current = initial;
    for (let t = 0; t < steps; t++) current = trainStep(current, X, y, sampleCount, options);
    const activation = (theta: TwoLayerParams) => new Float32Array(forward(theta, X, sampleCount, options).activation);
    const f32 = (theta: TwoLayerParams) => ({
      a: new Float32Array(theta.a),
      W: new Float32Array(theta.W),
      ...(theta.b ? { b: new Float32Array(theta.b) } : {}),
    });
    return { initial: f32(initial), current: f32(current), activations: { sampleCount, current: activation(current), initial: activation(initial) } };
  }

  it.each([false, true])('GPU metrics match the float64 twin after 20 mean-field steps (bias %s)', async (hasBias) => {
    const { initial, current, activations } = run(hasBias, 20);
    const gpu = await onGpu('particle metrics', (g) => particleMetrics(g, { width, inputDim }, current, initial, {}, activations));
    const cpu = particleMetricsFloat64({ width, inputDim }, current, initial, {}, activations);
    // Sums over m neurons of norms of d + 2 terms of size O(1).
    const sums = reductionTolerance(width * (inputDim + 2), 2);
    expectClose(
      [gpu.maxDisplacement, gpu.rmsDisplacement, gpu.pathNorm, gpu.maxMagnitude],
      [cpu.maxDisplacement, cpu.rmsDisplacement, cpu.pathNorm, cpu.maxMagnitude],
      sums,
      'summary',
    );
    expectClose(gpu.magnitudes, cpu.magnitudes, reductionTolerance(inputDim + 2, 2), 'magnitudes');
    expect([gpu.livingCount, gpu.clusterCount, gpu.activatedCount]).toEqual([cpu.livingCount, cpu.clusterCount, cpu.activatedCount]);
    expect(gpu.maskChangeFraction).toBe(cpu.maskChangeFraction);
    // The run moved the neurons and flipped some activation patterns, but not all.
    expect(cpu.maxDisplacement).toBeGreaterThan(0);
    expect(cpu.maskChangeFraction).toBeGreaterThan(0);
    expect(cpu.maskChangeFraction).toBeLessThan(0.5);
  });

  it('is zero distance and zero change at initialisation, with the path norm by hand', async () => {
    const { initial, activations } = run(true, 0);
    const metrics = await onGpu('metrics at init', (g) =>
      particleMetrics(g, { width, inputDim }, initial, initial, { livingThreshold: 0 }, { ...activations, current: activations.initial }),
    );
    expect([metrics.maxDisplacement, metrics.rmsDisplacement, metrics.maskChangeFraction]).toEqual([0, 0, 0]);
    let pathNorm = 0;
    for (let j = 0; j < width; j++) {
      const row = [...initial.W.subarray(j * inputDim, (j + 1) * inputDim), initial.b![j]!];
      pathNorm += Math.abs(initial.a[j]!) * Math.hypot(...row);
    }
    expectClose([metrics.pathNorm], [pathNorm], reductionTolerance(width * (inputDim + 2), 2), 'path norm');
    expect(metrics.livingCount).toBe(width);
  });

  it('checks the activations before any dispatch', async () => {
    const gpu = await getTestGpu();
    const { initial, activations } = run(false, 0);
    await expect(particleMetrics(gpu, { width, inputDim }, initial, initial, {}, { ...activations, current: activations.current.subarray(1) })).rejects.toThrow(
      /'activations.current' has 1199 elements, expected 1200/,
    );
  });
});
