import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrainingSession } from '../../../src/app/training-session';
import { parseConfig } from '../../../src/config/schema';
import { findPreset } from '../../../src/experiments/presets';
import { FilesController } from '../../../src/ui/controllers/files-controller';
import { fakeHost } from './fake-host';

const DEFAULT = findPreset('default')!.config as Record<string, unknown>;

function controller(raw: Record<string, unknown> = DEFAULT) {
  const trained: Record<string, unknown>[] = [];
  const reported: string[] = [];
  const host = fakeHost();
  const files = new FilesController(host, { rawConfig: () => raw, train: (next) => trained.push(next), report: (message) => reported.push(message) });
  return { host, files, trained, reported };
}

describe('FilesController: CSVs in', () => {
  it('keeps a good CSV by name and trains on it, without the test metrics a file cannot have', async () => {
    const { files, trained } = controller();
    files.trainOnCsv('points.csv', 'x0,x1,y\n0.5,0.25,1\n-0.5,0.75,-1\n');
    expect(trained).toHaveLength(1);
    expect(trained[0]!.data).toEqual({ kind: 'csv', path: 'upload:points.csv', loss: 'square' });
    expect(trained[0]!.metrics).toEqual({ every: 25, names: ['loss', 'gradNorm'] });
    expect(DEFAULT.data).toMatchObject({ kind: 'teacher-student' }); // the config it started from is untouched
    expect(await files.browserFiles.readText('upload:points.csv')).toBe('x0,x1,y\n0.5,0.25,1\n-0.5,0.75,-1\n');
    expect(files.uploadError).toBe('');
  });

  it('refuses a bad CSV with its line, before any run, and clears the error on the next good one', () => {
    const { host, files, trained } = controller({ ...DEFAULT, loss: 'logistic' });
    files.trainOnCsv('bad.csv', 'x0,x1,y\n0.5,0.25,1\n0.5,oops,1\n');
    expect(files.uploadError).toMatch(/bad\.csv.*line 3/);
    expect(trained).toEqual([]);
    expect(host.updates).toBe(1);
    files.trainOnCsv('good.csv', 'x0,x1,y\n0.5,0.25,1\n');
    expect(files.uploadError).toBe('');
    expect(trained[0]!.data).toEqual({ kind: 'csv', path: 'upload:good.csv', loss: 'logistic' });
  });

  it('reads the chosen file of an upload input, then clears the input', async () => {
    const { files, trained } = controller();
    const input = document.createElement('input');
    input.type = 'file';
    const transfer = new DataTransfer();
    transfer.items.add(new File(['x0,y\n1,2\n'], 'line.csv', { type: 'text/csv' }));
    input.files = transfer.files;
    await files.onCsvUpload({ target: input } as unknown as Event);
    expect(trained[0]!.data).toMatchObject({ path: 'upload:line.csv' });
    expect(input.value).toBe('');
  });
});

/** A controller whose raw config follows what it trains, as the app's does (a later upload starts from the last run's config). */
function following(start: Record<string, unknown>) {
  let raw = start;
  const trained: Record<string, unknown>[] = [];
  const files = new FilesController(fakeHost(), { rawConfig: () => raw, train: (next) => (trained.push(next), (raw = next)), report: () => {} });
  return { files, trained };
}

/** A change event of a file input holding `name` with `text`. */
function chosen(name: string, text: string): { event: Event; input: HTMLInputElement } {
  const input = document.createElement('input');
  input.type = 'file';
  const transfer = new DataTransfer();
  transfer.items.add(new File([text], name, { type: 'text/csv' }));
  input.files = transfer.files;
  return { event: { target: input } as unknown as Event, input };
}

describe('FilesController: a train CSV and its test CSV', () => {
  const TRAIN = 'x0,x1,y\n0.5,0.25,1\n-0.5,0.75,-1\n';
  const TEST = 'x0,x1,y\n0.25,0.5,-1\n';
  const WITH_TEST_METRICS = { ...DEFAULT, metrics: { every: 25, names: ['loss', 'testLoss', 'testAccuracy'] } };

  it('keeps both files and trains with data.testPath, keeping the test metrics', async () => {
    const { files, trained } = controller(WITH_TEST_METRICS);
    files.trainOnCsv('train.csv', TRAIN, { name: 'test.csv', text: TEST });
    expect(files.uploadError).toBe('');
    expect(trained[0]!.data).toEqual({ kind: 'csv', path: 'upload:train.csv', testPath: 'upload:test.csv', loss: 'square' });
    expect(trained[0]!.metrics).toEqual({ every: 25, names: ['loss', 'testLoss', 'testAccuracy'] });
    expect(await files.browserFiles.readText('upload:test.csv')).toBe(TEST);
    // Without a test file the test metrics go, as before.
    files.trainOnCsv('train.csv', TRAIN);
    expect(trained[1]!.data).toEqual({ kind: 'csv', path: 'upload:train.csv', loss: 'square' });
    expect(trained[1]!.metrics).toEqual({ every: 25, names: ['loss'] });
  });

  it('adds testLoss when the network logs no test metric, so the test file shows', () => {
    const { files, trained } = controller({ ...DEFAULT, metrics: { every: 25, names: ['loss', 'gradNorm'] } });
    files.trainOnCsv('train.csv', TRAIN, { name: 'test.csv', text: TEST });
    expect(trained[0]!.metrics).toEqual({ every: 25, names: ['loss', 'gradNorm', 'testLoss'] });
    // A config that leaves metrics.names to its default (['loss']) gets testLoss beside it.
    const defaults = controller({ ...DEFAULT, metrics: { every: 25 } });
    defaults.files.trainOnCsv('train.csv', TRAIN, { name: 'test.csv', text: TEST });
    expect(defaults.trained[0]!.metrics).toEqual({ every: 25, names: ['loss', 'testLoss'] });
    // A landscape has no test loss to add.
    const landscape = controller({ model: { kind: 'landscape' }, metrics: { names: ['meanValue'] } });
    landscape.files.trainOnCsv('train.csv', TRAIN, { name: 'test.csv', text: TEST });
    expect(landscape.trained[0]!.metrics).toEqual({ names: ['meanValue'] });
  });

  it('refuses a test file whose header differs, or whose labels the loss cannot take, naming the test file, line and column; keeps nothing', async () => {
    const { files, trained } = controller({ ...DEFAULT, loss: 'logistic' });
    files.trainOnCsv('train.csv', TRAIN, { name: 'test.csv', text: 'x0,y\n0.5,1\n' });
    expect(files.uploadError).toBe("test.csv: line 1, column 2: the header has 1 input column, the train file train.csv has 2; a test file needs the train file's header x0,x1,y");
    files.trainOnCsv('train.csv', TRAIN, { name: 'test.csv', text: 'x0,x1,y\n0.5,0.25,1\n1,1,0\n' });
    expect(files.uploadError).toBe('test.csv: line 3, column 3: label y = 0 is not in {-1, +1}, the label set the logistic loss needs');
    expect(trained).toEqual([]);
    expect(files.browserFiles.isMissingUpload('upload:train.csv')).toBe(true); // a refused pair is not kept
    expect(files.browserFiles.isMissingUpload('upload:test.csv')).toBe(true);
  });

  it('the two inputs: a test file goes with the train file, stays with the next train file, and can be removed', async () => {
    const { files, trained } = following(WITH_TEST_METRICS);
    await files.onCsvUpload(chosen('train.csv', TRAIN).event);
    expect(trained[0]!.data).toEqual({ kind: 'csv', path: 'upload:train.csv', loss: 'square' });
    const test = chosen('test.csv', TEST);
    await files.onTestCsvUpload(test.event);
    expect(test.input.value).toBe('');
    expect(trained[1]!.data).toEqual({ kind: 'csv', path: 'upload:train.csv', testPath: 'upload:test.csv', loss: 'square' });
    expect(trained[1]!.metrics).toEqual({ every: 25, names: ['loss', 'testLoss'] });
    expect(files.currentCsv()).toEqual({ path: 'upload:train.csv', testPath: 'upload:test.csv' });
    // Another train file with the same header keeps the test file; one with another header is refused by it.
    await files.onCsvUpload(chosen('more.csv', 'x0,x1,y\n1,2,3\n').event);
    expect(trained[2]!.data).toEqual({ kind: 'csv', path: 'upload:more.csv', testPath: 'upload:test.csv', loss: 'square' });
    await files.onCsvUpload(chosen('wide.csv', 'x0,x1,x2,y\n1,2,3,4\n').event);
    expect(files.uploadError).toMatch(/^test\.csv: line 1, column 3: the header has 2 input columns, the train file wide\.csv has 3/);
    expect(trained).toHaveLength(3);
    files.removeTestFile();
    expect(trained[3]!.data).toEqual({ kind: 'csv', path: 'upload:more.csv', loss: 'square' });
    expect(trained[3]!.metrics).toEqual({ every: 25, names: ['loss'] });
    expect(files.uploadError).toBe('');
  });

  it('keeps the data section\'s other fields when a test file is added, and drops a held-out fraction it replaces', async () => {
    const { files, trained } = following({ ...DEFAULT, data: { kind: 'csv', path: 'upload:train.csv', loss: 'square', normalization: 'standardize', testFraction: 0.2 } });
    files.browserFiles.add('train.csv', TRAIN);
    await files.onTestCsvUpload(chosen('test.csv', TEST).event);
    expect(trained[0]!.data).toEqual({ kind: 'csv', path: 'upload:train.csv', testPath: 'upload:test.csv', loss: 'square', normalization: 'standardize' });
  });

  it('refuses a test file without a CSV train file, saying to choose the train file first', async () => {
    const { files, trained } = controller();
    await files.onTestCsvUpload(chosen('test.csv', TEST).event);
    expect(files.uploadError).toMatch(/^test\.csv is a test file, .*choose the train file first/);
    expect(trained).toEqual([]);
  });

  it("re-uploading a link's train file keeps the link's test file, which this tab may not hold yet", async () => {
    const link = { ...DEFAULT, data: { kind: 'csv', path: 'upload:train.csv', testPath: 'upload:test.csv', loss: 'square' } };
    const { files, trained } = following(link);
    expect(files.browserFiles.isMissingUpload('upload:test.csv')).toBe(true);
    await files.onCsvUpload(chosen('train.csv', TRAIN).event);
    expect(trained[0]!.data).toEqual({ kind: 'csv', path: 'upload:train.csv', testPath: 'upload:test.csv', loss: 'square' });
    // The test file then comes back through its own input, checked against the train file now held.
    await files.onTestCsvUpload(chosen('test.csv', 'x0,y\n1,1\n').event);
    expect(files.uploadError).toMatch(/^test\.csv: line 1, column 2: .*the train file train\.csv has 2/);
    await files.onTestCsvUpload(chosen('test.csv', TEST).event);
    expect(trained[1]!.data).toEqual(trained[0]!.data);
    expect(files.browserFiles.isMissingUpload('upload:test.csv')).toBe(false);
  });
});

describe('FilesController: results out', () => {
  let saved: { name: string; text: Promise<string> }[] = [];
  beforeEach(() => {
    saved = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, text: fetch(this.href).then((response) => response.text()) });
    });
  });
  afterEach(() => vi.restoreAllMocks());

  const config = parseConfig({ steps: 2, model: { width: 2 }, data: { kind: 'teacher-student', sampleCount: 4, inputDim: 1 } });
  const rows = [{ step: 0, loss: 1 }, { step: 2, loss: 0.5, gradNorm: 0.1 }];
  const session = (parameters: () => Promise<unknown>) => ({
    rows,
    snapshot: () => ({ config, metrics: rows, stepLosses: [1, 0.7], summary: { stepsTaken: 2 } }),
    parameters,
  }) as unknown as TrainingSession;

  it('saves metrics.csv, result.json and parameters.json in the formats the CLI writes', async () => {
    const { files, reported } = controller();
    const run = session(async () => ({ a: [1, -1], W: [[0.5], [0.25]] }));
    files.downloadMetrics(run);
    files.downloadResult(run);
    await files.downloadParameters(run);
    expect(saved.map((file) => file.name)).toEqual(['metrics.csv', 'result.json', 'parameters.json']);
    expect(await saved[0]!.text).toBe('step,loss,gradNorm\n0,1,\n2,0.5,0.1\n');
    expect(JSON.parse(await saved[1]!.text)).toMatchObject({ metrics: rows, stepLosses: [1, 0.7], summary: { stepsTaken: 2 } });
    expect(JSON.parse(await saved[2]!.text)).toEqual({ a: [1, -1], W: [[0.5], [0.25]] });
    expect(reported).toEqual([]);
  });

  it("takes a running run's result.json at its next report, so the file is as far as the screen", async () => {
    const { files } = controller();
    let stepsTaken = 59;
    const running = Object.assign(new EventTarget(), {
      status: 'running', isSet: false,
      snapshot: () => ({ config, metrics: rows, stepLosses: [], summary: { stepsTaken } }),
    }) as unknown as TrainingSession;
    const downloading = files.downloadResult(running);
    expect(saved).toEqual([]);
    stepsTaken = 60; // the row logged at step 60 arrives
    running.dispatchEvent(new CustomEvent('metrics'));
    await downloading;
    expect(JSON.parse(await saved[0]!.text).summary.stepsTaken).toBe(60);
  });

  it('saves step-losses.csv: the loss before every step, as result.json has them', async () => {
    const { files } = controller();
    files.downloadStepLosses({ isSet: false, stepLosses: [1, 0.7] } as unknown as TrainingSession);
    expect(saved.map((file) => file.name)).toEqual(['step-losses.csv']);
    expect(await saved[0]!.text).toBe('step,loss\n0,1\n1,0.7\n');
  });

  it('reports why the parameters could not be read, and saves nothing', async () => {
    const { files, reported } = controller();
    await files.downloadParameters(session(() => Promise.reject(new Error('no parameters yet: the run has not started'))));
    expect(saved).toEqual([]);
    expect(reported).toEqual(['no parameters yet: the run has not started']);
  });
});
