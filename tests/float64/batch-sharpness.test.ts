import { describe, expect, it } from 'vitest';
import { LOSS_KINDS, RANDOM_STREAMS, SCALINGS, type TrainableParts } from '../../src/core/conventions';
import { sampleBatchIndices } from '../../src/core/random';
import {
  batchSharpnessIndices,
  batchSharpnessSummary,
  directionalCurvature,
  estimateBatchSharpness,
  evaluatedBatchCount,
  type BatchDraw,
} from '../../src/float64/batch-sharpness';
import * as hessian from '../../src/float64/hessian';
import { gatherRows } from '../../src/float64/particles';
import * as twoLayer from '../../src/float64/two-layer';
import { makeCurvatureProblem, type CurvatureProblem, type ProblemSpec } from '../metrics/curvature-problems';

/**
 * The dense computation, written out: g from the float64 gradient with frozen coordinates dropped, H = denseHessian
 * of the batch loss (p columns of exact HVPs, restricted like g), then g^T H g / |g|^2 by plain loops. The estimator
 * instead takes one product H g; both are float64 sums of the same O(1) terms, so they agree to ~1e-15 relative:
 * 1e-12 has a wide margin and a lost factor, a wrong batch or an unmasked frozen block changes the ratio by O(1).
 */
const DENSE_TOLERANCE = 1e-12;

function denseRatio(problem: CurvatureProblem, X: ArrayLike<number>, y: ArrayLike<number>, n: number, options: twoLayer.TwoLayerOptions): number {
  const { width: m, inputDim: d, hasBias } = problem.spec;
  const p = hessian.parameterCount(m, d, hasBias);
  const gradient = twoLayer.gradients(problem.params, X, y, n, options);
  const mask = hessian.trainableMask(m, d, hasBias, options.trainable);
  const g = hessian.flattenParamVector({ a: gradient.gradA, W: gradient.gradW, ...(gradient.gradB ? { b: gradient.gradB } : {}) }).map((x, e) => (mask[e] ? x : 0));
  const H = hessian.denseHessian(problem.params, X, y, n, options);
  let gHg = 0;
  let gg = 0;
  for (let i = 0; i < p; i++) {
    gg += g[i]! * g[i]!;
    for (let k = 0; k < p; k++) gHg += g[i]! * H[i * p + k]! * g[k]!;
  }
  return gHg / gg;
}

function expectRelative(actual: number, expected: number, tolerance: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

const SMALL: Omit<ProblemSpec, 'loss' | 'scaling' | 'hasBias' | 'seed'> = { sampleCount: 9, width: 5, inputDim: 3 };
const combos = LOSS_KINDS.flatMap((loss) => SCALINGS.map((scaling) => [loss, scaling] as const));
const PARTS: TrainableParts[] = ['both', 'first', 'second'];

describe('batch sharpness reference (float64)', () => {
  it.each(combos)('g^T H g / |g|^2 of the whole loss matches the dense Hessian (%s loss, %s scaling, every trainable part)', (loss, scaling) => {
    for (const trainable of PARTS) {
      const problem = makeCurvatureProblem({ ...SMALL, loss, scaling, hasBias: true, trainable, seed: 3 });
      const { curvature, normSquared } = directionalCurvature(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options);
      expectRelative(curvature / normSquared, denseRatio(problem, problem.X, problem.y, SMALL.sampleCount, problem.options), DENSE_TOLERANCE, `${trainable}`);
    }
  });

  it('averages the dense ratios of the batches it draws, times m for mean-field, with their standard error', () => {
    const problem = makeCurvatureProblem({ ...SMALL, sampleCount: 13, loss: 'square', scaling: 'mean-field', hasBias: false, seed: 5 });
    const draw: BatchDraw = { seed: 4, sampleCount: 13, batchSize: 4, replace: false, batchCount: 6 };
    const step = 37;
    const estimate = estimateBatchSharpness(problem.params, problem.X, problem.y, problem.options, draw, step);
    const ratios = Array.from({ length: 6 }, (_, k) => {
      const { batchInputs, batchTargets } = gatherRows(problem.X, problem.y, batchSharpnessIndices(draw, step, k), 3);
      return denseRatio(problem, batchInputs, batchTargets, 4, problem.options);
    });
    ratios.forEach((ratio, k) => expectRelative(estimate.ratios[k]!, ratio, DENSE_TOLERANCE, `batch ${k}`));
    const mean = ratios.reduce((sum, r) => sum + r, 0) / 6;
    const sd = Math.sqrt(ratios.reduce((sum, r) => sum + (r - mean) ** 2, 0) / 5);
    expect(estimate.factor).toBe(5);
    expectRelative(estimate.batchSharpness, 5 * mean, DENSE_TOLERANCE, 'mean');
    expectRelative(estimate.standardError, (5 * sd) / Math.sqrt(6), 1e-10, 'standard error');
    // The batches differ, so the ratios do: a single repeated batch would leave a zero standard error.
    expect(estimate.standardError).toBeGreaterThan(0);
  });

  it('takes f0 of each gathered sample for a centered model', () => {
    const plain = makeCurvatureProblem({ ...SMALL, loss: 'logistic', scaling: 'ntk', hasBias: true, seed: 8 });
    const offset = twoLayer.forward(plain.params, plain.X, SMALL.sampleCount, plain.options).output.map((f) => 0.6 * f);
    const options = { ...plain.options, centered: true, outputOffset: offset };
    const draw: BatchDraw = { seed: 2, sampleCount: SMALL.sampleCount, batchSize: 3, replace: true, batchCount: 3 };
    const estimate = estimateBatchSharpness(plain.params, plain.X, plain.y, options, draw, 5);
    for (let k = 0; k < 3; k++) {
      const indices = batchSharpnessIndices(draw, 5, k);
      const { batchInputs, batchTargets } = gatherRows(plain.X, plain.y, indices, 3);
      const batchOffset = gatherRows(offset, offset, indices, 1).batchInputs;
      expectRelative(estimate.ratios[k]!, denseRatio(plain, batchInputs, batchTargets, 3, { ...options, outputOffset: batchOffset }), DENSE_TOLERANCE, `batch ${k}`);
    }
    // Without f0 the loss derivatives differ, and so does the ratio.
    const uncentered = estimateBatchSharpness(plain.params, plain.X, plain.y, plain.options, draw, 5);
    expect(Math.abs(uncentered.batchSharpness - estimate.batchSharpness)).toBeGreaterThan(1e-3 * Math.abs(estimate.batchSharpness));
  });

  it('draws batches as SGD does, from a stream of its own, fresh per batch and per step; B = n is the whole set, once', () => {
    const draw: BatchDraw = { seed: 9, sampleCount: 20, batchSize: 5, replace: false, batchCount: 8 };
    const batches = Array.from({ length: 8 }, (_, k) => Array.from(batchSharpnessIndices(draw, 3, k)));
    for (const batch of batches) {
      expect(new Set(batch).size).toBe(5);
      for (const i of batch) expect(i >= 0 && i < 20).toBe(true);
    }
    expect(new Set(batches.map((batch) => batch.join())).size).toBe(8);
    expect(Array.from(batchSharpnessIndices(draw, 3, 2))).toEqual(batches[2]);
    expect(Array.from(batchSharpnessIndices(draw, 4, 2))).not.toEqual(batches[2]);
    // Not the training stream: measuring never replays (or moves) SGD's own batches.
    expect(hessian.HESSIAN_RANDOM_STREAMS.batchSharpness).not.toBe(RANDOM_STREAMS.minibatch);
    expect(batches).not.toContainEqual(Array.from(sampleBatchIndices(9, RANDOM_STREAMS.minibatch, 3, 20, 5, false)));
    const whole: BatchDraw = { ...draw, batchSize: 20 };
    expect(evaluatedBatchCount(whole)).toBe(1);
    expect(Array.from(batchSharpnessIndices(whole, 3, 0))).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // With replacement even B = n is a random batch.
    expect(evaluatedBatchCount({ ...whole, replace: true })).toBe(8);
    expect(() => batchSharpnessIndices(draw, 3, 8)).toThrow(RangeError);
  });

  it('leaves out batches whose gradient is zero, and is NaN when every one is', () => {
    const summary = batchSharpnessSummary([{ curvature: 6, normSquared: 2 }, { curvature: 0, normSquared: 0 }, { curvature: 2, normSquared: 2 }], 1);
    expect(summary.batchSharpness).toBe(2);
    expect(Number.isNaN(summary.ratios[1])).toBe(true);
    expect(summary.standardError).toBeCloseTo(Math.sqrt(2 / 2), 12);
    expect(batchSharpnessSummary([{ curvature: 0, normSquared: 0 }], 3).batchSharpness).toBeNaN();
    expect(batchSharpnessSummary([{ curvature: 4, normSquared: 2 }], 3)).toMatchObject({ batchSharpness: 6, standardError: 0 });
  });
});

