import { describe, expect, it } from 'vitest';
import { LOSS_KINDS, SCALINGS, type TrainableParts } from '../../src/core/conventions';
import { symmetricEigen } from '../../src/core/spectrum';
import * as hessian from '../../src/float64/hessian';
import { hessianFormGradient, lossThirdDerivative } from '../../src/float64/sharpness-gradient';
import type { TwoLayerParams } from '../../src/float64/two-layer';
import { testValues } from '../helpers/tolerance';
import { makeCurvatureProblem, type CurvatureProblem } from '../metrics/curvature-problems';

/**
 * Central differences of Q(theta) = v^T Hess L(theta) v, one coordinate at a time. Away from the kinks Q is smooth
 * (a polynomial in the weights for the square loss), so the truncation error is h^2 |Q'''| / 6 ~ 1e-12 and the
 * rounding error eps |Q| / h ~ 1e-10 for the O(1) values here: 1e-7 (absolute plus relative) has a wide margin
 * and still catches a wrong factor or a dropped term (each changes the gradient by O(1) relative). A step of
 * 1e-6 moves every pre-activation by at most ~1e-5, far inside the problems' 1e-3 kink margin.
 */
const FD_STEP = 1e-6;
const FD_TOLERANCE = 1e-7;
const SMALL = { sampleCount: 6, width: 5, inputDim: 3 } as const;

function withCoordinate(params: TwoLayerParams, k: number, delta: number): TwoLayerParams {
  const flat = hessian.flattenParamVector(params);
  flat[k] = flat[k]! + delta;
  const { a, W, b } = hessian.unflattenParamVector(flat, params.width, params.inputDim, params.b !== undefined);
  return { width: params.width, inputDim: params.inputDim, a, W, ...(b ? { b } : {}) };
}

function quadraticForm(problem: CurvatureProblem, params: TwoLayerParams, v: hessian.ParamVector): number {
  const hv = hessian.flattenParamVector(hessian.hvp(params, problem.X, problem.y, SMALL.sampleCount, problem.options, v));
  const flat = hessian.flattenParamVector(v);
  return hv.reduce((sum, x, k) => sum + x * flat[k]!, 0);
}

/** (Q(theta + h e_k) - Q(theta - h e_k)) / (2h) on the trainable coordinates, 0 on the frozen ones. */
function finiteDifferenceGradient(problem: CurvatureProblem, v: hessian.ParamVector, value = (p: TwoLayerParams) => quadraticForm(problem, p, v)): Float64Array {
  const { width: m, inputDim: d, hasBias } = problem.spec;
  const mask = hessian.trainableMask(m, d, hasBias, problem.options.trainable);
  return Float64Array.from(mask, (on, k) => (on ? (value(withCoordinate(problem.params, k, FD_STEP)) - value(withCoordinate(problem.params, k, -FD_STEP))) / (2 * FD_STEP) : 0));
}

function maskedDirection(problem: CurvatureProblem, seed: number): hessian.ParamVector {
  const { width: m, inputDim: d, hasBias } = problem.spec;
  const mask = hessian.trainableMask(m, d, hasBias, problem.options.trainable);
  const flat = Float64Array.from(testValues(hessian.parameterCount(m, d, hasBias), seed), (x, k) => (mask[k] ? x : 0));
  return hessian.unflattenParamVector(flat, m, d, hasBias);
}

function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    const error = Math.abs(actual[k]! - expected[k]!);
    expect(error, `${what}[${k}]: ${actual[k]} vs ${expected[k]}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(expected[k]!)));
  }
}

describe('hessianFormGradient: grad of v^T Hess L v (float64)', () => {
  it.each(LOSS_KINDS)("l''' matches central differences of l'' (%s)", (loss) => {
    for (const [f, y] of [[0.3, 1], [-1.2, 1], [2.5, -1], [0, -1]] as const) {
      const h = 1e-5;
      const fd = (hessian.lossCurvature(loss, f + h, y) - hessian.lossCurvature(loss, f - h, y)) / (2 * h);
      expect(Math.abs(lossThirdDerivative(loss, f, y) - fd)).toBeLessThan(1e-8 * (1 + Math.abs(fd)));
    }
  });

  const combos = LOSS_KINDS.flatMap((loss) => SCALINGS.map((scaling) => [loss, scaling] as const));
  it.each(combos)('matches central differences of v^T H v: %s loss, %s scaling, with bias', (loss, scaling) => {
    const problem = makeCurvatureProblem({ ...SMALL, loss, scaling, hasBias: true, seed: 5 });
    const v = maskedDirection(problem, 41);
    const gradient = hessianFormGradient(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options, v);
    expectNear(hessian.flattenParamVector(gradient), finiteDifferenceGradient(problem, v), FD_TOLERANCE, 'grad Q');
  });

  const parts: TrainableParts[] = ['both', 'first', 'second'];
  it.each(parts.flatMap((trainable) => [true, false].map((hasBias) => [trainable, hasBias] as const)))(
    'restricts to the trainable parts (%s, bias %s) and matches central differences there',
    (trainable, hasBias) => {
      const problem = makeCurvatureProblem({ ...SMALL, loss: 'square', scaling: 'ntk', hasBias, trainable, seed: 11 });
      const v = maskedDirection(problem, 3);
      const gradient = hessianFormGradient(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options, v);
      expect(gradient.b === undefined).toBe(!hasBias);
      expectNear(hessian.flattenParamVector(gradient), finiteDifferenceGradient(problem, v), FD_TOLERANCE, 'grad Q');
    },
  );

  it('with v the top eigenvector of the dense Hessian, is the gradient of lambda_max itself (Hellmann-Feynman)', () => {
    // A dense float64 eigen-solve at theta +- h e_k: the finite difference of the sharpness itself, not of the form.
    const problem = makeCurvatureProblem({ ...SMALL, loss: 'logistic', scaling: 'standard', hasBias: true, seed: 23 });
    const { width: m, inputDim: d } = problem.spec;
    const p = hessian.parameterCount(m, d, true);
    const sharpness = (params: TwoLayerParams) => hessian.exactHessianSpectrum(params, problem.X, problem.y, SMALL.sampleCount, problem.options).sharpness;
    const eigen = symmetricEigen(hessian.denseHessian(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options), p);
    // lambda_max must be simple for its gradient to exist; this problem's gap is checked, not assumed.
    expect(eigen.values[0]! - eigen.values[1]!).toBeGreaterThan(1e-2 * Math.abs(eigen.values[0]!));
    const u = hessian.unflattenParamVector(Float64Array.from({ length: p }, (_, e) => eigen.vectors[e * p]!), m, d, true);
    const gradient = hessianFormGradient(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options, u);
    // The eigen-solve is accurate to ~1e-14 relative, so the difference of two sharpnesses over 2h carries ~1e-8 of noise.
    expectNear(hessian.flattenParamVector(gradient), finiteDifferenceGradient(problem, u, sharpness), 1e-6, 'grad lambda_max');
  });

  it('is zero for the square loss along a direction that moves the second layer only when W is frozen (no cross term left)', () => {
    // trainable 'second': Hess L = (1/n) sum_i J_i J_i^T with J_i linear in nothing that moves, so Q is constant in a.
    const problem = makeCurvatureProblem({ ...SMALL, loss: 'square', scaling: 'standard', hasBias: false, trainable: 'second', seed: 2 });
    const v = maskedDirection(problem, 8);
    const gradient = hessianFormGradient(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options, v);
    expect(Math.max(...hessian.flattenParamVector(gradient).map(Math.abs))).toBe(0);
  });
});
