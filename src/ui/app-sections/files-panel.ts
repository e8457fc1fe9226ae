/** The "Data and files" panel: the CSV upload with its error, and the downloads of the run so far. */
import { html, nothing } from 'lit';
import type { TrainingSession } from '../../app/training-session';
import type { FilesController } from '../controllers/files-controller';

export function filesPanel(files: FilesController, session: TrainingSession | undefined) {
  const ready = (session?.stepLosses.length ?? 0) > 0;
  return html`
      <div class="row">
        <label for="csv-upload">Train on a CSV (header x0,...,x{d-1},y):</label>
        <input id="csv-upload" type="file" accept=".csv,text/csv" data-testid="csv-upload" @change=${files.onCsvUpload} />
      </div>
      ${files.uploadError ? html`<p class="error-text" role="alert" data-testid="csv-error">${files.uploadError}</p>` : nothing}
      <div class="row" style="margin-top: 0.5rem">
        <button ?disabled=${!ready} data-testid="download-metrics" @click=${() => files.downloadMetrics(session!)}>metrics.csv</button>
        <button ?disabled=${!ready} data-testid="download-result" @click=${() => files.downloadResult(session!)}>result.json</button>
        <button ?disabled=${!ready} data-testid="download-params" @click=${() => files.downloadParameters(session!)}>parameters.json</button>
      </div>
    `;
}
