/**
 * The "Data and files" panel: the CSV upload with its error, a re-upload when a link names a file uploaded in
 * another tab, and the downloads of the run so far.
 */
import { html, nothing } from 'lit';
import { UploadNotInTabError } from '../../app/browser-files';
import type { TrainingSession } from '../../app/training-session';
import type { FilesController } from '../controllers/files-controller';

/** The name of the uploaded file the run could not find in this tab (a link from another tab), if that is why it failed. */
export function missingUpload(session: TrainingSession | undefined): string | undefined {
  return session?.status === 'failed' && session.error instanceof UploadNotInTabError ? session.error.fileName : undefined;
}

/** "Upload points.csv again": opens the panel's file chooser; nothing unless the run failed on a file of another tab. */
export function reuploadButton(session: TrainingSession | undefined) {
  const name = missingUpload(session);
  const choose = (event: Event) => ((event.currentTarget as HTMLElement).getRootNode() as ParentNode).querySelector<HTMLInputElement>('#csv-upload')?.click();
  return name ? html`<button data-testid="reupload" @click=${choose}>Upload ${name} again</button>` : nothing;
}

export function filesPanel(files: FilesController, session: TrainingSession | undefined) {
  const ready = (session?.stepLosses.length ?? 0) > 0;
  const missing = missingUpload(session);
  return html`
      <div class="row">
        <label for="csv-upload">Train on a CSV (header x0,...,x{d-1},y):</label>
        <input id="csv-upload" type="file" accept=".csv,text/csv" data-testid="csv-upload" @change=${files.onCsvUpload} />
      </div>
      ${files.uploadError ? html`<p class="error-text" role="alert" data-testid="csv-error">${files.uploadError}</p>` : nothing}
      ${missing ? html`<p class="error-text" data-testid="upload-missing">Uploaded files do not travel in links: ${missing} is not in this tab. ${reuploadButton(session)}</p>` : nothing}
      <div class="row" style="margin-top: 0.5rem">
        <button ?disabled=${!ready} data-testid="download-metrics" @click=${() => files.downloadMetrics(session!)}>metrics.csv</button>
        <button ?disabled=${!ready} data-testid="download-step-losses" title="The loss before every step (result.json's stepLosses)" @click=${() => files.downloadStepLosses(session!)}>step-losses.csv</button>
        <button ?disabled=${!ready} data-testid="download-result" @click=${() => void files.downloadResult(session!)}>result.json</button>
        <button ?disabled=${!ready} data-testid="download-params" @click=${() => files.downloadParameters(session!)}>parameters.json</button>
      </div>
    `;
}
