/**
 * The handwritten digits set (data/digits.csv, see data/README.md): 1797 images of 8x8 pixels with
 * integer values 0-16, header p0,...,p63,label. Pure functions of the file text, so the browser can
 * fetch the file and Node can read it (src/data/load-files.ts).
 */
import { makeDataset, selectRows, type Dataset, type DatasetSplit } from '../core/dataset';
import { lineOfRow, readNumericCsv, type FailAt } from './csv';
import { DataFileError } from './errors';
import { splitAndNormalize } from './preprocess';
import type { DigitsDataSpec } from './spec';

export const DIGIT_PIXELS = 64;
export const DIGIT_MAX_PIXEL = 16;
export const DIGIT_CLASSES = 10;

/** The raw table: pixels [N x 64] in 0..16 and the digit of each image. */
export interface DigitsTable {
  readonly sampleCount: number;
  readonly pixels: Float32Array;
  readonly digits: Uint8Array;
}

function checkDigitsHeader(names: readonly string[], fail: FailAt): void {
  const expected = [...Array.from({ length: DIGIT_PIXELS }, (_, c) => `p${c}`), 'label'];
  if (names.length !== expected.length) fail(1, Math.min(names.length, expected.length) + 1, `the header has ${names.length} columns, expected p0,...,p63,label (65)`);
  names.forEach((name, c) => {
    if (name !== expected[c]) fail(1, c + 1, `header column ${c + 1} is '${name}', expected '${expected[c]}'`);
  });
}

/** Parses digits.csv: every pixel an integer in [0, 16], every label an integer in [0, 9]. */
export function parseDigits(text: string, path = 'digits.csv'): DigitsTable {
  const table = readNumericCsv(text, path, checkDigitsHeader);
  const n = table.rowCount;
  const pixels = new Float32Array(n * DIGIT_PIXELS);
  const digits = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c <= DIGIT_PIXELS; c++) {
      const value = table.values[i * table.columnCount + c]!;
      const max = c < DIGIT_PIXELS ? DIGIT_MAX_PIXEL : DIGIT_CLASSES - 1;
      if (!Number.isInteger(value) || value < 0 || value > max) {
        throw new DataFileError(path, lineOfRow(i), c + 1, `${table.header[c]} = ${value} is not an integer in [0, ${max}]`);
      }
      if (c < DIGIT_PIXELS) pixels[i * DIGIT_PIXELS + c] = value;
      else digits[i] = value;
    }
  }
  return { sampleCount: n, pixels, digits };
}

/** The label of a digit under the class choice, or undefined when the digit is not in the subset. */
function labelOf(digit: number, classes: DigitsDataSpec['classes']): number | undefined {
  if (classes === 'all') return digit;
  if (classes === 'even-odd') return digit % 2 === 0 ? 1 : -1;
  if (classes.positive.includes(digit)) return 1;
  if (classes.negative.includes(digit)) return -1;
  return undefined;
}

function describeClasses(classes: DigitsDataSpec['classes']): string {
  if (classes === 'all') return 'all ten digits, y = the digit';
  if (classes === 'even-odd') return 'even (+1) vs odd (-1)';
  return `{${classes.positive.join(', ')}} (+1) vs {${classes.negative.join(', ')}} (-1)`;
}

/**
 * The digits set a spec asks for: the class subset, pixels divided by 16 when `scalePixels`, the split,
 * then the normalization fitted on the training part. `sourceRows` names each sample's row in the file.
 */
export function digitsDataset(text: string, spec: DigitsDataSpec): DatasetSplit {
  const table = parseDigits(text, spec.path);
  const scale = spec.scalePixels ? 1 / DIGIT_MAX_PIXEL : 1;
  const all: Dataset = makeDataset({
    X: table.pixels.map((v) => v * scale),
    y: Float32Array.from(table.digits, (digit) => labelOf(digit, spec.classes) ?? Number.NaN),
    inputDim: DIGIT_PIXELS,
    labelKind: spec.classes === 'all' ? 'regression' : spec.labels,
    description: `Digits (UCI optdigits via scikit-learn, CC BY 4.0), ${describeClasses(spec.classes)}, pixels ${spec.scalePixels ? 'scaled to [0, 1]' : 'in 0-16'}.`,
    sourceRows: Uint32Array.from({ length: table.sampleCount }, (_, i) => i),
  });
  const rows = Array.from({ length: table.sampleCount }, (_, i) => i).filter((i) => !Number.isNaN(all.y[i]));
  return splitAndNormalize(selectRows(all, rows), spec);
}
