/**
 * The part of a GPU view's element around its canvas: the host's and the figure's sizes (watched, so the
 * axes follow the layout), and the CSS that stacks an optional tool row, the figure (canvas plus the SVG
 * overlay of the axes) and the legend row.
 *
 * The legend row (the key) takes its real height, however many rows it wraps onto at the element's width; the
 * figure gets what is left (an element of fixed height) or has its own shape, --gf-figure-aspect (an element of
 * `height: auto`: the key's rows add to the element's height). Either way the figure measured here never
 * includes the key, so axes placed in it (view-layout.ts) never run into it.
 */
import { css, html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { COMPACT_HEIGHT_PX, COMPACT_WIDTH_PX } from './view-layout';

/** Sizes in CSS px; 0 until the first layout. */
export interface FrameSizes {
  readonly hostWidth: number;
  readonly hostHeight: number;
  readonly figureWidth: number;
  readonly figureHeight: number;
}

/** Watches the host element and its `.figure` child; the host re-renders when either changes size. */
export class FrameSizeWatch implements ReactiveController {
  sizes: FrameSizes = { hostWidth: 0, hostHeight: 0, figureWidth: 0, figureHeight: 0 };
  private observer: ResizeObserver | undefined;
  private figure: Element | null = null;
  /** The animation frame that will measure, 0 when none is due. */
  private pendingFrame = 0;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement & { readonly renderRoot: ParentNode }) {
    host.addController(this);
  }

  /** A small element (a thumbnail) has no room for axes and legends: the canvas fills it. */
  get compact(): boolean {
    const { hostWidth, hostHeight } = this.sizes;
    return hostWidth < COMPACT_WIDTH_PX || hostHeight < COMPACT_HEIGHT_PX;
  }

  hostConnected(): void {
    // Measured in the next frame, not in the observer's callback: the re-render it causes resizes the host again
    // (the key below a figure of fixed shape adds to its height), which inside the callback is a resize loop.
    this.observer = new ResizeObserver(() => {
      if (this.pendingFrame !== 0) return;
      this.pendingFrame = requestAnimationFrame(() => {
        this.pendingFrame = 0;
        this.measure();
      });
    });
    this.observer.observe(this.host);
  }

  hostUpdated(): void {
    const figure = this.host.renderRoot.querySelector('.figure');
    if (figure !== this.figure) {
      if (this.figure) this.observer?.unobserve(this.figure);
      this.figure = figure;
      if (figure) this.observer?.observe(figure);
    }
  }

  hostDisconnected(): void {
    cancelAnimationFrame(this.pendingFrame);
    this.pendingFrame = 0;
    this.observer?.disconnect();
    this.observer = undefined;
    this.figure = null;
  }

  private measure(): void {
    const sizes: FrameSizes = {
      hostWidth: this.host.clientWidth,
      hostHeight: this.host.clientHeight,
      figureWidth: this.figure?.clientWidth ?? 0,
      figureHeight: this.figure?.clientHeight ?? 0,
    };
    const old = this.sizes;
    if (Object.keys(sizes).every((k) => sizes[k as keyof FrameSizes] === old[k as keyof FrameSizes])) return;
    this.sizes = sizes;
    this.host.requestUpdate();
  }
}

/**
 * Layout of the view elements: tool row, figure (canvas + overlay), legend row. Custom property
 * --gf-figure-aspect (width / height, e.g. 16 / 10): the figure's own shape, for a host of `height: auto`.
 */
export const viewFrameStyles = css`
  :host { display: flex; flex-direction: column; position: relative; height: 320px; min-height: 1px; }
  .figure { position: relative; flex: 1 1 auto; min-height: 0; aspect-ratio: var(--gf-figure-aspect, auto); }
  .tools, .legend { flex: none; }
  canvas { position: absolute; display: block; }
  svg.axes { position: absolute; left: 0; top: 0; pointer-events: none; overflow: visible; font: 11px system-ui, sans-serif; }
  .axis-label { font-size: 12px; }
  .tools, .legend { display: flex; flex-wrap: wrap; align-items: center; gap: 2px 12px; font: 12px/1.4 system-ui, sans-serif; padding: 2px 4px; }
  .tools select { font: inherit; }
  .key { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
  .icon { flex: none; }
  .status { position: absolute; left: 50%; top: 40%; transform: translate(-50%, -50%); max-width: 90%; text-align: center;
    padding: 2px 8px; border-radius: 3px; background: rgba(128, 128, 128, 0.15); font: 12px system-ui, sans-serif; color: #c62828; }
  .status.building { color: inherit; opacity: 0.7; }
`;

/**
 * A view's status over its plot, where it hides no axis or legend: 'building' (pipelines compiling, a few seconds
 * on a software GPU) as a quiet note, anything else (device lost, stopped: ...) as an alert. Nothing while drawing.
 */
export function viewStatus(status: string) {
  if (!status || status === 'no source') return nothing;
  if (status === 'building') return html`<div class="status building" role="status">preparing the view…</div>`;
  return html`<div class="status" role="alert">${status}</div>`;
}
