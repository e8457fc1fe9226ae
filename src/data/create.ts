/**
 * One entry point for every data source: validates the spec (defaults filled, DataSpecError naming
 * each bad field) and builds the training set and, when asked for, the test set.
 */
import { csvDataset } from './csv';
import type { DataPart, Dataset, DatasetSplit } from '../core/dataset';
import { digitsDataset } from './digits';
import { DataSpecError } from './errors';
import { linearSeparableDataset } from './linear-separable';
import { orthogonalSeparableDataset } from './orthogonal-separable';
import { resolveDataSpec, type DataSpec, type DataSpecInput, type SyntheticDataSpec } from './spec';
import { teacherStudentDataset } from './teacher-student';
import { twoClusterDataset } from './two-cluster';
import { xorDataset } from './xor';

/** Where file sources get their text: Node passes a file reader (src/data/load-files.ts), the page what it fetched. */
/** Reads a text file named in the config (Node: fs; browser: fetch or an uploaded file). */
export type ReadText = (path: string) => Promise<string>;

export interface DataSources {
  readText?(path: string): string;
}

/** The train part of a synthetic source, or its test part of testCount samples (step 1 of every stream). */
export function syntheticDataset(spec: SyntheticDataSpec, part: DataPart = 'train'): Dataset {
  switch (spec.kind) {
    case 'teacher-student':
      return teacherStudentDataset(spec, part);
    case 'linear-separable':
      return linearSeparableDataset(spec, part);
    case 'orthogonal-separable':
      return orthogonalSeparableDataset(spec, part);
    case 'xor':
      return xorDataset(spec, part);
    case 'two-cluster':
      return twoClusterDataset(spec, part);
  }
}

/** Builds the data a spec describes; file kinds read their text through `sources.readText`. */
export function createDataset(input: DataSpecInput | DataSpec, sources: DataSources = {}): DatasetSplit {
  const spec = resolveDataSpec(input);
  if (spec.kind === 'digits' || spec.kind === 'csv') {
    if (!sources.readText) {
      throw new DataSpecError(`${spec.kind} data needs the file '${spec.path}': pass sources.readText (Node: createDatasetFromFiles in src/data/load-files.ts; browser: fetch the text first)`);
    }
    const text = sources.readText(spec.path);
    if (spec.kind === 'digits') return digitsDataset(text, spec);
    return csvDataset(text, spec, spec.testPath === undefined ? undefined : sources.readText(spec.testPath));
  }
  const train = syntheticDataset(spec, 'train');
  return spec.testCount > 0 ? { train, test: syntheticDataset(spec, 'test') } : { train };
}

/** A file a data spec reads, with the config field that names it (for messages). */
export interface DataFile {
  readonly field: 'data.path' | 'data.testPath';
  readonly path: string;
}

/** The files `spec` reads: data.path of the file kinds and a csv's data.testPath; none for synthetic sources. */
export function dataFiles(spec: DataSpec): DataFile[] {
  if (spec.kind !== 'digits' && spec.kind !== 'csv') return [];
  const files: DataFile[] = [{ field: 'data.path', path: spec.path }];
  if (spec.kind === 'csv' && spec.testPath !== undefined) files.push({ field: 'data.testPath', path: spec.testPath });
  return files;
}

/**
 * createDataset with the spec's files read first through `readText` (the CLI's reader, the page's fetch or
 * upload), in the order data.path, data.testPath, so the builders stay synchronous. A spec that names a file
 * without a reader is a DataSpecError naming the field.
 */
export async function loadDataset(spec: DataSpec, readText: ReadText | undefined): Promise<DatasetSplit> {
  const texts = new Map<string, string>();
  for (const { field, path } of dataFiles(spec)) {
    if (!readText) throw new DataSpecError(`${field} names the file '${path}', but this environment gave no way to read files`);
    if (!texts.has(path)) texts.set(path, await readText(path));
  }
  return createDataset(spec, { readText: (path) => texts.get(path)! });
}
