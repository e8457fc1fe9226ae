/**
 * Files in and out of the app. In: a CSV (uploaded, or written from drawn points) is checked, kept by name
 * in BrowserFiles (drawn points: in the data path itself) and becomes the config's data, which starts a run
 * on it; a second CSV with the same header may go with it as its test file (data.testPath). Out: the run's
 * metrics.csv, result.json (the CLI's formats), step-losses.csv (every step's loss, result.json's stepLosses)
 * and parameters.json.
 */
import type { ReactiveControllerHost } from 'lit';
import { BrowserFiles, download, fileNameOf, uploadPathOf } from '../../app/browser-files';
import { runSetMetricsCsv, runSetResultJson } from '../../app/run-set-files';
import { runSetStepLossesCsv, stepLossesCsv } from '../../run/step-losses-csv';
import type { TrainingSession } from '../../app/training-session';
import { metricsSchema } from '../../config/schema';
import type { LossKind } from '../../core/conventions';
import { parseCsv } from '../../data/csv';
import { isMetricName, metricDeclaration } from '../../metrics/registry';
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

/** A file chosen in the page: its name and text. */
export interface ChosenFile {
  readonly name: string;
  readonly text: string;
}

/** The raw config's CSV data: the train file and, when it has one, its test file (config paths). */
export interface CsvFiles {
  readonly path: string;
  readonly testPath?: string;
}

/**
 * One file of a train/test pair: its config path, its text when this tab has it (then it is checked before the
 * run; else the run reads it and names what is wrong), and for a new upload the file to keep once both pass.
 */
interface PairFile {
  readonly path: string;
  readonly text: string | undefined;
  readonly upload?: ChosenFile;
}

/** Holds state for its host and asks it to re-render; no lifecycle hooks, so it is not registered with addController. */
export class FilesController {
  /** Uploads by name, the app's own files by URL: what a config's data.path and data.testPath read. */
  readonly browserFiles = new BrowserFiles();
  /** Why the last CSV was refused (with its line and column), or ''. */
  uploadError = '';

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: FilesOptions,
  ) {}

  /** The config's data when it is a CSV (what a test file goes with); undefined for any other data. */
  currentCsv(): CsvFiles | undefined {
    const data = this.options.rawConfig().data;
    if (!isRecord(data) || data.kind !== 'csv' || typeof data.path !== 'string') return undefined;
    return typeof data.testPath === 'string' ? { path: data.path, testPath: data.testPath } : { path: data.path };
  }

  /**
   * Checks a train CSV and, when given, its test CSV (same header; a bad file is reported here, before any run),
   * keeps both and trains on them. Without a test file the test metrics go (a file has no held-out part); with one
   * they stay, and testLoss is added when the network logs none.
   */
  trainOnCsv(name: string, text: string, test?: ChosenFile): void {
    const testFile = test && { path: uploadPathOf(test.name), text: test.text, upload: test };
    this.trainOnPair({ path: uploadPathOf(name), text, upload: { name, text } }, testFile, 'replace');
  }

  /**
   * The train file input: the chosen file replaces the train file, and the data's test file stays (checked against
   * the new header when this tab holds it), so re-uploading the train file of a link keeps the link's test file.
   */
  readonly onCsvUpload = async (event: Event): Promise<void> => {
    const chosen = await takeChosenFile(event);
    if (!chosen) return;
    const testPath = this.currentCsv()?.testPath;
    const test = testPath === undefined ? undefined : { path: testPath, text: this.browserFiles.textInTab(testPath) };
    this.trainOnPair({ path: uploadPathOf(chosen.name), text: chosen.text, upload: chosen }, test, 'replace');
  };

  /** The test file input: the chosen file becomes the test file of the data's train file (which must be a CSV). */
  readonly onTestCsvUpload = async (event: Event): Promise<void> => {
    const chosen = await takeChosenFile(event);
    if (!chosen) return;
    const current = this.currentCsv();
    if (!current) {
      this.setUploadError(`${chosen.name} is a test file, and a test file goes with a CSV train file: choose the train file first (header x0,...,x{d-1},y), then its test file`);
      return;
    }
    const train = { path: current.path, text: this.browserFiles.textInTab(current.path) };
    this.trainOnPair(train, { path: uploadPathOf(chosen.name), text: chosen.text, upload: chosen }, 'keep');
  };

  /** Trains on the data's train file alone again: its test file and the test metrics go. */
  removeTestFile(): void {
    const current = this.currentCsv();
    if (!current?.testPath) return;
    this.trainOnPair({ path: current.path, text: this.browserFiles.textInTab(current.path) }, undefined, 'keep');
  }

  /**
   * Checks the pair (what this tab holds of it), keeps its new uploads, and trains on it. `data`: 'replace' writes a
   * fresh CSV data section (a new train file); 'keep' keeps the section's other fields (normalization, seed).
   */
  private trainOnPair(train: PairFile, test: PairFile | undefined, data: 'replace' | 'keep'): void {
    const current = this.options.rawConfig();
    const loss = (current.loss as LossKind | undefined) ?? 'square';
    try {
      const trainName = fileNameOf(train.path);
      const parsed = train.text === undefined ? undefined : parseCsv(train.text, { loss, path: trainName });
      if (test?.text !== undefined) {
        parseCsv(test.text, { loss, path: fileNameOf(test.path), ...(parsed ? { trainFile: { path: trainName, inputDim: parsed.inputDim } } : {}) });
      }
      const path = train.upload ? this.browserFiles.add(train.upload.name, train.upload.text) : train.path;
      const testPath = test?.upload ? this.browserFiles.add(test.upload.name, test.upload.text) : test?.path;
      const raw = structuredClone(current);
      const section: Record<string, unknown> = data === 'keep' && isRecord(current.data) ? current.data : {};
      // A test file replaces held-out rows (the schema refuses both).
      const { testPath: _replaced, testFraction: _heldOut, ...kept } = section;
      raw.data = { ...kept, kind: 'csv', path, ...(testPath !== undefined ? { testPath } : {}), loss };
      raw.metrics = testMetrics(raw, testPath !== undefined);
      this.setUploadError('');
      this.options.train(raw);
    } catch (error) {
      this.setUploadError(messageOf(error));
    }
  }

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

/**
 * The metrics section for data with or without a test set: without one the test metrics go (they would have no
 * value, and the run would be refused); with one they stay, and a network that logs none gets testLoss.
 */
function testMetrics(raw: RawConfig, hasTestSet: boolean): unknown {
  const metrics = isRecord(raw.metrics) ? raw.metrics : {};
  const names: unknown[] = Array.isArray(metrics.names) ? metrics.names : metricsSchema.shape.names.parse(undefined);
  const needsTestSet = (name: unknown) => typeof name === 'string' && isMetricName(name) && metricDeclaration(name).requires === 'testSet';
  if (!hasTestSet) return Array.isArray(metrics.names) ? { ...metrics, names: names.filter((name) => !needsTestSet(name)) } : raw.metrics;
  const modelKind = isRecord(raw.model) && typeof raw.model.kind === 'string' ? raw.model.kind : 'two-layer';
  const logsTestLoss = (metricDeclaration('testLoss').kinds as readonly string[]).includes(modelKind);
  return logsTestLoss && !names.some(needsTestSet) ? { ...metrics, names: [...names, 'testLoss'] } : raw.metrics;
}

/** The file chosen in a file input (read as text), clearing the input so the same file can be chosen again. */
async function takeChosenFile(event: Event): Promise<ChosenFile | undefined> {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return undefined;
  const chosen = { name: file.name, text: await file.text() };
  input.value = '';
  return chosen;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
