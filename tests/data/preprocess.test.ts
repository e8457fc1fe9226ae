import { describe, expect, it } from 'vitest';
import { makeDataset, type Dataset } from '../../src/core/dataset';
import { splitAndNormalize } from '../../src/data/preprocess';

/** A file set of rows [x0, x1, y]. */
function table(rows: readonly (readonly [number, number, number])[], description: string): Dataset {
  return makeDataset({
    X: Float32Array.from(rows.flatMap(([x0, x1]) => [x0, x1])),
    y: Float32Array.from(rows.map((row) => row[2])),
    inputDim: 2,
    labelKind: 'regression',
    description,
    sourceRows: Uint32Array.from(rows, (_, i) => i),
  });
}

/** Per-column mean and population standard deviation in float64, two passes: sum / n, then sum of squares / n. */
function columnStats(rows: readonly (readonly number[])[], column: number): { mean: number; std: number } {
  const values = rows.map((row) => row[column]!);
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

describe('splitAndNormalize with a test file of its own', () => {
  // Column 0 has mean 4 and variance 5, column 1 mean 1 and variance 1: both exact in float64, so the
  // statistics do not depend on the order of the sums and the comparison below can be exact.
  const TRAIN = [[1, 0, 0.5], [3, 0, -1], [5, 2, 2], [7, 2, 0]] as const;
  const TEST = [[10, -1, 1], [-2.5, 4, 0], [4, 1, 3]] as const;

  it('standardizes the test file with the training mean and std exactly (float64, rounded once to float32)', () => {
    const { train, test } = splitAndNormalize(table(TRAIN, 'train.csv.'), { testFraction: 0, seed: 0, normalization: 'standardize' }, table(TEST, 'test.csv.'));
    const stats = [columnStats(TRAIN, 0), columnStats(TRAIN, 1)];
    expect(stats).toEqual([{ mean: 4, std: Math.sqrt(5) }, { mean: 1, std: 1 }]);
    const expected = (rows: readonly (readonly number[])[]) => rows.flatMap((row) => [0, 1].map((c) => Math.fround((row[c]! - stats[c]!.mean) / stats[c]!.std)));
    expect(Array.from(test!.X)).toEqual(expected(TEST));
    expect(Array.from(train.X)).toEqual(expected(TRAIN));
    expect(Array.from(test!.y)).toEqual([1, 0, 3]); // labels are never normalized
    expect(test!.description).toBe('test.csv; test file, 3 rows, standardize.');
    // Statistics of the test file itself, or of both files, would give other inputs: it is standardized by the train part alone.
    const own = [columnStats(TEST, 0), columnStats(TEST, 1)];
    expect(Math.fround((TEST[0][0] - own[0]!.mean) / own[0]!.std)).not.toBe(test!.X[0]);
    const both = columnStats([...TRAIN, ...TEST], 0);
    expect(Math.fround((TEST[0][0] - both.mean) / both.std)).not.toBe(test!.X[0]);
  });

  it('maps a feature constant on the training part to 0 in the test file too, whatever the test value', () => {
    const constant = [[1, 3, 0], [2, 3, 0]] as const;
    const { test } = splitAndNormalize(table(constant, 'train.'), { testFraction: 0, seed: 0, normalization: 'standardize' }, table([[1.5, 9, 0]], 'test.'));
    expect(Array.from(test!.X)).toEqual([0, 0]);
  });

  it('applies unit-norm and none to the test file as to the train part', () => {
    const unit = splitAndNormalize(table(TRAIN, 'train.'), { testFraction: 0, seed: 0, normalization: 'unit-norm' }, table([[3, 4, 0]], 'test.'));
    expect(Array.from(unit.test!.X)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    const none = splitAndNormalize(table(TRAIN, 'train.'), { testFraction: 0, seed: 0, normalization: 'none' }, table([[3, 4, 0]], 'test.'));
    expect(Array.from(none.test!.X)).toEqual([3, 4]);
    expect(none.train.sampleCount).toBe(4); // every row of the train file trains
  });

  it('refuses a test file together with held-out rows, or with another input dimension', () => {
    expect(() => splitAndNormalize(table(TRAIN, 'train.'), { testFraction: 0.5, seed: 0, normalization: 'none' }, table(TEST, 'test.'))).toThrow(/a test file and testFraction 0\.5 are two test sets/);
    const wide = makeDataset({ X: new Float32Array(3), y: new Float32Array(1), inputDim: 3, labelKind: 'regression', description: 'wide.' });
    expect(() => splitAndNormalize(table(TRAIN, 'train.'), { testFraction: 0, seed: 0, normalization: 'none' }, wide)).toThrow(/the test file has d = 3 inputs, the train set 2/);
  });
});
