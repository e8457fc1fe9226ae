/**
 * <gradflow-function-view>: the network function f(x) = scale * sum_j a_j relu(w_j . x + b_j) computed on
 * the GPU from the trainer's live buffers. d = 2: a heat map over the input box (diverging colours,
 * symmetric around 0) with the training points coloured by label; d = 1: the curve f(x) with the points.
 *
 * Property: `source` (FunctionSource). Attributes: `grid-size` (points per axis), `extent`
 * ("x0,x1,y0,y1", or "x0,x1" for d = 1; default: the data's bounding box), `point-size` (CSS px),
 * `headless`. Methods: toPng(), whenReady(), renderFrame(). Readouts: framesPerSecond, status, plotExtent.
 */
import { css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { FunctionSource } from './particle-source';
import { FunctionRenderer, dataExtent, parseExtent, type PlotExtent } from './function-renderer';
import { GpuViewElement } from './gpu-view-element';

@customElement('gradflow-function-view')
export class GradflowFunctionView extends GpuViewElement<FunctionSource, FunctionRenderer> {
  static override styles = css`
    :host { display: block; position: relative; height: 320px; min-height: 1px; }
    canvas { display: block; width: 100%; height: 100%; }
    .status { position: absolute; left: 4px; bottom: 4px; font: 12px system-ui, sans-serif; color: #c62828; }
  `;

  /** Grid points per axis (G x G evaluations for d = 2, G for d = 1). */
  @property({ type: Number, attribute: 'grid-size' }) gridSize = 96;
  /** "x0,x1,y0,y1" (d = 2) or "x0,x1" (d = 1): the input box; default the data's bounding box plus 5%. */
  @property() extent = '';
  /** Data point radius in CSS pixels. */
  @property({ type: Number, attribute: 'point-size' }) pointSize = 3;

  /** The input box drawn now. */
  get plotExtent(): PlotExtent {
    const d = this.source?.inputDim ?? 2;
    return parseExtent(this.extent, d) ?? dataExtent(this.source?.data?.X, d);
  }

  override render() {
    return html`<canvas></canvas>${this.status && this.status !== 'no source' ? html`<div class="status" role="alert">${this.status}</div>` : ''}`;
  }

  protected override needsRebuild(changed: PropertyValues<this>): boolean {
    return changed.has('gridSize');
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
    renderer.frame({ extent: this.plotExtent, canvasWidth: width, canvasHeight: height, pointSize: Math.max(0.5, this.pointSize) * ratio }, present);
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
