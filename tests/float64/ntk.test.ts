/** ntkGramParts (closed forms) against the Gram of the explicit per-sample Jacobian (ntkGram), part by part. */
import { describe, it } from 'vitest';
import { ntkGram, ntkGramParts } from '../../src/float64/ntk';
import type { TwoLayerParams } from '../../src/float64/two-layer';
import { expectClose, testValues } from '../helpers/tolerance';

const n = 7;
const d = 3;
const m = 9;
const X = Float64Array.from(testValues(n * d, 1));

function network(withBias: boolean): TwoLayerParams {
  const a = Float64Array.from(testValues(m, 2), (v) => 2 * v);
  const W = Float64Array.from(testValues(m * d, 3));
  return withBias ? { width: m, inputDim: d, a, W, b: Float64Array.from(testValues(m, 4), (v) => 0.5 * v) } : { width: m, inputDim: d, a, W };
}

// Same sums in a different order: a few ulps of entries of order 10.
const TOLERANCE = { abs: 1e-13, rel: 1e-13 };

describe('ntkGramParts', () => {
  for (const withBias of [false, true]) {
    it(`gives K^(a), K^(w) and their sum as the Jacobian's Gram does (${withBias ? 'with' : 'no'} bias, alpha 1.5, ntk scaling)`, () => {
      const params = network(withBias);
      const options = { scaling: 'ntk', loss: 'square', alpha: 1.5 } as const;
      const parts = ntkGramParts(params, X, n, options);
      expectClose(parts.a, ntkGram(params, X, n, { ...options, trainable: 'second' }), TOLERANCE, 'K^(a)');
      expectClose(parts.w, ntkGram(params, X, n, { ...options, trainable: 'first' }), TOLERANCE, 'K^(w)');
      expectClose(parts.a.map((v, e) => v + parts.w[e]!), ntkGram(params, X, n, options), TOLERANCE, 'K');
    });
  }

  it('follows the output scale: mean-field K is (sqrt(m) / m)^2 = 1/m times the ntk one', () => {
    const params = network(true);
    const ntk = ntkGramParts(params, X, n, { scaling: 'ntk', loss: 'square' });
    const meanField = ntkGramParts(params, X, n, { scaling: 'mean-field', loss: 'square' });
    expectClose(meanField.a, ntk.a.map((v) => v / m), TOLERANCE, 'K^(a)');
    expectClose(meanField.w, ntk.w.map((v) => v / m), TOLERANCE, 'K^(w)');
  });
});
