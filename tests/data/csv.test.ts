import { describe, expect, it } from 'vitest';
import { csvDataset, parseCsv } from '../../src/data/csv';
import { createDataset } from '../../src/data/create';
import { DataFileError, DataSpecError } from '../../src/data/errors';
import { resolveDataSpec, type CsvDataSpec } from '../../src/data/spec';

const PATH = 'runs/train.csv';

/** The DataFileError `text` raises, for checking where it points. */
function errorOf(text: string, options: Parameters<typeof parseCsv>[1] = {}): DataFileError {
  try {
    parseCsv(text, { path: PATH, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(DataFileError);
    return error as DataFileError;
  }
  throw new Error('expected a DataFileError');
}

describe('parseCsv', () => {
  it('reads x0,...,x{d-1},y into X [n x d] and y [n]', () => {
    const data = parseCsv('x0,x1,y\n1,2,0.5\n-3e-1, .25 ,-7\n', { path: PATH });
    expect(data.sampleCount).toBe(2);
    expect(data.inputDim).toBe(2);
    expect(Array.from(data.X)).toEqual([1, 2, Math.fround(-0.3), 0.25]);
    expect(Array.from(data.y)).toEqual([0.5, -7]);
    expect(data.labelKind).toBe('regression');
    expect(data.description).toContain(PATH);
  });

  it('accepts Windows line endings, a byte-order mark and blank trailing lines', () => {
    const data = parseCsv('\uFEFFx0,y\r\n1,1\r\n2,-1\r\n\r\n  \n');
    expect(Array.from(data.X)).toEqual([1, 2]);
    expect(Array.from(data.y)).toEqual([1, -1]);
  });

  it('gives sign labels for logistic and exponential losses when y is in {-1, +1}', () => {
    for (const loss of ['logistic', 'exponential'] as const) expect(parseCsv('x0,y\n0.5,1\n-0.5,-1', { loss }).labelKind).toBe('sign');
  });

  const cases: [string, string, number, number, RegExp][] = [
    ['an empty file', '', 1, 1, /empty/],
    ['a file of blank lines', '\n \r\n', 1, 1, /empty/],
    ['a header without data rows', 'x0,y\n', 2, 1, /no data rows/],
    ['a header that is not x0..,y', 'x0,x2,y\n1,2,3', 1, 2, /column 2 is 'x2', expected 'x1'/],
    ['a header whose last column is not y', 'x0,x1,label\n1,2,3', 1, 3, /last column is 'label', expected 'y'/],
    ['a header with no input column', 'y\n1', 1, 1, /at least one input column/],
    ['a short row', 'x0,x1,y\n1,2,3\n4,5\n', 3, 3, /2 fields, the header has 3/],
    ['a long row', 'x0,y\n1,2\n3,4,5\n', 3, 3, /3 fields, the header has 2/],
    ['a word', 'x0,x1,y\n1,2,3\n4,abc,6\n', 3, 2, /x1 'abc' is not a number/],
    ['an empty field', 'x0,x1,y\n1,,3\n', 2, 2, /x1 is empty/],
    ['NaN', 'x0,y\n1,2\nNaN,3\n', 3, 1, /x0 is 'NaN'; values must be finite/],
    ['Infinity', 'x0,y\n1,-Infinity\n', 2, 2, /y is '-Infinity'; values must be finite/],
    ['an overflow', 'x0,y\n1e39,1\n', 2, 1, /beyond the float32 range/],
    ['hex', 'x0,y\n0x10,1\n', 2, 1, /'0x10' is not a number/],
    ['a blank line inside the data', 'x0,y\n1,2\n\n3,4\n', 3, 1, /blank line inside the data/],
  ];

  it.each(cases)('rejects %s, naming file, line and column', (_what, text, line, column, problem) => {
    const error = errorOf(text);
    expect([error.path, error.line, error.column]).toEqual([PATH, line, column]);
    expect(error.message).toMatch(problem);
    expect(error.message).toContain(`${PATH}: line ${line}, column ${column}`);
  });

  it.each(['logistic', 'exponential'] as const)('rejects labels outside {-1, +1} for the %s loss, naming the allowed set', (loss) => {
    for (const label of ['0', '2', '0.5']) {
      const error = errorOf(`x0,x1,y\n1,2,1\n3,4,${label}\n`, { loss });
      expect([error.line, error.column]).toEqual([3, 3]);
      expect(error.message).toMatch(new RegExp(`y = ${label} is not in \\{-1, \\+1\\}, the label set the ${loss} loss needs`));
    }
    expect(() => parseCsv('x0,y\n1,0\n', { loss: 'square' })).not.toThrow();
  });

  it('csvDataset splits and normalizes from the spec', () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i},${2 * i},${i % 2 ? 1 : -1}`).join('\n');
    const spec = resolveDataSpec({ kind: 'csv', path: PATH, loss: 'logistic', testFraction: 0.3, seed: 1, normalization: 'unit-norm' }) as CsvDataSpec;
    const { train, test } = csvDataset(`x0,x1,y\n${rows}`, spec);
    expect(train.sampleCount).toBe(7);
    expect(test!.sampleCount).toBe(3);
    const all = [...train.sourceRows!, ...test!.sourceRows!].sort((a, b) => a - b);
    expect(all).toEqual([...Array(10).keys()]);
    for (let i = 1; i < 7; i++) expect(Math.hypot(train.X[2 * i]!, train.X[2 * i + 1]!)).toBeCloseTo(1, 6);
  });
});

describe('a CSV with its own test file (data.testPath)', () => {
  const TRAIN = 'x0,x1,y\n1,2,1\n3,4,-1\n5,6,1\n';
  const TEST = 'x0,x1,y\n7,8,-1\n9,10,1\n';
  const spec = (fields: Record<string, unknown> = {}) => resolveDataSpec({ kind: 'csv', path: 'train.csv', testPath: 'test.csv', ...fields }) as CsvDataSpec;

  it('trains on every row of path and tests on every row of testPath, in file order', () => {
    const { train, test } = csvDataset(TRAIN, spec(), TEST);
    expect(Array.from(train.X)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(train.y)).toEqual([1, -1, 1]);
    expect(Array.from(test!.X)).toEqual([7, 8, 9, 10]);
    expect(Array.from(test!.y)).toEqual([-1, 1]);
    expect(Array.from(test!.sourceRows!)).toEqual([0, 1]);
    expect(test!.description).toBe('test.csv: 2 samples in d = 2; test file, 2 rows.');
    expect(train.description).toBe('train.csv: 3 samples in d = 2; train part, 3 rows.');
  });

  it('createDataset reads the test file through sources.readText', () => {
    const read: string[] = [];
    const files: Record<string, string> = { 'train.csv': TRAIN, 'test.csv': TEST };
    const { test } = createDataset(spec(), { readText: (path) => (read.push(path), files[path]!) });
    expect(read).toEqual(['train.csv', 'test.csv']);
    expect(test!.sampleCount).toBe(2);
  });

  it('refuses a test file whose header differs from the train file, naming the test file, line 1 and the first column that differs', () => {
    const fewer = () => csvDataset(TRAIN, spec(), 'x0,y\n7,1\n');
    expect(fewer).toThrow(DataFileError);
    expect(fewer).toThrow("test.csv: line 1, column 2: the header has 1 input column, the train file train.csv has 2; a test file needs the train file's header x0,x1,y");
    const more = () => csvDataset(TRAIN, spec(), 'x0,x1,x2,y\n7,8,9,1\n');
    expect(more).toThrow("test.csv: line 1, column 3: the header has 3 input columns, the train file train.csv has 2; a test file needs the train file's header x0,x1,y");
    expect(() => csvDataset(TRAIN, spec(), 'x0,x2,y\n7,8,1\n')).toThrow("test.csv: line 1, column 2: the header must be x0,x1,...,x{d-1},y: column 2 is 'x2', expected 'x1'");
  });

  it('checks the test file like the train file: its cells and, for a margin loss, its labels, by line and column', () => {
    expect(() => csvDataset(TRAIN, spec(), 'x0,x1,y\n7,8,1\n9,ten,1\n')).toThrow("test.csv: line 3, column 2: x1 'ten' is not a number");
    expect(() => csvDataset(TRAIN, spec(), 'x0,x1,y\n7,8,1\n9,10\n')).toThrow('test.csv: line 3, column 3: the row has 2 fields, the header has 3');
    const labels = () => csvDataset(TRAIN, spec({ loss: 'logistic' }), 'x0,x1,y\n7,8,1\n9,10,0\n');
    expect(labels).toThrow('test.csv: line 3, column 3: label y = 0 is not in {-1, +1}, the label set the logistic loss needs');
    // The square loss takes any real label in either file.
    expect(csvDataset(TRAIN, spec(), 'x0,x1,y\n7,8,0.5\n').test!.y[0]).toBe(0.5);
  });

  it('without the test file\'s text is a DataSpecError naming data.testPath', () => {
    expect(() => csvDataset(TRAIN, spec())).toThrow(DataSpecError);
    expect(() => csvDataset(TRAIN, spec())).toThrow(/data\.testPath names 'test\.csv'/);
  });
});
