/** The Data and files panel with a train and a test CSV: the test input, the test file named, and every upload a link lacks. */
import { render } from 'lit';
import { describe, expect, it } from 'vitest';
import { UploadNotInTabError } from '../../../src/app/browser-files';
import type { TrainingSession } from '../../../src/app/training-session';
import { parseConfig } from '../../../src/config/schema';
import { filesPanel, missingUploads, readsData } from '../../../src/ui/app-sections/files-panel';
import { runSummary } from '../../../src/ui/app-sections/run-summary';
import { FilesController } from '../../../src/ui/controllers/files-controller';
import { fakeHost } from '../controllers/fake-host';

const TRAIN = 'x0,x1,y\n0.5,0.25,1\n-0.5,0.75,-1\n';
const LINK_DATA = { kind: 'csv', path: 'upload:train.csv', testPath: 'upload:test.csv' } as const;

function panel(raw: Record<string, unknown>, session?: TrainingSession) {
  const files = new FilesController(fakeHost(), { rawConfig: () => raw, train: () => {}, report: () => {} });
  const root = document.createElement('div');
  render(filesPanel(files, session, readsData(raw)), root);
  const byTestId = (id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  return { files, root, byTestId };
}

/** A run of the link's data that failed on the first upload it read, as a link opened in a new tab does. */
function failedOn(fileName: string): TrainingSession {
  return { status: 'failed', error: new UploadNotInTabError(fileName), config: parseConfig({ data: LINK_DATA }), stepLosses: [] } as unknown as TrainingSession;
}

describe('the files panel with a test file', () => {
  it('offers the test input only once the data is a CSV, and names the test file with a way to remove it', () => {
    const synthetic = panel({ data: { kind: 'teacher-student' } });
    expect((synthetic.byTestId('csv-test-upload') as HTMLInputElement).disabled).toBe(true);
    expect(synthetic.byTestId('csv-test-file')).toBeNull();
    const csv = panel({ data: { kind: 'csv', path: 'upload:train.csv', testPath: 'upload:test.csv' } });
    expect((csv.byTestId('csv-test-upload') as HTMLInputElement).disabled).toBe(false);
    expect(csv.byTestId('csv-test-file')!.textContent).toBe('testing on test.csv');
    expect(csv.byTestId('remove-test-csv')).not.toBeNull();
  });

  it("names both uploads a link lacks, each with a re-upload into its own input, though the run stopped at the first", () => {
    const { byTestId } = panel({ data: LINK_DATA }, failedOn('train.csv'));
    expect(byTestId('upload-missing')!.textContent).toMatch(/Uploaded files do not travel in links: train\.csv \(train\) and test\.csv \(test\) are not in this tab\./);
    expect(byTestId('reupload')!.textContent).toBe('Upload train.csv again');
    expect(byTestId('reupload-test')!.textContent).toBe('Upload test.csv again (test file)');
  });

  it('names only the test file once the train file is back in this tab, and re-uploads it into the test input', () => {
    const { files, root } = panel({ data: LINK_DATA });
    files.browserFiles.add('train.csv', TRAIN);
    const session = failedOn('test.csv');
    expect(missingUploads(session, files.browserFiles)).toEqual([{ name: 'test.csv', part: 'test' }]);
    render(filesPanel(files, session), root);
    expect(root.querySelector('[data-testid="upload-missing"]')!.textContent).toMatch(/: test\.csv is not in this tab\./);
    let opened = '';
    root.querySelector<HTMLInputElement>('#csv-test-upload')!.addEventListener('click', (event) => {
      event.preventDefault();
      opened = 'test';
    });
    root.querySelector<HTMLButtonElement>('[data-testid="reupload-test"]')!.click();
    expect(opened).toBe('test');
  });
});

describe("the header's summary of a CSV with a test file", () => {
  it('names both files and, once loaded, their sizes', () => {
    const config = parseConfig({ model: { width: 8 }, data: LINK_DATA });
    expect(runSummary(undefined, config, undefined)).toBe('A mean-field two-layer network of 8 neurons trained on train.csv, tested on test.csv.');
    const live = { problem: { train: { X: new Float32Array(6), y: new Float32Array(3) }, test: { X: new Float32Array(4), y: new Float32Array(2) } } };
    const session = { config, live } as unknown as TrainingSession;
    expect(runSummary(undefined, config, session)).toBe('A mean-field two-layer network of 8 neurons trained on train.csv (3 rows, 2 inputs), tested on test.csv (2 rows).');
  });
});

describe('the files panel of a landscape', () => {
  it('offers no CSV upload (the run reads no data) but keeps the downloads', () => {
    const landscape = panel({ model: { kind: 'landscape' } });
    expect(landscape.byTestId('csv-upload')).toBeNull();
    expect(landscape.byTestId('csv-test-upload')).toBeNull();
    expect(landscape.byTestId('no-data-note')!.textContent).toContain('reads no data');
    expect(landscape.byTestId('download-metrics')).not.toBeNull();
    const network = panel({ model: { kind: 'two-layer' } });
    expect(network.byTestId('csv-upload')).not.toBeNull();
    expect(network.byTestId('no-data-note')).toBeNull();
  });
});
