import { describe, expect, it } from 'vitest';
import { createDataset, syntheticDataset } from '../../src/data/create';
import type { Dataset } from '../../src/core/dataset';
import { DataSpecError } from '../../src/data/errors';
import { resolveDataSpec, type DataSpecInput, type SyntheticDataSpec } from '../../src/data/spec';
import { teacherStudentData } from '../../src/data/teacher-student';
import { xorClusterSigns } from '../../src/data/xor';

/** Float32 storage of values computed in float64: labels and projections agree to a few float32 ulps. */
const F32_STORAGE = 1e-6;

function build(input: DataSpecInput) {
  return createDataset(input);
}

function row(data: Dataset, i: number): Float32Array {
  return data.X.subarray(i * data.inputDim, (i + 1) * data.inputDim);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let c = 0; c < a.length; c++) sum += a[c]! * b[c]!;
  return sum;
}

function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));
}

describe('teacher-student', () => {
  it('labels are (1/M) sum_k a_k relu(w_k . x) of the stored inputs (random teacher, given output weights)', () => {
    const { train } = build({ kind: 'teacher-student', seed: 3, sampleCount: 50, inputDim: 4, teacher: { kind: 'random', width: 3, outputWeights: [1, -2, 0.5] } });
    const teacher = train.target?.kind === 'teacher' ? train.target.teacher : undefined;
    expect(teacher?.width).toBe(3);
    for (let i = 0; i < train.sampleCount; i++) {
      let expected = 0;
      for (let k = 0; k < 3; k++) expected += teacher!.a[k]! * Math.max(0, dot(teacher!.W.subarray(k * 4, k * 4 + 4), row(train, i)));
      expect(train.y[i]).toBeCloseTo(expected / 3, 6);
    }
    expect(Array.from(teacher!.a)).toEqual([1, -2, 0.5]);
    expect(train.labelKind).toBe('regression');
  });

  it('an explicit teacher and the single-neuron teacher (default e_1) give the stated targets', () => {
    const explicit = build({ kind: 'teacher-student', sampleCount: 30, inputDim: 2, teacher: { kind: 'explicit', a: [2, 1], W: [[1, 0], [0, -1]] } }).train;
    for (let i = 0; i < 30; i++) {
      const [x0, x1] = row(explicit, i);
      expect(explicit.y[i]).toBeCloseTo((2 * Math.max(0, x0!) + Math.max(0, -x1!)) / 2, 6);
    }
    const single = build({ kind: 'teacher-student', sampleCount: 30, inputDim: 3, teacher: { kind: 'single-neuron' } }).train;
    for (let i = 0; i < 30; i++) expect(single.y[i]).toBe(Math.max(0, single.X[i * 3]!));
  });

  it('the circle-neuron target equals |x| / pi in d = 2, checked against quadrature over the circle', () => {
    const { train } = build({ kind: 'teacher-student', seed: 5, sampleCount: 40, inputDim: 2, teacher: { kind: 'circle' } });
    // Midpoint rule over K angles: relu(r cos(t - phi)) is piecewise smooth with two kinks, error O(r / K^2).
    const K = 20000;
    for (let i = 0; i < train.sampleCount; i++) {
      const [x1, x2] = row(train, i);
      let mean = 0;
      for (let j = 0; j < K; j++) {
        const t = (2 * Math.PI * (j + 0.5)) / K;
        mean += Math.max(0, Math.cos(t) * x1! + Math.sin(t) * x2!) / K;
      }
      expect(Math.abs(train.y[i]! - mean)).toBeLessThan(1e-6 * (1 + norm([x1!, x2!])));
      expect(train.y[i]).toBeCloseTo(norm([x1!, x2!]) / Math.PI, 6);
    }
  });

  it('sphere inputs and sphere teacher neurons have unit norm', () => {
    const { train } = build({ kind: 'teacher-student', sampleCount: 64, inputDim: 7, inputs: 'sphere', teacher: { kind: 'random', width: 5, neurons: 'sphere' } });
    for (let i = 0; i < 64; i++) expect(Math.abs(norm(row(train, i)) - 1)).toBeLessThan(F32_STORAGE);
    const W = train.target?.kind === 'teacher' ? train.target.teacher.W : new Float32Array();
    for (let k = 0; k < 5; k++) expect(Math.abs(norm(W.subarray(k * 7, k * 7 + 7)) - 1)).toBeLessThan(F32_STORAGE);
  });

  it('Gaussian inputs have the moments of N(0, I_d)', () => {
    const { train } = build({ kind: 'teacher-student', sampleCount: 4000, inputDim: 2 });
    const values = Array.from(train.X);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    // 8000 draws: standard errors 0.011 (mean) and 0.016 (variance); 5 sigma bounds.
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(Math.abs(variance - 1)).toBeLessThan(0.08);
  });

  it('label noise adds N(0, std^2) to the clean target', () => {
    const spec = { kind: 'teacher-student', sampleCount: 4000, inputDim: 3, teacher: { kind: 'random', width: 2 } } as const;
    const clean = build(spec).train;
    const noisy = build({ ...spec, labelNoiseStd: 0.5 }).train;
    expect(sameArray(clean.X, noisy.X)).toBe(true);
    const residual = Array.from(noisy.y, (v, i) => v - clean.y[i]!);
    const std = Math.sqrt(residual.reduce((s, v) => s + v * v, 0) / residual.length);
    // 4000 draws: the sample std has relative standard error 1.1%; 5 sigma.
    expect(Math.abs(std - 0.5)).toBeLessThan(0.03);
  });

  it('keeps the exported teacherStudentData contract: {X, y, teacherW} of the default random teacher', () => {
    const legacy = teacherStudentData({ seed: 7, sampleCount: 37, inputDim: 5, teacherWidth: 2 });
    const { train } = build({ kind: 'teacher-student', seed: 7, sampleCount: 37, inputDim: 5, teacher: { kind: 'random', width: 2 } });
    expect(legacy.X.length).toBe(37 * 5);
    expect(legacy.y.length).toBe(37);
    expect(legacy.teacherW.length).toBe(2 * 5);
    expect(sameArray(legacy.X, train.X) && sameArray(legacy.y, train.y)).toBe(true);
  });
});

describe('linearly separable', () => {
  it.each([
    ['gaussian', 'drop'],
    ['sphere', 'drop'],
    ['gaussian', 'push'],
    ['sphere', 'push'],
  ] as const)('%s inputs, %s: y_i u . x_i >= margin and y = sign(u . x)', (inputs, marginMode) => {
    const margin = inputs === 'sphere' ? 0.2 : 0.5;
    const { train } = build({ kind: 'linear-separable', seed: 11, sampleCount: 300, inputDim: 5, inputs, margin, marginMode });
    const u = train.direction!;
    expect(Math.abs(norm(u) - 1)).toBeLessThan(F32_STORAGE);
    // 'drop' keeps float32 candidates that pass the test: exact. 'push' stores float64 results in float32.
    const slack = marginMode === 'drop' ? 0 : F32_STORAGE;
    let onMargin = 0;
    for (let i = 0; i < train.sampleCount; i++) {
      const projection = dot(u, row(train, i));
      expect(train.y[i]! * projection).toBeGreaterThanOrEqual(margin - slack);
      expect(train.y[i]).toBe(projection >= 0 ? 1 : -1);
      if (Math.abs(Math.abs(projection) - margin) < F32_STORAGE) onMargin++;
      if (inputs === 'sphere') expect(Math.abs(norm(row(train, i)) - 1)).toBeLessThan(F32_STORAGE);
    }
    // 'push' moves the points that fell inside the margin onto it; 'drop' leaves none there.
    if (marginMode === 'push') expect(onMargin).toBeGreaterThan(10);
    else expect(onMargin).toBe(0);
    expect(train.labelKind).toBe('sign');
  });

  it('a margin the inputs cannot meet fails with a DataSpecError that suggests push', () => {
    expect(() => build({ kind: 'linear-separable', sampleCount: 2, inputDim: 50, inputs: 'sphere', margin: 0.95 })).toThrow(DataSpecError);
    expect(() => build({ kind: 'linear-separable', sampleCount: 2, inputDim: 50, inputs: 'sphere', margin: 0.95 })).toThrow(/marginMode 'push'/);
    expect(() => build({ kind: 'linear-separable', inputs: 'sphere', margin: 1 })).toThrow(/margin 1 must be below 1/);
  });
});

describe('orthogonally separable', () => {
  it.each([
    ['random', 'gaussian', undefined],
    ['standard', 'gaussian', undefined],
    ['random', 'sphere', 3],
  ] as const)('%s basis, %s coefficients, coneDim %s: x_i . x_j >= 0 within a class and <= 0 across', (basis, inputs, coneDim) => {
    const { train } = build({ kind: 'orthogonal-separable', seed: 2, sampleCount: 80, inputDim: 6, basis, inputs, ...(coneDim ? { coneDim } : {}) });
    let smallest = Infinity;
    for (let i = 0; i < train.sampleCount; i++) {
      for (let j = 0; j < train.sampleCount; j++) {
        const signed = train.y[i]! * train.y[j]! * dot(row(train, i), row(train, j));
        smallest = Math.min(smallest, signed);
      }
      if (inputs === 'sphere') expect(Math.abs(norm(row(train, i)) - 1)).toBeLessThan(F32_STORAGE);
    }
    expect(smallest).toBeGreaterThanOrEqual(0);
    const positives = Array.from(train.y).filter((v) => v === 1).length;
    expect(Math.abs(2 * positives - train.sampleCount)).toBeLessThanOrEqual(1);
  });

  it('with coneDim k < d the data spans k dimensions', () => {
    const { train } = build({ kind: 'orthogonal-separable', sampleCount: 20, inputDim: 5, coneDim: 2, basis: 'standard' });
    for (let i = 0; i < 20; i++) expect(Array.from(row(train, i)).slice(2)).toEqual([0, 0, 0]);
    expect(() => build({ kind: 'orthogonal-separable', inputDim: 3, coneDim: 4 })).toThrow(/coneDim 4 exceeds inputDim 3/);
  });
});

describe('XOR clusters', () => {
  it('labels are the product of the cluster signs, clusters are balanced', () => {
    // sigma = 0.1 < mu / 5.77 (the largest |normal| the generator can draw): no sample leaves its quadrant.
    const { train } = build({ kind: 'xor', seed: 4, sampleCount: 203, inputDim: 6, clusterMean: 1, noiseStd: 0.1 });
    const quadrantCounts = new Map<string, number>();
    for (let i = 0; i < train.sampleCount; i++) {
      const [x0, x1] = row(train, i);
      expect(train.y[i]).toBe(Math.sign(x0!) * Math.sign(x1!));
      const key = `${Math.sign(x0!)},${Math.sign(x1!)}`;
      quadrantCounts.set(key, (quadrantCounts.get(key) ?? 0) + 1);
    }
    expect([...quadrantCounts.values()].sort()).toEqual([50, 51, 51, 51]);
    expect(xorClusterSigns(3)).toEqual([-1, -1]);
  });

  it('sphere noise puts every sample at distance sigma from its centre', () => {
    const { train } = build({ kind: 'xor', sampleCount: 40, inputDim: 4, inputs: 'sphere', clusterMean: 2, noiseStd: 0.3 });
    for (let i = 0; i < 40; i++) {
      const x = Array.from(row(train, i));
      const offset = [x[0]! - 2 * Math.sign(x[0]!), x[1]! - 2 * Math.sign(x[1]!), x[2]!, x[3]!];
      expect(Math.abs(norm(offset) - 0.3)).toBeLessThan(F32_STORAGE);
    }
  });

  it.each([0.1, 0.25, 0.333])('flips exactly round(%s * n) labels, recorded in flippedIndices', (flipFraction) => {
    const n = 157;
    const { train, test } = build({ kind: 'xor', sampleCount: n, testCount: 40, inputDim: 3, noiseStd: 0.1, flipFraction });
    const flipped = Array.from(train.y.keys()).filter((i) => train.y[i] !== train.cleanLabels![i]);
    expect(flipped.length).toBe(Math.round(flipFraction * n));
    expect(Array.from(train.flippedIndices!)).toEqual(flipped);
    for (const i of flipped) expect(train.y[i]).toBe(-train.cleanLabels![i]!);
    expect(test!.flippedIndices!.length).toBe(Math.round(flipFraction * 40));
  });
});

describe('determinism', () => {
  const specs: DataSpecInput[] = [
    { kind: 'teacher-student', sampleCount: 20, inputDim: 3, teacher: { kind: 'random', width: 2 } },
    { kind: 'linear-separable', sampleCount: 20, inputDim: 3, margin: 0.3 },
    { kind: 'orthogonal-separable', sampleCount: 20, inputDim: 3 },
    { kind: 'xor', sampleCount: 20, inputDim: 3, flipFraction: 0.2 },
  ];

  it.each(specs.map((s) => [s.kind, s] as const))('%s: the same seed gives the same data, another seed other data', (_kind, spec) => {
    const first = build({ ...spec, seed: 9 } as DataSpecInput).train;
    const again = build({ ...spec, seed: 9 } as DataSpecInput).train;
    const other = build({ ...spec, seed: 10 } as DataSpecInput).train;
    expect(sameArray(first.X, again.X) && sameArray(first.y, again.y)).toBe(true);
    expect(sameArray(first.X, other.X)).toBe(false);
  });

  it.each(specs.map((s) => [s.kind, s] as const))('%s: the test set is fresh and asking for it leaves the train set unchanged', (_kind, spec) => {
    const alone = build(spec).train;
    const split = build({ ...spec, testCount: 20 } as DataSpecInput);
    expect(sameArray(alone.X, split.train.X) && sameArray(alone.y, split.train.y)).toBe(true);
    expect(split.test!.sampleCount).toBe(20);
    expect(sameArray(split.train.X, split.test!.X)).toBe(false);
    expect(syntheticDataset(resolveDataSpec({ ...spec, testCount: 20 }) as SyntheticDataSpec, 'test').X).toEqual(split.test!.X);
  });
});
