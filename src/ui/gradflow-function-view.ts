/**
 * <gradflow-function-view>: the network function f(x) = scale * sum_j a_j relu(w_j . x + b_j) computed on
 * the GPU from the trainer's live buffers. d = 2: a heat map over the input plane (diverging colours,
 * symmetric around 0) with the training points, y = +1 a filled red disc and y = -1 a blue ring; d = 1: the
 * curve f(x) with the points.
 *
 * The input plane keeps its aspect ratio: one data unit spans as many pixels in x_1 as in x_2, the box
 * shown being the requested one widened to the plot's shape (`viewExtent`). Around the plot (unless the
 * element is a thumbnail): axes with ticks in data units, the colour bar of f with its values (d = 2), and a
 * key to the marks. Axis and key colours follow the page's theme, and so does the heat map: its zero is white
 * in a light theme and the plot's background in a dark one (colour-scale.ts), the colour bar likewise.
 *
 * Property: `source` (FunctionSource). Attributes: `grid-size` (points per axis), `extent`
 * ("x0,x1,y0,y1", or "x0,x1" for d = 1; default: the data's bounding box), `point-size` (CSS px; default by
 * the number of points), `bare` (the canvas alone), `headless`. Methods: toPng(), whenReady(), renderFrame(), updateAxes(),
 * planePointAt(), clientPointOf(). Readouts: framesPerSecond, status, plotExtent, viewExtent, valueRange.
 */
import { html, svg, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { FunctionSource } from './particle-source';
import { FunctionRenderer, curveYRange, dataExtent, equalAspectExtent, parseExtent, type PlotExtent } from './function-renderer';
import { GpuViewElement } from './gpu-view-element';
import { ThrottledRead } from './throttled-read';
import { LIGHT_VIEW_THEME, viewTheme, type ViewTheme } from './view-theme';
import { ThemeWatch } from './theme-watch';
import { FrameSizeWatch, viewFrameStyles, viewStatus } from './view-frame';
import { framedPlot, type PlotRect } from './view-layout';
import { axesSvg, linearTicks } from './view-axes';
import { COLOUR_BAR_WIDTH_PX, functionColourBar, functionLegend, heatmapZero } from './colour-scale';

/** How often the colour bar and the d = 1 axis re-read f's range over the grid (an 8-byte readback). */
const RANGE_REFRESH_MS = 250;

/** Data point radius (CSS px) when `point-size` is not set: large for a few (drawn) points, small for thousands. */
export function autoPointSize(pointCount: number): number {
  if (pointCount <= 64) return 7;
  if (pointCount <= 512) return 4.5;
  return 3;
}

@customElement('gradflow-function-view')
export class GradflowFunctionView extends GpuViewElement<FunctionSource, FunctionRenderer> {
  static override styles = viewFrameStyles;

  /** Grid points per axis (G x G evaluations for d = 2, G for d = 1). */
  @property({ type: Number, attribute: 'grid-size' }) gridSize = 96;
  /** "x0,x1,y0,y1" (d = 2) or "x0,x1" (d = 1): the input box; default the data's bounding box plus 5%. */
  @property() extent = '';
  /** The canvas alone, without axes, colour bar or key (a view under 220 x 160 CSS px is bare anyway). */
  @property({ type: Boolean, reflect: true }) bare = false;
  /** Data point radius in CSS pixels; default autoPointSize(number of points). */
  @property({ type: Number, attribute: 'point-size' }) pointSize: number | undefined;

  @state() private theme: ViewTheme = LIGHT_VIEW_THEME;
  /** (min, max) of f over the grid, read back a few times a second; undefined until read. */
  @state() private range: [number, number] | undefined;
  private readonly sizes = new FrameSizeWatch(this);
  private readonly rangeRead = new ThrottledRead<[number, number]>(RANGE_REFRESH_MS);

  constructor() {
    super();
    new ThemeWatch(this, () => {
      const theme = viewTheme(this);
      if (JSON.stringify(theme) !== JSON.stringify(this.theme)) this.theme = theme;
    });
  }

  /** The input box asked for (the `extent` attribute, else the data's box). */
  get plotExtent(): PlotExtent {
    const d = this.source?.inputDim ?? 2;
    return parseExtent(this.extent, d) ?? dataExtent(this.source?.data?.X, d);
  }

  /** The input box drawn: plotExtent widened to the canvas's shape for d = 2 (equal scales), plotExtent for d = 1. */
  get viewExtent(): PlotExtent {
    const extent = this.plotExtent;
    const canvas = this.canvas;
    if ((this.source?.inputDim ?? 2) !== 2 || !canvas) return extent;
    return equalAspectExtent(extent, canvas.clientWidth, canvas.clientHeight);
  }

  /** (min, max) of f over the grid as last read back (the colour bar's scale is max |f|); undefined until read. */
  get valueRange(): readonly [number, number] | undefined {
    return this.range;
  }

  override render() {
    const compact = this.bare || this.sizes.compact;
    const { figureWidth, figureHeight } = this.sizes.sizes;
    const d = this.source?.inputDim ?? 2;
    // The canvas fills the figure until it is measured and while it has no room for axes (view-layout.ts).
    const plot = compact ? undefined : framedPlot(figureWidth, figureHeight, d === 2 ? COLOUR_BAR_WIDTH_PX : 0);
    const canvasBox = plot ? `left:${plot.left}px;top:${plot.top}px;width:${plot.width}px;height:${plot.height}px` : 'left:0;top:0;width:100%;height:100%';
    return html`<div class="figure">
        <canvas style=${canvasBox}></canvas>
        ${plot ? html`<svg class="axes" width=${figureWidth} height=${figureHeight} aria-hidden="true">${this.axes(plot, d)}</svg>` : ''}
      </div>
      ${compact || !this.source ? '' : html`<div class="legend" style="color:${this.theme.foreground}">${functionLegend(d, heatmapZero(this.theme).css)}</div>`}
      ${viewStatus(this.status)}`;
  }

  /** Axes in input units (d = 2: x_1, x_2 at equal scales; d = 1: x and f(x)) and, for d = 2, the colour bar of f. */
  private axes(plot: PlotRect, d: number) {
    const colours = this.theme;
    if (d === 1) {
      const { x0, x1 } = this.plotExtent;
      const [y0, y1] = curveYRange(this.range ?? [3e38, -3e38], this.renderer?.dataYRange ?? [3e38, -3e38]);
      const yTicks = this.range ? linearTicks(y0, y1, plot.height, true) : [];
      return axesSvg(plot, { label: 'x', ticks: linearTicks(x0, x1, plot.width) }, { label: 'f(x)', ticks: yTicks }, colours);
    }
    const { x0, x1, y0, y1 } = equalAspectExtent(this.plotExtent, plot.width, plot.height);
    const maxAbs = this.range ? Math.max(Math.abs(this.range[0]), Math.abs(this.range[1])) : undefined;
    return svg`${axesSvg(plot, { label: 'x_1', ticks: linearTicks(x0, x1, plot.width) }, { label: 'x_2', ticks: linearTicks(y0, y1, plot.height, true) }, colours)}
      ${functionColourBar(plot, maxAbs, colours.foreground, colours.grid, heatmapZero(colours).css)}`;
  }

  /** The input point (x_1, x_2) under a client point, or null outside the plot (on the axes, the key). */
  planePointAt(clientX: number, clientY: number): [number, number] | null {
    const canvas = this.canvas;
    if (!canvas) return null;
    const rect = canvas.getBoundingClientRect();
    const u = (clientX - rect.left) / rect.width;
    const v = (clientY - rect.top) / rect.height;
    if (!(u >= 0 && u <= 1 && v >= 0 && v <= 1)) return null;
    const { x0, x1, y0, y1 } = this.viewExtent;
    return [x0 + u * (x1 - x0), y1 - v * (y1 - y0)];
  }

  /** The client point where the input point (x_1, x_2) is drawn (the inverse of planePointAt). */
  clientPointOf(x: number, y: number): [number, number] {
    const rect = this.canvas?.getBoundingClientRect() ?? new DOMRect();
    const { x0, x1, y0, y1 } = this.viewExtent;
    return [rect.left + ((x - x0) / (x1 - x0)) * rect.width, rect.top + ((y1 - y) / (y1 - y0)) * rect.height];
  }

  /** Draws a frame, reads f's range back and re-renders the colour bar and axes from it. */
  async updateAxes(): Promise<void> {
    await this.whenReady();
    await new Promise(requestAnimationFrame);
    const renderer = this.renderer;
    if (!renderer || !this.renderFrame()) return;
    this.takeRange(await renderer.readValueRange());
    await this.updateComplete;
  }

  private takeRange(range: [number, number]): void {
    // The labels show 3 digits: re-render only when those change.
    const key = (r: readonly number[] | undefined) => r?.map((v) => v.toPrecision(3)).join();
    if (key(range) !== key(this.range)) this.range = range;
  }

  protected override needsRebuild(changed: PropertyValues<this>): boolean {
    return changed.has('gridSize');
  }

  protected override rendererChanged(): void {
    this.range = undefined;
  }

  protected override sourceProblem(source: FunctionSource): string {
    return functionSourceProblem(source);
  }

  protected override createRenderer(source: FunctionSource): Promise<FunctionRenderer> {
    const gridSize = Math.max(2, Math.min(1024, Math.round(this.gridSize) || 2));
    return FunctionRenderer.create(source, navigator.gpu.getPreferredCanvasFormat(), gridSize);
  }

  protected override draw(renderer: FunctionRenderer, present: GPUTexture | undefined, width: number, height: number): void {
    const ratio = globalThis.devicePixelRatio || 1;
    const size = this.pointSize !== undefined && Number.isFinite(this.pointSize) ? this.pointSize : autoPointSize(renderer.pointCount);
    const extent = this.source?.inputDim === 2 ? equalAspectExtent(this.plotExtent, width, height) : this.plotExtent;
    renderer.frame({ extent, canvasWidth: width, canvasHeight: height, pointSize: Math.max(0.5, size) * ratio, zeroColour: heatmapZero(this.theme).gpu }, present);
    this.pollRange(renderer);
  }

  /** After a frame: every RANGE_REFRESH_MS, read f's range for the labels (skipped for thumbnails, which have none). */
  private pollRange(renderer: FunctionRenderer): void {
    if (this.bare || this.sizes.compact) return;
    this.rangeRead.maybe(() => renderer.readValueRange(), (value) => {
      if (renderer === this.renderer) this.takeRange(value);
    });
  }
}

function functionSourceProblem(source: FunctionSource): string {
  const { width: m, inputDim: d } = source;
  if (d !== 1 && d !== 2) return `the function view draws d = 1 or d = 2 inputs (this network has d = ${d})`;
  if (!Number.isInteger(m) || m < 0) return `source.width must be a non-negative integer, got ${m}`;
  if (!Number.isFinite(source.scale)) return `source.scale must be finite, got ${source.scale}`;
  if (source.a.size < m * 4) return `source.a holds ${source.a.size} bytes, fewer than m = ${m} floats`;
  if (source.W.size < m * d * 4) return `source.W holds ${source.W.size} bytes, fewer than m x d = ${m * d} floats`;
  if (source.b && source.b.size < m * 4) return `source.b holds ${source.b.size} bytes, fewer than m = ${m} floats`;
  if (source.data && source.data.X.length !== source.data.y.length * d) return `source.data.X must hold n x d = ${source.data.y.length * d} floats`;
  return '';
}

declare global {
  interface HTMLElementTagNameMap {
    'gradflow-function-view': GradflowFunctionView;
  }
}
