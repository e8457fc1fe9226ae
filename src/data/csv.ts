/**
 * CSV data files: one strict tokenizer for numeric tables (shared with the digits loader) and the
 * generic `x0,...,x{d-1},y` format. Every problem throws DataFileError naming the file, the line and the
 * column (1-based). Accepted: Windows line endings, a UTF-8 byte-order mark, blank trailing lines,
 * spaces around fields. Rejected: empty files, ragged rows, blank lines inside the data, anything
 * that is not a finite decimal number (NaN, Infinity, hex, empty fields, quotes, values beyond float32).
 */
import type { LossKind } from '../core/conventions';
import { makeDataset, type Dataset, type DatasetSplit } from '../core/dataset';
import { DataFileError, DataSpecError } from './errors';
import { needsSignLabels } from './labels';
import { splitAndNormalize } from './preprocess';
import type { CsvDataSpec } from './spec';

/** A parsed table: values [rowCount x columnCount] row-major; data row r sits on line r + 2. */
export interface NumericTable {
  readonly path: string;
  readonly header: readonly string[];
  readonly values: Float64Array;
  readonly rowCount: number;
  readonly columnCount: number;
}

/** Raises a DataFileError at (line, column); header checks and value checks call it. */
export type FailAt = (line: number, column: number, problem: string) => never;

/** Line (1-based) of data row r (0-based): the header is line 1 and no blank line can precede a data row. */
export function lineOfRow(row: number): number {
  return row + 2;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NOT_FINITE = /^[+-]?(nan|inf|infinity)$/i;
const FLOAT32_MAX = 3.4028234663852886e38;

/** A field as a finite number that float32 can hold, or the reason it is not one. */
function parseField(field: string): number | string {
  if (field === '') return 'is empty; expected a number';
  if (NOT_FINITE.test(field)) return `is '${field}'; values must be finite numbers`;
  if (!DECIMAL.test(field)) return `'${field}' is not a number`;
  const value = Number(field);
  if (!Number.isFinite(value) || Math.abs(value) > FLOAT32_MAX) return `'${field}' is beyond the float32 range (|x| <= 3.4e38)`;
  return value;
}

/**
 * Splits `text` into a numeric table. `checkHeader` receives the trimmed header names and throws through
 * `fail` if they are not the format's; every other cell must be a finite number.
 */
export function readNumericCsv(text: string, path: string, checkHeader: (names: readonly string[], fail: FailAt) => void): NumericTable {
  const fail: FailAt = (line, column, problem) => {
    throw new DataFileError(path, line, column, problem);
  };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0) fail(1, 1, 'the file is empty; expected a header line and data rows');
  const header = lines[0]!.split(',').map((name) => name.trim());
  checkHeader(header, fail);
  const columnCount = header.length;
  const rowCount = lines.length - 1;
  if (rowCount === 0) fail(2, 1, 'no data rows after the header');
  const values = new Float64Array(rowCount * columnCount);
  for (let row = 0; row < rowCount; row++) {
    const line = lineOfRow(row);
    const text = lines[row + 1]!;
    if (text.trim() === '') fail(line, 1, 'blank line inside the data; remove it (only trailing blank lines are allowed)');
    const fields = text.split(',');
    if (fields.length !== columnCount) {
      const column = Math.min(fields.length, columnCount) + 1;
      fail(line, column, `the row has ${fields.length} fields, the header has ${columnCount}`);
    }
    for (let column = 0; column < columnCount; column++) {
      const parsed = parseField(fields[column]!.trim());
      if (typeof parsed === 'string') fail(line, column + 1, `${header[column]} ${parsed}`);
      values[row * columnCount + column] = parsed as number;
    }
  }
  return { path, header, values, rowCount, columnCount };
}

export interface CsvOptions {
  /** The loss the labels are for; logistic and exponential need y in {-1, +1}. Default 'square'. */
  readonly loss?: LossKind;
  /** Named in error messages and the description. */
  readonly path?: string;
  /** A test file: the train file whose header (x0,...,x{d-1},y with its d) it must repeat. */
  readonly trainFile?: { readonly path: string; readonly inputDim: number };
}

/** Header x0,...,x{d-1},y with d >= 1, names exact (after trimming spaces). */
function checkXyHeader(names: readonly string[], fail: FailAt): void {
  const expected = 'the header must be x0,x1,...,x{d-1},y';
  if (names.length < 2) fail(1, 1, `${expected} with at least one input column; got '${names.join(',')}'`);
  names.slice(0, -1).forEach((name, c) => {
    if (name !== `x${c}`) fail(1, c + 1, `${expected}: column ${c + 1} is '${name}', expected 'x${c}'`);
  });
  if (names[names.length - 1] !== 'y') fail(1, names.length, `${expected}: the last column is '${names[names.length - 1]}', expected 'y'`);
}

/** Header x0,...,x{d-1},y with the train file's d: a test set the network (d inputs) can be evaluated on. */
function checkSameHeader(trainFile: NonNullable<CsvOptions['trainFile']>): (names: readonly string[], fail: FailAt) => void {
  return (names, fail) => {
    checkXyHeader(names, fail);
    const d = names.length - 1;
    if (d === trainFile.inputDim) return;
    const trainHeader = `${Array.from({ length: trainFile.inputDim }, (_, c) => `x${c}`).join(',')},y`;
    // The first column where the headers differ: this file's y where the train file has an input, or the reverse.
    fail(1, Math.min(d, trainFile.inputDim) + 1, `the header has ${d} input column${d === 1 ? '' : 's'}, the train file ${trainFile.path} has ${trainFile.inputDim}; a test file needs the train file's header ${trainHeader}`);
  };
}

/**
 * Parses a CSV with header x0,...,x{d-1},y into a Dataset (labelKind 'sign' for logistic and
 * exponential losses, whose labels must be -1 or +1; 'regression' for the square loss).
 */
export function parseCsv(text: string, options: CsvOptions = {}): Dataset {
  const path = options.path ?? 'CSV text';
  const loss = options.loss ?? 'square';
  const table = readNumericCsv(text, path, options.trainFile ? checkSameHeader(options.trainFile) : checkXyHeader);
  const d = table.columnCount - 1;
  const n = table.rowCount;
  const X = new Float32Array(n * d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    X.set(table.values.subarray(i * table.columnCount, i * table.columnCount + d), i * d);
    y[i] = table.values[i * table.columnCount + d]!;
    if (needsSignLabels(loss) && y[i] !== 1 && y[i] !== -1) {
      throw new DataFileError(path, lineOfRow(i), d + 1, `label y = ${y[i]} is not in {-1, +1}, the label set the ${loss} loss needs`);
    }
  }
  return makeDataset({
    X,
    y,
    inputDim: d,
    labelKind: needsSignLabels(loss) ? 'sign' : 'regression',
    description: `${path}: ${n} samples in d = ${d}.`,
    sourceRows: Uint32Array.from({ length: n }, (_, i) => i),
  });
}

/**
 * A CSV spec's data: parsed for its loss, split and normalized (statistics from the training part). With
 * spec.testPath, `testText` is that file's text: the test set, checked against the train file's header.
 */
export function csvDataset(text: string, spec: CsvDataSpec, testText?: string): DatasetSplit {
  const data = parseCsv(text, { loss: spec.loss, path: spec.path });
  if (spec.testPath === undefined) return splitAndNormalize(data, spec);
  if (testText === undefined) throw new DataSpecError(`data.testPath names '${spec.testPath}', but its text was not given; read the file and pass it to csvDataset`);
  const testFile = parseCsv(testText, { loss: spec.loss, path: spec.testPath, trainFile: { path: spec.path, inputDim: data.inputDim } });
  return splitAndNormalize(data, spec, testFile);
}
