/**
 * What the GPU view elements share: a `source` whose change rebuilds the renderer (device loss waits for a
 * new source), a canvas sized to the element in device pixels, a WebGPU context configured on the source's
 * device (unless `headless`), one frame per animation frame while visible (at most `max-fps` a second), `status`,
 * `framesPerSecond`, `whenReady()`, `toPng()` (the view as on screen) and `plotPng()` (the plot alone).
 */
import { LitElement, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { onDeviceLost } from '../gpu/device-loss';
import { AnimationFrameLoop } from './gpu-frame-loop';
import { pixelsToPng, type RgbaPixels } from './gpu-view-helpers';
import { composedViewPng } from './view-png';
import { viewTheme } from './view-theme';

/** The renderer half of a view: owns GPU objects for one source. */
export interface ViewRenderer {
  readonly source: { readonly device: GPUDevice };
  readonly format: GPUTextureFormat;
  /** Non-empty once a frame failed validation (e.g. destroyed source buffers): drawing stops. */
  readonly failure: string;
  readFrame(): Promise<RgbaPixels>;
  destroy(): void;
}

/** Input on a view that may change what it shows (zoom, pan, picking, drawing points). */
const INPUT_EVENTS = ['pointerdown', 'pointermove', 'wheel', 'keydown'] as const;

/**
 * What a view needs of its source: the device, and optionally `version`, a number that changes whenever the
 * buffers' contents do (a live run's steps taken). A source without one is drawn every frame.
 */
export interface ViewSource {
  readonly device: GPUDevice;
  readonly version?: () => number;
}

export abstract class GpuViewElement<Source extends ViewSource, Renderer extends ViewRenderer> extends LitElement {
  /** The live GPU buffers to draw (same device and queue as the trainer). */
  @property({ attribute: false }) source: Source | undefined;
  /**
   * Draw into the offscreen frame only, never presenting to the canvas: for pages without a display, and
   * for browsers whose compositor cannot take a WebGPU canvas (headless Chromium on SwiftShader without
   * the Vulkan compositor flags of tests/helpers/chromium.ts loses the device on the first present).
   * toPng() and picking work the same.
   */
  @property({ type: Boolean }) headless = false;
  /**
   * At most this many frames a second (default: every animation frame). Views that share the GPU queue with a
   * heavy training run (a run set's small multiples) draw less often and leave the queue to training.
   */
  @property({ type: Number, attribute: 'max-fps' }) maxFps = Infinity;
  /**
   * How long a view whose source has a `version` keeps drawing after the last change (of the source's contents,
   * its properties, its size, or input on it): a finished or paused run's views then stop drawing, and the CPU or
   * GPU rests, until something changes. Views that animate by themselves (trails) keep drawing.
   */
  @property({ attribute: false }) idleAfterMs = 2000;
  /** Why nothing is drawn ('' while drawing): no source, building, device lost, stopped: ... */
  @state() status = 'no source';

  protected renderer: Renderer | undefined;
  private readonly loop = new AnimationFrameLoop(this, () => this.renderPacedFrame());
  /** Frames submitted whose GPU work has not finished yet. */
  private framesInFlight = 0;
  /** The time slot (of length 1 / maxFps) of the last paced frame. */
  private lastSlot = -Infinity;
  /** Frames whose GPU work has finished since the element was created (what a benchmark counts). */
  framesDrawn = 0;
  private context: GPUCanvasContext | undefined;
  private contextDevice: GPUDevice | undefined;
  private ready: Promise<void> = Promise.resolve();
  private generation = 0;
  /** Stops listening for the current renderer's device loss (a dropped renderer must not hear it). */
  private forgetDeviceLoss = () => {};
  /** When the view last changed (performance.now()); it draws until idleAfterMs after it. */
  private changedAt = -Infinity;
  /** The source's version and the canvas size of the last paced frame. */
  private drawnVersion: number | undefined;
  private drawnSize = '';
  private readonly onInput = () => this.markChanged();

  /** Why `source` cannot be drawn, or ''. */
  protected abstract sourceProblem(source: Source): string;
  protected abstract createRenderer(source: Source): Promise<Renderer>;
  /** Records and submits one frame of `width` x `height` device pixels, presented into `present` when given. */
  protected abstract draw(renderer: Renderer, present: GPUTexture | undefined, width: number, height: number): void;
  /** Properties other than `source` whose change needs a new renderer. */
  protected needsRebuild(_changed: PropertyValues<this>): boolean {
    return false;
  }
  /** Called when a new renderer is in place (or the old one is dropped). */
  protected rendererChanged(): void {}
  /** Whether the view changes from frame to frame by itself (fading trails), so idleness must not stop it. */
  protected animates(): boolean {
    return false;
  }

  /** Something the frames show changed outside the view's properties (a basis read back, a new renderer): draw again. */
  protected markChanged(): void {
    this.changedAt = performance.now();
  }

  /** Frames drawn per second over the last second. */
  get framesPerSecond(): number {
    return this.loop.framesPerSecond;
  }

  /** Resolves once the GPU pipelines for the current source are built (or building failed; see `status`). */
  whenReady(): Promise<void> {
    return this.updateComplete.then(() => this.ready);
  }

  protected get canvas(): HTMLCanvasElement | null {
    return this.renderRoot?.querySelector('canvas') ?? null;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('source') || this.needsRebuild(changed)) this.ready = this.rebuild();
  }

  override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.markChanged();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    for (const type of INPUT_EVENTS) this.addEventListener(type, this.onInput, { passive: true });
    // Re-attached after a disconnect: rebuild for the same source.
    if (this.hasUpdated && this.source && !this.renderer) this.ready = this.rebuild();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const type of INPUT_EVENTS) this.removeEventListener(type, this.onInput);
    this.generation += 1;
    this.dropRenderer();
    this.context?.unconfigure();
    this.context = this.contextDevice = undefined;
    this.status = 'disconnected';
  }

  private dropRenderer(): void {
    this.forgetDeviceLoss();
    this.renderer?.destroy();
    this.renderer = undefined;
    this.rendererChanged();
  }

  private async rebuild(): Promise<void> {
    const generation = ++this.generation;
    this.dropRenderer();
    const source = this.source;
    if (!source) {
      this.status = 'no source';
      return;
    }
    const problem = this.sourceProblem(source);
    if (problem) {
      this.status = problem;
      return;
    }
    this.status = 'building';
    try {
      const renderer = await this.createRenderer(source);
      if (generation !== this.generation) {
        renderer.destroy();
        return;
      }
      this.renderer = renderer;
      this.status = '';
      this.rendererChanged();
      this.forgetDeviceLoss = onDeviceLost(source.device, (loss) => {
        if (this.source !== source || this.renderer !== renderer) return;
        this.dropRenderer();
        this.status = `GPU device lost (${loss.reason}); waiting for a new source`;
      });
    } catch (error) {
      if (generation === this.generation) this.status = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
  }

  /** The canvas size in device pixels, from its CSS size (the drawing buffer follows it at each frame). */
  protected canvasPixels(): [number, number] {
    const canvas = this.canvas;
    if (!canvas) return [0, 0];
    const ratio = globalThis.devicePixelRatio || 1;
    return [Math.round(canvas.clientWidth * ratio), Math.round(canvas.clientHeight * ratio)];
  }

  /**
   * The animation-frame path: while the GPU still draws the previous frame, skip this one, so frames
   * never queue up behind training on the shared queue and the frame rate counts finished frames.
   */
  private renderPacedFrame(): boolean {
    if (this.idle()) return false;
    // Under a frame-rate cap, frames fall in slots of the page's clock, so every view with the same cap draws in the
    // same animation frame (one composite of the page, not one per view); a view still drawing skips its slot.
    if (this.maxFps > 0 && Number.isFinite(this.maxFps)) {
      const now = Number(document.timeline?.currentTime ?? performance.now());
      const slot = Math.floor((now * this.maxFps) / 1000);
      if (slot === this.lastSlot) return false;
      this.lastSlot = slot;
    }
    if (this.framesInFlight > 0) return false;
    const drawn = this.renderFrame();
    if (drawn) {
      this.framesInFlight++;
      const settle = () => {
        this.framesInFlight--;
        this.framesDrawn++;
      };
      this.renderer!.source.device.queue.onSubmittedWorkDone().then(settle, settle);
    }
    return drawn;
  }

  /**
   * True while nothing the frame shows has changed for idleAfterMs: the source's version and the canvas size are
   * those of the last frame, and no property, input or markChanged() came since. Never for a source without a
   * version or a view that animates.
   */
  private idle(): boolean {
    const version = this.source?.version?.();
    if (version === undefined || this.animates()) return false;
    const [width, height] = this.canvasPixels();
    const size = `${width}x${height}`;
    if (version !== this.drawnVersion || size !== this.drawnSize) {
      this.drawnVersion = version;
      this.drawnSize = size;
      this.markChanged();
    }
    return performance.now() - this.changedAt > this.idleAfterMs;
  }

  /** Draws one frame now; false when nothing could be drawn (no renderer yet, zero size, failure). */
  renderFrame(): boolean {
    const renderer = this.renderer;
    const canvas = this.canvas;
    if (!renderer || !canvas) return false;
    if (renderer.failure) {
      this.status = `stopped: ${renderer.failure}`;
      return false;
    }
    const [width, height] = this.canvasPixels();
    if (width === 0 || height === 0) return false;
    if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
    try {
      const context = this.headless ? undefined : this.presentContext(canvas, renderer);
      this.draw(renderer, context?.getCurrentTexture(), width, height);
      return true;
    } catch (error) {
      this.status = `stopped: ${error instanceof Error ? error.message : String(error)}`;
      return false;
    }
  }

  /** The canvas context, configured on the renderer's device (again when the device changes). */
  private presentContext(canvas: HTMLCanvasElement, renderer: Renderer): GPUCanvasContext | undefined {
    const { device } = renderer.source;
    if (this.context && this.contextDevice === device) return this.context;
    const context = canvas.getContext('webgpu');
    if (!context) return undefined;
    context.configure({ device, format: renderer.format, alphaMode: 'premultiplied', usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_DST });
    this.context = context;
    this.contextDevice = device;
    return context;
  }

  /**
   * PNG data URL of the view as it is on screen: the plot drawn now with its axes, tick labels, titles, colour bar and
   * key around it, over the theme's background (view-png.ts); a bare view's is its plot alone. The frame texture is
   * read back once: never on the per-frame path.
   */
  async toPng(): Promise<string> {
    const frame = await this.readPlot();
    const canvas = this.canvas;
    if (frame.width === 0 || !canvas) return pixelsToPng(frame);
    return composedViewPng(this.renderRoot, frame, canvas, viewTheme(this).background);
  }

  /** PNG data URL of the plot alone (the GPU frame as drawn now, in device pixels), without what is drawn around it. */
  async plotPng(): Promise<string> {
    return pixelsToPng(await this.readPlot());
  }

  /** Draws a frame and reads it back; no pixels when nothing can be drawn. */
  private async readPlot(): Promise<RgbaPixels> {
    await this.whenReady();
    const renderer = this.renderer;
    if (!renderer || !this.renderFrame()) return { width: 0, height: 0, data: new Uint8ClampedArray(0) };
    return renderer.readFrame();
  }
}
