import { describe, expect, it } from 'vitest';
import { LandscapeExpressionError, checkExpressionTokens } from '../../src/core/landscape-expression';
import {
  batchSizeOf,
  componentSamplingOf,
  landscapeDimOf,
  landscapeStartPoints,
  optimizerStateSize,
  parseLandscapeSpec,
  stabilityGridCells,
  twoPointCurvatures,
} from '../../src/core/landscape';
import { inverseSqrtTimes } from '../../src/float64/landscape-preconditioners';
import { perkoStableManifoldCoefficient, perkoStep } from '../../src/float64/landscape-functions';

function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length) };
}

describe('landscapes: spec schema', () => {
  it('fills defaults and derives k, B and the sampling rule', () => {
    const escape = parseLandscapeSpec({ kind: 'escape', particleCount: 8, learningRate: 0.7, batchSize: 1 });
    expect(escape).toMatchObject({ schedule: 'constant', optimizer: 'gd', delta0: 1, noiseStd: 0, seed: 0, coefficients: [0.1, 1.9], withReplacement: false });
    expect([landscapeDimOf(escape), batchSizeOf(escape), componentSamplingOf(escape)]).toEqual([1, 1, 'without-replacement']);
    const gd = parseLandscapeSpec({ kind: 'escape', particleCount: 8, learningRate: 0.7 });
    expect([batchSizeOf(gd), componentSamplingOf(gd)]).toEqual([2, 'full']);
    const quadratic = parseLandscapeSpec({ kind: 'quadratic-sum', particleCount: 6, learningRate: 0.1, curvatures: [[1, 2, 3], [2, 2, 2]], batchSize: 4, withReplacement: true });
    expect([batchSizeOf(quadratic), componentSamplingOf(quadratic)]).toEqual([4, 'with-replacement']);
    expect(landscapeDimOf(parseLandscapeSpec({ kind: 'perko', particleCount: 1, learningRate: 0.01 }))).toBe(3);
    expect(landscapeDimOf(parseLandscapeSpec({ kind: 'expression', particleCount: 1, learningRate: 0.1, dim: 5, value: 'x[0]', gradient: ['1', '0', '0', '0', '0'] }))).toBe(5);
    expect([optimizerStateSize('gd', 3), optimizerStateSize('adagrad', 3), optimizerStateSize('adanorm', 3), optimizerStateSize('adagrad-full', 3)]).toEqual([0, 3, 1, 9]);
  });

  it('names the offending field', () => {
    const bad: [unknown, RegExp][] = [
      [{ kind: 'strict-saddle', particleCount: 0, learningRate: 0.1 }, /particleCount/],
      [{ kind: 'strict-saddle', particleCount: 4, learningRate: -1 }, /learningRate/],
      [{ kind: 'strict-saddle', particleCount: 4, learningRate: 0.1, exitAnchor: [0] }, /exitAnchor/],
      [{ kind: 'strict-saddle', particleCount: 4, learningRate: 0.1, optimizer: 'adagrad', delta0: 1e-30 }, /delta0/],
      [{ kind: 'perko', particleCount: 4, learningRate: 0.1, optimizer: 'adagrad' }, /optimizer/],
      [{ kind: 'perko', particleCount: 4, learningRate: 0.1, schedule: 'inverse-sqrt' }, /schedule/],
      [{ kind: 'quadratic-sum', particleCount: 5, learningRate: 0.1, curvatures: [[1, 2], [3, 4]] }, /particleCount/],
      [{ kind: 'quadratic-sum', particleCount: 4, learningRate: 0.1, curvatures: [[1, 2], [3]] }, /curvatures/],
      [{ kind: 'quadratic-sum', particleCount: 4, learningRate: 0.1, curvatures: [1, 2], batchSize: 3 }, /batchSize/],
      [{ kind: 'quadratic-sum', particleCount: 4, learningRate: 0.1, curvatures: [1, 2], noiseStd: 0.1 }, /noiseStd/],
      [{ kind: 'expression', particleCount: 4, learningRate: 0.1, dim: 2, value: 'x[0]', gradient: ['1'] }, /gradient/],
      [{ kind: 'expression', particleCount: 4, learningRate: 0.1, dim: 9, value: 'x[0]', gradient: ['1'] }, /dim/],
    ];
    for (const [input, field] of bad) {
      expect(() => parseLandscapeSpec(input as never), JSON.stringify(input)).toThrow(field);
    }
  });
});

describe('landscapes: two-point curvature cells', () => {
  it.each([2, 3, 7, 10])('n = %i curvatures have exactly mean a and std s', (n) => {
    for (const [a, s] of [[2, 1.8], [0.5, 1.2], [3, 0]] as const) {
      const { mean, std } = meanAndStd(twoPointCurvatures(a, s, n));
      expect(mean).toBeCloseTo(a, 12);
      expect(std).toBeCloseTo(s, 12);
    }
  });

  it('builds an a-major grid and rejects s > 0 with one sample', () => {
    const cells = stabilityGridCells([1, 2], [0, 0.5, 1], 4);
    expect(cells.map((c) => [c.sharpness, c.nonUniformity])).toEqual([[1, 0], [1, 0.5], [1, 1], [2, 0], [2, 0.5], [2, 1]]);
    expect(() => twoPointCurvatures(1, 0.5, 1)).toThrow(/n >= 2/);
  });
});

describe('landscapes: start points', () => {
  it('are uniform in the box, reproducible, and differ across seeds', () => {
    const points = landscapeStartPoints(1000, [-1, 2], [1, 3], 5);
    expect(points.length).toBe(2000);
    for (let p = 0; p < 1000; p++) {
      expect(points[2 * p]).toBeGreaterThanOrEqual(-1);
      expect(points[2 * p]).toBeLessThan(1);
      expect(points[2 * p + 1]).toBeGreaterThanOrEqual(2);
      expect(points[2 * p + 1]).toBeLessThan(3);
    }
    expect(Array.from(landscapeStartPoints(10, [0], [1], 5))).toEqual(Array.from(landscapeStartPoints(10, [0], [1], 5)));
    expect(Array.from(landscapeStartPoints(10, [0], [1], 6))).not.toEqual(Array.from(landscapeStartPoints(10, [0], [1], 5)));
  });
});

describe('landscapes: expression allow-list', () => {
  it('accepts math on x', () => {
    expect(() => checkExpressionTokens('value', '0.5 * x[0] * x[0] + pow(abs(x[1]), 3.0) / 3.0 - 1e-3 * cos(x[2])')).not.toThrow();
    expect(() => checkExpressionTokens('value', 'select(x[0], -x[0], x[0] < 0.0)\n  + max(x[1], .5f)')).not.toThrow();
  });

  it('points at the first disallowed token on the user line and column', () => {
    const cases: [string, number, number, RegExp][] = [
      ['x[0] + foo(x[1])', 1, 8, /'foo' is not allowed/],
      ['x[0] *\n  2.0 + params.seed', 2, 9, /'params' is not allowed/],
      ['x[0]; }', 1, 5, /character ';'/],
      ['x[0] + 1.0 }', 1, 12, /character '\}'/],
      ['(x[0] + 1.0', 1, 1, /never closed/],
      ['x[0]]', 1, 5, /closes nothing/],
      ['  ', 1, 1, /empty/],
    ];
    for (const [text, line, column, problem] of cases) {
      let caught: unknown;
      try {
        checkExpressionTokens('value', text);
      } catch (error) {
        caught = error;
      }
      expect(caught, text).toBeInstanceOf(LandscapeExpressionError);
      const error = caught as LandscapeExpressionError;
      expect([error.line, error.column], text).toEqual([line, column]);
      expect(error.message).toMatch(problem);
    }
  });

  it('rejects a hash sign (the WGSL preprocessor would read it as a directive)', () => {
    expect(() => checkExpressionTokens('value', 'x[0] \u0023if')).toThrow(LandscapeExpressionError);
  });
});

describe('landscapes: float64 twin building blocks', () => {
  it('inverseSqrtTimes is G^{-1/2} g: applied twice it solves G d = g', () => {
    const acc = [2, 0.5, -0.3, 0.5, 1, 0.2, -0.3, 0.2, 0.7];
    const g = [0.3, -1, 2];
    const delta0Squared = 0.25;
    const half = inverseSqrtTimes(acc, g, delta0Squared);
    const d = inverseSqrtTimes(acc, half, delta0Squared);
    for (let i = 0; i < 3; i++) {
      const row = [0, 1, 2].reduce((s, j) => s + (acc[i * 3 + j]! + (i === j ? delta0Squared : 0)) * d[j]!, 0);
      expect(row).toBeCloseTo(g[i]!, 10);
    }
  });

  it("Perko's discrete stable manifold: Euler kappa = 1/(3 - h); both schemes tend to 1/3", () => {
    for (const h of [0.1, 0.01, 0.001]) {
      expect(perkoStableManifoldCoefficient(h, 'euler')).toBeCloseTo(1 / (3 - h), 12);
      expect(Math.abs(perkoStableManifoldCoefficient(h, 'rk4') - 1 / 3)).toBeLessThan(h ** 4);
    }
    // On the manifold x3 stays bounded over many steps in float64; just off it, it grows like (1 + h)^t.
    const h = 0.05;
    const kappa = perkoStableManifoldCoefficient(h, 'euler');
    let on: number[] = [0.8, -0.3, -kappa * 0.64];
    let off: number[] = [0.8, -0.3, -kappa * 0.64 + 1e-6];
    for (let t = 0; t < 300; t++) {
      on = perkoStep(on, h, 'euler');
      off = perkoStep(off, h, 'euler');
    }
    expect(Math.hypot(...on)).toBeLessThan(1e-4);
    expect(Math.abs(off[2]!)).toBeGreaterThan(1e-6 * 1.05 ** 300 * 0.5);
  });
});
