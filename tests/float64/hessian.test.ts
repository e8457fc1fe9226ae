import { describe, expect, it } from 'vitest';
import { LOSS_KINDS, SCALINGS, type TrainableParts } from '../../src/core/conventions';
import * as hessian from '../../src/float64/hessian';
import { lossDerivative } from '../../src/float64/losses';
import { symmetricEigenvalues } from '../../src/core/spectrum';
import * as twoLayer from '../../src/float64/two-layer';
import { testValues } from '../helpers/tolerance';
import { makeCurvatureProblem, type CurvatureProblem, type ProblemSpec } from '../metrics/curvature-problems';

/**
 * Central differences of the float64 gradient along v: truncation h^2 |d3 grad| ~ 1e-10 and rounding
 * eps |grad| / h ~ 1e-11 for the O(1) quantities here, so 1e-7 (absolute plus relative) has a wide
 * margin and still catches a wrong factor or index (those change Hv by O(1) relative). The step moves
 * every pre-activation by at most h (d + 1) ~ 5e-6, far inside the 1e-3 kink margin.
 */
const FD_STEP = 1e-6;
const FD_TOLERANCE = 1e-7;
const SMALL: Omit<ProblemSpec, 'loss' | 'scaling' | 'hasBias' | 'seed'> = { sampleCount: 6, width: 5, inputDim: 3 };

function flatGradient(problem: CurvatureProblem, params: twoLayer.TwoLayerParams): Float64Array {
  const g = twoLayer.gradients(params, problem.X, problem.y, problem.spec.sampleCount, problem.options);
  return hessian.flattenParamVector({ a: g.gradA, W: g.gradW, ...(g.gradB ? { b: g.gradB } : {}) });
}

function shifted(problem: CurvatureProblem, v: hessian.ParamVector, step: number): twoLayer.TwoLayerParams {
  const { params } = problem;
  const move = (x: Float64Array, dx: Float64Array) => x.map((value, k) => value + step * dx[k]!);
  return { ...params, a: move(params.a, v.a), W: move(params.W, v.W), ...(params.b ? { b: move(params.b, v.b!) } : {}) };
}

/** (grad L(theta + h v) - grad L(theta - h v)) / (2h), masked to the trainable coordinates. */
function finiteDifferenceHvp(problem: CurvatureProblem, direction: hessian.ParamVector): Float64Array {
  const { width: m, inputDim: d, hasBias } = problem.spec;
  const mask = hessian.trainableMask(m, d, hasBias, problem.options.trainable);
  // Only the trainable coordinates move: the restricted Hessian is P Hess L P.
  const v = hessian.unflattenParamVector(hessian.flattenParamVector(direction).map((x, k) => (mask[k] ? x : 0)), m, d, hasBias);
  const plus = flatGradient(problem, shifted(problem, v, FD_STEP));
  const minus = flatGradient(problem, shifted(problem, v, -FD_STEP));
  return plus.map((g, k) => (mask[k] ? (g - minus[k]!) / (2 * FD_STEP) : 0));
}

function direction(problem: CurvatureProblem, seed: number): hessian.ParamVector {
  const { width: m, inputDim: d, hasBias } = problem.spec;
  return hessian.unflattenParamVector(testValues(hessian.parameterCount(m, d, hasBias), seed), m, d, hasBias);
}

function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let k = 0; k < expected.length; k++) {
    const error = Math.abs(actual[k]! - expected[k]!);
    expect(error, `${what}[${k}]: ${actual[k]} vs ${expected[k]}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(expected[k]!)));
  }
}

const combos = LOSS_KINDS.flatMap((loss) => SCALINGS.map((scaling) => [loss, scaling] as const));
const PARTS: TrainableParts[] = ['both', 'first', 'second'];

describe('hessian reference: Hessian-vector products', () => {
  it.each(LOSS_KINDS)('loss curvature l\'\' matches central differences of l\' (%s)', (loss) => {
    for (const [f, y] of [[0.3, 1], [-1.2, 1], [2.5, -1], [0, -1]] as const) {
      const h = 1e-5;
      const fd = (lossDerivative(loss, f + h, y) - lossDerivative(loss, f - h, y)) / (2 * h);
      expect(Math.abs(hessian.lossCurvature(loss, f, y) - fd)).toBeLessThan(1e-8 * (1 + Math.abs(fd)));
    }
  });

  it.each(combos)('match central differences of the gradient: %s loss, %s scaling, with bias', (loss, scaling) => {
    const problem = makeCurvatureProblem({ ...SMALL, loss, scaling, hasBias: true, seed: 5 });
    const v = direction(problem, 99);
    const hv = hessian.hvp(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options, v);
    expectNear(hessian.flattenParamVector(hv), finiteDifferenceHvp(problem, v), FD_TOLERANCE, 'Hv');
  });

  it.each(PARTS.flatMap((trainable) => [true, false].map((hasBias) => [trainable, hasBias] as const)))(
    'restrict to the trainable parts (%s, bias %s) and match central differences there',
    (trainable, hasBias) => {
      const problem = makeCurvatureProblem({ ...SMALL, loss: 'logistic', scaling: 'mean-field', hasBias, trainable, seed: 17 });
      const v = direction(problem, 7);
      const hv = hessian.hvp(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options, v);
      expect(hv.b === undefined).toBe(!hasBias);
      const flat = hessian.flattenParamVector(hv);
      expectNear(flat, finiteDifferenceHvp(problem, v), FD_TOLERANCE, 'Hv');
      const mask = hessian.trainableMask(SMALL.width, SMALL.inputDim, hasBias, trainable);
      flat.forEach((value, k) => !mask[k] && expect(value, `frozen coordinate ${k}`).toBe(0));
      // Frozen blocks of v are ignored: changing them leaves Hv unchanged.
      const noisy = hessian.flattenParamVector(v).map((x, k) => (mask[k] ? x : x + 5));
      const again = hessian.hvp(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options,
        hessian.unflattenParamVector(noisy, SMALL.width, SMALL.inputDim, hasBias));
      expect(hessian.flattenParamVector(again)).toEqual(flat);
    },
  );
});

describe('hessian reference: dense Hessian and spectrum', () => {
  it.each(combos)('is symmetric, and lambda_max >= |lambda_min| (Weyl, ReLU): %s loss, %s scaling', (loss, scaling) => {
    const problem = makeCurvatureProblem({ ...SMALL, loss, scaling, hasBias: true, seed: 23, targetScale: 5 });
    const p = hessian.parameterCount(SMALL.width, SMALL.inputDim, true);
    const H = hessian.denseHessian(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options);
    let largest = 0;
    H.forEach((value) => (largest = Math.max(largest, Math.abs(value))));
    for (let i = 0; i < p; i++) for (let k = 0; k < i; k++) expect(Math.abs(H[i * p + k]! - H[k * p + i]!)).toBeLessThan(1e-13 * largest);
    const spectrum = hessian.exactHessianSpectrum(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options);
    const lambdaMin = spectrum.eigenvalues[spectrum.eigenvalues.length - 1]!;
    expect(lambdaMin).toBeLessThan(0); // large residuals: the curvature of f makes the Hessian indefinite
    expect(spectrum.sharpness).toBeGreaterThanOrEqual(Math.abs(lambdaMin) * (1 - 1e-12));
    expect(spectrum.factor).toBe(scaling === 'mean-field' ? SMALL.width : 1);
    // Parameter units: the eigenvalues of H itself, no factor.
    expect(spectrum.sharpness).toBeCloseTo(symmetricEigenvalues(H, p)[0]!, 10);
    let trace = 0;
    for (let i = 0; i < p; i++) trace += H[i * p + i]!;
    expect(spectrum.trace).toBeCloseTo(trace, 10);
  });

  it.each(['first', 'second'] as const)('is positive semi-definite with one layer frozen (%s trainable: Gauss-Newton only)', (trainable) => {
    const problem = makeCurvatureProblem({ ...SMALL, loss: 'square', scaling: 'ntk', hasBias: true, trainable, seed: 29, targetScale: 5 });
    const spectrum = hessian.exactHessianSpectrum(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options);
    const kept = trainable === 'second' ? SMALL.width : SMALL.width * (SMALL.inputDim + 1);
    expect(spectrum.eigenvalues.length).toBe(kept);
    expect(spectrum.eigenvalues[kept - 1]!).toBeGreaterThan(-1e-12 * spectrum.sharpness);
  });

  it.each(SCALINGS)('factor * sharpness is in the update rule\'s units: one GD step scales the top eigendirection by 1 - lr * factor * sharpness (%s)', (scaling) => {
    const problem = makeCurvatureProblem({ ...SMALL, loss: 'square', scaling, hasBias: true, seed: 31 });
    const { params, X, y } = problem;
    const n = SMALL.sampleCount;
    const p = hessian.parameterCount(SMALL.width, SMALL.inputDim, true);
    const spectrum = hessian.exactHessianSpectrum(params, X, y, n, problem.options);
    // The top eigenvector, by many power iterations on the dense matrix (the top eigenvalue is simple here).
    const apply = hessian.hessianOperator(params, X, y, n, problem.options);
    let v: Float64Array = Float64Array.from(testValues(p, 3));
    for (let k = 0; k < 3000; k++) {
      const norm = Math.hypot(...v);
      v = apply(v.map((x) => x / norm));
    }
    const norm = Math.hypot(...v);
    const unit = hessian.unflattenParamVector(v.map((x) => x / norm), SMALL.width, SMALL.inputDim, true);
    const learningRate = 0.1;
    const epsilon = 1e-5;
    const step = (at: twoLayer.TwoLayerParams) => hessian.flattenParamVector(twoLayer.trainStep(at, X, y, n, { ...problem.options, learningRate }));
    const plus = step(shifted(problem, unit, epsilon));
    const minus = step(shifted(problem, unit, -epsilon));
    const flatUnit = hessian.flattenParamVector(unit);
    const contraction = 1 - learningRate * spectrum.factor * spectrum.sharpness;
    for (let k = 0; k < p; k++) expect((plus[k]! - minus[k]!) / (2 * epsilon)).toBeCloseTo(contraction * flatUnit[k]!, 6);
  });
});

describe('hessian reference: estimators', () => {
  it('Lanczos sharpness matches the exact eigenvalue on a network, in parameter units, with the factor beside it', () => {
    for (const scaling of SCALINGS) {
      const problem = makeCurvatureProblem({ ...SMALL, loss: 'square', scaling, hasBias: false, seed: 37 });
      const exact = hessian.exactHessianSpectrum(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options);
      const estimate = hessian.estimateSharpness(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options, { seed: 1, tolerance: 1e-10 });
      expect(estimate.converged).toBe(true);
      expect(estimate.factor).toBe(exact.factor);
      expect(estimate.sharpness).toBe(estimate.estimate);
      expect(Math.abs(estimate.sharpness - exact.sharpness)).toBeLessThan(1e-10 * exact.sharpness);
      expect(estimate.residual).toBeLessThan(1e-9 * exact.sharpness);
    }
  });

  it('sharpness start vectors are N(0, 1) on trainable coordinates and zero on frozen ones', () => {
    const mask = hessian.trainableMask(4, 3, true, 'second');
    const start = hessian.sharpnessStartVector(9, mask);
    start.forEach((x, e) => (mask[e] ? expect(Math.abs(x)).toBeGreaterThan(0) : expect(x).toBe(0)));
    expect(Array.from(hessian.sharpnessStartVector(10, mask))).not.toEqual(Array.from(start));
  });

  it('Rademacher probes are +-1 on trainable coordinates, 0 on frozen ones, and differ between probes', () => {
    const mask = hessian.trainableMask(4, 3, true, 'first');
    const z0 = hessian.rademacherProbe(9, hessian.HESSIAN_RANDOM_STREAMS.hutchinson, 0, mask);
    const z1 = hessian.rademacherProbe(9, hessian.HESSIAN_RANDOM_STREAMS.hutchinson, 1, mask);
    z0.forEach((z, e) => expect(mask[e] ? Math.abs(z) : z).toBe(mask[e] ? 1 : 0));
    expect(Array.from(z0)).not.toEqual(Array.from(z1));
  });

  it('Hutchinson estimates the exact trace within its statistical error', () => {
    const problem = makeCurvatureProblem({ ...SMALL, loss: 'logistic', scaling: 'ntk', hasBias: true, seed: 41 });
    const { width: m, inputDim: d } = SMALL;
    const p = hessian.parameterCount(m, d, true);
    const H = hessian.denseHessian(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options);
    let trace = 0;
    let frobenius = 0;
    let diagonalSquares = 0;
    for (let i = 0; i < p; i++) {
      trace += H[i * p + i]!;
      diagonalSquares += H[i * p + i]! ** 2;
      for (let k = 0; k < p; k++) frobenius += H[i * p + k]! ** 2;
    }
    const probeCount = 400;
    const result = hessian.hutchinsonTrace(hessian.hessianOperator(problem.params, problem.X, problem.y, SMALL.sampleCount, problem.options),
      hessian.trainableMask(m, d, true), { probeCount, seed: 3 });
    // Var(z^T H z) = 2 (|H|_F^2 - sum_i H_ii^2) for Rademacher z; 5 standard errors: a false alarm has probability < 1e-6.
    const standardError = Math.sqrt((2 * (frobenius - diagonalSquares)) / probeCount);
    expect(Math.abs(result.estimate - trace)).toBeLessThan(5 * standardError);
    expect(result.standardError).toBeGreaterThan(0.5 * standardError);
    expect(result.standardError).toBeLessThan(2 * standardError);
  });
});
