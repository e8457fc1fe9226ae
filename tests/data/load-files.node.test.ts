import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFileError } from '../../src/data/errors';
import { createDatasetFromFiles, loadCsvFile, loadDigitsFile } from '../../src/data/load-files';
import { MAX_TEXT_FILE_BYTES, checkTextFileSize } from '../../src/data/text-file-limit';

const folder = mkdtempSync(join(tmpdir(), 'gradflow-data-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

describe('Node file loaders', () => {
  it('loadCsvFile reads a file and names it in errors', () => {
    const good = file('good.csv', 'x0,x1,y\r\n1,2,1\r\n3,4,-1\r\n');
    const data = loadCsvFile(good, { loss: 'logistic' });
    expect(Array.from(data.X)).toEqual([1, 2, 3, 4]);
    expect(data.labelKind).toBe('sign');
    const bad = file('bad.csv', 'x0,y\n1,2\n3,oops\n');
    expect(() => loadCsvFile(bad)).toThrow(DataFileError);
    expect(() => loadCsvFile(bad)).toThrow(`${bad}: line 3, column 2: y 'oops' is not a number`);
  });

  it('a missing file is a DataFileError that says to check the path', () => {
    expect(() => loadCsvFile(join(folder, 'missing.csv'))).toThrow(/missing\.csv: line 1, column 1: cannot read the file .*check the path/);
  });

  it('loadDigitsFile reads data/digits.csv with the digits defaults (1 vs 0, 20% held out)', () => {
    const { train, test } = loadDigitsFile();
    expect(train.sampleCount + test!.sampleCount).toBe(178 + 182);
    expect(test!.sampleCount).toBe(72);
  });

  it('createDatasetFromFiles builds csv specs from disk', () => {
    const path = file('split.csv', `x0,y\n${Array.from({ length: 20 }, (_, i) => `${i},${i}`).join('\n')}\n`);
    const { train, test } = createDatasetFromFiles({ kind: 'csv', path, testFraction: 0.25, normalization: 'standardize' });
    expect([train.sampleCount, test!.sampleCount]).toEqual([15, 5]);
    const mean = train.X.reduce((s, v) => s + v, 0) / train.sampleCount;
    expect(Math.abs(mean)).toBeLessThan(1e-6);
  });
});

describe('Node file loaders: the size limit', () => {
  it('refuses a file over MAX_TEXT_FILE_BYTES before reading it, naming the file, its size and the limit', () => {
    // A sparse 600 MB file: its size is all the check reads, so no disk or memory is used.
    const path = file('huge.csv', 'x0,y\n1,1\n');
    truncateSync(path, 600 * 2 ** 20);
    expect(() => loadCsvFile(path)).toThrow(DataFileError);
    expect(() => loadCsvFile(path)).toThrow(`${path}: line 1, column 1: the file is 600.0 MiB (629145600 bytes), over the 256 MiB limit on files read whole`);
    expect(MAX_TEXT_FILE_BYTES).toBe(256 * 2 ** 20);
  });

  it('lets a file of exactly the limit through, and one byte more not', () => {
    expect(() => checkTextFileSize('a.csv', MAX_TEXT_FILE_BYTES)).not.toThrow();
    expect(() => checkTextFileSize('a.csv', MAX_TEXT_FILE_BYTES + 1)).toThrow(/a\.csv: .*256\.0 MiB \(268435457 bytes\), over the 256 MiB limit/);
  });
});
