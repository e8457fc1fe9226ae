/**
 * <gradflow-app>: the whole app. The URL holds the preset and every changed field (a link
 * reproduces the run); the run starts by itself; the particle and function views draw straight from
 * the training buffers; charts follow every metric the preset logs, with the previous runs overlaid.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { BrowserFiles, download, downloadDataUrl } from '../app/browser-files';
import { TrainingSession } from '../app/training-session';
import { configOfState, decodeAppState, encodeAppState, overridesBetween, type AppState } from '../app/url-state';
import { ConfigError } from '../config/errors';
import { parseConfig, type ExperimentConfig } from '../config/schema';
import { parseCsv } from '../data/csv';
import { metricsCsv, resultJson } from '../run/result-format';
import { findPreset, PRESETS } from '../experiments/presets';
import { requestGpu, type GpuContext } from '../gpu/device';
import { ViewSourceCache } from './view-sources';
import { describeMetric } from './metric-descriptions';
import { formatNumber, learningRateWarning, metricSeries } from './sharpness-display';
import type { MetricSeries } from './gradflow-metric-chart';
import type { RunCommand, RunSettingName } from './gradflow-run-controls';
import './gradflow-config-editor';
import './gradflow-function-view';
import './gradflow-metric-chart';
import './gradflow-particle-view';
import './gradflow-run-controls';

const DEFAULT_PRESET = 'default';
const THEME_KEY = 'gradflow-theme';
/** The input box clicks map into while drawing points. */
const DRAW_EXTENT = '-1.5,1.5,-1.5,1.5';
const WEBGPU_HELP =
  'WebGPU is not available here, and GradFlow trains on the GPU through it. Use Chrome or Edge 113 or newer ' +
  '(on Linux: start Chrome with --enable-unsafe-webgpu, or enable chrome://flags/#enable-unsafe-webgpu and Vulkan), ' +
  'or Safari 18+ with WebGPU enabled, and open this page over https or http://localhost.';
/** Previous runs kept for overlay in the charts. */
const OVERLAID_RUNS = 3;
/** Loss points drawn per run (the per-step losses are thinned by stride beyond this). */
const MAX_LOSS_POINTS = 4000;

interface PastRun {
  readonly label: string;
  readonly stepLosses: readonly number[];
  readonly rows: readonly Record<string, number>[];
}

@customElement('gradflow-app')
export class GradflowApp extends LitElement {
  static override styles = css`
    :host { display: block; color: var(--gf-text); }
    header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.5rem 1.25rem; margin-bottom: 0.75rem; }
    h1 { font-size: 1.35rem; margin: 0; }
    .facts { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; font-variant-numeric: tabular-nums; font-size: 0.92rem; }
    .facts b { font-weight: 600; }
    .layout { display: grid; grid-template-columns: minmax(16rem, 22rem) 1fr; gap: 1rem; align-items: start; }
    @media (max-width: 900px) { .layout { grid-template-columns: 1fr; } }
    aside, section.panel { border: 1px solid var(--gf-border); border-radius: 10px; padding: 0.75rem; background: var(--gf-surface); }
    aside { display: flex; flex-direction: column; gap: 1rem; }
    h2 { font-size: 1rem; margin: 0 0 0.5rem; }
    .views { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
    .view { display: flex; flex-direction: column; gap: 0.35rem; }
    .view gradflow-particle-view, .view gradflow-function-view { aspect-ratio: 1 / 1; width: 100%; }
    .view-tools { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; font-size: 0.88rem; }
    .chart { position: relative; }
    .chart button.png { position: absolute; top: 0.2rem; right: 0.2rem; font-size: 0.75rem; padding: 0.1rem 0.4rem; opacity: 0.7; }
    .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; margin-top: 1rem; }
    .banner { border-radius: 8px; padding: 0.6rem 0.8rem; margin-bottom: 0.75rem; }
    .banner.error { background: var(--gf-error-bg); color: var(--gf-error); }
    .banner.warning { background: var(--gf-warning-bg); }
    .banner.info { background: var(--gf-info-bg); }
    .row { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; }
    button, select { font: inherit; padding: 0.25rem 0.7rem; border-radius: 6px; border: 1px solid var(--gf-border); background: transparent; color: inherit; cursor: pointer; }
    button:focus-visible, select:focus-visible, input:focus-visible { outline: 2px solid var(--gf-accent); outline-offset: 1px; }
    .error-text { color: var(--gf-error); font-size: 0.88rem; white-space: pre-wrap; }
    .muted { opacity: 0.75; font-size: 0.88rem; }
    ul.events { margin: 0.25rem 0 0; padding-left: 1.1rem; font-size: 0.88rem; }
  `;

  @state() private appState: AppState = { preset: DEFAULT_PRESET, overrides: [], hidden: [] };
  @state() private rawConfig: Record<string, unknown> = {};
  @state() private config: ExperimentConfig | undefined;
  @state() private configProblem = '';
  @state() private urlProblem = '';
  @state() private session: TrainingSession | undefined;
  @state() private uploadError = '';
  @state() private unavailable = '';
  @state() private adapter = '';
  @state() private projection = 'plane';
  @state() private trails = false;
  @state() private pastRuns: PastRun[] = [];
  @state() private tick = 0;
  /** Same source objects across re-renders, so the views keep their renderers. */
  private readonly viewSources = new ViewSourceCache();
  /** Clicks on the function view add training points (d = 2): left click y = +1, shift-click y = -1. */
  @state() private drawMode = false;
  @state() private drawnPoints: { x: number; y: number; label: number }[] = [];
  @state() private theme = localStorage.getItem(THEME_KEY) ?? 'auto';

  @query('gradflow-particle-view') private particleView!: HTMLElement & { toPng(): Promise<string>; framesPerSecond?: number };
  @query('gradflow-function-view') private functionView!: HTMLElement & { toPng(): Promise<string> };

  private readonly files = new BrowserFiles();
  private gpu: Promise<GpuContext> | undefined;
  private redrawPending = false;
  private runCount = 0;
  private stopBelowLoss: number | undefined;
  private stepsPerFrame = 8;

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.theme !== 'auto') document.documentElement.dataset.theme = this.theme;
    if (!('gpu' in navigator) || !navigator.gpu) {
      this.unavailable = WEBGPU_HELP;
      return;
    }
    this.appState = decodeAppState(location.search, DEFAULT_PRESET);
    window.addEventListener('popstate', this.onPopState);
    this.loadState(false);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPopState);
    void this.session?.destroy();
  }

  private readonly onPopState = () => {
    this.appState = decodeAppState(location.search, DEFAULT_PRESET);
    this.loadState(false);
  };

  /** The preset's config with the URL's overrides, validated; starts a run when valid. */
  private loadState(writeUrl: boolean): void {
    const preset = findPreset(this.appState.preset);
    if (!preset) {
      this.configProblem = `Unknown preset '${this.appState.preset}' in the link; presets: ${PRESETS.map((p) => p.name).join(', ')}`;
      this.appState = { ...this.appState, preset: DEFAULT_PRESET };
    }
    const base = (preset ?? findPreset(DEFAULT_PRESET)!).config as Record<string, unknown>;
    try {
      this.rawConfig = configOfState(base, this.appState);
    } catch (error) {
      this.rawConfig = structuredClone(base);
      this.configProblem = `The link's changes could not be applied: ${messageOf(error)}`;
    }
    if (writeUrl) this.writeUrl();
    this.applyConfig();
  }

  private writeUrl(): void {
    const search = encodeAppState(this.appState);
    if (search !== location.search) history.replaceState(null, '', `${location.pathname}${search}${location.hash}`);
  }

  /** Validates the raw config; a valid one replaces the run (rewinds), an invalid one is shown and not run. */
  private applyConfig(): void {
    try {
      this.config = parseConfig(this.rawConfig, 'the config');
      if (!this.configProblem.startsWith('Unknown preset')) this.configProblem = '';
      this.startRun();
    } catch (error) {
      this.config = undefined;
      this.configProblem = error instanceof ConfigError ? error.message : messageOf(error);
    }
  }

  private getGpu = (): Promise<GpuContext> => {
    // One device for every run (pipelines stay compiled); a lost one is replaced on the next request.
    this.gpu ??= requestGpu().then(
      (gpu) => {
        this.adapter = gpu.adapterDescription;
        void gpu.device.lost.then(() => (this.gpu = undefined));
        return gpu;
      },
      (error: unknown) => {
        // navigator.gpu exists but gives no adapter (blocklisted GPU, WebGPU switched off): the same page-level message.
        this.unavailable = `${WEBGPU_HELP} The browser said: ${messageOf(error)}`;
        this.gpu = undefined;
        throw error;
      },
    );
    return this.gpu;
  };

  private startRun(): void {
    const config = this.config;
    if (!config) return;
    const previous = this.session;
    if (previous) {
      if (previous.stepLosses.length > 0) {
        this.pastRuns = [{ label: `run ${this.runCount}`, stepLosses: [...previous.stepLosses], rows: [...previous.rows] }, ...this.pastRuns].slice(0, OVERLAID_RUNS);
      }
      void previous.destroy();
    }
    this.runCount++;
    this.stepsPerFrame = Math.min(this.stepsPerFrame, config.stepsPerSubmit);
    const session = new TrainingSession(config, {
      requestGpu: this.getGpu,
      readText: this.files.readText,
      stepsPerFrame: this.stepsPerFrame,
      ...(this.stopBelowLoss !== undefined ? { stopBelowLoss: this.stopBelowLoss } : {}),
    });
    for (const type of ['progress', 'metrics', 'source', 'end']) session.addEventListener(type, this.scheduleRedraw);
    this.session = session;
    void session.start();
  }

  /** Re-render at most once per animation frame, however many chunks arrive. */
  private readonly scheduleRedraw = () => {
    if (this.redrawPending) return;
    this.redrawPending = true;
    requestAnimationFrame(() => {
      this.redrawPending = false;
      this.tick++;
    });
  };

  override render() {
    if (this.unavailable) return html`<div class="banner error" role="alert" data-testid="no-webgpu"><b>WebGPU unavailable.</b> ${this.unavailable}</div>`;
    const preset = findPreset(this.appState.preset);
    return html`
      <header>
        <h1>GradFlow</h1>
        <span class="muted">${preset?.summary ?? ''}</span>
        ${this.renderFacts()}
        <label class="muted">theme
          <select .value=${this.theme} @change=${this.onThemeChange}>
            ${['auto', 'light', 'dark'].map((t) => html`<option value=${t} ?selected=${t === this.theme}>${t}</option>`)}
          </select>
        </label>
      </header>
      ${this.renderBanners()}
      <div class="layout">
        <aside>
          <section>
            <h2>Run</h2>
            ${this.renderControls()}
          </section>
          <section>
            <h2>Data and files</h2>
            ${this.renderFiles()}
          </section>
          <section>
            <h2>Experiment</h2>
            <gradflow-config-editor .config=${this.rawConfig} .hiddenFields=${[...this.appState.hidden]} preset=${this.appState.preset}
              @config-change=${this.onConfigChange} @preset-select=${this.onPresetSelect}></gradflow-config-editor>
            ${this.configProblem ? html`<p class="error-text" role="alert" data-testid="config-problem">${this.configProblem}</p>` : nothing}
            ${this.urlProblem ? html`<p class="error-text" role="alert">${this.urlProblem}</p>` : nothing}
          </section>
        </aside>
        <main>
          <section class="panel">
            <div class="views">${this.renderViews()}</div>
          </section>
          <div class="charts">${this.renderCharts()}</div>
        </main>
      </div>
    `;
  }

  private renderFacts() {
    const session = this.session;
    const progress = session?.progress;
    const model = this.config?.model;
    const fps = this.particleView?.framesPerSecond;
    return html`<div class="facts" aria-live="polite">
      <span>adapter: <b>${this.adapter || '…'}</b></span>
      ${model?.kind === 'two-layer' ? html`<span>neurons: <b data-testid="neurons">${model.width.toLocaleString()}</b></span>` : nothing}
      <span>step: <b data-testid="step">${progress?.step ?? 0}</b> / ${this.config?.steps ?? '…'}</span>
      <span>loss: <b data-testid="loss">${progress ? formatNumber(progress.loss) : '…'}</b></span>
      <span>steps/s: <b data-testid="steps-per-second">${progress ? progress.stepsPerSecond.toFixed(0) : '…'}</b></span>
      ${fps !== undefined ? html`<span>fps: <b data-testid="fps">${fps.toFixed(0)}</b></span>` : nothing}
      <span>status: <b data-testid="status">${session?.status ?? 'idle'}</b></span>
    </div>`;
  }

  private renderBanners() {
    const session = this.session;
    const banners = [];
    if (session?.status === 'diverged') {
      banners.push(html`<div class="banner error" role="alert" data-testid="diverged">The run diverged at step ${session.result?.summary.divergedAt}: the loss became infinite or NaN. Lower the learning rate (GD needs lr < 2 / sharpnessParticleTime) and rewind.</div>`);
    } else if (session?.status === 'failed') {
      banners.push(html`<div class="banner error" role="alert" data-testid="run-failed">${session.message}</div>`);
    }
    const warning = this.stabilityWarning();
    if (warning) banners.push(html`<div class="banner warning" role="status" data-testid="stability-warning">${warning}</div>`);
    const events = session?.events ?? [];
    if (events.length > 0) banners.push(html`<div class="banner info" role="status"><b>Events</b><ul class="events">${events.map((e) => html`<li>${e}</li>`)}</ul></div>`);
    return banners;
  }

  /** GD is linearly stable only while lr * sharpnessParticleTime < 2 (docs/science.md section 4): warn before the blow-up. */
  private stabilityWarning(): string {
    const session = this.session;
    const config = session?.config;
    if (!session || !config || config.model.kind !== 'two-layer' || session.status === 'diverged') return '';
    const warning = learningRateWarning(config, session.rows);
    if (warning) return warning;
    const losses = session.stepLosses;
    const k = losses.length;
    if (k > 40 && losses[k - 1]! > 4 * losses[k - 21]! && losses[k - 21]! > losses[k - 41]!) {
      return `The loss is rising (x${formatNumber(losses[k - 1]! / losses[k - 21]!)} over 20 steps): the learning rate may exceed 2 / sharpness. Log 'sharpnessParticleTime' to see the bound.`;
    }
    return '';
  }

  private renderControls() {
    const session = this.session;
    const config = this.config;
    const playing = session?.status === 'running';
    const ready = session !== undefined && (session.status === 'running' || session.status === 'paused');
    const sampleCount = config?.data.kind === 'teacher-student' || config?.data.kind === 'linear-separable' || config?.data.kind === 'orthogonal-separable' || config?.data.kind === 'xor'
      ? ((config.data as { sampleCount?: number }).sampleCount ?? Infinity) : Infinity;
    return html`<gradflow-run-controls ?playing=${playing} ?ready=${ready}
      .learningRate=${config?.optimizer.learningRate ?? 0.1} .batchSize=${config?.optimizer.batchSize} .sampleCount=${sampleCount}
      .stepsPerFrame=${this.stepsPerFrame} .maxStepsPerFrame=${config?.stepsPerSubmit ?? 64} .stopBelowLoss=${this.stopBelowLoss}
      @run-command=${this.onRunCommand} @run-setting=${this.onRunSetting}></gradflow-run-controls>
      ${session?.message && session.status !== 'running' ? html`<p class="muted" data-testid="run-message">${session.message}</p>` : nothing}`;
  }

  private renderFiles() {
    const ready = (this.session?.stepLosses.length ?? 0) > 0;
    return html`
      <div class="row">
        <label for="csv-upload">Train on a CSV (header x0,...,x{d-1},y):</label>
        <input id="csv-upload" type="file" accept=".csv,text/csv" data-testid="csv-upload" @change=${this.onCsvUpload} />
      </div>
      ${this.uploadError ? html`<p class="error-text" role="alert" data-testid="csv-error">${this.uploadError}</p>` : nothing}
      <div class="row" style="margin-top: 0.5rem">
        <button ?disabled=${!ready} data-testid="download-metrics" @click=${() => download('metrics.csv', metricsCsv(this.session!.rows), 'text/csv')}>metrics.csv</button>
        <button ?disabled=${!ready} data-testid="download-result" @click=${() => download('result.json', resultJson(this.session!.snapshot()), 'application/json')}>result.json</button>
        <button ?disabled=${!ready} data-testid="download-params" @click=${this.downloadParameters}>parameters.json</button>
      </div>
    `;
  }

  private renderViews() {
    const live = this.session?.live;
    const config = this.session?.config;
    if (!live || !config || config.model.kind !== 'two-layer') {
      const landscape = this.config && this.config.model.kind !== 'two-layer';
      return html`<p class="muted">${landscape ? 'This preset runs independent particles on a landscape: its metrics are charted below.' : 'Starting WebGPU…'}</p>`;
    }
    const { problem } = live;
    const d = problem.trainer.inputDim;
    const teacher = problem.target?.kind === 'teacher';
    const { particle: particleSource, function: functionSource } = this.viewSources.sourcesFor(live, config);
    return html`
      <div class="view">
        <h2>Neurons as particles</h2>
        <div class="view-tools">
          <label for="projection">view</label>
          <select id="projection" .value=${this.projection} @change=${(e: Event) => (this.projection = (e.target as HTMLSelectElement).value)}>
            ${['plane', 'coordinates', 'teacher', 'pca', 'polar'].map((p) => html`<option value=${p} ?selected=${p === this.projection}>${p}</option>`)}
          </select>
          <label><input type="checkbox" .checked=${this.trails} @change=${(e: Event) => (this.trails = (e.target as HTMLInputElement).checked)} /> trails</label>
          <button @click=${async () => downloadDataUrl('particles.png', await this.particleView.toPng())}>PNG</button>
        </div>
        <gradflow-particle-view data-testid="particle-view" .source=${particleSource} projection=${this.projection} ?trails=${this.trails}></gradflow-particle-view>
        <span class="muted">w_j projected (${d === 2 ? 'the plane itself' : `d = ${d}`}); radius |a_j|, colour sign of a_j${teacher ? '; teacher neurons outlined' : ''}. Wheel zooms, drag pans, click a particle for its values.</span>
      </div>
      ${d <= 2 ? html`
        <div class="view">
          <h2>Network function</h2>
          <div class="view-tools">
            <button @click=${async () => downloadDataUrl('function.png', await this.functionView.toPng())}>PNG</button>
            ${d === 2 ? html`<label><input type="checkbox" data-testid="draw-mode" .checked=${this.drawMode} @change=${(e: Event) => (this.drawMode = (e.target as HTMLInputElement).checked)} /> draw points</label>
              ${this.drawnPoints.length > 0 ? html`<button @click=${() => (this.drawnPoints = [])}>clear drawn</button>` : nothing}` : nothing}
          </div>
          <gradflow-function-view data-testid="function-view" .source=${functionSource} extent=${this.drawMode ? DRAW_EXTENT : ''}
            @click=${this.onFunctionViewClick} style=${this.drawMode ? 'cursor: crosshair' : ''}></gradflow-function-view>
          <span class="muted">${this.drawMode ? 'Click to add a point with y = +1, shift-click for y = -1; the network retrains on the drawn points. ' : ''}${d === 2 ? 'f(x) over the input plane (blue < 0 < red) with the training points' : 'f(x) with the training points'}${problem.trainer.centered ? '; drawn without the centering - f(x; theta_0)' : ''}.</span>
        </div>` : nothing}
    `;
  }

  private renderCharts() {
    const session = this.session;
    const config = this.config;
    if (!config) return nothing;
    const preset = findPreset(this.appState.preset);
    const names = [...new Set([...(preset?.plots ?? []), ...config.metrics.names])].filter((name) => name !== 'testLoss');
    const lossChart = config.model.kind === 'two-layer' ? this.lossChart() : nothing;
    return html`${lossChart}${names.filter((name) => name !== 'loss' || config.model.kind !== 'two-layer').map((name) => {
      const description = describeMetric(name);
      const series: MetricSeries[] = [metricSeries('this run', session?.rows ?? [], name), ...this.pastRuns.map((run) => metricSeries(run.label, run.rows, name))];
      return html`<div class="chart"><gradflow-metric-chart metric=${name} label=${description.label} unit=${description.unit}
        .series=${series} .referenceLines=${description.reference?.(session?.config ?? config) ?? []}></gradflow-metric-chart>${this.pngButton(name)}</div>`;
    })}`;
  }

  /** Train loss at every step (thinned), test loss at logged steps, previous runs overlaid. */
  private lossChart() {
    const session = this.session;
    const series: MetricSeries[] = [thinned('train loss', session?.stepLosses ?? [])];
    const rows = session?.rows ?? [];
    if (rows.some((row) => row.testLoss !== undefined)) series.push(metricSeries('test loss', rows, 'testLoss'));
    for (const run of this.pastRuns) series.push(thinned(`train loss (${run.label})`, run.stepLosses));
    return html`<div class="chart"><gradflow-metric-chart data-testid="loss-chart" metric="loss" label="Loss" unit="" log .series=${series}></gradflow-metric-chart>${this.pngButton('loss')}</div>`;
  }

  private pngButton(metric: string) {
    const save = async (event: Event) => {
      const chart = (event.currentTarget as HTMLElement).parentElement!.querySelector('gradflow-metric-chart') as HTMLElement & { toPng(): Promise<string> };
      downloadDataUrl(`${metric}.png`, await chart.toPng());
    };
    return html`<button class="png" @click=${save} aria-label=${`Save the ${metric} chart as PNG`}>PNG</button>`;
  }

  private readonly onRunCommand = (event: CustomEvent<{ command: RunCommand }>) => {
    const session = this.session;
    switch (event.detail.command) {
      case 'play': session?.resume(); break;
      case 'pause': session?.pause(); break;
      case 'step': session?.stepOnce(); break;
      case 'stop': session?.stop(); break;
      case 'rewind': this.startRun(); break; // same config and seed: the same initialization
    }
    this.scheduleRedraw();
  };

  private readonly onRunSetting = async (event: CustomEvent<{ name: RunSettingName; value: number | undefined }>) => {
    const { name, value } = event.detail;
    const session = this.session;
    try {
      if (name === 'learningRate' && value !== undefined) {
        session?.setLearningRate(value);
        this.changeConfig(['optimizer', 'learningRate'], value, false);
      } else if (name === 'batchSize') {
        this.changeConfig(['optimizer', 'batchSize'], value, false);
        if (session && (session.status === 'running' || session.status === 'paused')) await session.setBatchSize(value);
      } else if (name === 'stepsPerFrame' && value !== undefined) {
        this.stepsPerFrame = value;
        session?.setStepsPerFrame(value);
      } else if (name === 'stopBelowLoss') {
        this.stopBelowLoss = value; // from the next run (rewind) on
      }
    } catch (error) {
      this.configProblem = messageOf(error);
    }
  };

  /** Sets one field of the raw config and the URL; `restart` replaces the run. */
  private changeConfig(path: readonly string[], value: unknown, restart: boolean): void {
    const raw = structuredClone(this.rawConfig) as Record<string, unknown>;
    let node = raw;
    for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    if (value === undefined) delete node[path.at(-1)!];
    else node[path.at(-1)!] = value;
    this.setRawConfig(raw);
    if (restart) this.applyConfig();
    else {
      try {
        this.config = parseConfig(raw, 'the config');
      } catch (error) {
        this.configProblem = messageOf(error);
      }
    }
  }

  private setRawConfig(raw: Record<string, unknown>): void {
    this.rawConfig = raw;
    const base = findPreset(this.appState.preset)!.config as Record<string, unknown>;
    try {
      this.appState = { ...this.appState, overrides: overridesBetween(base, raw) };
      this.urlProblem = '';
      this.writeUrl();
    } catch (error) {
      this.urlProblem = `Not kept in the link: ${messageOf(error)}`;
    }
  }

  private readonly onConfigChange = (event: CustomEvent<{ config: Record<string, unknown>; valid: boolean }>) => {
    if (!event.detail.valid) return; // the editor shows the problems next to their fields
    this.setRawConfig(event.detail.config);
    this.applyConfig();
  };

  /** The editor follows a preset-select with a config-change carrying the preset's config, which starts the run. */
  private readonly onPresetSelect = (event: CustomEvent<{ name: string }>) => {
    this.appState = { ...this.appState, preset: event.detail.name, overrides: [] };
    this.pastRuns = [];
    this.configProblem = '';
  };

  private readonly onThemeChange = (event: Event) => {
    this.theme = (event.target as HTMLSelectElement).value;
    localStorage.setItem(THEME_KEY, this.theme);
    if (this.theme === 'auto') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = this.theme;
    for (const chart of this.renderRoot.querySelectorAll<HTMLElement & { redraw(): void }>('gradflow-metric-chart')) chart.redraw();
  };

  /** Draw mode: the click's point in input coordinates joins the drawn set, which becomes the training data. */
  private readonly onFunctionViewClick = (event: MouseEvent) => {
    if (!this.drawMode) return;
    const view = event.currentTarget as HTMLElement;
    const box = view.getBoundingClientRect();
    const [x0, x1, y0, y1] = DRAW_EXTENT.split(',').map(Number) as [number, number, number, number];
    const x = x0 + ((event.clientX - box.left) / box.width) * (x1 - x0);
    const y = y1 - ((event.clientY - box.top) / box.height) * (y1 - y0);
    this.drawnPoints = [...this.drawnPoints, { x, y, label: event.shiftKey ? -1 : 1 }];
    const csv = `x0,x1,y\n${this.drawnPoints.map((p) => `${p.x.toFixed(4)},${p.y.toFixed(4)},${p.label}`).join('\n')}\n`;
    this.trainOnCsv('drawn.csv', csv);
  };

  /** Validates a CSV (errors inline, with line and column) and restarts the run on it. */
  private trainOnCsv(name: string, text: string): void {
    const loss = (this.rawConfig.loss as 'square' | 'logistic' | 'exponential' | undefined) ?? 'square';
    try {
      parseCsv(text, { loss, path: name }); // a bad file is reported here, before any run
      const path = this.files.add(name, text);
      const raw = structuredClone(this.rawConfig) as Record<string, unknown>;
      raw.data = { kind: 'csv', path, loss };
      if (isRecord(raw.metrics) && Array.isArray(raw.metrics.names)) {
        // A file without a held-out part has no test metrics.
        raw.metrics = { ...raw.metrics, names: raw.metrics.names.filter((metric) => !String(metric).startsWith('test')) };
      }
      this.uploadError = '';
      this.setRawConfig(raw);
      this.applyConfig();
    } catch (error) {
      this.uploadError = messageOf(error);
    }
  }

  private readonly onCsvUpload = async (event: Event) => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    this.trainOnCsv(file.name, await file.text());
    input.value = '';
  };

  private readonly downloadParameters = async () => {
    try {
      download('parameters.json', `${JSON.stringify(await this.session!.parameters(), null, 2)}\n`, 'application/json');
    } catch (error) {
      this.configProblem = messageOf(error);
    }
  };
}

function thinned(label: string, losses: readonly number[]): MetricSeries {
  const stride = Math.max(1, Math.ceil(losses.length / MAX_LOSS_POINTS));
  const steps: number[] = [];
  const values: number[] = [];
  for (let t = 0; t < losses.length; t += stride) {
    steps.push(t);
    values.push(losses[t]!);
  }
  return { label, steps, values };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

declare global {
  interface HTMLElementTagNameMap {
    'gradflow-app': GradflowApp;
  }
}
