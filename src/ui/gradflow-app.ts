/**
 * <gradflow-app>: the whole app. The URL holds the preset and every changed field (a link
 * reproduces the run); the run starts by itself; the particle and function views draw straight from
 * the training buffers; charts follow every metric the preset logs, with the previous runs overlaid.
 * A config with a sweep block (a comparing preset, or `&sweep=path=v1,v2` in the link) trains every member
 * live: one series per member coloured by its swept value with the colour-scale legend, the preset's summary
 * charts beside them, and small multiples of every member's particles (click one to focus it in the big view).
 *
 * The first screen works like TensorFlow Playground's: a compact header, problems in a banner at the top,
 * then the run (one big play/pause control and the two views; sticky beside the controls at desktop width,
 * first on a phone), the essentials panel, and the full config form folded by group below it; charts follow.
 *
 * The element only composes: controllers (src/ui/controllers) own the state and its life (link, config,
 * run, files, drawing, theme); sections (src/ui/app-sections) render parts of this one shadow root.
 */
import { LitElement, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { TrainingSession } from '../app/training-session';
import { findPreset, PRESETS } from '../experiments/presets';
import { appHeader } from './app-sections/app-header';
import { appStyles } from './app-sections/app-styles';
import { essentialsPanel } from './app-sections/essentials-panel';
import { problemBanner } from './app-sections/problem-banner';
import { runSummary } from './app-sections/run-summary';
import { transport } from './app-sections/transport';
import { filesPanel, readsData } from './app-sections/files-panel';
import { metricCharts } from './app-sections/metric-charts';
import { runBanners } from './app-sections/run-banners';
import { runFacts } from './app-sections/run-facts';
import { runPanel } from './app-sections/run-panel';
import { analysisPanel } from './app-sections/analysis-panel';
import { trainingViews } from './app-sections/training-views';
import { comparison } from './app-sections/comparison';
import { runSetView, type ChosenMember } from './app-sections/run-set-view';
import { chartTheme } from './chart-theme';
import { SharedAxesController, type BoundedView } from './controllers/shared-axes-controller';
import { ConfigController, type RawConfig } from './controllers/config-controller';
import { dataPathOf, DrawingController } from './controllers/drawing-controller';
import { messageOf } from './controllers/error-message';
import { AnalysisController } from './controllers/analysis-controller';
import { FilesController } from './controllers/files-controller';
import { hasWebGpuApi, RunController } from './controllers/run-controller';
import { HeldWarningController } from './controllers/held-warning-controller';
import { ThemeController } from './controllers/theme-controller';
import { UrlStateController } from './controllers/url-state-controller';
import { isHidden, validateConfig } from './config-form';
import { memoized } from './memo';
import { essentialFields, LIVE_ESSENTIALS, liveValueOf, withEssential } from './essentials';
import type { RunCommand, RunSettingName } from './gradflow-run-controls';
import { MemberViewSources, ViewSourceCache } from './view-sources';
import './gradflow-config-editor';
import './gradflow-function-view';
import './gradflow-metric-chart';
import './gradflow-particle-view';
import './gradflow-run-controls';
import './gradflow-summary-chart';

const DEFAULT_PRESET = 'default';

@customElement('gradflow-app')
export class GradflowApp extends LitElement {
  static override styles = appStyles;

  @state() private projection = 'plane';
  @state() private trails = false;
  /** Same source objects across re-renders, so the views keep their renderers. */
  private readonly viewSources = new ViewSourceCache();
  /** The same for a run set's small multiples, per member. */
  private readonly memberSources = new MemberViewSources();
  /** The member a run set shows in the big views (reset to the preset's own point for each new run). */
  @state() private chosenMember: ChosenMember | undefined;

  @query('gradflow-particle-view') private particleView!: HTMLElement & { framesPerSecond?: number };

  // The registered controllers connect in this order: the theme, the WebGPU check (run), then the link, which starts a run.
  private readonly theme = new ThemeController(this, () => this.redrawCharts());
  private readonly files = new FilesController(this, {
    rawConfig: () => this.experiment.raw,
    train: (raw) => this.runConfig(raw),
    report: (message) => this.experiment.report(message),
  });
  private readonly drawing = new DrawingController(this, (name, text) => this.files.trainOnCsv(name, text), () => dataPathOf(this.experiment.raw));
  private readonly experiment = new ConfigController(this, DEFAULT_PRESET, (raw) => this.url.recordConfig(raw));
  private readonly run = new RunController(this, { readText: this.files.browserFiles.readText, currentConfig: () => this.experiment.config });
  private readonly url = new UrlStateController(this, { fallbackPreset: DEFAULT_PRESET, enabled: hasWebGpuApi, onNavigate: () => this.loadLink() });
  private readonly heldWarning = new HeldWarningController(this);
  private readonly analysis = new AnalysisController(this, { readText: this.files.browserFiles.readText });
  private readonly sharedAxes = new SharedAxesController(this, () => [...this.renderRoot.querySelectorAll('gradflow-particle-view.mini')] as unknown as BoundedView[]);

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
    const { config, problem, raw } = this.experiment;
    // While a typed value is invalid, the page goes on describing the run on screen (the last valid config).
    const shown = config ?? session?.config;
    const blocked = !config && problem !== '';
    const set = session?.isSet
      ? runSetView({ session, presetName: preset?.name, dark: chartTheme(this).dark, raw, chosen: this.chosenMember, onChoose: (chosen) => (this.chosenMember = chosen),
        projection: this.projection, sharedAxes: this.sharedAxes, memberSources: this.memberSources })
      : undefined;
    const hold = (warning: string) => this.heldWarning.show(warning, [session, config?.optimizer.learningRate]);
    return html`
      ${appHeader({ summary: runSummary(preset, shown, session), theme: this.theme,
        facts: runFacts({ adapter: this.run.adapter, session, config: shown, framesPerSecond: this.particleView?.framesPerSecond }) })}
      <div class="banners">
        ${problemBanner({ problem, linkProblem: this.url.problem, blocked, running: session !== undefined })}
        ${runBanners(session, hold)}
      </div>
      <div class="layout">
        <section class="panel stage" data-testid="stage" aria-label="The run">
          ${transport({ session, steps: session?.config.steps ?? shown?.steps, blocked, onCommand: (command) => this.run.command(command) })}
          <div class="views ${set ? 'set' : ''}">${trainingViews({
            session, config, blocked, sources: this.viewSources, projection: this.projection, trails: this.trails,
            onProjection: (projection) => (this.projection = projection), onTrails: (trails) => (this.trails = trails), drawing: this.drawing,
            ...(set ? { member: set.focused, maxFps: set.viewFps } : {}),
          })}${set?.multiples ?? nothing}</div>
        </section>
        <aside>
          ${essentialsPanel({ presets: PRESETS, preset: link.preset, hidePreset: isHidden('preset', link.hidden), onPreset: this.onEssentialPreset, onEdit: this.onEssential,
            // The page re-renders every frame; the raw config is replaced, never changed, on each edit.
            fields: memoized(raw, 'essentials', link.hidden.join(','), () => essentialFields(raw, link.hidden, validateConfig(raw))), memberCount: session?.isSet ? session.members.length : undefined })}
          <section class="panel">
            <h2>${readsData(raw) ? 'Data and files' : 'Files'}</h2>
            ${filesPanel(this.files, session, readsData(raw))}
          </section>
          <details class="panel fold" data-section="run-panel">
            <summary>Run panel <span class="muted">Stop, speed, stop rule</span></summary>
            ${runPanel(this.run, shown, { onCommand: this.onRunCommand, onSetting: this.onRunSetting })}
          </details>
          ${analysisPanel({ analysis: this.analysis, session, member: set?.focused.index ?? 0 })}
          <section class="panel">
            <h2>Full config</h2>
            <gradflow-config-editor folded .config=${raw} .hiddenFields=${[...link.hidden, 'preset']} preset=${link.preset}
              @config-change=${this.onConfigChange} @preset-select=${this.onPresetSelect}></gradflow-config-editor>
          </section>
        </aside>
      </div>
      ${set ? comparison({ scales: set.scales, memberCount: session!.members.length, dark: set.dark, panels: set.panels }) : nothing}
      <div class="charts">${metricCharts({ session, config: shown, presetPlots: preset?.plots ?? [], pastRuns: this.run.pastRuns, ...(set ? { memberStyles: set.styles } : {}) })}</div>
    `;
  }

  private readonly onRunCommand = (event: CustomEvent<{ command: RunCommand }>) => this.run.command(event.detail.command);

  private readonly onRunSetting = (event: CustomEvent<{ name: RunSettingName; value: number | undefined }>) => this.applyRunSetting(event.detail.name, event.detail.value);

  /** Settings a run takes without a reset; learning rate and batch size also go into the config (and the link). */
  private async applyRunSetting(name: RunSettingName, value: number | undefined): Promise<void> {
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
  }

  /**
   * An essential's new text. A valid learning rate or batch size goes to the run as it trains;
   * anything else is a new config: run when valid, else kept as typed and shown in the banner.
   */
  private readonly onEssential = (path: string, text: string) => {
    const raw = withEssential(this.experiment.raw, path, text);
    if (LIVE_ESSENTIALS.includes(path) && this.run.session && validateConfig(raw).length === 0) {
      void this.applyRunSetting(path === 'optimizer.learningRate' ? 'learningRate' : 'batchSize', liveValueOf(text));
    } else {
      this.runConfig(raw);
    }
  };

  /** The editor's edits: a valid config runs; an invalid one is kept as typed (the form, the essentials and the link show it) and named in the banner. */
  private readonly onConfigChange = (event: CustomEvent<{ config: Record<string, unknown>; valid: boolean }>) => this.runConfig(event.detail.config);

  /** The editor follows a preset-select with a config-change carrying the preset's config, which starts the run. */
  private readonly onPresetSelect = (event: CustomEvent<{ name: string }>) => this.choosePreset(event.detail.name);

  private readonly onEssentialPreset = (name: string) => {
    const preset = findPreset(name);
    if (!preset) return;
    this.choosePreset(name);
    this.runConfig(structuredClone(preset.config) as RawConfig);
  };

  /** A preset of its own: a link without the old changes, no previous runs to compare, no old problem. */
  private choosePreset(name: string): void {
    const { sweep: _sweep, ...state } = this.url.state;
    this.url.state = { ...state, preset: name, overrides: [] };
    this.run.forgetPastRuns();
    this.experiment.report('');
  }

  /** The charts read the theme's colours when they draw. */
  private redrawCharts(): void {
    for (const chart of this.renderRoot.querySelectorAll<HTMLElement & { redraw(): void }>('gradflow-metric-chart, gradflow-summary-chart')) chart.redraw();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gradflow-app': GradflowApp;
  }
}
