/**
 * A CSV run with its own test file (data.testPath): both files are read before the data are built, the test set
 * is normalized with the train file's statistics, and the logged testLoss is the final network's mean loss on
 * it, recomputed here by hand from the raw test file and the saved parameters.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfigInput } from '../../../src/config/schema';
import { DataFileError, DataSpecError } from '../../../src/data/errors';
import { dataBuffers } from '../../../src/models/data-footprint';
import { loadTrain } from '../../../src/models/linear/problem';
import { buildProblem } from '../../../src/models/two-layer/problem';
import { runExperiment } from '../../../src/run/run-experiment';

/**
 * 8 train rows and 5 test rows of a smooth target in d = 2, on scales far from standardized. With n = 8 and
 * inputs on a binary grid, the train means and variances are exact in float64 whatever the order of the sums,
 * so the standardized float32 inputs here are the run's bit for bit.
 */
const trainRows = Array.from({ length: 8 }, (_, i) => [3 + (i % 4) * 0.75, -20 + Math.floor(i / 4) * 6, Math.sin(i) + 0.5 * (i % 3)]);
const testRows = [[2.5, -14, 0.25], [4.75, -8, -0.5], [3.3, -21.5, 1.25], [5.5, -3, 0], [4, -17, -1]];
const csvOf = (rows: readonly number[][]) => `x0,x1,y\n${rows.map((row) => row.join(',')).join('\n')}\n`;
const FILES: Record<string, string> = { 'train.csv': csvOf(trainRows), 'test.csv': csvOf(testRows) };

function reader(read: string[] = []) {
  return async (path: string) => {
    read.push(path);
    return FILES[path] ?? Promise.reject(new Error(`no file ${path}`));
  };
}

const config: ExperimentConfigInput = {
  steps: 20,
  backend: 'float64',
  model: { width: 6, scaling: 'ntk', bias: true },
  data: { kind: 'csv', path: 'train.csv', testPath: 'test.csv', normalization: 'standardize' },
  optimizer: { learningRate: 0.2 },
  metrics: { every: 10, names: ['loss', 'testLoss'] },
};

/** Per-column mean and population std of the train rows, in float64. */
function trainStats(column: number): { mean: number; std: number } {
  const values = trainRows.map((row) => row[column]!);
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return { mean, std: Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length) };
}

describe('a two-layer run on a CSV with a test file', () => {
  it('reads data.path then data.testPath, and builds the test set from the test file', async () => {
    const read: string[] = [];
    const problem = await buildProblem(parseConfig(config), reader(read));
    expect(read).toEqual(['train.csv', 'test.csv']);
    expect(problem.train.y.length).toBe(8);
    expect(Array.from(problem.test!.y)).toEqual(testRows.map((row) => Math.fround(row[2]!)));
  });

  it('logs testLoss equal to the final network\'s mean square loss on the test file, computed by hand (float64 backend)', async () => {
    const result = await runExperiment(parseConfig(config), { readText: reader(), saveParams: true });
    const last = result.metrics.at(-1)!;
    expect(last.step).toBe(20);
    const { a, W, b } = result.final as { a: number[]; W: number[][]; b: number[] };
    const stats = [trainStats(0), trainStats(1)];
    // A file is read into float32 (X [n x d]), standardized in float64 with the train file's statistics and kept as float32.
    const losses = testRows.map(([x0, x1, y]) => {
      const x = [x0!, x1!].map((v, c) => Math.fround((Math.fround(v) - stats[c]!.mean) / stats[c]!.std));
      const f = a.reduce((sum, aj, j) => sum + aj * Math.max(0, W[j]![0]! * x[0]! + W[j]![1]! * x[1]! + b[j]!), 0) / Math.sqrt(a.length);
      return 0.5 * (f - Math.fround(y!)) ** 2;
    });
    const testLoss = losses.reduce((sum, loss) => sum + loss, 0) / losses.length;
    // Float64 throughout; only the order of the sums differs.
    expect(Math.abs(last.testLoss! - testLoss)).toBeLessThan(1e-12 * testLoss);
    expect(result.metrics[0]!.testLoss).not.toBe(last.testLoss); // it trained: the test loss moved
  });

  it('names the test file, line and column when it is malformed, before anything trains', async () => {
    const bad = async (path: string) => (path === 'test.csv' ? 'x0,x1,y\n1,2,3\n4,5\n' : FILES[path]!);
    await expect(runExperiment(parseConfig(config), { readText: bad })).rejects.toThrow('test.csv: line 3, column 3: the row has 2 fields, the header has 3');
    await expect(runExperiment(parseConfig(config), { readText: bad })).rejects.toBeInstanceOf(DataFileError);
  });

  it('meets the test metrics\' requirement of a test set; without testPath (or held-out rows) they are refused, naming data.testPath', async () => {
    const { testPath: _testPath, ...trainOnly } = parseConfig(config).data as { testPath?: string };
    const refused = runExperiment(parseConfig({ ...config, data: trainOnly as ExperimentConfigInput['data'] }), { readText: reader() });
    await expect(refused).rejects.toThrow(/metrics\.names: testLoss needs a test set: .*a test file data\.testPath \(csv\), but data\.testFraction is 0 and there is no data\.testPath/);
  });

  it('without a file reader is a DataSpecError naming data.path', async () => {
    await expect(buildProblem(parseConfig(config))).rejects.toThrow(DataSpecError);
    await expect(buildProblem(parseConfig(config))).rejects.toThrow("data.path names the file 'train.csv', but this environment gave no way to read files");
  });
});

describe("a CSV test file in the run's footprint", () => {
  it('counts the test set\'s arrays (its rows unknown until read, like the train file\'s)', () => {
    const whats = (data: ExperimentConfigInput['data']) => dataBuffers(parseConfig({ ...config, data }).data).map((buffer) => buffer.what);
    expect(whats({ kind: 'csv', path: 'train.csv' })).toEqual(['the train inputs X', 'the train labels y']);
    expect(whats({ kind: 'csv', path: 'train.csv', testPath: 'test.csv' })).toEqual(['the train inputs X', 'the train labels y', 'the test inputs', 'the test labels']);
  });
});

describe('a linear run on a CSV with a test file', () => {
  it('reads and checks the test file itself (not the train file\'s text again)', async () => {
    const linear = parseConfig({ steps: 4, loss: 'logistic', model: { kind: 'linear' }, data: { kind: 'csv', path: 'pm.csv', testPath: 'pm-test.csv' } });
    const files: Record<string, string> = { 'pm.csv': 'x0,x1,y\n1,0,1\n-1,0,-1\n', 'pm-test.csv': 'x0,y\n1,1\n' };
    await expect(loadTrain(linear, async (path) => files[path]!)).rejects.toThrow('pm-test.csv: line 1, column 2: the header has 1 input column, the train file pm.csv has 2');
    files['pm-test.csv'] = 'x0,x1,y\n0.5,0.5,1\n';
    expect((await loadTrain(linear, async (path) => files[path]!)).sampleCount).toBe(2);
  });
});
