/**
 * Two-cluster data (src/data/two-cluster.ts): exact class counts, unit-norm samples within asin(r) of their
 * centre, centres at the requested angle, separability, determinism, and the spec's errors.
 */
import { describe, expect, it } from 'vitest';
import { createDataset } from '../../src/data/create';
import { DataSpecError } from '../../src/data/errors';
import { resolveDataSpec, type TwoClusterDataSpec } from '../../src/data/spec';
import { twoClusterCentres } from '../../src/data/two-cluster';

/** Samples are stored in float32: norms and cosines agree with the float64 construction to a few ulps. */
const F32_STORAGE = 1e-6;

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i]!, 0);

describe('two-cluster data', () => {
  const input = { kind: 'two-cluster', seed: 5, sampleCount: 61, testCount: 20, inputDim: 3, angle: 0.6, positiveFraction: 0.75, noiseRadius: 0.05, basis: 'random' } as const;

  it('has round(p n) positives, unit samples within asin(r) of their centre, centres at angle Delta', () => {
    const { train, test } = createDataset(input);
    const spec = resolveDataSpec(input) as TwoClusterDataSpec;
    const centres = twoClusterCentres(spec);
    const plus = centres.subarray(0, 3);
    const minus = centres.subarray(3, 6);
    expect(dot(plus, plus)).toBeCloseTo(1, 12);
    expect(dot(minus, minus)).toBeCloseTo(1, 12);
    expect(dot(plus, minus)).toBeCloseTo(Math.cos(0.6), 12);
    expect(Array.from(train.y).filter((v) => v === 1).length).toBe(Math.round(0.75 * 61));
    expect(Array.from(test!.y).filter((v) => v === 1).length).toBe(15);
    // |c + r z| >= 1 - r, and the angle to c is at most asin(r): cos >= sqrt(1 - r^2).
    const minCosine = Math.sqrt(1 - 0.05 ** 2) - F32_STORAGE;
    for (const data of [train, test!]) {
      for (let i = 0; i < data.sampleCount; i++) {
        const x = data.X.subarray(i * 3, i * 3 + 3);
        expect(Math.abs(dot(x, x) - 1)).toBeLessThan(F32_STORAGE);
        expect(dot(x, data.y[i]! > 0 ? plus : minus)).toBeGreaterThanOrEqual(minCosine);
      }
    }
    // Separable through 0 by the bisector's normal: u = x+ - x-, margins of the same sign as y.
    const u = plus.map((v, c) => v - minus[c]!);
    for (let i = 0; i < train.sampleCount; i++) expect(train.y[i]! * dot(u, train.X.subarray(i * 3, i * 3 + 3))).toBeGreaterThan(0);
  });

  it('is deterministic in the seed, differs across seeds and between train and test', () => {
    const a = createDataset(input);
    const b = createDataset(input);
    const c = createDataset({ ...input, seed: 6 });
    expect(Array.from(a.train.X)).toEqual(Array.from(b.train.X));
    expect(Array.from(a.train.y)).toEqual(Array.from(b.train.y));
    expect(Array.from(a.train.X)).not.toEqual(Array.from(c.train.X));
    expect(Array.from(a.train.X.subarray(0, 60))).not.toEqual(Array.from(a.test!.X.subarray(0, 60)));
  });

  it('standard basis puts x+ at e_1 and x- in the (e_1, e_2) plane; zero noise puts every sample on its centre', () => {
    const { train } = createDataset({ kind: 'two-cluster', sampleCount: 8, inputDim: 2, angle: 0.3, noiseRadius: 0 });
    for (let i = 0; i < 8; i++) {
      const expected = train.y[i]! > 0 ? [1, 0] : [Math.cos(0.3), Math.sin(0.3)];
      expect(train.X[2 * i]).toBeCloseTo(expected[0]!, 6);
      expect(train.X[2 * i + 1]).toBeCloseTo(expected[1]!, 6);
    }
    expect(Array.from(train.y).filter((v) => v === 1).length).toBe(6);
  });

  it('rejects an obtuse angle, p outside (0, 1), d < 2 and r >= 1, naming the field', () => {
    const bad = (patch: Record<string, unknown>, field: string) => expect(() => createDataset({ ...input, ...patch } as never)).toThrow(new RegExp(field));
    bad({ angle: 2 }, 'angle');
    bad({ positiveFraction: 0 }, 'positiveFraction');
    bad({ positiveFraction: 1 }, 'positiveFraction');
    bad({ inputDim: 1 }, 'inputDim');
    bad({ noiseRadius: 1.5 }, 'noiseRadius');
    expect(() => createDataset({ ...input, angle: -1 })).toThrow(DataSpecError);
  });
});
