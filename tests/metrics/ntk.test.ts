import { describe, expect, it } from 'vitest';
import { computeNtkGram, ntkSpectrum, relativeKernelChange } from '../../src/metrics/ntk';
import { RANDOM_STREAMS } from '../../src/core/conventions';
import * as ntk from '../../src/float64/ntk';
import { normalArray } from '../../src/core/random';
import * as twoLayer from '../../src/float64/two-layer';
import { onGpu } from '../helpers/gpu';

/** Inputs at assorted angles (acute, right, obtuse, nearly opposite) and norms. */
const INPUTS = [
  [1, 0, 0],
  [0.6, 0.8, 0],
  [0, 0, 1.5],
  [-1, 0.5, 0.2],
  [0.3, -0.2, 2],
  [-0.9, -0.1, -0.05],
];
const n = INPUTS.length;
const d = 3;
const X = Float64Array.from(INPUTS.flat());
const WIDE = 20_000;

/** w_j ~ N(0, I), a_j ~ N(0, 1): the setting of the closed forms (no bias, ntk scaling). */
function wideNetwork(seed: number): twoLayer.TwoLayerParams {
  return {
    width: WIDE,
    inputDim: d,
    a: Float64Array.from(new Float32Array(normalArray(seed, RANDOM_STREAMS.initA, 0, WIDE))),
    W: Float64Array.from(new Float32Array(normalArray(seed, RANDOM_STREAMS.initW, 0, WIDE * d))),
  };
}

/**
 * Monte Carlo tolerance of entry (i, k): K^(a) averages T_j = relu(w.x) relu(w.x') with
 * E T^2 <= sqrt(E relu(w.x)^4 E relu(w.x')^4) = 1.5 |x|^2 |x'|^2; K^(w) averages a^2 1 1 (x.x') with
 * E a^4 = 3. Five standard errors of the mean: a false alarm per entry has probability < 1e-6 (and
 * the seed is fixed). A wrong closed form or scaling misses by O(|x||x'|), 20 x this at m = 20000.
 */
function monteCarloTolerance(i: number, k: number): { a: number; w: number } {
  const norm = (x: number[]) => Math.hypot(...x);
  const inner = INPUTS[i]!.reduce((sum, value, q) => sum + value * INPUTS[k]![q]!, 0);
  return {
    a: (5 * Math.sqrt(1.5) * norm(INPUTS[i]!) * norm(INPUTS[k]!)) / Math.sqrt(WIDE),
    w: (5 * Math.sqrt(3) * Math.abs(inner)) / Math.sqrt(WIDE) + 1e-12,
  };
}

function expectClosedForm(partA: ArrayLike<number>, partW: ArrayLike<number>, what: string): void {
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const limit = ntk.infiniteWidthNtk(INPUTS[i]!, INPUTS[k]!);
      const tolerance = monteCarloTolerance(i, k);
      expect(Math.abs(partA[i * n + k]! - limit.a), `${what} K^(a)[${i}, ${k}]`).toBeLessThan(tolerance.a);
      expect(Math.abs(partW[i * n + k]! - limit.w), `${what} K^(w)[${i}, ${k}]`).toBeLessThan(tolerance.w);
    }
  }
}

describe('ntk: infinite-width limit', () => {
  it('closed forms at t = 0 and t = pi/2: K^(a) = |x|^2 / 2 and |x||x\'| / (2 pi), K^(w) = |x|^2 / 2 and 0', () => {
    const same = ntk.infiniteWidthNtk([3, 4], [3, 4]);
    expect(same.a).toBeCloseTo(12.5, 12);
    expect(same.w).toBeCloseTo(12.5, 12);
    const right = ntk.infiniteWidthNtk([2, 0], [0, 3]);
    expect(right.a).toBeCloseTo(6 / (2 * Math.PI), 12);
    expect(right.w).toBeCloseTo(0, 12);
    const opposite = ntk.infiniteWidthNtk([1, 0], [-2, 0]);
    expect(opposite.a).toBeCloseTo(0, 12);
    expect(opposite.w).toBeCloseTo(0, 12);
  });

  it('the float64 empirical kernel at m = 20000 matches the closed forms (K^(a): a trainable, K^(w): W trainable)', () => {
    const params = wideNetwork(1);
    const partA = ntk.ntkGram(params, X, n, { scaling: 'ntk', loss: 'square', trainable: 'second' });
    const partW = ntk.ntkGram(params, X, n, { scaling: 'ntk', loss: 'square', trainable: 'first' });
    expectClosedForm(partA, partW, 'float64');
  });

  it('the GPU kernel at m = 20000 matches the closed forms', async () => {
    const params = wideNetwork(2);
    const weights = { a: new Float32Array(params.a), W: new Float32Array(params.W) };
    const config = { sampleCount: n, width: WIDE, inputDim: d, scaling: 'ntk' as const, hasBias: false };
    const [partA, partW] = await onGpu('wide ntk', async (gpu) => [
      await computeNtkGram(gpu, { ...config, trainable: 'second' }, weights, new Float32Array(X)),
      await computeNtkGram(gpu, { ...config, trainable: 'first' }, weights, new Float32Array(X)),
    ]);
    expectClosedForm(partA, partW, 'GPU');
  });
});

describe('ntk: spectrum and kernel change', () => {
  it('ntkSpectrum returns the extreme eigenvalues of a symmetric matrix', () => {
    // [[2, 1], [1, 2]] has eigenvalues 3 and 1.
    const spectrum = ntkSpectrum([2, 1, 1, 2], 2);
    expect(spectrum.lambdaMax).toBeCloseTo(3, 12);
    expect(spectrum.lambdaMin).toBeCloseTo(1, 12);
    expect(Array.from(spectrum.eigenvalues)).toEqual([spectrum.lambdaMax, spectrum.lambdaMin]);
  });

  it('relativeKernelChange is |K - K0|_F / |K0|_F', () => {
    expect(relativeKernelChange([1.1, 0, 0, 1.1], [1, 0, 0, 1])).toBeCloseTo(0.1, 12);
    expect(relativeKernelChange([1, 2, 2, 4], [1, 2, 2, 4])).toBe(0);
    expect(() => relativeKernelChange([1], [1, 2])).toThrow(/entries/);
    expect(() => relativeKernelChange([1, 1], [0, 0])).toThrow(/zero/);
  });

  it('the kernel barely moves under ntk scaling and moves O(1) under mean-field (docs/science.md section 2)', () => {
    const width = 512;
    const Xs = normalArray(1, RANDOM_STREAMS.data, 0, 8 * d);
    const y = normalArray(1, RANDOM_STREAMS.teacher, 0, 8);
    const change = (scaling: 'ntk' | 'mean-field') => {
      let params: twoLayer.TwoLayerParams = {
        width, inputDim: d, a: normalArray(2, RANDOM_STREAMS.initA, 0, width), W: normalArray(2, RANDOM_STREAMS.initW, 0, width * d, 0, 1 / Math.sqrt(d)),
      };
      const options = { scaling, loss: 'square' as const, learningRate: 0.5 };
      const K0 = ntk.ntkGram(params, Xs, 8, options);
      for (let t = 0; t < 50; t++) params = twoLayer.trainStep(params, Xs, y, 8, options);
      return relativeKernelChange(ntk.ntkGram(params, Xs, 8, options), K0);
    };
    expect(change('ntk')).toBeLessThan(0.1);
    expect(change('mean-field')).toBeGreaterThan(0.5);
  });
});
