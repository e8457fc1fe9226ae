/**
 * Preprocessing of file data sets: a deterministic train/test split and input normalization whose
 * statistics come from the training part only (so the test part never leaks into training).
 */
import { RANDOM_STREAMS } from '../core/conventions';
import { sampleBatchIndices } from '../core/random';
import { makeDataset, selectRows, type Dataset, type DatasetSplit } from '../core/dataset';
import type { NormalizationKind } from './spec';

/**
 * Rows of the test part: the first round(testFraction * n) positions of the keyed permutation of
 * stream `split` (at most n - 1, so training keeps a sample); both parts ascending, in file order.
 */
export function splitRows(sampleCount: number, testFraction: number, seed: number): { trainRows: Uint32Array; testRows: Uint32Array } {
  if (!(testFraction >= 0 && testFraction < 1)) throw new RangeError(`splitRows: testFraction must lie in [0, 1), got ${testFraction}`);
  const testCount = Math.min(Math.round(testFraction * sampleCount), sampleCount - 1);
  const isTest = new Uint8Array(sampleCount);
  if (testCount > 0) for (const i of sampleBatchIndices(seed, RANDOM_STREAMS.split, 0, sampleCount, testCount, false)) isTest[i] = 1;
  const trainRows: number[] = [];
  const testRows: number[] = [];
  for (let i = 0; i < sampleCount; i++) (isTest[i] ? testRows : trainRows).push(i);
  return { trainRows: Uint32Array.from(trainRows), testRows: Uint32Array.from(testRows) };
}

/**
 * The input map a normalization kind fits on `train`:
 *   'standardize': x_c -> (x_c - mean_c) / std_c per feature (population std); features constant on the
 *                  training part map to 0;
 *   'unit-norm':   x -> x / |x| per sample (a zero sample stays 0);
 *   'none':        identity.
 */
export function fitNormalization(train: Dataset, kind: NormalizationKind): (data: Dataset) => Dataset {
  if (kind === 'none') return (data) => data;
  const d = train.inputDim;
  if (kind === 'unit-norm') {
    return (data) =>
      mapRows(data, (row) => {
        const norm = Math.hypot(...row);
        return norm > 0 ? row.map((v) => v / norm) : row;
      });
  }
  const n = train.sampleCount;
  const mean = new Float64Array(d);
  const variance = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c]! += train.X[i * d + c]! / n;
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) variance[c]! += (train.X[i * d + c]! - mean[c]!) ** 2 / n;
  const std = variance.map(Math.sqrt);
  return (data) => mapRows(data, (row) => row.map((v, c) => (std[c]! > 0 ? (v - mean[c]!) / std[c]! : 0)));
}

function mapRows(data: Dataset, map: (row: Float64Array) => Float64Array): Dataset {
  const d = data.inputDim;
  const X = new Float32Array(data.X.length);
  for (let i = 0; i < data.sampleCount; i++) X.set(map(Float64Array.from(data.X.subarray(i * d, (i + 1) * d))), i * d);
  return makeDataset({ ...data, X });
}

export interface SplitOptions {
  readonly testFraction: number;
  readonly seed: number;
  readonly normalization: NormalizationKind;
}

/**
 * Splits a file set, fits the normalization on the training part and applies it to both parts. With
 * `testFile` (a test set from a file of its own, with `data`'s columns), every row of `data` trains and the
 * normalization fitted on them is applied to the test file: its own statistics are never used.
 */
export function splitAndNormalize(data: Dataset, options: SplitOptions, testFile?: Dataset): DatasetSplit {
  if (testFile && options.testFraction > 0) {
    throw new RangeError(`splitAndNormalize: a test file and testFraction ${options.testFraction} are two test sets; hold rows out or give a test file, not both`);
  }
  if (testFile && testFile.inputDim !== data.inputDim) {
    throw new RangeError(`splitAndNormalize: the test file has d = ${testFile.inputDim} inputs, the train set ${data.inputDim}`);
  }
  const { trainRows, testRows } = splitRows(data.sampleCount, options.testFraction, options.seed);
  const normalized = options.normalization === 'none' ? '' : `, ${options.normalization}`;
  const note = (source: Dataset, part: string, count: number) => `${source.description.replace(/\.$/, '')}; ${part}, ${count} rows${normalized}.`;
  const rawTrain = selectRows(data, trainRows, note(data, 'train part', trainRows.length));
  const normalize = fitNormalization(rawTrain, options.normalization);
  const train = normalize(rawTrain);
  if (testFile) return { train, test: normalize(makeDataset({ ...testFile, description: note(testFile, 'test file', testFile.sampleCount) })) };
  if (testRows.length === 0) return { train };
  return { train, test: normalize(selectRows(data, testRows, note(data, 'test part', testRows.length))) };
}
