/**
 * <gradflow-app>: the whole app. The URL holds the preset and every changed field (a link
 * reproduces the run); the run starts by itself; the particle and function views draw straight from
 * the training buffers; charts follow every metric the preset logs, with the previous runs overlaid.
 * A config with a sweep block (a comparing preset, or `&sweep=path=v1,v2` in the link) trains every member
 * live: one series per member coloured by its swept value with the colour-scale legend, the preset's summary
 * charts beside them, and small multiples of every member's particles (click one to focus it in the big view).
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
import { comparison } from './app-sections/comparison';
import { memberViews } from './app-sections/member-views';
import { chartTheme } from './chart-theme';
import { SharedAxesController, type BoundedView } from './controllers/shared-axes-controller';
import { summaryPanels, type SummaryPanel } from './summary-data';
import { memoized } from './memo';
import { memberStyles, sweepScales, type MemberStyle, type SweepScales } from './sweep-style';
import { ConfigController, type RawConfig } from './controllers/config-controller';
import { DrawingController } from './controllers/drawing-controller';
import { messageOf } from './controllers/error-message';
import { FilesController } from './controllers/files-controller';
import { hasWebGpuApi, RunController } from './controllers/run-controller';
import { THEMES, ThemeController } from './controllers/theme-controller';
import { UrlStateController } from './controllers/url-state-controller';
import type { RunCommand, RunSettingName } from './gradflow-run-controls';
import { MemberViewSources, ViewSourceCache } from './view-sources';
import './gradflow-config-editor';
import './gradflow-function-view';
import './gradflow-metric-chart';
import './gradflow-particle-view';
import './gradflow-run-controls';
import './gradflow-summary-chart';

const DEFAULT_PRESET = 'default';
/** The small multiples' frame-rate cap: they are small, and each frame of each is a canvas to composite. */
const SMALL_VIEW_MAX_FPS = 12;
/** The least frame rate of a run set's views while it trains (and the margin over its chunk rate). */
const SET_VIEW_MIN_FPS = 2;
const SET_VIEW_FPS_MARGIN = 1.5;

/**
 * How often a run set's particle views draw: while it trains, about as often as a chunk of steps lands (the
 * particles only move then; every extra frame is compositing work that, on a software GPU, the training waits
 * for), at least SET_VIEW_MIN_FPS; paused or ended, every frame (zoom and pan stay smooth).
 */
export function setViewFps(session: Pick<TrainingSession, 'status' | 'progress' | 'stepsPerFrame'>): number {
  const stepsPerSecond = session.progress?.stepsPerSecond;
  if (session.status !== 'running' || !stepsPerSecond || !(stepsPerSecond > 0)) return Infinity;
  return Math.max(SET_VIEW_MIN_FPS, Math.round((SET_VIEW_FPS_MARGIN * stepsPerSecond) / Math.max(1, session.stepsPerFrame)));
}

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
  @state() private chosenMember: { session: TrainingSession; member: number } | undefined;

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
    const { config, problem } = this.experiment;
    const set = session?.isSet ? this.setView(session, preset?.name) : undefined;
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
            <div class="views ${set ? 'set' : ''}">${trainingViews({
              session, config, sources: this.viewSources, projection: this.projection, trails: this.trails,
              onProjection: (projection) => (this.projection = projection), onTrails: (trails) => (this.trails = trails), drawing: this.drawing,
              ...(set ? { member: set.focused, maxFps: set.viewFps } : {}),
            })}${set?.multiples ?? nothing}</div>
          </section>
          ${set ? comparison({ scales: set.scales, memberCount: session!.members.length, dark: set.dark, panels: set.panels }) : nothing}
          <div class="charts">${metricCharts({ session, config, presetPlots: preset?.plots ?? [], pastRuns: this.run.pastRuns, ...(set ? { memberStyles: set.styles } : {}) })}</div>
        </main>
      </div>
    `;
  }

  /** What a run set adds to the page: member styles, the focused member, the small multiples and the summary panels. */
  private setView(session: TrainingSession, presetName: string | undefined) {
    const dark = chartTheme(this).dark;
    const sweep = session.config.sweep ?? {};
    const scales: SweepScales | undefined = sweepScales(sweep);
    const styles: MemberStyle[] = memberStyles(scales, session.members, dark);
    const member = this.focusedMember(session);
    const focused = { index: member, label: session.members[member]!.label, color: styles[member]!.color };
    const logged = session.members.map((member) => member.rows.length).join(',');
    const panels: SummaryPanel[] = memoized(session.members, 'summary', `${presetName}|${logged}`, () => summaryPanels(presetName, sweep, session.members));
    this.sharedAxes.follow(session, this.projection === 'pca' ? 'plane' : this.projection);
    const viewFps = setViewFps(session);
    const multiples = session.members.length > 1 && session.config.model.kind === 'two-layer'
      ? memberViews({ session, styles, focus: member, onFocus: (k) => (this.chosenMember = { session, member: k }), sources: this.memberSources, projection: this.projection, fitBox: this.sharedAxes.box, maxFps: Math.min(viewFps, SMALL_VIEW_MAX_FPS) })
      : undefined;
    return { dark, scales, styles, focused, panels, multiples, viewFps };
  }

  /**
   * The member in the big views: the one chosen for this run, else the member whose swept values are the
   * preset config's own (lazy-vs-rich: its m = 1024 ntk run), else the first.
   */
  private focusedMember(session: TrainingSession): number {
    if (this.chosenMember?.session === session && this.chosenMember.member < session.members.length) return this.chosenMember.member;
    const base = this.experiment.raw;
    const valueAt = (path: string) => path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), base);
    const own = session.members.findIndex((member) => Object.entries(member.overrides).every(([path, value]) => JSON.stringify(valueAt(path)) === JSON.stringify(value)));
    return Math.max(0, own);
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
    const { sweep: _sweep, ...state } = this.url.state;
    this.url.state = { ...state, preset: event.detail.name, overrides: [] };
    this.run.forgetPastRuns();
    this.experiment.report('');
  };

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
