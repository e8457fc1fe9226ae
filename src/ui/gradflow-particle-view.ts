/**
 * <gradflow-particle-view>: every neuron theta_j = (a_j, w_j) drawn as a particle straight from the
 * trainer's GPU buffers (no readback), with optional fading trails, auto-fit on the GPU, zoom (wheel)
 * and pan (drag), teacher and target overlays, and click/hover picking of one particle.
 *
 * Properties: `source` (ParticleSource), `fitBox` ([min_x, min_y, max_x, max_y] in the projected plane that the
 * auto-fit always includes: views given the same box that holds all their particles share their axes). Attributes: `projection` ('plane' | 'coordinates' | 'teacher' |
 * 'pca' | 'polar'), `coords` ("i,j"), `polar-magnitude` ('aw' | 'w'), `trails`, `trail-fade`,
 * `point-size` (CSS px), `pca-interval` (frames). Events: `particle-select` (click) and `particle-hover`,
 * detail ParticleSelectDetail. Methods: toPng(), whenReady(), renderFrame(), resetView(),
 * readAutoFitBounds(), refreshPca(), selectAt(). Readouts: framesPerSecond, projectionBasis, status.
 */
import { css, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { PROJECTION_MODES } from '../../shaders/particle-view-common.wgsl';
import { GpuViewElement } from './gpu-view-element';
import type { ParticleSource } from './particle-source';
import {
  coordinateBasis,
  parseCoordinates,
  pcaBasis,
  projectionMode,
  teacherBasis,
  type ParticleProjection,
  type PolarMagnitude,
} from './particle-projection';
import { ParticleRenderer, type ParticleViewState } from './particle-renderer';
import { overlayMarkers } from './overlay-markers';
import { activationCount } from './particle-activations';

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

@customElement('gradflow-particle-view')
export class GradflowParticleView extends GpuViewElement<ParticleSource, ParticleRenderer> {
  static override styles = css`
    :host { display: block; position: relative; height: 320px; min-height: 1px; }
    canvas { display: block; width: 100%; height: 100%; touch-action: none; cursor: crosshair; }
    .tooltip { position: absolute; pointer-events: none; background: rgba(255, 255, 255, 0.94); border: 1px solid #888;
      border-radius: 3px; padding: 2px 6px; font: 12px/1.3 system-ui, sans-serif; font-variant-numeric: tabular-nums; white-space: pre; }
    .status { position: absolute; left: 4px; bottom: 4px; font: 12px system-ui, sans-serif; color: #c62828; }
  `;

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
  /** A box [min_x, min_y, max_x, max_y] (projected plane) the auto-fit always includes; undefined: fit the particles alone. */
  @property({ attribute: false }) fitBox: readonly [number, number, number, number] | undefined;

  @state() private tooltip: { x: number; y: number; text: string } | null = null;
  private zoom = 1;
  private panX = 0;
  private panY = 0;
  private basis: Float32Array = new Float32Array(4);
  private pca: Float32Array | undefined;
  private frameCount = 0;
  private drag: { x: number; y: number; moved: boolean; id: number } | null = null;
  private hoverPending = false;

  /** The current projection basis u1, u2 (2 x d, row-major). */
  get projectionBasis(): Float32Array {
    return this.basis.slice();
  }

  override render() {
    return html`<canvas
        @wheel=${this.onWheel}
        @pointerdown=${this.onPointerDown}
        @pointermove=${this.onPointerMove}
        @pointerup=${this.onPointerUp}
        @pointerleave=${() => (this.tooltip = null)}
        @dblclick=${this.resetView}
      ></canvas>
      ${this.tooltip ? html`<div class="tooltip" style="left:${this.tooltip.x + 12}px;top:${this.tooltip.y + 12}px">${this.tooltip.text}</div>` : ''}
      ${this.status && this.status !== 'no source' ? html`<div class="status" role="alert">${this.status}</div>` : ''}`;
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
    this.tooltip = null;
    this.renderer?.setFitBox(this.fitBox);
    this.applyBasis();
  }

  protected override draw(renderer: ParticleRenderer, present: GPUTexture | undefined): void {
    const pcaDue = this.projection === 'pca' && this.frameCount % Math.max(1, Math.round(this.pcaInterval)) === 0;
    renderer.frame(this.viewState(), present, pcaDue ? (moments) => this.onMoments(renderer, moments) : undefined);
    this.frameCount += 1;
  }

  /** Back to the auto-fit view (zoom 1, no pan). Double-click does the same. */
  resetView(): void {
    this.zoom = 1;
    this.panX = this.panY = 0;
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
    renderer.setMarkers(overlayMarkers(source, basis, mode, d === 2 && mode === PROJECTION_MODES.linear));
  }

  private viewState(): ParticleViewState {
    const d = this.source?.inputDim ?? 2;
    const mode = projectionMode(this.projection, d, this.polarMagnitude);
    const ratio = globalThis.devicePixelRatio || 1;
    const [width, height] = this.canvasPixels();
    return {
      mode,
      equalAspect: mode === PROJECTION_MODES.linear,
      radiusByA: this.projection === 'plane' && d === 2,
      zoom: this.zoom,
      panX: this.panX,
      panY: this.panY,
      pointSize: Math.max(0.5, this.pointSize) * ratio,
      canvasWidth: width,
      canvasHeight: height,
      trails: this.trails,
      trailFade: this.trailFade,
    };
  }

  private onMoments(renderer: ParticleRenderer, moments: Float32Array): void {
    if (renderer !== this.renderer || !this.source) return;
    this.pca = pcaBasis(moments, this.source.inputDim);
    if (this.projection === 'pca') this.applyBasis();
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
    this.tooltip = { x: clientX - rect.left, y: clientY - rect.top, text: `neuron ${detail.index}\na = ${detail.a.toPrecision(4)}\nw = (${w})${active}` };
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
  }
}
