/**
 * model.init.wScale: w (and b) scale exactly by wScale from the same stream, a is untouched, and the
 * config default keeps today's initialization.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema';
import { initialWeights } from '../../src/core/initialization';

describe('initialWeights wScale', () => {
  it('multiplies w and b by wScale and leaves a alone', () => {
    const base = initialWeights({ seed: 3, width: 7, inputDim: 5, hasBias: true, aStd: 0.5 });
    const small = initialWeights({ seed: 3, width: 7, inputDim: 5, hasBias: true, aStd: 0.5, wScale: 1e-3 });
    expect(Array.from(small.a)).toEqual(Array.from(base.a));
    // Both are float32 roundings of the same float64 draw times the std: relative error <= 2^-23 each.
    small.W.forEach((w, k) => expect(w).toBeCloseTo(1e-3 * base.W[k]!, 9));
    small.b!.forEach((b, k) => expect(b).toBeCloseTo(1e-3 * base.b![k]!, 9));
  });

  it('defaults to 1 in the config and rejects non-positive values', () => {
    expect(parseConfig({}).model).toMatchObject({ init: { aStd: 1, wScale: 1 } });
    expect(() => parseConfig({ model: { init: { wScale: 0 } } })).toThrow(/wScale/);
  });
});
