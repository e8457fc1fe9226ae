import { describe, expect, it } from 'vitest';
import {
  batchCurvatureLaw,
  batchVarianceFactor,
  isMeanSquareStable,
  lyapunovBoundary,
  lyapunovExponent,
  meanSquareBoundary,
  meanSquareGrowth,
  multiplierMoments,
  twoPointLyapunovExponent,
} from '../../../src/models/landscape/stability';
import { twoPointCurvatures } from '../../../src/core/landscape';

/** All B-subsets (or B-sequences with replacement) of [0, n), by brute force: the independent check. */
function enumerateBatches(n: number, batchSize: number, withReplacement: boolean): number[][] {
  const out: number[][] = [];
  const visit = (prefix: number[], from: number) => {
    if (prefix.length === batchSize) return void out.push(prefix);
    for (let i = withReplacement ? 0 : from; i < n; i++) visit([...prefix, i], i + 1);
  };
  visit([], 0);
  return out;
}

function bruteForce(curvatures: number[], lr: number, batchSize: number, withReplacement: boolean) {
  const batches = enumerateBatches(curvatures.length, batchSize, withReplacement);
  let lambda = 0;
  let second = 0;
  for (const batch of batches) {
    const m = 1 - (lr * batch.reduce((s, i) => s + curvatures[i]!, 0)) / batchSize;
    lambda += Math.log(Math.abs(m)) / batches.length;
    second += (m * m) / batches.length;
  }
  return { lambda, second };
}

describe('landscape stability: mean-square condition', () => {
  it('phi is (n - B) / (B (n - 1)) without replacement and 1/B with it', () => {
    expect(batchVarianceFactor(10, 1, false)).toBe(1);
    expect(batchVarianceFactor(10, 10, false)).toBe(0);
    expect(batchVarianceFactor(10, 4, false)).toBeCloseTo(6 / 36, 15);
    expect(batchVarianceFactor(10, 4, true)).toBe(0.25);
    expect(batchVarianceFactor(1, 1, false)).toBe(0);
  });

  it.each([
    [[0.2, 3.8], 0.7, 1, false],
    [twoPointCurvatures(1.5, 1, 7), 0.6, 3, false],
    [twoPointCurvatures(1.5, 1, 5), 0.6, 2, true],
    [[0.1, 0.5, 2, 2.5, 4], 0.4, 2, false],
  ] as const)('E m^2 of the exact batch law is the formula (1 - lr a)^2 + lr^2 phi s^2: %j', (curvatures, lr, B, replace) => {
    const a = curvatures.reduce((s, v) => s + v, 0) / curvatures.length;
    const s = Math.sqrt(curvatures.reduce((acc, v) => acc + (v - a) ** 2, 0) / curvatures.length);
    const formula = meanSquareGrowth({ learningRate: lr, sharpness: a, nonUniformity: s, sampleCount: curvatures.length, batchSize: B, withReplacement: replace });
    const brute = bruteForce([...curvatures], lr, B, replace);
    expect(multiplierMoments([...curvatures], lr, B, replace).second).toBeCloseTo(formula, 12);
    expect(brute.second).toBeCloseTo(formula, 12);
    expect(lyapunovExponent([...curvatures], lr, B, replace).value).toBeCloseTo(brute.lambda, 12);
  });

  it("the escape example's minimum at 1 (a = 2, s = 1.8) is unstable for SGD (B = 1) and stable for GD at lr = 0.7", () => {
    const atOne = { learningRate: 0.7, sharpness: 2, nonUniformity: 1.8, sampleCount: 2 };
    expect(meanSquareGrowth({ ...atOne, batchSize: 1 })).toBeCloseTo(0.16 + 0.49 * 3.24, 12);
    expect(isMeanSquareStable({ ...atOne, batchSize: 1 })).toBe(false);
    expect(isMeanSquareStable({ ...atOne, batchSize: 2 })).toBe(true);
    expect(isMeanSquareStable({ ...atOne, nonUniformity: 0, batchSize: 1 })).toBe(true); // the minimum at 0
    // lambda = (log 0.86 + log 1.66) / 2 > 0: single SGD runs leave almost surely.
    expect(lyapunovExponent([0.2, 3.8], 0.7, 1, false).value).toBeCloseTo((Math.log(0.86) + Math.log(1.66)) / 2, 12);
  });

  it('boundaries at lr = 1, n = 2, B = 1, a = 0.5: s_ms = sqrt(3/4) < s_lyapunov = sqrt(5/4)', () => {
    const cell = { learningRate: 1, sharpness: 0.5, sampleCount: 2, batchSize: 1 };
    expect(meanSquareBoundary(cell)).toBeCloseTo(Math.sqrt(0.75), 12);
    // lambda = log|0.25 - s^2| / 2 > 0 iff s^2 > 1.25.
    expect(lyapunovBoundary(cell, 3)).toBeCloseTo(Math.sqrt(1.25), 9);
    expect(meanSquareBoundary({ ...cell, sharpness: 2.5 })).toBeNaN();
    expect(lyapunovBoundary({ ...cell, sharpness: 2.5 }, 3)).toBe(0);
    expect(meanSquareBoundary({ ...cell, batchSize: 2 })).toBe(Number.POSITIVE_INFINITY);
  });

  it('the Lyapunov boundary lies beyond the mean-square boundary (Jensen) across a grid', () => {
    let found = 0;
    for (const [n, B] of [[2, 1], [8, 2], [9, 3]] as const) {
      for (let a = 0.1; a < 2; a += 0.3) {
        const cell = { learningRate: 1, sharpness: a, sampleCount: n, batchSize: B };
        const sMs = meanSquareBoundary(cell);
        // NaN: no s up to 10 s_ms escapes (a batch mean of exactly 1/lr gives a zero multiplier, lambda = -inf).
        const sLyapunov = lyapunovBoundary(cell, 10 * sMs, 2000);
        if (!Number.isNaN(sLyapunov)) expect(sLyapunov, `n ${n} B ${B} a ${a}`).toBeGreaterThan(sMs);
        found += Number.isNaN(sLyapunov) ? 0 : 1;
        expect(twoPointLyapunovExponent({ ...cell, nonUniformity: 0.99 * sMs })).toBeLessThan(0);
      }
    }
    expect(found).toBeGreaterThan(12);
  });
});

describe('landscape stability: batch law and Monte Carlo', () => {
  it('the law sums to 1 and has B + 1 outcomes for two-point cells', () => {
    const law = batchCurvatureLaw(twoPointCurvatures(1, 0.5, 40), 6, false)!;
    expect(law.values.length).toBe(7);
    expect(law.probabilities.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
    expect(batchCurvatureLaw(Array.from({ length: 40 }, (_, i) => i), 20, true, 1000)).toBeUndefined();
  });

  it('Monte Carlo agrees with the exact value within 5 standard errors', () => {
    const curvatures = Array.from({ length: 30 }, (_, i) => 0.2 + 0.1 * i);
    // lr = 0.45 keeps every multiplier 1 - lr a_batch away from 0 (log 0 would make lambda = -inf).
    const exact = bruteForce(curvatures, 0.45, 2, false).lambda;
    const estimate = lyapunovExponent(curvatures, 0.45, 2, false, { maxOutcomes: 1, monteCarloSamples: 20_000, seed: 3 });
    expect(estimate.method).toBe('monte-carlo');
    expect(estimate.standardError).toBeGreaterThan(0);
    expect(Math.abs(estimate.value - exact)).toBeLessThan(5 * estimate.standardError);
  });
});
