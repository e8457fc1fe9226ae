/**
 * Files in and out of the app. In: a CSV (uploaded, or written from drawn points) is checked, kept by name
 * in BrowserFiles (drawn points: in the data path itself) and becomes the config's data, which starts a run
 * on it. Out: the run's metrics.csv, result.json (the CLI's formats), step-losses.csv (every step's loss,
 * result.json's stepLosses) and parameters.json.
 */
import type { ReactiveControllerHost } from 'lit';
import { BrowserFiles, download } from '../../app/browser-files';
import { runSetMetricsCsv, runSetResultJson } from '../../app/run-set-files';
import { runSetStepLossesCsv, stepLossesCsv } from '../../run/step-losses-csv';
import type { TrainingSession } from '../../app/training-session';
import { parseCsv } from '../../data/csv';
import { metricsCsv, resultJson } from '../../run/result-format';
import type { RawConfig } from './config-controller';
import { messageOf } from './error-message';

export interface FilesOptions {
  /** The raw config a CSV replaces the data of. */
  readonly rawConfig: () => RawConfig;
  /** Runs the raw config that trains on an accepted CSV. */
  readonly train: (raw: RawConfig) => void;
  /** Shows a failed download's reason. */
  readonly report: (message: string) => void;
}

/** Holds state for its host and asks it to re-render; no lifecycle hooks, so it is not registered with addController. */
export class FilesController {
  /** Uploads by name, the app's own files by URL: what a config's data.path reads. */
  readonly browserFiles = new BrowserFiles();
  /** Why the last CSV was refused (with its line and column), or ''. */
  uploadError = '';

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: FilesOptions,
  ) {}

  /** Checks a CSV (a bad file is reported here, before any run) and trains on it; test metrics go, a file has no held-out part. */
  trainOnCsv(name: string, text: string): void {
    const current = this.options.rawConfig();
    const loss = (current.loss as 'square' | 'logistic' | 'exponential' | undefined) ?? 'square';
    try {
      parseCsv(text, { loss, path: name });
      const path = this.browserFiles.add(name, text);
      const raw = structuredClone(current);
      raw.data = { kind: 'csv', path, loss };
      if (isRecord(raw.metrics) && Array.isArray(raw.metrics.names)) {
        raw.metrics = { ...raw.metrics, names: raw.metrics.names.filter((metric) => !String(metric).startsWith('test')) };
      }
      this.setUploadError('');
      this.options.train(raw);
    } catch (error) {
      this.setUploadError(messageOf(error));
    }
  }

  /** The file input's change: trains on the chosen file, then clears the input so the same file can be chosen again. */
  readonly onCsvUpload = async (event: Event): Promise<void> => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    this.trainOnCsv(file.name, await file.text());
    input.value = '';
  };

  /** The run's rows; a run set's: every member's, with its index and swept values. */
  downloadMetrics(session: TrainingSession): void {
    download('metrics.csv', session.isSet ? runSetMetricsCsv(session.members) : metricsCsv(session.rows), 'text/csv');
  }

  /** The loss before every step taken; a run set's: every member's, with its index and swept values. */
  downloadStepLosses(session: TrainingSession): void {
    download('step-losses.csv', session.isSet ? runSetStepLossesCsv(session.members) : stepLossesCsv(session.stepLosses), 'text/csv');
  }

  /**
   * The CLI's result.json; a run set's carries the sweep (config.sweep) and every member's result (members). While
   * the run trains, it is the result of the run stopped at its latest known loss (src/app/session-snapshot.ts),
   * taken at the run's next report: the screen shows step n as soon as its losses are back, the row logged at n
   * comes a moment later, and a file taken in between would end a step before the screen.
   */
  async downloadResult(session: TrainingSession): Promise<void> {
    if (session.status === 'running') await nextReport(session, REPORT_WAIT_MS);
    download('result.json', session.isSet ? runSetResultJson(session.setSnapshot()) : resultJson(session.snapshot()), 'application/json');
  }

  /** The current weights (a small readback, only on request). */
  async downloadParameters(session: TrainingSession): Promise<void> {
    try {
      download('parameters.json', `${JSON.stringify(await session.parameters(), null, 2)}\n`, 'application/json');
    } catch (error) {
      this.options.report(messageOf(error));
    }
  }

  private setUploadError(message: string): void {
    this.uploadError = message;
    this.host.requestUpdate();
  }
}

/** The longest a result.json download waits for the run's next report (a chunk takes a frame or a few). */
const REPORT_WAIT_MS = 1000;

/** Resolves at the run's next row or progress report, or after `timeoutMs`. */
function nextReport(session: TrainingSession, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      session.removeEventListener('metrics', done);
      session.removeEventListener('progress', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    session.addEventListener('metrics', done);
    session.addEventListener('progress', done);
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
