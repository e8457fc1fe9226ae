/**
 * <gradflow-landscape-view>: the particles of a landscape run (each an independent optimizer run, src/core/landscape.ts)
 * drawn straight from the run's GPU buffers over the landscape itself. k = 1: the curve f(x) with every particle at
 * (x_p, f(x_p)); k = 2: a heat map of f(x_1, x_2) with level lines (colours diverging around f = 0, as the function
 * view's) and the particles at x_p; k >= 3: two chosen coordinates (a picker above the plot) with the particles, f not
 * drawn. f is the run kernel's own WGSL (a user expression's too), evaluated on the GPU over the part of the plane
 * shown, which the particle view's GPU auto-fit chooses: every finite particle, the start region and the target.
 *
 * Around the plot (unless the element is a thumbnail): axes with ticks in the plane's units, titled x and f(x) or by
 * coordinate, the colour bar of f (k = 2) and a key. The background, axes, curve and the discs' rims follow the
 * page's theme (view-theme.ts).
 *
 * Property: `source` (LandscapeSource). Attributes: `coords` ("i,j", k >= 3), `point-size` (CSS px; default by the
 * number of particles), `bare` (the canvas alone), `headless`, `max-fps`. Event `gf-coords-change` (detail { coords })
 * when its picker changes the coordinates. Methods: toPng(), whenReady(), renderFrame(), updateAxes(). Readouts:
 * framesPerSecond, status, axisLabels, fittedBox, valueRange.
 */
import { html, svg, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { landscapeDimOf } from '../core/landscape';
import { GpuViewElement } from './gpu-view-element';
import { ThrottledRead } from './throttled-read';
import { LandscapeRenderer, type LandscapeLabels } from './landscape-renderer';
import type { LandscapeSource } from './landscape-source';
import { autoParticleSize, fieldCellMeans, landscapeAxisLabels, landscapeCoordinateName, landscapeHomeBox } from './landscape-plane';
import { landscapeLegend } from './landscape-legend';
import { coordinateBasis, ndcToPlane, parseCoordinates } from './particle-projection';
import { coordinatePicker } from './coordinate-picker';
import { LIGHT_VIEW_THEME, viewTheme, type ViewTheme } from './view-theme';
import { ThemeWatch } from './theme-watch';
import { FrameSizeWatch, viewFrameStyles, viewStatus } from './view-frame';
import { framedPlot, type PlotRect } from './view-layout';
import { axesSvg, linearTicks } from './view-axes';
import { COLOUR_BAR_WIDTH_PX, functionColourBar, heatmapZero } from './colour-scale';

/** How often the axes and the colour bar re-read the fitted box and f's range while the particles move (24 bytes). */
const LABELS_REFRESH_MS = 250;

@customElement('gradflow-landscape-view')
export class GradflowLandscapeView extends GpuViewElement<LandscapeSource, LandscapeRenderer> {
  static override styles = viewFrameStyles;

  /** "i,j": the coordinates shown for k >= 3 (k = 2 shows (x_1, x_2), k = 1 plots (x, f(x))). */
  @property() coords = '0,1';
  /** Particle radius in CSS pixels; default autoParticleSize(P). */
  @property({ type: Number, attribute: 'point-size' }) pointSize: number | undefined;
  /** The canvas alone, without axes, key or picker (a view under 220 x 160 CSS px is bare anyway, the picker aside). */
  @property({ type: Boolean, reflect: true }) bare = false;

  /** The page's colours (re-read when the theme changes). */
  @state() private theme: ViewTheme = LIGHT_VIEW_THEME;
  /** The fitted box and f's range the labels are placed by (read back from the GPU a few times a second). */
  @state() private labels: LandscapeLabels | undefined;
  private readonly sizes = new FrameSizeWatch(this);
  private readonly labelsRead = new ThrottledRead<LandscapeLabels>(LABELS_REFRESH_MS);

  constructor() {
    super();
    new ThemeWatch(this, () => {
      const theme = viewTheme(this);
      if (JSON.stringify(theme) === JSON.stringify(this.theme)) return;
      this.theme = theme;
      this.applyColours();
    });
  }

  /** k, the coordinates of one particle (1 before a source is set). */
  get dim(): number {
    return this.source ? landscapeDimOf(this.source.model.spec) : 1;
  }

  /** The coordinates (i, j) shown for k >= 2. */
  get shownCoords(): [number, number] {
    return this.dim >= 2 ? parseCoordinates(this.coords, this.dim) : [0, 0];
  }

  /** [x title, y title]: "x", "f(x)" for k = 1, else the coordinates' names ("x_1", "x_3"). */
  get axisLabels(): [string, string] {
    return landscapeAxisLabels(this.dim, this.shownCoords);
  }

  /** The box [min_x, min_y, max_x, max_y] of the plane the last labels were placed by (before the 8% padding); undefined until read. */
  get fittedBox(): Float32Array | undefined {
    return this.labels?.box.slice();
  }

  /** (min, max) of f over the samples of the shown part of the plane, as last read; undefined until read or without f. */
  get valueRange(): readonly [number, number] | undefined {
    return this.labels?.range;
  }

  override render() {
    const compact = this.bare || this.sizes.compact;
    const { figureWidth, figureHeight } = this.sizes.sizes;
    const heatmap = this.renderer?.fieldMode === 'heatmap';
    // The canvas fills the figure until it is measured and while it has no room for axes (view-layout.ts).
    const plot = compact ? undefined : framedPlot(figureWidth, figureHeight, heatmap ? COLOUR_BAR_WIDTH_PX : 0);
    const canvasBox = plot ? `left:${plot.left}px;top:${plot.top}px;width:${plot.width}px;height:${plot.height}px` : 'left:0;top:0;width:100%;height:100%';
    const { theme } = this;
    const picker = !this.bare && this.dim >= 3;
    return html`${picker ? html`<div class="tools" style="color:${theme.foreground}">${coordinatePicker(this.dim, this.shownCoords, (coords) => this.chooseCoords(coords), landscapeCoordinateName)}</div>` : ''}
      <div class="figure">
        <canvas style=${canvasBox}></canvas>
        ${plot ? html`<svg class="axes" width=${figureWidth} height=${figureHeight} aria-hidden="true">${this.axes(plot, heatmap)}</svg>` : ''}
      </div>
      ${compact || !this.renderer ? '' : html`<div class="legend" style="color:${theme.foreground}">${this.legend(this.renderer)}</div>`}
      ${viewStatus(this.status)}`;
  }

  /** Frame, ticks at round values of the plane box shown (the fitted box, padded as the shaders pad it), titles; k = 2 adds f's colour bar. */
  private axes(plot: PlotRect, heatmap: boolean) {
    const [xLabel, yLabel] = this.axisLabels;
    const box = this.labels?.box;
    let ticks: [ReturnType<typeof linearTicks>, ReturnType<typeof linearTicks>] = [[], []];
    if (box && plot.width > 1 && plot.height > 1) {
      const view = { zoom: 1, panX: 0, panY: 0, canvasWidth: plot.width, canvasHeight: plot.height, equalAspect: this.dim >= 2 };
      const [x0, y0] = ndcToPlane([-1, -1], box, view);
      const [x1, y1] = ndcToPlane([1, 1], box, view);
      if ([x0, y0, x1, y1].every(Number.isFinite)) ticks = [linearTicks(x0, x1, plot.width), linearTicks(y0, y1, plot.height, true)];
    }
    const colours = this.theme;
    const range = this.labels?.range;
    const maxAbs = range ? Math.max(Math.abs(range[0]), Math.abs(range[1])) : undefined;
    return svg`${axesSvg(plot, { label: xLabel, ticks: ticks[0] }, { label: yLabel, ticks: ticks[1] }, colours)}
      ${heatmap ? functionColourBar(plot, maxAbs, colours.foreground, colours.grid, heatmapZero(colours).css) : ''}`;
  }

  private legend(renderer: LandscapeRenderer) {
    const model = renderer.source.model;
    return landscapeLegend({
      variant: renderer.variant,
      fieldMode: renderer.fieldMode,
      particleCount: renderer.particleCount,
      cellCount: fieldCellMeans(model.spec).length,
      target: this.dim >= 2 && model.target !== undefined,
      foreground: this.theme.foreground,
    });
  }

  /** The picker's choice: shown at once, and told to the page (which may keep it). */
  private chooseCoords([i, j]: [number, number]): void {
    this.coords = `${i},${j}`;
    this.dispatchEvent(new CustomEvent('gf-coords-change', { detail: { coords: this.coords }, bubbles: true, composed: true }));
  }

  /** Draws a frame, reads back the box and f's range it used and re-renders the labels from them. */
  async updateAxes(): Promise<void> {
    await this.whenReady();
    await new Promise(requestAnimationFrame);
    const renderer = this.renderer;
    if (!renderer || !this.renderFrame()) return;
    this.takeLabels(await renderer.readLabels());
    await this.updateComplete;
  }

  private takeLabels(labels: LandscapeLabels): void {
    // The labels show 3 digits: re-render only when those change.
    const key = (value: LandscapeLabels | undefined) => (value ? [...value.box, ...(value.range ?? [])].map((v) => v.toPrecision(3)).join() : '');
    if (key(labels) !== key(this.labels)) this.labels = labels;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (!changed.has('source') && changed.has('coords')) this.applyPlane();
  }

  protected override sourceProblem(source: LandscapeSource): string {
    return landscapeSourceProblem(source);
  }

  protected override createRenderer(source: LandscapeSource): Promise<LandscapeRenderer> {
    return LandscapeRenderer.create(source, navigator.gpu.getPreferredCanvasFormat());
  }

  protected override rendererChanged(): void {
    this.labels = undefined;
    this.applyPlane();
    this.applyColours();
  }

  protected override draw(renderer: LandscapeRenderer, present: GPUTexture | undefined, width: number, height: number): void {
    const ratio = globalThis.devicePixelRatio || 1;
    const size = this.pointSize !== undefined && Number.isFinite(this.pointSize) ? this.pointSize : autoParticleSize(renderer.particleCount);
    renderer.frame({ canvasWidth: width, canvasHeight: height, pointSize: Math.max(0.5, size) * ratio, background: this.theme.backgroundGpu }, present);
    if (this.bare || this.sizes.compact) return;
    this.labelsRead.maybe(() => renderer.readLabels(), (labels) => {
      if (renderer === this.renderer) this.takeLabels(labels);
    });
  }

  /** The basis of the shown coordinates, the box the fit includes (start region, target) and the target's point in the plane. */
  private applyPlane(): void {
    const renderer = this.renderer;
    const model = this.source?.model;
    if (!renderer || !model) return;
    const k = this.dim;
    const [i, j] = this.shownCoords;
    const target = k >= 2 && model.target ? ([model.target[i]!, model.target[j]!] as const) : undefined;
    renderer.setPlane(k >= 2 ? coordinateBasis(k, i, j) : coordinateBasis(1, 0, 0), landscapeHomeBox(model, [i, j]), target);
    this.labels = undefined;
  }

  private applyColours(): void {
    this.renderer?.setColours(this.theme.foregroundGpu, heatmapZero(this.theme).gpu);
  }
}

/** Why a source cannot be drawn, or '' when it can. */
function landscapeSourceProblem(source: LandscapeSource): string {
  const { spec } = source.model;
  const P = spec.particleCount;
  const k = landscapeDimOf(spec);
  if (source.positions.size < P * k * 4) return `source.positions holds ${source.positions.size} bytes, fewer than P x k = ${P} x ${k} floats`;
  if (source.stats.size < P * 16) return `source.stats holds ${source.stats.size} bytes, fewer than P x 4 = ${P} x 4 floats`;
  return '';
}

declare global {
  interface HTMLElementTagNameMap {
    'gradflow-landscape-view': GradflowLandscapeView;
  }
}
