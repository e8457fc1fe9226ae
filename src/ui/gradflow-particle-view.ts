/**
 * <gradflow-particle-view>: every neuron theta_j = (a_j, w_j) drawn as a particle straight from the
 * trainer's GPU buffers (no readback), with optional fading trails, auto-fit on the GPU, zoom (wheel)
 * and pan (drag), teacher and target overlays, and click/hover picking of one particle.
 *
 * Properties: `source` (ParticleSource), `fitBox` ([min_x, min_y, max_x, max_y] in the projected plane that the
 * auto-fit always includes: views given the same box that holds all their particles share their axes). Attributes: `projection` ('plane' | 'coordinates' | 'teacher' |
 * 'pca' | 'polar'), `coords` ("i,j"), `polar-magnitude` ('aw' | 'w'), `trails`, `trail-fade`,
 * `point-size` (CSS px), `pca-interval` (frames), `bare` (the canvas alone: small multiples). Events: `particle-select` (click) and `particle-hover`,
 * detail ParticleSelectDetail. Methods: toPng(), whenReady(), renderFrame(), resetView(),
 * readAutoFitBounds(), refreshPca(), selectAt(), updateAxes(). Readouts: framesPerSecond, projectionBasis, axisLabels, status.
 * Event `gf-coords-change` (detail { coords: "i,j" }) when its own picker changes the coordinates.
 *
 * Around the canvas (unless the element is a thumbnail, see view-layout.ts): axes in data units whose ticks
 * follow zoom and pan, titled with what the projection's axes are; a picker of the two coordinates for
 * projection="coordinates"; a key to colour (sign of a_j), disc area (|a_j|) and rings. The plot's background,
 * the tooltip and the teacher rings follow the page's theme (view-theme.ts).
 */
import { css, html, svg, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { PROJECTION_MODES } from '../../shaders/particle-view-common.wgsl';
import { GpuViewElement } from './gpu-view-element';
import { ThrottledRead } from './throttled-read';
import type { ParticleSource } from './particle-source';
import {
  coordinateBasis,
  ndcToPlane,
  parseCoordinates,
  pcaDecomposition,
  projectionMode,
  teacherBasis,
  type ParticleProjection,
  type PolarMagnitude,
} from './particle-projection';
import { ParticleRenderer, type ParticleViewState } from './particle-renderer';
import { overlayMarkers } from './overlay-markers';
import { activationCount } from './particle-activations';
import { LIGHT_VIEW_THEME, viewTheme, type ViewTheme } from './view-theme';
import { ThemeWatch } from './theme-watch';
import { FrameSizeWatch, viewFrameStyles, viewStatus } from './view-frame';
import { framedPlot, type PlotRect } from './view-layout';
import { axesSvg, linearTicks } from './view-axes';
import { projectionAxisLabels } from './projection-labels';
import { particleLegend } from './colour-scale';
import { coordinatePicker } from './coordinate-picker';

/** Detail of `particle-select` / `particle-hover`: one neuron read back from the GPU. */
export interface ParticleSelectDetail {
  /** Neuron index j. */
  readonly index: number;
  /** a_j. */
  readonly a: number;
  /** w_j [d]. */
  readonly w: number[];
  /** Number of data points x_i with w_j . x_i > 0 (null without source.data). */
  readonly activations: number | null;
}

const MIN_ZOOM = 0.05;
const MAX_ZOOM = 1e4;
/** Pointer travel (CSS px) below which a press counts as a click, not a drag. */
const CLICK_SLOP_PX = 3;
/** How often the axes re-read the fitted box while the particles move (a 20-byte readback). */
const AXES_REFRESH_MS = 250;

@customElement('gradflow-particle-view')
export class GradflowParticleView extends GpuViewElement<ParticleSource, ParticleRenderer> {
  static override styles = [
    viewFrameStyles,
    css`
      canvas { touch-action: none; cursor: crosshair; }
      .tooltip { position: absolute; z-index: 1; pointer-events: none; border: 1px solid; border-radius: 3px; padding: 2px 6px;
        font: 12px/1.3 system-ui, sans-serif; font-variant-numeric: tabular-nums; white-space: pre; }
    `,
  ];

  /** How w in R^d maps to the plane. d = 1 always plots (w, a). */
  @property({ reflect: true }) projection: ParticleProjection = 'plane';
  /** "i,j": the coordinates shown by projection="coordinates" (and the angle plane of "polar"). */
  @property() coords = '0,1';
  /** Polar view's radius: |a||w| ('aw') or |w| ('w'). */
  @property({ attribute: 'polar-magnitude' }) polarMagnitude: PolarMagnitude = 'aw';
  /** Fading trails (an offscreen texture faded each frame). */
  @property({ type: Boolean, reflect: true }) trails = false;
  /** Opacity of the background laid over the trails each frame, 0..1 (higher: shorter trails). */
  @property({ type: Number, attribute: 'trail-fade' }) trailFade = 0.08;
  /** Particle radius in CSS pixels. */
  @property({ type: Number, attribute: 'point-size' }) pointSize = 3;
  /** Frames between refreshes of the PCA basis (one d x d readback each). */
  @property({ type: Number, attribute: 'pca-interval' }) pcaInterval = 30;
  /** The canvas alone, without axes, key or picker: for small multiples (a view under 220 x 160 CSS px is bare anyway, the picker aside). */
  @property({ type: Boolean, reflect: true }) bare = false;
  /** A box [min_x, min_y, max_x, max_y] (projected plane) the auto-fit always includes; undefined: fit the particles alone. */
  @property({ attribute: false }) fitBox: readonly [number, number, number, number] | undefined;

  @state() private tooltip: { x: number; y: number; text: string } | null = null;
  /** The page's colours (re-read when the theme changes). */
  @state() private theme: ViewTheme = LIGHT_VIEW_THEME;
  /** The box [min_x, min_y, max_x, max_y, max|a|] the axes are placed by (read back from the GPU a few times a second). */
  @state() private fitted: Float32Array | undefined;
  private pcaShares: [number, number] | undefined;
  private readonly sizes = new FrameSizeWatch(this);
  private readonly boundsRead = new ThrottledRead<Float32Array>(AXES_REFRESH_MS);
  private zoom = 1;
  private panX = 0;
  private panY = 0;
  private basis: Float32Array = new Float32Array(4);
  private pca: Float32Array | undefined;
  private frameCount = 0;
  private drag: { x: number; y: number; moved: boolean; id: number } | null = null;
  private hoverPending = false;

  constructor() {
    super();
    new ThemeWatch(this, () => this.readTheme());
  }

  /** The current projection basis u1, u2 (2 x d, row-major). */
  get projectionBasis(): Float32Array {
    return this.basis.slice();
  }

  /** The titles of the x and y axes: what the projection's two axes are (e.g. "w_j1", "PC1 (63% var)"). */
  get axisLabels(): [string, string] {
    const d = this.source?.inputDim ?? 2;
    return projectionAxisLabels({
      projection: this.projection,
      inputDim: d,
      coords: parseCoordinates(this.coords, d),
      polarMagnitude: this.polarMagnitude,
      teacherCount: this.source?.teacher?.a.length ?? 0,
      pcaShares: this.projection === 'pca' && this.pca ? this.pcaShares : undefined,
    });
  }

  override render() {
    const compact = this.bare || this.sizes.compact;
    const { figureWidth, figureHeight } = this.sizes.sizes;
    // Until the figure is measured, and while it has no room for axes (a thumbnail, or a key of several rows taking
    // most of a short element), the canvas fills it.
    const plot = compact ? undefined : framedPlot(figureWidth, figureHeight);
    const canvasBox = plot ? `left:${plot.left}px;top:${plot.top}px;width:${plot.width}px;height:${plot.height}px` : 'left:0;top:0;width:100%;height:100%';
    const d = this.source?.inputDim ?? 2;
    // A small view still gets the picker (a page may lay the big views out small on a phone); a bare one never.
    const picker = !this.bare && this.projection === 'coordinates' && d >= 2;
    const { theme, tooltip } = this;
    return html`${picker ? html`<div class="tools" style="color:${theme.foreground}">${coordinatePicker(d, parseCoordinates(this.coords, d), (coords) => this.chooseCoords(coords))}</div>` : ''}
      <div class="figure">
        <canvas
          style=${canvasBox}
          @wheel=${this.onWheel}
          @pointerdown=${this.onPointerDown}
          @pointermove=${this.onPointerMove}
          @pointerup=${this.onPointerUp}
          @pointerleave=${() => (this.tooltip = null)}
          @dblclick=${this.resetView}
        ></canvas>
        ${plot ? html`<svg class="axes" width=${figureWidth} height=${figureHeight} aria-hidden="true">${this.axes(plot)}</svg>` : ''}
      </div>
      ${compact ? '' : html`<div class="legend" style="color:${theme.foreground}">${this.legend()}</div>`}
      ${tooltip ? html`<div class="tooltip" style="left:${tooltip.x + 12}px;top:${tooltip.y + 12}px;background:${theme.background};color:${theme.foreground};border-color:${theme.grid}">${tooltip.text}</div>` : ''}
      ${viewStatus(this.status)}`;
  }

  /** Frame, ticks at round plane values of the part now shown (after zoom and pan), and the projection's titles. */
  private axes(plot: PlotRect) {
    const [xLabel, yLabel] = this.axisLabels;
    const fitted = this.fitted;
    let ticks: [ReturnType<typeof linearTicks>, ReturnType<typeof linearTicks>] = [[], []];
    if (fitted && plot.width > 1 && plot.height > 1) {
      // The plane box the canvas shows, with the element's zoom and pan and the fitted box the last frame used.
      const view = { ...this.transform(), canvasWidth: plot.width, canvasHeight: plot.height };
      const [x0, y0] = ndcToPlane([-1, -1], fitted, view);
      const [x1, y1] = ndcToPlane([1, 1], fitted, view);
      if ([x0, y0, x1, y1].every(Number.isFinite)) ticks = [linearTicks(x0, x1, plot.width), linearTicks(y0, y1, plot.height, true)];
    }
    return svg`${axesSvg(plot, { label: xLabel, ticks: ticks[0] }, { label: yLabel, ticks: ticks[1] }, this.theme)}`;
  }

  private legend() {
    const source = this.source;
    const d = source?.inputDim ?? 2;
    const mode = projectionMode(this.projection, d, this.polarMagnitude);
    return particleLegend({
      radiusByA: this.projection === 'plane' && d === 2,
      maxAbsA: this.fitted?.[4],
      teacher: Boolean(source?.teacher && source.teacher.a.length > 0),
      target: source?.target?.kind === 'points' || (source?.target?.kind === 'uniform-circle' && d === 2 && mode === PROJECTION_MODES.linear),
      foreground: this.theme.foreground,
    });
  }

  /** The picker's choice: shown at once, and told to the page (which may keep it in its link). */
  private chooseCoords([i, j]: [number, number]): void {
    this.coords = `${i},${j}`;
    this.dispatchEvent(new CustomEvent('gf-coords-change', { detail: { coords: this.coords }, bubbles: true, composed: true }));
  }

  /** Re-reads the theme's colours; the next frame clears with the new background, the rings take the new text colour. */
  private readTheme(): void {
    const theme = viewTheme(this);
    if (JSON.stringify(theme) === JSON.stringify(this.theme)) return;
    this.theme = theme;
    this.applyBasis();
  }

  /**
   * Draws a frame, reads back the fitted box it used and re-renders the axes from it; resolves once they show it
   * (the frame loop does the same a few times a second by itself).
   */
  async updateAxes(): Promise<void> {
    await this.whenReady();
    await new Promise(requestAnimationFrame);
    const renderer = this.renderer;
    if (!renderer || !this.renderFrame()) return;
    this.takeFitted(await renderer.readFittedBounds());
    await this.updateComplete;
  }

  private takeFitted(bounds: Float32Array): void {
    const old = this.fitted;
    if (old && old.every((v, k) => v === bounds[k])) return;
    this.fitted = bounds;
  }

  /** After a frame: every AXES_REFRESH_MS, read the box it was fitted to (skipped for thumbnails, which have no axes). */
  private pollFitted(renderer: ParticleRenderer): void {
    if (this.bare || this.sizes.compact) return;
    this.boundsRead.maybe(() => renderer.readFittedBounds(), (value) => {
      if (renderer === this.renderer) this.takeFitted(value);
    });
  }

  override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (!changed.has('source') && (changed.has('projection') || changed.has('coords') || changed.has('polarMagnitude'))) this.applyBasis();
    if (changed.has('fitBox')) this.renderer?.setFitBox(this.fitBox);
  }

  protected override sourceProblem(source: ParticleSource): string {
    return particleSourceProblem(source);
  }

  protected override createRenderer(source: ParticleSource): Promise<ParticleRenderer> {
    return ParticleRenderer.create(source, navigator.gpu.getPreferredCanvasFormat());
  }

  protected override rendererChanged(): void {
    this.pca = undefined;
    this.pcaShares = undefined;
    this.fitted = undefined;
    this.tooltip = null;
    this.renderer?.setFitBox(this.fitBox);
    this.applyBasis();
  }

  /** Trails fade a little every frame. */
  protected override animates(): boolean {
    return this.trails;
  }

  protected override draw(renderer: ParticleRenderer, present: GPUTexture | undefined): void {
    const pcaDue = this.projection === 'pca' && this.frameCount % Math.max(1, Math.round(this.pcaInterval)) === 0;
    renderer.frame(this.viewState(), present, pcaDue ? (moments) => this.onMoments(renderer, moments) : undefined);
    this.frameCount += 1;
    this.pollFitted(renderer);
  }

  /** Back to the auto-fit view (zoom 1, no pan). Double-click does the same. */
  resetView(): void {
    this.zoom = 1;
    this.panX = this.panY = 0;
    this.requestUpdate();
  }

  /** Recomputes the projection basis and the overlay markers for the current attributes. */
  private applyBasis(): void {
    const source = this.source;
    const renderer = this.renderer;
    if (!source || !renderer) return;
    const d = source.inputDim;
    let basis: Float32Array;
    if (d === 1) basis = coordinateBasis(1, 0, 0);
    else if (this.projection === 'teacher' && source.teacher && source.teacher.a.length > 0) basis = teacherBasis(source.teacher.W, d);
    else if (this.projection === 'pca' && this.pca) basis = this.pca;
    else if (this.projection === 'coordinates' || this.projection === 'polar') basis = coordinateBasis(d, ...parseCoordinates(this.coords, d));
    else basis = coordinateBasis(d, 0, 1);
    this.basis = basis;
    renderer.setBasis(basis);
    const mode = projectionMode(this.projection, d, this.polarMagnitude);
    const { r, g, b, a } = this.theme.foregroundGpu;
    renderer.setMarkers(overlayMarkers(source, basis, mode, d === 2 && mode === PROJECTION_MODES.linear, [r, g, b, a]));
  }

  /** Zoom, pan and aspect of the plane -> clip-space map (the canvas size is added by the caller). */
  private transform() {
    const d = this.source?.inputDim ?? 2;
    return { zoom: this.zoom, panX: this.panX, panY: this.panY, equalAspect: projectionMode(this.projection, d, this.polarMagnitude) === PROJECTION_MODES.linear };
  }

  private viewState(): ParticleViewState {
    const d = this.source?.inputDim ?? 2;
    const mode = projectionMode(this.projection, d, this.polarMagnitude);
    const ratio = globalThis.devicePixelRatio || 1;
    const [width, height] = this.canvasPixels();
    return {
      ...this.transform(),
      mode,
      radiusByA: this.projection === 'plane' && d === 2,
      pointSize: Math.max(0.5, this.pointSize) * ratio,
      canvasWidth: width,
      canvasHeight: height,
      trails: this.trails,
      trailFade: this.trailFade,
      background: this.theme.backgroundGpu,
    };
  }

  private onMoments(renderer: ParticleRenderer, moments: Float32Array): void {
    if (renderer !== this.renderer || !this.source) return;
    const { basis, shares } = pcaDecomposition(moments, this.source.inputDim);
    this.pca = basis;
    const sharesChanged = this.pcaShares?.map((v) => Math.round(100 * v)).join() !== shares.map((v) => Math.round(100 * v)).join();
    this.pcaShares = shares;
    if (this.projection === 'pca') {
      this.applyBasis();
      this.markChanged();
      // The axis titles carry the shares in whole percent: re-render only when those change.
      if (sharesChanged) this.requestUpdate();
    }
  }

  /** Forces a PCA refresh now (one moments readback) and resolves once the basis is applied. */
  async refreshPca(): Promise<Float32Array> {
    await this.whenReady();
    const renderer = this.renderer;
    if (!renderer || !this.source) throw new Error(`gradflow-particle-view: no renderer (${this.status})`);
    const state = this.viewState();
    const moments = await new Promise<Float32Array>((resolve) => {
      renderer.frame({ ...state, canvasWidth: Math.max(1, state.canvasWidth), canvasHeight: Math.max(1, state.canvasHeight) }, undefined, resolve);
    });
    this.onMoments(renderer, moments);
    return this.basis.slice();
  }

  /** The GPU-reduced auto-fit box [min_x, min_y, max_x, max_y, max|a|] of the current projection (5 floats read back). */
  async readAutoFitBounds(): Promise<Float32Array> {
    await this.whenReady();
    if (!this.renderer) throw new Error(`gradflow-particle-view: no renderer (${this.status})`);
    return this.renderer.readBounds(this.viewState());
  }

  /**
   * Picks the particle nearest to the client point (within the disc radius plus a few pixels), reads just
   * that neuron back, shows the tooltip and dispatches `particle-select` (or `particle-hover`).
   */
  async selectAt(clientX: number, clientY: number, kind: 'select' | 'hover' = 'select'): Promise<ParticleSelectDetail | null> {
    const renderer = this.renderer;
    const source = this.source;
    if (!renderer || !source || !this.canvas) return null;
    const rect = this.canvas.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) return null;
    const x = ((clientX - rect.left) / rect.width) * 2 - 1;
    const y = 1 - ((clientY - rect.top) / rect.height) * 2;
    const ratio = globalThis.devicePixelRatio || 1;
    let picked;
    try {
      picked = await renderer.pick(this.viewState(), x, y, (Math.max(0.5, this.pointSize) * 1.5 + 4) * ratio);
    } catch {
      return null;
    }
    if (!picked || renderer !== this.renderer) {
      if (kind === 'hover') this.tooltip = null;
      return null;
    }
    const detail: ParticleSelectDetail = { index: picked.index, a: picked.a, w: Array.from(picked.w), activations: activationCount(picked.w, source.data?.X) };
    const w = detail.w.map((v) => v.toPrecision(3)).join(', ');
    const active = detail.activations === null ? '' : `\nactive on ${detail.activations} / ${source.data!.X.length / source.inputDim}`;
    const host = this.getBoundingClientRect();
    this.tooltip = { x: clientX - host.left, y: clientY - host.top, text: `neuron ${detail.index}\na = ${detail.a.toPrecision(4)}\nw = (${w})${active}` };
    this.dispatchEvent(new CustomEvent<ParticleSelectDetail>(kind === 'select' ? 'particle-select' : 'particle-hover', { detail, bubbles: true, composed: true }));
    return detail;
  }

  private onWheel(event: WheelEvent): void {
    event.preventDefault();
    const rect = (event.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    const x = ((event.clientX - rect.left) / rect.width) * 2 - 1;
    const y = 1 - ((event.clientY - rect.top) / rect.height) * 2;
    const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, this.zoom * Math.exp(-event.deltaY * 0.0015)));
    // Keep the plane point under the cursor fixed: ndc = q * zoom + pan.
    this.panX = x - (x - this.panX) * (zoom / this.zoom);
    this.panY = y - (y - this.panY) * (zoom / this.zoom);
    this.zoom = zoom;
    this.requestUpdate();
  }

  private onPointerDown(event: PointerEvent): void {
    this.drag = { x: event.clientX, y: event.clientY, moved: false, id: event.pointerId };
    try {
      (event.currentTarget as HTMLCanvasElement).setPointerCapture(event.pointerId);
    } catch {
      // Synthetic events have no active pointer to capture.
    }
  }

  private onPointerMove(event: PointerEvent): void {
    const drag = this.drag;
    if (drag) {
      // Only a move with a button held drags; Chromium also sends button-less moves when the layout shifts.
      if (event.buttons === 0) return;
      const rect = (event.currentTarget as HTMLCanvasElement).getBoundingClientRect();
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (Math.hypot(dx, dy) > CLICK_SLOP_PX) drag.moved = true;
      if (drag.moved) {
        this.panX += (2 * dx) / rect.width;
        this.panY -= (2 * dy) / rect.height;
        drag.x = event.clientX;
        drag.y = event.clientY;
        this.requestUpdate();
      }
      return;
    }
    if (this.hoverPending) return;
    this.hoverPending = true;
    void this.selectAt(event.clientX, event.clientY, 'hover').finally(() => (this.hoverPending = false));
  }

  private onPointerUp(event: PointerEvent): void {
    const drag = this.drag;
    this.drag = null;
    if (drag && !drag.moved) void this.selectAt(event.clientX, event.clientY, 'select');
  }
}

/** Why a source cannot be drawn, or '' when it can. */
function particleSourceProblem(source: ParticleSource): string {
  const { width: m, inputDim: d } = source;
  if (!Number.isInteger(m) || m < 0) return `source.width must be a non-negative integer, got ${m}`;
  if (!Number.isInteger(d) || d < 1) return `source.inputDim must be a positive integer, got ${d}`;
  if (source.a.size < m * 4) return `source.a holds ${source.a.size} bytes, fewer than m = ${m} floats`;
  if (source.W.size < m * d * 4) return `source.W holds ${source.W.size} bytes, fewer than m x d = ${m * d} floats`;
  if (source.teacher && source.teacher.W.length !== source.teacher.a.length * d) return `source.teacher.W must hold ${source.teacher.a.length} x ${d} floats`;
  return '';
}

declare global {
  interface HTMLElementTagNameMap {
    'gradflow-particle-view': GradflowParticleView;
  }
  interface HTMLElementEventMap {
    'particle-select': CustomEvent<ParticleSelectDetail>;
    'particle-hover': CustomEvent<ParticleSelectDetail>;
    'gf-coords-change': CustomEvent<{ coords: string }>;
  }
}
