/**
 * activatedOnNegative (src/models/two-layer/neuron-metrics.ts): positive neurons active, with cosine above ACTIVE_COSINE, on
 * at least one negative sample; through the evaluator table by name.
 */
import { describe, expect, it } from 'vitest';
import { ACTIVE_COSINE, activatedOnNegative } from '../../../src/models/two-layer/neuron-metrics';
import { evaluateTwoLayerMetrics } from '../../../src/models/two-layer/evaluate-metrics';
import { metricSourceOf } from '../../helpers/metric-source';

// Samples (d = 2): x0 = e1 positive, x1 = e2 negative, x2 = -e2 negative.
const train = { X: new Float32Array([1, 0, 0, 1, 0, -1]), y: new Float32Array([1, -1, -1]) };

describe('activatedOnNegative', () => {
  it('counts a_j > 0 neurons whose w_j . x_i > ACTIVE_COSINE |w_j||x_i| for some y_i < 0', () => {
    const eps = ACTIVE_COSINE / 2;
    const weights = {
      a: new Float64Array([1, 1, -1, 1, 1, 1]),
      W: new Float64Array([
        1, 1, // positive, active on x1: counted
        1, -1, // positive, active on x2: counted
        0, 1, // negative a: not counted
        1, 0, // positive, on the kink of both negatives: not counted
        1, eps, // positive, inside by cosine ~ eps < ACTIVE_COSINE: not counted (kink flicker)
        1, 4 * ACTIVE_COSINE, // positive, cosine ~ 0.04 > 0.01: counted
      ]),
    };
    expect(activatedOnNegative(weights, train, 6, 2)).toBe(3);
  });

  it('includes the bias in the pre-activation, is NaN without +-1 labels, and is served by name', async () => {
    const weights = { a: new Float32Array([1]), W: new Float32Array([1, 0]), b: new Float32Array([0.5]) };
    expect(activatedOnNegative(weights, train, 1, 2)).toBe(1);
    expect(activatedOnNegative(weights, { ...train, y: new Float32Array([0.3, -1, -1]) }, 1, 2)).toBeNaN();
    // Only the weights are given: the particle kernels and every other computation refuse.
    const source = metricSourceOf({ settings: { width: 1, inputDim: 2, scaling: 'standard' }, train, weights: async () => weights });
    for (const backend of ['gpu', 'float64'] as const) expect(await evaluateTwoLayerMetrics(['activatedOnNegative'], source, backend)).toEqual({ activatedOnNegative: 1 });
  });
});
