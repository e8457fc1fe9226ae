/**
 * Mixed absolute + relative comparison of float32 GPU results against float64 references.
 * |actual - expected| <= abs + rel * |expected|, with NaN and Infinity matched explicitly.
 */
import { expect } from 'vitest';

export interface Tolerance {
  /** Absolute floor, for expected values near zero. */
  readonly abs: number;
  /** Relative part, scaled by |expected|. */
  readonly rel: number;
}

/** float32 unit roundoff: 2^-24. */
export const F32_EPSILON = 2 ** -24;

/**
 * Tolerance for a sum of `termCount` float32 products whose magnitudes are about `termScale`:
 * the rounding error of a sum grows like sqrt(termCount) * eps * scale for random-sign errors;
 * a factor of 8 covers the fused multiply-add and exp/log differences without hiding real bugs
 * (an indexing bug changes results by O(termScale), many orders above this).
 */
export function reductionTolerance(termCount: number, termScale = 1): Tolerance {
  const bound = 8 * Math.sqrt(Math.max(1, termCount)) * F32_EPSILON;
  return { abs: bound * termScale, rel: bound };
}

export function mismatches(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance, limit = 5): string[] {
  const report: string[] = [];
  for (let i = 0; i < expected.length && report.length < limit; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ok = Number.isNaN(e)
      ? Number.isNaN(a)
      : !Number.isFinite(e)
        ? a === e
        : Number.isFinite(a) && Math.abs(a - e) <= tolerance.abs + tolerance.rel * Math.abs(e);
    if (!ok) report.push(`[${i}] actual ${a}, expected ${e}, |diff| ${Math.abs(a - e)} > ${tolerance.abs + tolerance.rel * Math.abs(e)}`);
  }
  return report;
}

/** Asserts element-wise closeness and lists the first mismatches with their indices. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance, what = 'values'): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const report = mismatches(actual, expected, tolerance);
  expect(report, `${what}: first mismatches (abs ${tolerance.abs}, rel ${tolerance.rel})`).toEqual([]);
}

/** Deterministic float inputs in [-1, 1) (a tiny LCG, not the project RNG under test). */
export { deterministicValues as testValues } from '../../src/core/deterministic-values';
