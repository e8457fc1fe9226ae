import { Matrix, solve } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import type { OptimizerRuleInput } from '../../src/core/update-rules';
import {
  createOptimizerState,
  gradientNormSquared,
  jkoStep,
  optimizerStep,
  proximalGradient,
  samPerturb,
  samRestore,
  samStep,
  type GradientFunction,
} from '../../src/float64/optim';

/** Float64 arithmetic on a handful of values: a few ulps of 1. */
const CLOSE_DIGITS = 14;

function expectArrayClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => expect(actual[i]!, `[${i}]`).toBeCloseTo(value, CLOSE_DIGITS));
}

/** Two steps of `rule` on one tensor theta = [0, 1], c = 2, with the constant gradient g = [1, -0.5] (u = [2, -1]). */
function twoSteps(rule: OptimizerRuleInput, loss?: number): Float64Array[] {
  const params = [Float64Array.from([0, 1])];
  const state = createOptimizerState(rule, [2]);
  const seen: Float64Array[] = [];
  for (let k = 0; k < 2; k++) {
    optimizerStep(rule, params, [[1, -0.5]], [2], state, { stepIndex: k, learningRate: 0.1, ...(loss !== undefined ? { loss } : {}) });
    seen.push(Float64Array.from(params[0]!));
  }
  return seen;
}

/** L = 0.5 theta^T H theta over one tensor, H symmetric positive definite (eigenvalues about 0.6 to 10.6). */
const H = [
  [10, 1, 0.5],
  [1, 2, 0.3],
  [0.5, 0.3, 0.8],
];
function quadraticAt(params: readonly Float64Array[]) {
  const theta = params[0]!;
  const grad = Float64Array.from(H, (row) => row.reduce((sum, h, j) => sum + h * theta[j]!, 0));
  const loss = 0.5 * grad.reduce((sum, g, i) => sum + g * theta[i]!, 0);
  return { grads: [grad], loss };
}
const quadratic: GradientFunction = quadraticAt;

describe('optim reference: single steps by hand', () => {
  it('gd, momentum and nesterov', () => {
    expectArrayClose(twoSteps({ kind: 'gd' })[1]!, [-0.4, 1.2]);
    const momentum = twoSteps({ kind: 'momentum', beta: 0.5 });
    expectArrayClose(momentum[0]!, [-0.2, 1.1]); // v = u
    expectArrayClose(momentum[1]!, [-0.5, 1.25]); // v = 0.5 u + u
    const nesterov = twoSteps({ kind: 'nesterov', beta: 0.5 });
    expectArrayClose(nesterov[0]!, [-0.3, 1.15]); // u + 0.5 u
    expectArrayClose(nesterov[1]!, [-0.65, 1.325]); // u + 0.5 (1.5 u)
  });

  it('normalized-gd by the loss and by the global gradient norm |u|_M = sqrt(c |g|^2)', () => {
    expectArrayClose(twoSteps({ kind: 'normalized-gd', normalizer: 'loss' }, 4)[0]!, [-0.05, 1.025]);
    const norm = Math.sqrt(2 * 1.25);
    expectArrayClose(twoSteps({ kind: 'normalized-gd', normalizer: 'grad-norm' })[0]!, [-0.2 / norm, 1 + 0.1 / norm]);
    // Global over tensors: the frozen tensor (c = 0) counts for nothing, the others by c_s |g_s|^2.
    expect(gradientNormSquared([[1, -0.5], [3], [2]], [2, 0, 4])).toBe(2 * 1.25 + 4 * 4);
    expect(() => twoSteps({ kind: 'normalized-gd', normalizer: 'loss' })).toThrow(/loss/);
  });

  it('adagrad, adanorm and adam', () => {
    const adagrad = twoSteps({ kind: 'adagrad', epsilon: 1e-300 });
    expectArrayClose(adagrad[0]!, [-0.1, 1.1]); // u / |u|
    expectArrayClose(adagrad[1]!, [-0.1 - 0.1 / Math.SQRT2, 1.1 + 0.1 / Math.SQRT2]); // u / sqrt(2 u^2)
    const adanorm = twoSteps({ kind: 'adanorm', delta0: 1 });
    expectArrayClose(adanorm[0]!, [-0.2 / Math.sqrt(3.5), 1 + 0.1 / Math.sqrt(3.5)]); // delta0^2 + 2.5
    expectArrayClose(adanorm[1]!, [-0.2 / Math.sqrt(3.5) - 0.2 / Math.sqrt(6), 1 + 0.1 / Math.sqrt(3.5) + 0.1 / Math.sqrt(6)]);
    // Adam with a constant gradient: m_hat = u and v_hat = u^2 at every t, so each step is lr u / (|u| + eps).
    const adam = twoSteps({ kind: 'adam', epsilon: 1e-300 });
    expectArrayClose(adam[0]!, [-0.1, 1.1]);
    expectArrayClose(adam[1]!, [-0.2, 1.2]);
  });

  it('adam at t = 1 is exact and scale-invariant in particle time (moves O(lr) whatever c is)', () => {
    for (const c of [1, 1000]) {
      const params = [Float64Array.from([0.5])];
      const state = createOptimizerState({ kind: 'adam' }, [1]);
      optimizerStep({ kind: 'adam' }, params, [[0.25]], [c], state, { stepIndex: 0, learningRate: 0.01 });
      expect(params[0]![0]).toBeCloseTo(0.5 - (0.01 * c * 0.25) / (c * 0.25 + 1e-8), CLOSE_DIGITS);
      expect(state.perTensor.firstMoment![0]![0] / (c * 0.25)).toBeCloseTo(0.1, CLOSE_DIGITS); // (1 - beta1) u
    }
  });

  it('leaves a frozen tensor (c = 0) and its state untouched', () => {
    for (const rule of [{ kind: 'adam' }, { kind: 'momentum' }, { kind: 'normalized-gd', normalizer: 'grad-norm' }] as OptimizerRuleInput[]) {
      const params = [Float64Array.from([1, 2]), Float64Array.from([-0, 3])];
      const state = createOptimizerState(rule, [2, 2]);
      optimizerStep(rule, params, [[1, 1], [NaN, 5]], [1, 0], state, { stepIndex: 0, learningRate: 0.1 });
      expect(Object.is(params[1]![0], -0)).toBe(true);
      expect(params[1]![1]).toBe(3);
      expect(params[0]![0]).toBeLessThan(1);
    }
    expect(() => optimizerStep({ kind: 'gd' }, [new Float64Array(2)], [[1]], [1], createOptimizerState({ kind: 'gd' }, [2]), { stepIndex: 0, learningRate: 1 })).toThrow(RangeError);
  });
});

describe('optim reference: descent and SAM', () => {
  const rules: [string, OptimizerRuleInput, number][] = [
    ['gd', { kind: 'gd' }, 0.1],
    ['momentum', { kind: 'momentum' }, 0.02],
    ['nesterov', { kind: 'nesterov' }, 0.02],
    ['normalized-gd (loss)', { kind: 'normalized-gd' }, 0.3],
    ['normalized-gd (grad-norm)', { kind: 'normalized-gd', normalizer: 'grad-norm' }, 0.05],
    ['adagrad', { kind: 'adagrad' }, 0.1],
    ['adanorm', { kind: 'adanorm' }, 0.5],
    ['adam', { kind: 'adam' }, 0.02],
    ['sam', { kind: 'sam' }, 0.1],
  ];

  it.each(rules)('%s decreases a convex quadratic', (_name, rule, lr) => {
    const params = [Float64Array.from([1, -1, 1])];
    const state = createOptimizerState(rule, [3]);
    const initial = quadraticAt(params).loss;
    for (let k = 0; k < 60; k++) {
      const step = { stepIndex: k, learningRate: lr };
      if ((rule as { kind: string }).kind === 'sam') samStep(rule, params, quadratic, [1], state, step);
      else optimizerStep(rule, params, quadraticAt(params).grads, [1], state, { ...step, loss: quadraticAt(params).loss });
    }
    expect(quadraticAt(params).loss).toBeLessThan(0.2 * initial);
  });

  it('SAM takes the gradient at theta + rho u / |u| and applies it at theta; perturb/restore round-trips exactly', () => {
    const rule = { kind: 'sam', rho: 0.2 } as const;
    const theta = Float64Array.from([0.3, -0.7, 0.1]);
    const params = [Float64Array.from(theta)];
    const state = createOptimizerState(rule, [3]);
    samStep(rule, params, quadratic, [1], state, { stepIndex: 0, learningRate: 0.1 });
    const g = quadraticAt([theta]).grads[0]!;
    const norm = Math.hypot(...g);
    const perturbed = Float64Array.from(theta, (v, i) => v + (0.2 * g[i]!) / norm);
    const gPerturbed = quadraticAt([perturbed]).grads[0]!;
    expectArrayClose(params[0]!, Array.from(theta, (v, i) => v - 0.1 * gPerturbed[i]!));

    const roundTrip = [Float64Array.from([0.1, -0, 5e-324])];
    samPerturb(rule, roundTrip, [[1, 2, 3]], [1], state);
    expect(roundTrip[0]![0]).not.toBe(0.1);
    samRestore(roundTrip, state);
    expect(Object.is(roundTrip[0]![1], -0)).toBe(true);
    expect(Array.from(roundTrip[0]!)).toEqual([0.1, -0, 5e-324]);
  });
});

describe('optim reference: JKO (proximal) step', () => {
  /** (I + tau c H)^{-1} theta: the exact minimizer of L + |theta - theta_k|^2 / (2 tau c). */
  function exactProximal(theta: ArrayLike<number>, tau: number, c: number): number[] {
    const system = Matrix.eye(3).add(new Matrix(H).mul(tau * c));
    return solve(system, Matrix.columnVector(Array.from(theta))).getColumn(0);
  }

  it.each([1, 4])('matches (I + tau c H)^-1 theta on a quadratic (c = %i)', (c) => {
    const theta = [Float64Array.from([1, -2, 0.5])];
    const tau = 0.3;
    // Inner GD contracts when eta < 2 / (c lambda_max + 1 / tau); lambda_max(H) < 10.7.
    const innerLearningRate = 1 / (c * 10.7 + 1 / tau);
    const result = jkoStep(quadratic, theta, [c], { tau, innerSteps: 2000, innerLearningRate, tolerance: 1e-13 });
    expect(result.innerSteps).toBeLessThan(2000);
    expect(result.proximalGradNorm).toBeLessThanOrEqual(1e-13);
    // The prox gradient is <= 1e-13 and the inner objective is (1 / tau)-strongly convex in the M metric: |error| <= ~1e-12.
    result.params[0]!.forEach((v, i) => expect(v).toBeCloseTo(exactProximal(theta[0]!, tau, c)[i]!, 11));
    expect(Array.from(theta[0]!)).toEqual([1, -2, 0.5]); // the input is not modified
  });

  it('the proximal gradient in mean-field units is g + (theta - anchor) / (tau m)', () => {
    const prox = proximalGradient([[1, 2], [3]], [Float64Array.from([1, 1]), Float64Array.from([7])], [Float64Array.from([0, 2]), Float64Array.from([0])], [4, 0], 0.5);
    expectArrayClose(prox[0]!, [1 + 1 / 2, 2 - 1 / 2]);
    expectArrayClose(prox[1]!, [3]);
  });

  it('stays stable at a tau where the explicit step diverges', () => {
    const tau = 0.5; // lambda_max ~ 10.6: explicit GD multiplies that mode by |1 - 5.3| > 4
    const explicit = [Float64Array.from([1, 1, 1])];
    let implicit: Float64Array[] = [Float64Array.from([1, 1, 1])];
    const state = createOptimizerState({ kind: 'gd' }, [3]);
    for (let k = 0; k < 10; k++) {
      optimizerStep({ kind: 'gd' }, explicit, quadraticAt(explicit).grads, [1], state, { stepIndex: k, learningRate: tau });
      implicit = jkoStep(quadratic, implicit, [1], { tau, innerSteps: 400, innerLearningRate: 1 / (10.7 + 1 / tau) }).params;
    }
    expect(quadraticAt(explicit).loss).toBeGreaterThan(1e10);
    expect(quadraticAt(implicit).loss).toBeLessThan(0.1 * quadraticAt([Float64Array.from([1, 1, 1])]).loss);
  });

  it('agrees with the explicit step to O(tau^2) per step', () => {
    const theta = [Float64Array.from([0.4, -0.3, 0.9])];
    const gap = (tau: number) => {
      const implicit = jkoStep(quadratic, theta, [1], { tau, innerSteps: 3000, innerLearningRate: 1 / (10.7 + 1 / tau), tolerance: 1e-14 }).params[0]!;
      const g = quadraticAt(theta).grads[0]!;
      return Math.hypot(...Array.from(implicit, (v, i) => v - (theta[0]![i]! - tau * g[i]!)));
    };
    const ratio = gap(0.01) / gap(0.005);
    expect(ratio).toBeGreaterThan(3.6);
    expect(ratio).toBeLessThan(4.4);
  });

  it('rejects a bad tau or inner schedule', () => {
    expect(() => jkoStep(quadratic, [new Float64Array(3)], [1], { tau: 0, innerSteps: 1, innerLearningRate: 0.1 })).toThrow(RangeError);
    expect(() => jkoStep(quadratic, [new Float64Array(3)], [1], { tau: 1, innerSteps: 0, innerLearningRate: 0.1 })).toThrow(RangeError);
  });
});
