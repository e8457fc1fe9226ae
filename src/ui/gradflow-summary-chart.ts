/**
 * <gradflow-summary-chart>: one summary panel of a run set (src/ui/summary-data.ts), redrawn as the members
 * log: measured values as markers against the swept value, fitted power laws as lines (their slopes in the
 * legend), theory curves dashed in the reference colour (slope -1/2, 2/lr), vertical markers (m = n); or a
 * heat map of a value over (m, n) with m = n outlined.
 *
 * Properties: panel (SummaryPanel), pointColor (x -> the marker's fill: a run set's colour scale of the x path;
 * the group's colour then rings it). Attribute: height (CSS px of the plot). Methods: redraw() (re-reads the
 * theme), toPng(). Theme: the chart custom properties of <gradflow-metric-chart> (src/ui/chart-theme.ts);
 * groups take the categorical palette and the dash patterns of src/ui/sweep-style.ts in order.
 */
import { LitElement, css, html, nothing, unsafeCSS } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css?inline';
import { chartTheme, type ChartTheme } from './chart-theme';
import { decadeGrid, formatTick, logScale } from './metric-chart-axes';
import { DASHES, sequentialColor } from './sweep-style';
import type { HeatmapPanel, SummaryPanel, XYPanel } from './summary-data';
import { NextFrameDraw } from './next-frame-draw';

const DEFAULT_HEIGHT_PX = 230;
const FALLBACK_WIDTH_PX = 420;
const REFERENCE_DASH = [6, 4];
const MARKER_PX = 8;

@customElement('gradflow-summary-chart')
export class GradflowSummaryChart extends LitElement {
  static override styles = [
    unsafeCSS(uPlotCss),
    css`
      :host { display: block; min-width: 0; }
      .title { font: 600 0.9rem system-ui, sans-serif; margin: 0 0 0.25rem; padding-right: 3rem; }
      .plot { width: 100%; min-width: 0; position: relative; }
      canvas.heatmap { display: block; width: 100%; }
      .legend { display: flex; flex-wrap: wrap; gap: 0.15rem 0.9rem; font: 0.8rem system-ui, sans-serif; margin: 0.3rem 0 0; padding: 0; list-style: none; }
      .legend li { display: inline-flex; align-items: center; gap: 0.35rem; }
      .legend svg { flex: none; }
      .legend b { font-weight: 600; font-variant-numeric: tabular-nums; }
      .note { font: 0.8rem system-ui, sans-serif; opacity: 0.75; margin: 0.25rem 0 0; }
    `,
  ];

  @property({ attribute: false }) panel: SummaryPanel | undefined;
  /** The fill of the marker at x (undefined: the group's colour). */
  @property({ attribute: false }) pointColor: ((x: number) => string | undefined) | undefined;
  @property({ type: Number }) height = DEFAULT_HEIGHT_PX;

  @query('.plot') private container!: HTMLDivElement;

  private plot: uPlot | undefined;
  private plotKey = '';
  private theme: ChartTheme | undefined;
  private readonly drawing = new NextFrameDraw(() => this.draw(), () => this.isConnected);
  private resizeObserver: ResizeObserver | undefined;

  /** The uPlot instance of an x-y panel (after the first frame). */
  get uplot(): uPlot | undefined {
    return this.plot;
  }

  redraw(): void {
    this.theme = undefined;
    this.plotKey = '';
    this.requestUpdate();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizeObserver = new ResizeObserver(() => this.drawing.schedule());
    this.resizeObserver.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.drawing.cancel();
    this.plot?.destroy();
    this.plot = undefined;
    this.plotKey = '';
  }

  override render() {
    const panel = this.panel;
    if (!panel) return html`<p class="note">no summary yet</p>`;
    this.theme ??= chartTheme(this);
    return html`
      <p class="title" id="title">${panel.title}</p>
      <div class="plot" role="img" aria-labelledby="title" aria-describedby="legend">${panel.kind === 'heatmap' ? html`<canvas class="heatmap"></canvas>` : nothing}</div>
      <ul class="legend" id="legend">${panel.kind === 'xy' ? this.xyLegend(panel, this.theme) : this.heatmapLegend(panel, this.theme)}</ul>
      ${panel.note ? html`<p class="note" role="note">${panel.note}</p>` : nothing}
    `;
  }

  protected override updated(): void {
    this.drawing.schedule();
  }

  private width(): number {
    return Math.max(1, Math.floor(this.container?.clientWidth || FALLBACK_WIDTH_PX));
  }

  private draw(): void {
    const panel = this.panel;
    if (!panel || !this.container) return;
    this.theme ??= chartTheme(this);
    if (panel.kind === 'heatmap') {
      this.plot?.destroy();
      this.plot = undefined;
      this.plotKey = '';
      this.drawHeatmap(panel, this.theme);
      return;
    }
    const { data, empty } = xyData(panel);
    if (empty) {
      this.plot?.destroy();
      this.plot = undefined;
      this.plotKey = '';
      return;
    }
    const key = JSON.stringify([panel.id, Boolean(this.pointColor), panel.logX, panel.logY, panel.series.map((s) => [s.label.replace(/slope .*/, ''), s.kind, s.group]), panel.references.map((r) => r.label), panel.markers, this.height, this.width()]);
    if (!this.plot || key !== this.plotKey) {
      this.plot?.destroy();
      this.plot = new uPlot(this.options(panel, this.theme), data, this.container);
      this.plotKey = key;
    } else {
      this.plot.setData(data);
    }
  }

  private options(panel: XYPanel, theme: ChartTheme): uPlot.Options {
    const axis = (label: string, log: boolean): uPlot.Axis => ({
      label,
      stroke: theme.foreground,
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1 },
      font: '11px system-ui, sans-serif',
      labelFont: '12px system-ui, sans-serif',
      values: (_plot, splits) => splits.map(formatTick),
      ...(log ? decadeGrid(theme.grid) : {}),
    });
    const markers = panel.markers;
    return {
      width: this.width(),
      height: this.height,
      legend: { show: false },
      cursor: { show: true, points: { show: false }, drag: { x: false, y: false } },
      scales: {
        x: panel.logX ? logScale({ time: false }) : { time: false },
        y: panel.logY ? logScale() : {},
      },
      axes: [{ ...axis(`${panel.xLabel}${panel.logX ? ' (log axis)' : ''}`, panel.logX) }, { ...axis(`${panel.yLabel}${panel.logY ? ' (log)' : ''}`, panel.logY), size: 60 }],
      series: [
        { label: panel.xLabel },
        ...panel.series.map((s): uPlot.Series => {
          const color = theme.series(s.group);
          // Markers are drawn by the draw hook (a fill per point); the series only holds their values.
          return s.kind === 'points'
            ? { label: s.label, stroke: color, paths: () => null, points: { show: false } }
            : { label: s.label, stroke: color, width: 1.75, dash: [...DASHES[s.group % DASHES.length]!], spanGaps: true, points: { show: false } };
        }),
        ...panel.references.map((r): uPlot.Series => ({ label: r.label, stroke: theme.reference, width: 1.25, dash: REFERENCE_DASH, spanGaps: true, points: { show: false } })),
      ],
      hooks: {
        draw: [
          (plot) => drawMarkers(plot, markers, theme.reference),
          (plot) => drawPoints(plot, panel, theme, this.pointColor),
        ],
      },
    };
  }

  private xyLegend(panel: XYPanel, theme: ChartTheme) {
    const fitted = new Set(panel.series.filter((s) => s.kind === 'fit').map((s) => s.group));
    const entries = panel.series.filter((s) => s.kind === 'fit' || !fitted.has(s.group));
    return html`${entries.map((s) => {
      const color = theme.series(s.group);
      const sample = s.kind === 'fit'
        ? html`<svg width="26" height="10" aria-hidden="true"><line x1="1" y1="5" x2="25" y2="5" stroke=${color} stroke-width="2" stroke-dasharray=${DASHES[s.group % DASHES.length]!.join(' ')} /><circle cx="13" cy="5" r="3.5" fill=${color} /></svg>`
        : html`<svg width="12" height="10" aria-hidden="true"><circle cx="6" cy="5" r="3.5" fill=${this.pointColor ? 'none' : color} stroke=${color} stroke-width="1.5" /></svg>`;
      const [name, slope] = s.kind === 'fit' ? s.label.split(': slope ') : [s.label, undefined];
      return html`<li data-testid="summary-legend-entry">${sample}<span>${name}${slope !== undefined ? html`: slope <b data-testid="summary-slope">${slope}</b>` : nothing}</span></li>`;
    })}
    ${panel.references.map((r) => html`<li data-testid="summary-reference">
      <svg width="26" height="10" aria-hidden="true"><line x1="1" y1="5" x2="25" y2="5" stroke=${theme.reference} stroke-width="1.5" stroke-dasharray="6 4" /></svg><span>${r.label}</span></li>`)}
    ${panel.markers.map((m) => html`<li data-testid="summary-marker">
      <svg width="12" height="12" aria-hidden="true"><line x1="6" y1="0" x2="6" y2="12" stroke=${theme.reference} stroke-width="1.5" stroke-dasharray="3 2" /></svg><span>${m.label}</span></li>`)}`;
  }

  private heatmapLegend(panel: HeatmapPanel, theme: ChartTheme) {
    const range = heatmapRange(panel);
    if (!range) return nothing;
    const stops = Array.from({ length: 8 }, (_, i) => sequentialColor(i / 7, theme.dark)).join(', ');
    return html`<li><span>${panel.valueLabel} (log colour)</span>
      <span>${formatTick(range.lo)}</span><span style="display:inline-block;width:7rem;height:0.7rem;border-radius:2px;background:linear-gradient(to right, ${stops})"></span><span>${formatTick(range.hi)}</span></li>
      ${panel.markDiagonal ? html`<li data-testid="summary-marker"><svg width="14" height="12" aria-hidden="true"><rect x="1" y="1" width="12" height="10" fill="none" stroke=${theme.foreground} stroke-width="2" /></svg><span>m = n</span></li>` : nothing}`;
  }

  private drawHeatmap(panel: HeatmapPanel, theme: ChartTheme): void {
    const canvas = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.heatmap');
    if (!canvas) return;
    const ratio = globalThis.devicePixelRatio || 1;
    const width = this.width();
    const height = this.height;
    canvas.style.height = `${height}px`;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const context = canvas.getContext('2d')!;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.fillStyle = theme.background;
    context.fillRect(0, 0, width, height);
    const left = 56;
    const bottom = 34;
    const top = 6;
    const right = 8;
    const plotWidth = Math.max(1, width - left - right);
    const plotHeight = Math.max(1, height - top - bottom);
    const columns = Math.max(1, panel.xs.length);
    const rows = Math.max(1, panel.ys.length);
    const cellWidth = plotWidth / columns;
    const cellHeight = plotHeight / rows;
    const range = heatmapRange(panel);
    context.font = '11px system-ui, sans-serif';
    context.textBaseline = 'middle';
    panel.ys.forEach((n, row) => {
      // Row 0 (smallest n) at the bottom.
      const y = top + (rows - 1 - row) * cellHeight;
      panel.xs.forEach((m, column) => {
        const x = left + column * cellWidth;
        const value = panel.cells[row]?.[column];
        context.fillStyle = value === null || value === undefined || !range ? theme.grid : sequentialColor(logPosition(value, range), theme.dark);
        context.fillRect(x + 1, y + 1, cellWidth - 2, cellHeight - 2);
        if (panel.markDiagonal && m === n) {
          context.strokeStyle = theme.foreground;
          context.lineWidth = 2;
          context.strokeRect(x + 2, y + 2, cellWidth - 4, cellHeight - 4);
        }
        if (value !== null && value !== undefined && cellWidth > 38 && cellHeight > 16) {
          context.fillStyle = logPosition(value, range!) > 0.55 !== theme.dark ? '#000000' : '#ffffff';
          context.textAlign = 'center';
          context.fillText(formatTick(Number(value.toPrecision(2))), x + cellWidth / 2, y + cellHeight / 2);
        }
      });
      context.fillStyle = theme.foreground;
      context.textAlign = 'right';
      context.fillText(String(n), left - 6, y + cellHeight / 2);
    });
    context.fillStyle = theme.foreground;
    context.textAlign = 'center';
    panel.xs.forEach((m, column) => context.fillText(String(m), left + (column + 0.5) * cellWidth, top + plotHeight + 10));
    context.font = '12px system-ui, sans-serif';
    context.fillText(panel.xLabel, left + plotWidth / 2, height - 8);
    context.save();
    context.translate(12, top + plotHeight / 2);
    context.rotate(-Math.PI / 2);
    context.fillText(panel.yLabel, 0, 0);
    context.restore();
  }

  /** The panel as a PNG data: URL (title on top). */
  async toPng(): Promise<string> {
    await this.updateComplete;
    this.drawing.now();
    const source = this.plot?.ctx.canvas ?? this.renderRoot.querySelector<HTMLCanvasElement>('canvas.heatmap');
    if (!source) throw new Error('toPng: the summary chart has nothing drawn yet');
    const theme = this.theme ?? chartTheme(this);
    const scale = source.width / Math.max(1, source.clientWidth || source.width);
    const header = Math.round(22 * scale);
    const canvas = Object.assign(document.createElement('canvas'), { width: source.width, height: source.height + header });
    const context = canvas.getContext('2d')!;
    context.fillStyle = theme.background;
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.fillStyle = theme.foreground;
    context.font = `${12 * scale}px system-ui, sans-serif`;
    context.textBaseline = 'middle';
    context.fillText(this.panel?.title ?? '', 8 * scale, header / 2);
    context.drawImage(source, 0, header);
    return canvas.toDataURL('image/png');
  }
}

/** uPlot's columns: the union of every x (points, lines, references, markers), each series' y there or null. */
export function xyData(panel: XYPanel): { data: uPlot.AlignedData; empty: boolean } {
  const usable = (x: number) => Number.isFinite(x) && (!panel.logX || x > 0);
  const usableY = (y: number) => Number.isFinite(y) && (!panel.logY || y > 0);
  const curves = [...panel.series.map((s) => s.points), ...panel.references.map((r) => r.points)];
  const empty = panel.series.every((s) => s.points.length === 0);
  const xs = [...new Set([...curves.flatMap((points) => points.map((p) => p.x)), ...panel.markers.map((m) => m.x)])].filter(usable).sort((a, b) => a - b);
  const column = (points: readonly { x: number; y: number }[]) => {
    const byX = new Map(points.filter((p) => usableY(p.y)).map((p) => [p.x, p.y]));
    return xs.map((x) => byX.get(x) ?? null);
  };
  return { data: [xs, ...curves.map(column)] as uPlot.AlignedData, empty };
}

/** The smallest and largest positive finite value of a heat map, or undefined. */
function heatmapRange(panel: HeatmapPanel): { lo: number; hi: number } | undefined {
  const values = panel.cells.flat().filter((v): v is number => v !== null && Number.isFinite(v) && v > 0);
  return values.length === 0 ? undefined : { lo: Math.min(...values), hi: Math.max(...values) };
}

function logPosition(value: number, range: { lo: number; hi: number }): number {
  if (!(value > 0) || !(range.hi > range.lo)) return 0.5;
  return (Math.log(value) - Math.log(range.lo)) / (Math.log(range.hi) - Math.log(range.lo));
}

/** Each points series' markers: filled by pointColor(x) (else the group colour), ringed in the group colour when groups differ. */
function drawPoints(plot: uPlot, panel: XYPanel, theme: ChartTheme, pointColor: ((x: number) => string | undefined) | undefined): void {
  const { ctx, bbox } = plot;
  const scale = devicePixelRatio || 1;
  const groups = new Set(panel.series.map((s) => s.group)).size;
  const xs = plot.data[0] as number[];
  ctx.save();
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  panel.series.forEach((series, i) => {
    if (series.kind !== 'points') return;
    const ys = plot.data[i + 1] as (number | null)[];
    const ring = theme.series(series.group);
    xs.forEach((x, k) => {
      const y = ys[k];
      if (y === null || y === undefined) return;
      const fill = pointColor?.(x) ?? ring;
      ctx.beginPath();
      ctx.arc(plot.valToPos(x, 'x', true), plot.valToPos(y, 'y', true), (MARKER_PX / 2) * scale, 0, 2 * Math.PI);
      ctx.fillStyle = fill;
      ctx.fill();
      ctx.lineWidth = (groups > 1 ? 2 : 1) * scale;
      ctx.strokeStyle = groups > 1 ? ring : theme.background;
      ctx.stroke();
    });
  });
  ctx.restore();
}

/** Dashed vertical lines at each marker's x with its label at the top. */
function drawMarkers(plot: uPlot, markers: readonly { label: string; x: number }[], color: string): void {
  if (markers.length === 0 || plot.data[0].length === 0) return;
  const { ctx, bbox } = plot;
  const scale = devicePixelRatio || 1;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 1.25 * scale;
  ctx.setLineDash([3 * scale, 2 * scale]);
  ctx.font = `${11 * scale}px system-ui, sans-serif`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  for (const marker of markers) {
    const x = plot.valToPos(marker.x, 'x', true);
    if (!(x >= bbox.left && x <= bbox.left + bbox.width)) continue;
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
    ctx.fillText(marker.label, x + 4 * scale, bbox.top + 4 * scale);
  }
  ctx.restore();
}

declare global {
  interface HTMLElementTagNameMap {
    'gradflow-summary-chart': GradflowSummaryChart;
  }
}
