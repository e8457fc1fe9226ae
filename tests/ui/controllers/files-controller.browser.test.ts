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
