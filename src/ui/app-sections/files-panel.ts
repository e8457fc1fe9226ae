/**
 * The "Data and files" panel: the CSV upload (a train file and, optionally, its test file) with its error, a
 * re-upload of each file a link names that was uploaded in another tab, and the downloads of the run so far.
 */
import { html, nothing } from 'lit';
import { fileNameOf, UploadNotInTabError, type BrowserFiles } from '../../app/browser-files';
import type { TrainingSession } from '../../app/training-session';
import { dataFiles } from '../../data/create';
import type { FilesController } from '../controllers/files-controller';

/** Which file input takes a file back: the train file's, or the test file's. */
export type UploadPart = 'train' | 'test';

/** An uploaded file a run could not find in this tab, and the input that takes it back. */
export interface MissingUpload {
  readonly name: string;
  readonly part: UploadPart;
}

const INPUT_ID: Record<UploadPart, string> = { train: 'csv-upload', test: 'csv-test-upload' };

/** The part `fileName` plays in the session's data: the test file when data.testPath names it, else the train file. */
function partOf(session: TrainingSession, fileName: string): UploadPart {
  const data = session.config.data;
  return data.kind === 'csv' && data.testPath !== undefined && fileNameOf(data.testPath) === fileName ? 'test' : 'train';
}

/** The uploaded file the run failed to find in this tab (a link from another tab), if that is why it failed. */
export function missingUpload(session: TrainingSession | undefined): MissingUpload | undefined {
  if (session?.status !== 'failed' || !(session.error instanceof UploadNotInTabError)) return undefined;
  return { name: session.error.fileName, part: partOf(session, session.error.fileName) };
}

/**
 * Every upload the failed run's data names that this tab lacks: the train file and the test file both, though
 * the run stopped at the first it read, so the page asks for all of them at once.
 */
export function missingUploads(session: TrainingSession | undefined, files: BrowserFiles): MissingUpload[] {
  const first = missingUpload(session);
  if (!first) return [];
  const missing = dataFiles(session!.config.data).filter(({ path }) => files.isMissingUpload(path));
  const all = missing.map(({ field, path }): MissingUpload => ({ name: fileNameOf(path), part: field === 'data.testPath' ? 'test' : 'train' }));
  return all.some((upload) => upload.name === first.name) ? all : [first, ...all];
}

/** "Upload points.csv again": opens the file chooser of the file's part (train or test). */
function reuploadFor(upload: MissingUpload) {
  const choose = (event: Event) => ((event.currentTarget as HTMLElement).getRootNode() as ParentNode).querySelector<HTMLInputElement>(`#${INPUT_ID[upload.part]}`)?.click();
  const testId = upload.part === 'train' ? 'reupload' : 'reupload-test';
  return html`<button data-testid=${testId} @click=${choose}>Upload ${upload.name} again${upload.part === 'test' ? ' (test file)' : ''}</button>`;
}

/** The re-upload button of the file the run failed on; nothing unless it failed on a file of another tab. */
export function reuploadButton(session: TrainingSession | undefined) {
  const upload = missingUpload(session);
  return upload ? reuploadFor(upload) : nothing;
}

/** "a.csv (train) and b.csv (test)". */
function namesOf(uploads: readonly MissingUpload[]): string {
  const named = uploads.map((upload) => `${upload.name}${uploads.length > 1 ? ` (${upload.part})` : ''}`);
  return named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)} are` : `${named[0]} is`;
}

/** Whether a raw config's run reads data at all: a landscape's particles are independent runs on f, with no samples. */
export function readsData(raw: { readonly model?: unknown }): boolean {
  return (raw.model as { kind?: unknown } | undefined)?.kind !== 'landscape';
}

/** The panel; `withData` false (a landscape) leaves out the CSV upload, which such a run would never read. */
export function filesPanel(files: FilesController, session: TrainingSession | undefined, withData = true) {
  const ready = (session?.stepLosses.length ?? 0) > 0;
  const missing = missingUploads(session, files.browserFiles);
  const csv = files.currentCsv();
  return html`
      ${withData ? uploads(files, csv) : html`<p class="muted" data-testid="no-data-note">A landscape run reads no data: each particle is an independent run on f.</p>`}
      ${missing.length > 0
        ? html`<p class="error-text" data-testid="upload-missing">Uploaded files do not travel in links: ${namesOf(missing)} not in this tab. ${missing.map(reuploadFor)}</p>`
        : nothing}
      <div class="row" style="margin-top: 0.5rem">
        <button ?disabled=${!ready} data-testid="download-metrics" @click=${() => files.downloadMetrics(session!)}>metrics.csv</button>
        <button ?disabled=${!ready} data-testid="download-step-losses" title="The loss before every step (result.json's stepLosses)" @click=${() => files.downloadStepLosses(session!)}>step-losses.csv</button>
        <button ?disabled=${!ready} data-testid="download-result" @click=${() => void files.downloadResult(session!)}>result.json</button>
        <button ?disabled=${!ready} data-testid="download-params" @click=${() => files.downloadParameters(session!)}>parameters.json</button>
      </div>
    `;
}

/** The CSV inputs (train, then test) and the last upload's error. */
function uploads(files: FilesController, csv: ReturnType<FilesController['currentCsv']>) {
  return html`
      <div class="row">
        <label for="csv-upload">Train on a CSV (header x0,...,x{d-1},y):</label>
        <input id="csv-upload" type="file" accept=".csv,text/csv" data-testid="csv-upload" @change=${files.onCsvUpload} />
      </div>
      <div class="row">
        <label for="csv-test-upload">Test CSV (optional, same header):</label>
        <input id="csv-test-upload" type="file" accept=".csv,text/csv" data-testid="csv-test-upload" ?disabled=${!csv}
          title=${csv ? 'The test set: its loss is logged as testLoss. It stays when another train file is chosen.' : 'Choose a train CSV first: a test file goes with it'}
          @change=${files.onTestCsvUpload} />
        ${csv?.testPath !== undefined
          ? html`<span data-testid="csv-test-file">testing on ${fileNameOf(csv.testPath)}</span>
              <button data-testid="remove-test-csv" title="Train on the train file alone; the test metrics go" @click=${() => files.removeTestFile()}>Remove test file</button>`
          : nothing}
      </div>
      ${files.uploadError ? html`<p class="error-text" role="alert" data-testid="csv-error">${files.uploadError}</p>` : nothing}
    `;
}
