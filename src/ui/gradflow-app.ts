/**
 * <gradflow-app>: the whole app. The URL holds the preset and every changed field (a link
 * reproduces the run); the run starts by itself; the particle and function views draw straight from
 * the training buffers; charts follow every metric the preset logs, with the previous runs overlaid.
 *
 * The element only composes: controllers (src/ui/controllers) own the state and its life (link, config,
 * run, files, drawing, theme); sections (src/ui/app-sections) render parts of this one shadow root.
 */
import { LitElement, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { TrainingSession } from '../app/training-session';
import { findPreset } from '../experiments/presets';
import { appStyles } from './app-sections/app-styles';
import { filesPanel } from './app-sections/files-panel';
import { metricCharts } from './app-sections/metric-charts';
import { runBanners } from './app-sections/run-banners';
import { runFacts } from './app-sections/run-facts';
import { runPanel } from './app-sections/run-panel';
import { trainingViews } from './app-sections/training-views';
import { ConfigController, type RawConfig } from './controllers/config-controller';
import { DrawingController } from './controllers/drawing-controller';
import { messageOf } from './controllers/error-message';
import { FilesController } from './controllers/files-controller';
import { hasWebGpuApi, RunController } from './controllers/run-controller';
import { THEMES, ThemeController } from './controllers/theme-controller';
import { UrlStateController } from './controllers/url-state-controller';
import type { RunCommand, RunSettingName } from './gradflow-run-controls';
import { ViewSourceCache } from './view-sources';
import './gradflow-config-editor';
import './gradflow-function-view';
import './gradflow-metric-chart';
import './gradflow-particle-view';
import './gradflow-run-controls';

const DEFAULT_PRESET = 'default';

@customElement('gradflow-app')
export class GradflowApp extends LitElement {
  static override styles = appStyles;

  @state() private projection = 'plane';
  @state() private trails = false;
  /** Same source objects across re-renders, so the views keep their renderers. */
  private readonly viewSources = new ViewSourceCache();

  @query('gradflow-particle-view') private particleView!: HTMLElement & { framesPerSecond?: number };

  // The registered controllers connect in this order: the theme, the WebGPU check (run), then the link, which starts a run.
  private readonly theme = new ThemeController(this, () => this.redrawCharts());
  private readonly files = new FilesController(this, {
    rawConfig: () => this.experiment.raw,
    train: (raw) => this.runConfig(raw),
    report: (message) => this.experiment.report(message),
  });
  private readonly drawing = new DrawingController(this, (name, text) => this.files.trainOnCsv(name, text));
  private readonly experiment = new ConfigController(this, DEFAULT_PRESET, (raw) => this.url.recordConfig(raw));
  private readonly run = new RunController(this, { readText: this.files.browserFiles.readText, currentConfig: () => this.experiment.config });
  private readonly url = new UrlStateController(this, { fallbackPreset: DEFAULT_PRESET, enabled: hasWebGpuApi, onNavigate: () => this.loadLink() });

  /** The current run (end-to-end tests read it). */
  get session(): TrainingSession | undefined {
    return this.run.session;
  }

  /** The link's preset and changes, validated; a valid config starts a run. */
  private loadLink(): void {
    this.url.state = this.experiment.load(this.url.state);
    this.run.start(this.experiment.validate());
  }

  /** A new raw config, kept in the link; a valid one replaces the run (rewinds), an invalid one is shown and not run. */
  private runConfig(raw: RawConfig): void {
    this.experiment.replace(raw);
    this.run.start(this.experiment.validate());
  }

  override render() {
    if (this.run.unavailable) return html`<div class="banner error" role="alert" data-testid="no-webgpu"><b>WebGPU unavailable.</b> ${this.run.unavailable}</div>`;
    const link = this.url.state;
    const preset = findPreset(link.preset);
    const { session } = this.run;
    const { config, problem } = this.experiment;
    return html`
      <header>
        <h1>GradFlow</h1>
        <span class="muted">${preset?.summary ?? ''}</span>
        ${runFacts({ adapter: this.run.adapter, session, config, framesPerSecond: this.particleView?.framesPerSecond })}
        <label class="muted">theme
          <select .value=${this.theme.theme} @change=${(e: Event) => this.theme.choose((e.target as HTMLSelectElement).value)}>
            ${THEMES.map((t) => html`<option value=${t} ?selected=${t === this.theme.theme}>${t}</option>`)}
          </select>
        </label>
      </header>
      ${runBanners(session)}
      <div class="layout">
        <aside>
          <section>
            <h2>Run</h2>
            ${runPanel(this.run, config, { onCommand: this.onRunCommand, onSetting: this.onRunSetting })}
          </section>
          <section>
            <h2>Data and files</h2>
            ${filesPanel(this.files, session)}
          </section>
          <section>
            <h2>Experiment</h2>
            <gradflow-config-editor .config=${this.experiment.raw} .hiddenFields=${[...link.hidden]} preset=${link.preset}
              @config-change=${this.onConfigChange} @preset-select=${this.onPresetSelect}></gradflow-config-editor>
            ${problem ? html`<p class="error-text" role="alert" data-testid="config-problem">${problem}</p>` : nothing}
            ${this.url.problem ? html`<p class="error-text" role="alert">${this.url.problem}</p>` : nothing}
          </section>
        </aside>
        <main>
          <section class="panel">
            <div class="views">${trainingViews({
              session, config, sources: this.viewSources, projection: this.projection, trails: this.trails,
              onProjection: (projection) => (this.projection = projection), onTrails: (trails) => (this.trails = trails), drawing: this.drawing,
            })}</div>
          </section>
          <div class="charts">${metricCharts({ session, config, presetPlots: preset?.plots ?? [], pastRuns: this.run.pastRuns })}</div>
        </main>
      </div>
    `;
  }

  private readonly onRunCommand = (event: CustomEvent<{ command: RunCommand }>) => this.run.command(event.detail.command);

  /** Settings a run takes without a reset; learning rate and batch size also go into the config (and the link). */
  private readonly onRunSetting = async (event: CustomEvent<{ name: RunSettingName; value: number | undefined }>) => {
    const { name, value } = event.detail;
    try {
      if (name === 'learningRate' && value !== undefined) {
        this.run.setLearningRate(value);
        this.experiment.setField(['optimizer', 'learningRate'], value);
      } else if (name === 'batchSize') {
        this.experiment.setField(['optimizer', 'batchSize'], value);
        await this.run.setBatchSize(value);
      } else if (name === 'stepsPerFrame' && value !== undefined) {
        this.run.setStepsPerFrame(value);
      } else if (name === 'stopBelowLoss') {
        this.run.stopBelowLoss = value;
      }
    } catch (error) {
      this.experiment.report(messageOf(error));
    }
  };

  private readonly onConfigChange = (event: CustomEvent<{ config: Record<string, unknown>; valid: boolean }>) => {
    if (!event.detail.valid) return; // the editor shows the problems next to their fields
    this.runConfig(event.detail.config);
  };

  /** The editor follows a preset-select with a config-change carrying the preset's config, which starts the run. */
  private readonly onPresetSelect = (event: CustomEvent<{ name: string }>) => {
    this.url.state = { ...this.url.state, preset: event.detail.name, overrides: [] };
    this.run.forgetPastRuns();
    this.experiment.report('');
  };

  /** The charts read the theme's colours when they draw. */
  private redrawCharts(): void {
    for (const chart of this.renderRoot.querySelectorAll<HTMLElement & { redraw(): void }>('gradflow-metric-chart')) chart.redraw();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gradflow-app': GradflowApp;
  }
}
