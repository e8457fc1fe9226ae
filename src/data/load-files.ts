/**
 * Node-only loaders (node:fs): read a data file and hand its text to the pure parsers, which the
 * browser imports alone (src/data/csv.ts, src/data/digits.ts, src/data/create.ts).
 */
import { readFileSync, statSync } from 'node:fs';
import { parseCsv, type CsvOptions } from './csv';
import { createDataset } from './create';
import type { Dataset, DatasetSplit } from '../core/dataset';
import { DataFileError } from './errors';
import { checkTextFileSize } from './text-file-limit';
import type { DataSpec, DataSpecInput } from './spec';

/** The file's text; a missing, unreadable or oversized file (checkTextFileSize) is a DataFileError at line 1, column 1. */
export function readTextFile(path: string): string {
  try {
    // Sized before reading: past V8's string limit the read itself fails with a bare "Invalid string length".
    checkTextFileSize(path, statSync(path).size);
    return readFileSync(path, 'utf8');
  } catch (cause) {
    if (cause instanceof DataFileError) throw cause;
    throw new DataFileError(path, 1, 1, `cannot read the file (${(cause as Error).message}); check the path`);
  }
}

/** parseCsv on the file at `path` (header x0,...,x{d-1},y). */
export function loadCsvFile(path: string, options: Omit<CsvOptions, 'path'> = {}): Dataset {
  return parseCsv(readTextFile(path), { ...options, path });
}

/** createDataset with file kinds ('digits', 'csv') read from disk. */
export function createDatasetFromFiles(spec: DataSpecInput | DataSpec): DatasetSplit {
  return createDataset(spec, { readText: readTextFile });
}

/** The digits set from data/digits.csv (or `path`), with the digits spec's options and defaults. */
export function loadDigitsFile(options: Omit<Extract<DataSpecInput, { kind: 'digits' }>, 'kind'> = {}): DatasetSplit {
  return createDatasetFromFiles({ kind: 'digits', ...options });
}
