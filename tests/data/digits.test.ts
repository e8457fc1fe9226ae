import { describe, expect, it } from 'vitest';
import digitsText from '../../data/digits.csv?raw';
import { createDataset } from '../../src/data/create';
import type { Dataset } from '../../src/core/dataset';
import { DIGIT_PIXELS, parseDigits } from '../../src/data/digits';
import { DataFileError, DataSpecError } from '../../src/data/errors';
import type { DataSpecInput } from '../../src/data/spec';

/** Class counts of data/README.md, digits 0..9. */
const CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180];
const TOTAL = 1797;

const readText = () => digitsText;

function digits(options: Omit<Extract<DataSpecInput, { kind: 'digits' }>, 'kind'> = {}) {
  return createDataset({ kind: 'digits', ...options }, { readText });
}

function featureStats(data: Dataset): { mean: Float64Array; std: Float64Array } {
  const d = data.inputDim;
  const n = data.sampleCount;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c]! += data.X[i * d + c]! / n;
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) std[c]! += (data.X[i * d + c]! - mean[c]!) ** 2 / n;
  return { mean, std: std.map(Math.sqrt) };
}

describe('digits', () => {
  it('parses 1797 images of 64 pixels in 0..16 with the class counts of data/README.md', () => {
    const table = parseDigits(digitsText);
    expect(table.sampleCount).toBe(TOTAL);
    expect(table.pixels.length).toBe(TOTAL * DIGIT_PIXELS);
    const counts = new Array(10).fill(0);
    for (const digit of table.digits) counts[digit]++;
    expect(counts).toEqual(CLASS_COUNTS);
    expect(Math.max(...table.pixels)).toBe(16);
    expect(Math.min(...table.pixels)).toBe(0);
  });

  it('binary subsets keep only their classes, labelled +1 / -1', () => {
    const { train } = digits({ classes: { positive: [1], negative: [0] }, testFraction: 0 });
    expect(train.sampleCount).toBe(CLASS_COUNTS[1]! + CLASS_COUNTS[0]!);
    expect(Array.from(train.y).filter((v) => v === 1).length).toBe(CLASS_COUNTS[1]);
    expect(Array.from(train.y).filter((v) => v === -1).length).toBe(CLASS_COUNTS[0]);
    expect(train.labelKind).toBe('sign');
    const table = parseDigits(digitsText);
    for (let i = 0; i < train.sampleCount; i++) expect(table.digits[train.sourceRows![i]!]).toBe(train.y[i] === 1 ? 1 : 0);

    const several = digits({ classes: { positive: [3, 8], negative: [5] }, testFraction: 0 }).train;
    expect(several.sampleCount).toBe(CLASS_COUNTS[3]! + CLASS_COUNTS[8]! + CLASS_COUNTS[5]!);

    const evenOdd = digits({ classes: 'even-odd', labels: 'regression', testFraction: 0 }).train;
    expect(evenOdd.sampleCount).toBe(TOTAL);
    expect(evenOdd.labelKind).toBe('regression');
    expect(Array.from(evenOdd.y).filter((v) => v === 1).length).toBe(CLASS_COUNTS.filter((_, c) => c % 2 === 0).reduce((s, v) => s + v, 0));

    const all = digits({ classes: 'all', testFraction: 0 }).train;
    expect(all.sampleCount).toBe(TOTAL);
    expect(Math.max(...all.y)).toBe(9);
  });

  it('scales pixels to [0, 1] by default and keeps 0..16 when asked', () => {
    const scaled = digits({ testFraction: 0 }).train;
    expect(Math.max(...scaled.X)).toBe(1);
    expect(Math.min(...scaled.X)).toBe(0);
    const raw = digits({ testFraction: 0, scalePixels: false }).train;
    expect(Math.max(...raw.X)).toBe(16);
    expect(raw.X[5]).toBe(16 * scaled.X[5]!);
  });

  it('splits deterministically into disjoint parts of the stated sizes', () => {
    const { train, test } = digits({ testFraction: 0.2, seed: 3 });
    const n = CLASS_COUNTS[0]! + CLASS_COUNTS[1]!;
    expect(test!.sampleCount).toBe(Math.round(0.2 * n));
    expect(train.sampleCount).toBe(n - test!.sampleCount);
    const rows = [...train.sourceRows!, ...test!.sourceRows!];
    expect(new Set(rows).size).toBe(n);
    const again = digits({ testFraction: 0.2, seed: 3 });
    expect(Array.from(again.test!.sourceRows!)).toEqual(Array.from(test!.sourceRows!));
    const other = digits({ testFraction: 0.2, seed: 4 });
    expect(Array.from(other.test!.sourceRows!)).not.toEqual(Array.from(test!.sourceRows!));
  });

  it("'standardize' gives training features mean 0 and std 1, constant pixels 0, statistics from the training part", () => {
    const { train, test } = digits({ classes: 'even-odd', normalization: 'standardize', testFraction: 0.25, seed: 1 });
    const { mean, std } = featureStats(train);
    const rawTrain = digits({ classes: 'even-odd', testFraction: 0.25, seed: 1 }).train;
    const raw = featureStats(rawTrain);
    let constant = 0;
    for (let c = 0; c < DIGIT_PIXELS; c++) {
      expect(Math.abs(mean[c]!)).toBeLessThan(1e-5);
      if (raw.std[c] === 0) {
        constant++;
        expect(std[c]).toBe(0);
        for (let i = 0; i < test!.sampleCount; i++) expect(test!.X[i * DIGIT_PIXELS + c]).toBe(0);
      } else {
        expect(Math.abs(std[c]! - 1)).toBeLessThan(1e-5);
      }
    }
    expect(constant).toBeGreaterThan(0); // pixel 0 is blank in every image
    // The test part uses the training statistics, so its own mean is near but not exactly 0.
    const testStats = featureStats(test!);
    expect(Math.max(...testStats.mean.map(Math.abs))).toBeGreaterThan(1e-4);
  });

  it("'unit-norm' scales every sample to norm 1", () => {
    const { train, test } = digits({ normalization: 'unit-norm' });
    for (const data of [train, test!]) {
      for (let i = 0; i < data.sampleCount; i++) {
        const x = data.X.subarray(i * DIGIT_PIXELS, (i + 1) * DIGIT_PIXELS);
        expect(Math.abs(Math.hypot(...x) - 1)).toBeLessThan(1e-6);
      }
    }
  });

  it('rejects malformed digit files with line and column, and bad class choices', () => {
    const header = `${Array.from({ length: 64 }, (_, c) => `p${c}`).join(',')},label`;
    const row = (pixel: string, label: string) => `${pixel},${new Array(63).fill(0).join(',')},${label}`;
    expect(() => parseDigits(`${header}\n${row('17', '3')}\n`, 'd.csv')).toThrow(DataFileError);
    expect(() => parseDigits(`${header}\n${row('17', '3')}\n`, 'd.csv')).toThrow(/d\.csv: line 2, column 1: p0 = 17 is not an integer in \[0, 16\]/);
    expect(() => parseDigits(`${header}\n${row('1', '3')}\n${row('1', '10')}\n`, 'd.csv')).toThrow(/line 3, column 65: label = 10/);
    expect(() => parseDigits(`${header}\n${row('1.5', '3')}\n`, 'd.csv')).toThrow(/line 2, column 1/);
    expect(() => parseDigits('x0,y\n1,2\n', 'd.csv')).toThrow(/line 1, column 3: the header has 2 columns/);
    expect(() => digits({ classes: { positive: [1, 2], negative: [2] } })).toThrow(DataSpecError);
    expect(() => digits({ classes: { positive: [1], negative: [12] } })).toThrow(/digits are integers 0-9/);
    expect(() => createDataset({ kind: 'digits' })).toThrow(/pass sources.readText/);
  });
});
