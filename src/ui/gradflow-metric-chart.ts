/**
 * <gradflow-metric-chart>: one metric against the training step, one line per run (overlaid for
 * comparison), drawn by uPlot, with dashed reference lines (2/lr, sqrt(B)/lr, ...).
 *
 * Attributes: metric, label, unit, log (boolean), log-steps (boolean), height (CSS px).
 * Properties: the same, plus series ({label, steps, values, unconverged?, color?, dash?}[]) and referenceLines ({label, value}[]).
 * Attribute hide-legend: no legend under the plot (a run set's charts share one colour-scale legend).
 * Methods: appendPoint(seriesIndex, step, value) (redraws once per animation frame however many values
 * arrive), redraw() (re-reads the theme), toPng() (a data: URL).
 * Theme: --gf-chart-fg, --gf-chart-grid, --gf-chart-bg, --gf-chart-reference, --gf-chart-unconverged,
 * --gf-chart-series-1..8 (inherited custom properties); without them it follows the text colour and
 * prefers-color-scheme.
 * Non-finite values are gaps in the line; on a log axis values <= 0 are gaps too, with a note.
 * Values a series marks unconverged get a hollow grey marker on top of the line, a legend entry
 * "<run>: not converged" and a line in the note with each one's reason.
 * Attribute log-steps puts the steps on a log axis too (step 0 left out).
 * A run logged much more sparsely than the chart's densest run (test loss every 25 steps beside the train
 * loss at every step) is drawn as markers without a line, its legend entry saying how often it was logged.
 */
import { LitElement, css, html, unsafeCSS } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css?inline';
import { describeMetric, type ReferenceLine } from './metric-descriptions';
import { chartTheme, type ChartTheme } from './chart-theme';
import { alignedData, displayLabel, hasUnconverged, sparseRuns, unconvergedNotes, unconvergedSummary, type MetricSeries } from './metric-chart-series';
import { decadeGrid, drawReferenceLabels, formatTick, logScale } from './metric-chart-axes';
import { NextFrameDraw } from './next-frame-draw';

const DEFAULT_HEIGHT_PX = 240;
/** Width used until the element is laid out (ResizeObserver then sets the real one). */
const FALLBACK_WIDTH_PX = 600;
const REFERENCE_DASH = [6, 4];
const LINE_WIDTH_PX = 1.5;
/** Hollow markers of unconverged values: diameter and outline in CSS px. */
const UNCONVERGED_MARKER_PX = 9;
const UNCONVERGED_OUTLINE_PX = 2;
/** Filled markers of a sparsely logged run: diameter in CSS px; its legend rows carry the class (a round marker). */
const SPARSE_MARKER_PX = 7;
const SPARSE_CLASS = 'gf-sparse';

@customElement('gradflow-metric-chart')
export class GradflowMetricChart extends LitElement {
  static override styles = [
    unsafeCSS(uPlotCss),
    css`
      :host { display: block; min-width: 0; }
      .title { font: 600 0.9rem system-ui, sans-serif; margin: 0 0 0.25rem; padding-right: 3rem; }
      .note { font: 0.8rem system-ui, sans-serif; opacity: 0.75; margin: 0.25rem 0 0; }
      .plot { width: 100%; min-width: 0; }
      .u-legend { font-size: 0.8rem; }
      .u-legend .u-marker { border-radius: 2px; }
      .u-legend .gf-sparse .u-marker { border-radius: 50%; }
    `,
  ];

  /** Engine metric name (METRIC_NAMES); supplies the default label, unit and axis type. */
  @property() metric = '';
  /** Axis label; default: the metric's description, else its name. */
  @property() label = '';
  /** Unit of the values ('' dimensionless); default: the metric's description. */
  @property() unit: string | undefined;
  /** Log y axis; default: the metric's description. */
  @property({ type: Boolean, attribute: 'log' }) logScale: boolean | undefined;
  /** Log step axis (power laws in t; step 0 is then left out); default: the metric's description. */
  @property({ type: Boolean, attribute: 'log-steps' }) logSteps: boolean | undefined;
  /** Chart height in CSS pixels (plot area, axes; the legend adds to it). */
  @property({ type: Number }) height = DEFAULT_HEIGHT_PX;
  /** One entry per run, overlaid. appendPoint() pushes onto these arrays. */
  @property({ attribute: false }) series: MetricSeries[] = [];
  /** Dashed horizontal lines with labels. */
  @property({ attribute: false }) referenceLines: ReferenceLine[] = [];
  /** No legend under the plot (the page shows one for all charts). */
  @property({ type: Boolean, attribute: 'hide-legend' }) hideLegend = false;

  @query('.plot') private container!: HTMLDivElement;

  private plot: uPlot | undefined;
  private plotKey = '';
  private theme: ChartTheme | undefined;
  private readonly drawing = new NextFrameDraw(() => this.draw(), () => this.isConnected);
  private redraws = 0;
  private ignoredCount = 0;
  private unconvergedNotes: string[] = [];
  private resizeObserver: ResizeObserver | undefined;
  private readonly colorScheme = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined;
  private readonly onColorScheme = () => this.redraw();

  /** The uPlot instance (after the first frame), for callers that need more than this element offers. */
  get uplot(): uPlot | undefined {
    return this.plot;
  }

  /** Canvas redraws so far (one per animation frame at most): lets callers and tests see the batching. */
  get redrawCount(): number {
    return this.redraws;
  }

  private get effectiveLog(): boolean {
    return this.logScale ?? describeMetric(this.metric).log ?? false;
  }

  private get effectiveLogSteps(): boolean {
    return this.logSteps ?? describeMetric(this.metric).logSteps ?? false;
  }

  private get axisLabel(): string {
    const description = describeMetric(this.metric);
    const label = this.label || description.label;
    const unit = this.unit ?? description.unit;
    return unit ? `${label} [${unit}]` : label;
  }

  /** Appends one logged value to run `seriesIndex`; the canvas redraws once per animation frame. */
  appendPoint(seriesIndex: number, step: number, value: number): void {
    const run = this.series[seriesIndex];
    if (!run) throw new RangeError(`appendPoint: seriesIndex ${seriesIndex} is not one of the ${this.series.length} series; set .series first`);
    run.steps.push(step);
    run.values.push(value);
    run.unconverged?.push(undefined);
    this.drawing.schedule();
  }

  /** Rebuilds the chart on the next frame, re-reading the theme (call after changing theme custom properties). */
  redraw(): void {
    this.theme = undefined;
    this.plotKey = '';
    this.drawing.schedule();
  }

  /** The chart as a PNG data: URL, on the theme's background, with the title and legend drawn in. */
  async toPng(): Promise<string> {
    await this.updateComplete;
    this.drawing.now();
    if (!this.plot) throw new Error('toPng: the chart has not been drawn; add the element to the document first');
    const plot = this.plot;
    const theme = this.theme!;
    const source = plot.ctx.canvas;
    const scale = source.width / Math.max(1, plot.width);
    const header = Math.round(22 * scale);
    const canvas = document.createElement('canvas');
    canvas.width = source.width;
    canvas.height = source.height + header;
    const context = canvas.getContext('2d')!;
    context.fillStyle = theme.background;
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.font = `${12 * scale}px system-ui, sans-serif`;
    context.textBaseline = 'middle';
    let x = 8 * scale;
    const sparse = sparseRuns(this.series);
    const entries: [string, string][] = [[this.axisLabel, theme.foreground], ...this.series.map((s, i): [string, string] => [displayLabel(s, sparse[i]!), s.color ?? theme.series(i)])];
    for (const [text, color] of entries) {
      context.fillStyle = color;
      context.fillText(text, x, header / 2);
      x += context.measureText(text).width + 16 * scale;
    }
    context.drawImage(source, 0, header);
    return canvas.toDataURL('image/png');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this);
    this.colorScheme?.addEventListener('change', this.onColorScheme);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.colorScheme?.removeEventListener('change', this.onColorScheme);
    this.drawing.cancel();
    this.plot?.destroy();
    this.plot = undefined;
    this.plotKey = '';
  }

  override render() {
    const log = this.effectiveLog;
    const runs = this.series.length;
    return html`
      <p class="title" id="title">${this.axisLabel}${log ? ' (log axis)' : ''}</p>
      <div class="plot" role="img" aria-labelledby="title" aria-describedby="summary"></div>
      <p class="note" id="summary" role="note" ?hidden=${this.ignoredCount === 0 && this.unconvergedNotes.length === 0 && runs > 0}>
        ${runs === 0 ? 'no runs yet' : ''}
        ${this.ignoredCount > 0 ? `${this.ignoredCount} value${this.ignoredCount === 1 ? '' : 's'} ≤ 0 not shown on the log axis` : ''}
        ${this.unconvergedNotes.length > 0 ? unconvergedSummary(this.unconvergedNotes) : ''}
      </p>
    `;
  }

  protected override updated(): void {
    this.drawing.schedule();
  }

  private resize(): void {
    if (!this.plot) return;
    const width = this.plotWidth();
    if (width !== this.plot.width || this.height !== this.plot.height) this.plot.setSize({ width, height: this.height });
  }

  private plotWidth(): number {
    return Math.max(1, Math.floor(this.container?.clientWidth || FALLBACK_WIDTH_PX));
  }

  /** Builds the uPlot instance when the chart's structure changed, else only swaps its data. */
  private draw(): void {
    if (!this.container) return;
    this.theme ??= chartTheme(this);
    const log = this.effectiveLog;
    const references = this.referenceLines.filter((line) => Number.isFinite(line.value) && (!log || line.value > 0));
    const logSteps = this.effectiveLogSteps;
    const { data, ignored } = alignedData(this.series, references, log, logSteps);
    const flagged = this.series.map(hasUnconverged);
    const sparse = sparseRuns(this.series);
    const labels = this.series.map((s, i) => displayLabel(s, sparse[i]!));
    const key = JSON.stringify([log, logSteps, this.axisLabel, this.height, this.hideLegend, this.series.map((s) => [s.color, s.dash]), labels, sparse, flagged, references.map((r) => r.label)]);
    if (!this.plot || key !== this.plotKey) {
      this.plot?.destroy();
      this.plot = new uPlot(this.options(log, logSteps, references, sparse, labels), data, this.container);
      this.plotKey = key;
    } else {
      this.plot.setData(data);
    }
    this.redraws += 1;
    const notes = unconvergedNotes(this.series);
    if (ignored !== this.ignoredCount || notes.join('\n') !== this.unconvergedNotes.join('\n')) {
      this.ignoredCount = ignored;
      this.unconvergedNotes = notes;
      this.requestUpdate();
    }
  }

  private options(log: boolean, logSteps: boolean, references: readonly ReferenceLine[], sparse: readonly boolean[], labels: readonly string[]): uPlot.Options {
    const theme = this.theme!;
    const axis = (label: string): uPlot.Axis => ({
      label,
      stroke: theme.foreground,
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1 },
      font: '11px system-ui, sans-serif',
      labelFont: '12px system-ui, sans-serif',
    });
    const options: uPlot.Options = {
      width: this.plotWidth(),
      height: this.height,
      scales: { x: logSteps ? logScale({ time: false }) : { time: false }, y: log ? logScale() : {} },
      axes: [
        { ...axis(logSteps ? 'step (log axis)' : 'step'), values: (_plot, splits) => splits.map(formatTick), ...(logSteps ? decadeGrid(theme.grid) : {}) },
        { ...axis(this.axisLabel), size: 64, values: (_plot, splits) => splits.map(formatTick), ...(log ? decadeGrid(theme.grid) : {}) },
      ],
      series: [
        { label: 'step' },
        // Each run's line, then (when it has any) its unconverged values as hollow markers without a line, drawn on top.
        ...this.series.flatMap((run, i): uPlot.Series[] => [
          sparse[i]
            ? {
                label: labels[i],
                class: SPARSE_CLASS,
                stroke: run.color ?? theme.series(i),
                paths: () => null,
                points: { show: true, size: SPARSE_MARKER_PX, width: 1, stroke: run.color ?? theme.series(i), fill: run.color ?? theme.series(i) },
              }
            : { label: labels[i], stroke: run.color ?? theme.series(i), width: LINE_WIDTH_PX, spanGaps: false, ...(run.dash && run.dash.length > 0 ? { dash: [...run.dash] } : {}) },
          ...(hasUnconverged(run)
            ? [{
                label: `${run.label}: not converged`,
                stroke: theme.unconverged,
                paths: () => null,
                points: { show: true, size: UNCONVERGED_MARKER_PX, width: UNCONVERGED_OUTLINE_PX, stroke: theme.unconverged, fill: theme.background },
              }]
            : []),
        ]),
        ...references.map((line): uPlot.Series => ({ label: line.label, stroke: theme.reference, width: 1, dash: REFERENCE_DASH, points: { show: false } })),
      ],
      legend: { show: !this.hideLegend },
      hooks: { draw: [(plot) => drawReferenceLabels(plot, references, theme.reference)] },
    };
    // A sparse run's legend marker is a filled dot like its markers (uPlot's default fills it with the series' area fill: none).
    const dotFill = new Map(options.series.flatMap((s, k) => (s.class === SPARSE_CLASS ? [[k, s.stroke as string] as const] : [])));
    options.legend!.markers = { fill: (plot, k) => dotFill.get(k) ?? (plot.series[k]!.fill as (u: uPlot, k: number) => string)(plot, k) };
    return options;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'gradflow-metric-chart': GradflowMetricChart;
  }
}
