/**
 * GPU resources and per-frame encoding of <gradflow-particle-view>: the bounds reduction, the moments
 * for the PCA basis, picking, and the particle / overlay / trail draws. Everything reads the source's
 * live a and W buffers; the only readbacks are the d x d moments, the 8-byte pick result, one
 * particle's (a, w row) and, a few times a second for the axes, the 20-byte fitted box.
 */
import { BOUNDS_PARTIAL_STRIDE, boundsPartialCount, particleBoundsFinalSource, particleBoundsPartialSource } from '../../shaders/particle-bounds.wgsl';
import { PARTICLE_MOMENTS_PARAMS, particleMomentsSource } from '../../shaders/particle-moments.wgsl';
import { particlePickDistanceSource, particlePickIndexSource } from '../../shaders/particle-pick.wgsl';
import { particleDrawSource } from '../../shaders/particle-draw.wgsl';
import { MARKER_STYLES, overlayDrawSource } from '../../shaders/overlay-draw.wgsl';
import { trailFadeSource } from '../../shaders/trail-fade.wgsl';
import { BOUNDS_FLOAT_COUNT, PARTICLE_VIEW_PARAMS, type ProjectionModeCode } from '../../shaders/particle-view-common.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import type { GpuContext } from '../gpu/device';
import type { ParticleSource } from './particle-source';
import type { Marker } from './overlay-markers';
import { FrameTarget, LABELS_READ_SUFFIX, createRenderPipeline, frameErrorScope, readSmallBuffer, storageFrom, type RgbaPixels } from './gpu-view-helpers';
import type { GpuColour } from './view-theme';

type NoVariant = Record<string, never>;
const NO_VARIANT: NoVariant = {};
const kernel = (entryPoint: string, source: (v: NoVariant) => string): KernelSource<NoVariant> => ({
  family: 'particle-view',
  entryPoint,
  source,
  cacheKey: () => 'f32',
});
/** The auto-fit's two stages (shaders/particle-bounds.wgsl.ts), also run by the landscape view on its particles. */
export const boundsPartialKernel = kernel('bounds_partial', particleBoundsPartialSource);
export const boundsFinalKernel = kernel('bounds_final', particleBoundsFinalSource);
const momentsKernel = kernel('particle_moments', particleMomentsSource);
const pickDistanceKernel = kernel('pick_distance', particlePickDistanceSource);
const pickIndexKernel = kernel('pick_index', particlePickIndexSource);

/** Background of the plot in the light theme (white); a frame's state carries the theme's own. */
export const BACKGROUND = { r: 1, g: 1, b: 1, a: 1 } as const;

/** Everything about a frame that the element decides (CSS pixels are already multiplied by devicePixelRatio). */
export interface ParticleViewState {
  readonly mode: ProjectionModeCode;
  readonly equalAspect: boolean;
  readonly radiusByA: boolean;
  readonly zoom: number;
  readonly panX: number;
  readonly panY: number;
  /** Disc radius in device pixels. */
  readonly pointSize: number;
  readonly canvasWidth: number;
  readonly canvasHeight: number;
  readonly trails: boolean;
  /** Opacity of the background blended over the trail texture each frame (0..1). */
  readonly trailFade: number;
  /** The plot's background (the page theme's; default white). */
  readonly background?: GpuColour;
}

export interface PickedParticle {
  readonly index: number;
  readonly a: number;
  readonly w: Float32Array;
}

const NO_PICK = 0xffffffff;

export class ParticleRenderer {
  /** Set when a frame's GPU work failed validation (e.g. the source buffers were destroyed); drawing stops. */
  failure = '';
  private readonly gpu: GpuContext;
  private readonly viewUniform: GPUBuffer;
  private readonly basisBuffer: GPUBuffer;
  private readonly boundsBuffer: GPUBuffer;
  private readonly pickBuffer: GPUBuffer;
  private readonly partialsBuffer: GPUBuffer;
  private readonly momentsBuffer: GPUBuffer | undefined;
  private markerBuffer: GPUBuffer | undefined;
  private markerColorBuffer: GPUBuffer | undefined;
  private markerCount = 0;
  private overlayBox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  /** A box the fitted bounds always include (views that share their axes), or the empty box. */
  private fitBox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  private trailTexture: GPUTexture | undefined;
  private fadeUniform: GPUBuffer;
  private readonly target: FrameTarget;
  private momentsPending = false;
  private destroyed = false;
  private kernels!: { boundsPartial: BoundKernel; boundsFinal: BoundKernel; moments?: BoundKernel; pickDistance: BoundKernel; pickIndex: BoundKernel };
  private pipelines!: { particles: GPURenderPipeline; overlay: GPURenderPipeline; fade: GPURenderPipeline };
  private bindGroups!: { particles: GPUBindGroup; overlay?: GPUBindGroup; fade: GPUBindGroup };

  private constructor(
    readonly source: ParticleSource,
    readonly format: GPUTextureFormat,
  ) {
    const { device } = source;
    this.gpu = { device, adapterDescription: '', isFallbackAdapter: false, runtime: 'browser' };
    const d = Math.max(1, source.inputDim);
    this.viewUniform = device.createBuffer({ label: 'particle-view/view', size: PARTICLE_VIEW_PARAMS.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.basisBuffer = storageFrom(device, 'particle-view/basis', new Float32Array(2 * d));
    this.boundsBuffer = storageFrom(device, 'particle-view/bounds', new Float32Array(BOUNDS_FLOAT_COUNT));
    this.partialsBuffer = storageFrom(device, 'particle-view/bounds-partials', new Float32Array(boundsPartialCount(source.width) * BOUNDS_PARTIAL_STRIDE));
    this.pickBuffer = storageFrom(device, 'particle-view/pick', new Uint32Array([NO_PICK, NO_PICK]));
    this.momentsBuffer = d > 1 ? storageFrom(device, 'particle-view/moments', new Float32Array(d * d)) : undefined;
    this.target = new FrameTarget(device, format, 'particle-view');
    this.fadeUniform = device.createBuffer({ label: 'particle-view/fade', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  /** Compiles the pipelines; throws (ShaderCompilationError, validation) before anything is drawn. */
  static async create(source: ParticleSource, format: GPUTextureFormat): Promise<ParticleRenderer> {
    const renderer = new ParticleRenderer(source, format);
    await renderer.init();
    return renderer;
  }

  private async init(): Promise<void> {
    const { device, a, W, width } = this.source;
    const m = Math.max(1, width);
    const placeholder = new ArrayBuffer(PARTICLE_VIEW_PARAMS.byteLength);
    const particleBuffers = [a, W, this.basisBuffer];
    const [boundsPartial, boundsFinal, moments, pickDistance, pickIndex] = await Promise.all([
      bindKernel(this.gpu, boundsPartialKernel, NO_VARIANT, { params: placeholder, buffers: [...particleBuffers, this.partialsBuffer], workgroupCount: boundsPartialCount(width) }),
      bindKernel(this.gpu, boundsFinalKernel, NO_VARIANT, { params: placeholder, buffers: [this.partialsBuffer, this.boundsBuffer], workgroupCount: 1 }),
      this.momentsBuffer
        ? bindKernel(this.gpu, momentsKernel, NO_VARIANT, {
            params: PARTICLE_MOMENTS_PARAMS.pack({ count: width, dim: this.source.inputDim }),
            buffers: [W, this.momentsBuffer],
            workgroupCount: this.source.inputDim * this.source.inputDim,
          })
        : undefined,
      bindKernel(this.gpu, pickDistanceKernel, NO_VARIANT, { params: placeholder, buffers: [...particleBuffers, this.boundsBuffer, this.pickBuffer], workgroupCount: Math.ceil(m / ELEMENTWISE_WORKGROUP_SIZE) }),
      bindKernel(this.gpu, pickIndexKernel, NO_VARIANT, { params: placeholder, buffers: [...particleBuffers, this.boundsBuffer, this.pickBuffer], workgroupCount: Math.ceil(m / ELEMENTWISE_WORKGROUP_SIZE) }),
    ]);
    this.kernels = { boundsPartial, boundsFinal, pickDistance, pickIndex, ...(moments ? { moments } : {}) };
    const blend: GPUBlendState = {
      color: { srcFactor: 'src-alpha', dstFactor: 'one-minus-src-alpha', operation: 'add' },
      alpha: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
    };
    const [particles, overlay, fade] = await Promise.all([
      createRenderPipeline(device, 'particle-view/particles', particleDrawSource(), 'particle_vertex', 'particle_fragment', this.format),
      createRenderPipeline(device, 'particle-view/overlay', overlayDrawSource(), 'overlay_vertex', 'overlay_fragment', this.format, blend),
      createRenderPipeline(device, 'particle-view/fade', trailFadeSource(), 'fade_vertex', 'fade_fragment', this.format, blend),
    ]);
    this.pipelines = { particles, overlay, fade };
    const entries = (buffers: GPUBuffer[]) => buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
    this.bindGroups = {
      particles: device.createBindGroup({ label: 'particle-view/particles', layout: particles.getBindGroupLayout(0), entries: entries([this.viewUniform, a, W, this.basisBuffer, this.boundsBuffer]) }),
      fade: device.createBindGroup({ label: 'particle-view/fade', layout: fade.getBindGroupLayout(0), entries: entries([this.fadeUniform]) }),
    };
  }

  /** The 2 x d projection basis (u1 then u2). */
  setBasis(basis: Float32Array): void {
    this.source.device.queue.writeBuffer(this.basisBuffer, 0, new Float32Array(basis));
  }

  /** Replaces the overlay markers (teacher, target), already projected into the view's plane. */
  setMarkers(markers: readonly Marker[]): void {
    const { device } = this.source;
    this.markerBuffer?.destroy();
    this.markerColorBuffer?.destroy();
    this.markerBuffer = this.markerColorBuffer = undefined;
    this.bindGroups.overlay = undefined;
    this.markerCount = markers.length;
    const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const { x, y, radius, style } of markers) {
      if (![x, y, radius].every(Number.isFinite)) continue;
      const reach = style === MARKER_STYLES.worldRing ? radius : 0;
      box[0] = Math.min(box[0], x - reach);
      box[1] = Math.min(box[1], y - reach);
      box[2] = Math.max(box[2], x + reach);
      box[3] = Math.max(box[3], y + reach);
    }
    this.overlayBox = box;
    if (markers.length === 0) return;
    this.markerBuffer = storageFrom(device, 'particle-view/markers', new Float32Array(markers.flatMap((k) => [k.x, k.y, k.radius, k.style])));
    this.markerColorBuffer = storageFrom(device, 'particle-view/marker-colors', new Float32Array(markers.flatMap((k) => [...k.color])));
    this.bindGroups.overlay = device.createBindGroup({
      label: 'particle-view/overlay',
      layout: this.pipelines.overlay.getBindGroupLayout(0),
      entries: [this.viewUniform, this.boundsBuffer, this.markerBuffer, this.markerColorBuffer].map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  /** A box [min_x, min_y, max_x, max_y] in the view's plane that the auto-fit always includes (undefined: none). */
  setFitBox(box: readonly [number, number, number, number] | undefined): void {
    this.fitBox = box && box.every(Number.isFinite) ? [...box] : [Infinity, Infinity, -Infinity, -Infinity];
  }

  /** The overlay markers' box joined with the fit box. */
  private get includedBox(): [number, number, number, number] {
    const [a, b] = [this.overlayBox, this.fitBox];
    return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
  }

  private packView(state: ParticleViewState, pick = { x: 0, y: 0, radius: 0 }): ArrayBuffer {
    const [minX, minY, maxX, maxY] = this.includedBox.map((v) => (Number.isFinite(v) ? v : Math.sign(v) * 3e38));
    return PARTICLE_VIEW_PARAMS.pack({
      count: this.source.width,
      dim: this.source.inputDim,
      mode: state.mode,
      equal_aspect: state.equalAspect ? 1 : 0,
      zoom: state.zoom,
      pan_x: state.panX,
      pan_y: state.panY,
      point_size: state.pointSize,
      canvas_w: state.canvasWidth,
      canvas_h: state.canvasHeight,
      radius_by_a: state.radiusByA ? 1 : 0,
      pick_x: pick.x,
      pick_y: pick.y,
      pick_radius: pick.radius,
      init_min_x: minX!,
      init_min_y: minY!,
      init_max_x: maxX!,
      init_max_y: maxY!,
    });
  }

  /**
   * Writes the view uniform `params` (from packView) and records the bounds reduction (and, when asked, the
   * moments and the pick) into `encoder`.
   */
  private encodeCompute(encoder: GPUCommandEncoder, params: ArrayBuffer, withMoments: boolean, pick = false): void {
    const { queue } = this.source.device;
    queue.writeBuffer(this.viewUniform, 0, params);
    this.kernels.boundsPartial.writeParams(queue, params);
    this.kernels.boundsFinal.writeParams(queue, params);
    if (pick) {
      this.kernels.pickDistance.writeParams(queue, params);
      this.kernels.pickIndex.writeParams(queue, params);
      queue.writeBuffer(this.pickBuffer, 0, new Uint32Array([NO_PICK, NO_PICK]));
    }
    if (this.source.width === 0) {
      // No particles: the box is the overlays' alone (the empty box makes the shader fall back to [-1, 1]^2).
      queue.writeBuffer(this.boundsBuffer, 0, new Float32Array([...this.includedBox.map((v) => (Number.isFinite(v) ? v : Math.sign(v) * 3e38)), 0]));
      return;
    }
    const pass = encoder.beginComputePass({ label: 'particle-view/compute' });
    this.kernels.boundsPartial.encode(pass);
    this.kernels.boundsFinal.encode(pass);
    if (withMoments && this.kernels.moments) this.kernels.moments.encode(pass);
    if (pick) {
      this.kernels.pickDistance.encode(pass);
      this.kernels.pickIndex.encode(pass);
    }
    pass.end();
  }

  /**
   * Records and submits one frame into the frame texture, copied into `present` (the canvas texture) when
   * given. When `momentsReady` is given, the d x d moments are computed in the same submit and handed to it
   * once mapped (skipped while one is pending).
   */
  frame(state: ParticleViewState, present?: GPUTexture, momentsReady?: (moments: Float32Array) => void): void {
    if (this.destroyed || this.failure) return;
    const { device } = this.source;
    // Packed before the error scope opens: a state the uniform cannot hold throws without leaving a scope pushed.
    const params = this.packView(state);
    const endScope = frameErrorScope(device, (message) => {
      if (!this.failure) this.failure = message;
    });
    const withMoments = Boolean(momentsReady && this.kernels.moments && !this.momentsPending && this.source.width > 0);
    const encoder = device.createCommandEncoder({ label: 'particle-view/frame' });
    this.encodeCompute(encoder, params, withMoments);
    const m = this.source.width;
    const target = this.target.ensure(state.canvasWidth, state.canvasHeight);
    const background = state.background ?? BACKGROUND;
    if (state.trails) {
      const trail = this.trailFor(target, background);
      device.queue.writeBuffer(this.fadeUniform, 0, new Float32Array([background.r, background.g, background.b, Math.min(1, Math.max(0, state.trailFade))]));
      const pass = encoder.beginRenderPass({ label: 'particle-view/trail', colorAttachments: [{ view: trail.createView(), loadOp: 'load', storeOp: 'store' }] });
      pass.setPipeline(this.pipelines.fade);
      pass.setBindGroup(0, this.bindGroups.fade);
      pass.draw(3);
      this.drawParticles(pass, m);
      pass.end();
      encoder.copyTextureToTexture({ texture: trail }, { texture: target }, [target.width, target.height]);
      const overlayPass = encoder.beginRenderPass({ label: 'particle-view/overlay', colorAttachments: [{ view: target.createView(), loadOp: 'load', storeOp: 'store' }] });
      this.drawOverlay(overlayPass);
      overlayPass.end();
    } else {
      this.trailTexture?.destroy();
      this.trailTexture = undefined;
      const pass = encoder.beginRenderPass({ label: 'particle-view/draw', colorAttachments: [{ view: target.createView(), clearValue: background, loadOp: 'clear', storeOp: 'store' }] });
      this.drawParticles(pass, m);
      this.drawOverlay(pass);
      pass.end();
    }
    if (present) this.target.present(encoder, present);
    const staging = withMoments ? this.copyMoments(encoder) : undefined;
    device.queue.submit([encoder.finish()]);
    endScope();
    if (staging && momentsReady) {
      this.momentsPending = true;
      staging
        .mapAsync(GPUMapMode.READ)
        .then(() => {
          const moments = new Float32Array(staging.getMappedRange().slice(0));
          staging.destroy();
          if (!this.destroyed) momentsReady(moments);
        })
        .catch(() => staging.destroy())
        .finally(() => (this.momentsPending = false));
    }
  }

  /** The last frame as RGBA8 (PNG export). */
  readFrame(): Promise<RgbaPixels> {
    return this.target.read();
  }

  private drawParticles(pass: GPURenderPassEncoder, m: number): void {
    if (m === 0) return;
    pass.setPipeline(this.pipelines.particles);
    pass.setBindGroup(0, this.bindGroups.particles);
    pass.draw(6, m);
  }

  private drawOverlay(pass: GPURenderPassEncoder): void {
    if (!this.bindGroups.overlay || this.markerCount === 0) return;
    pass.setPipeline(this.pipelines.overlay);
    pass.setBindGroup(0, this.bindGroups.overlay);
    pass.draw(6, this.markerCount);
  }

  private copyMoments(encoder: GPUCommandEncoder): GPUBuffer {
    const size = this.momentsBuffer!.size;
    const staging = this.source.device.createBuffer({ label: 'particle-view/moments-readback', size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    encoder.copyBufferToBuffer(this.momentsBuffer!, 0, staging, 0, size);
    return staging;
  }

  private trailFor(target: GPUTexture, background: GpuColour): GPUTexture {
    const current = this.trailTexture;
    if (current && current.width === target.width && current.height === target.height) return current;
    current?.destroy();
    const trail = this.source.device.createTexture({
      label: 'particle-view/trail',
      size: [target.width, target.height],
      format: this.format,
      usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
    });
    // A new trail starts as the background.
    const encoder = this.source.device.createCommandEncoder({ label: 'particle-view/trail-clear' });
    encoder.beginRenderPass({ colorAttachments: [{ view: trail.createView(), clearValue: background, loadOp: 'clear', storeOp: 'store' }] }).end();
    this.source.device.queue.submit([encoder.finish()]);
    this.trailTexture = trail;
    return trail;
  }

  /** Reads the auto-fit bounds [min_x, min_y, max_x, max_y, max|a|] after running the reduction for `state`. */
  async readBounds(state: ParticleViewState): Promise<Float32Array> {
    const encoder = this.source.device.createCommandEncoder({ label: 'particle-view/bounds' });
    this.encodeCompute(encoder, this.packView(state), false);
    this.source.device.queue.submit([encoder.finish()]);
    return new Float32Array(await readSmallBuffer(this.source.device, this.boundsBuffer, 0, 5 * 4));
  }

  /**
   * The box [min_x, min_y, max_x, max_y, max|a|] the last frame was drawn with (no reduction of its own: the
   * copy queues behind that frame). The axes read it a few times a second to place their ticks.
   */
  readFittedBounds(): Promise<Float32Array> {
    return readSmallBuffer(this.source.device, this.boundsBuffer, 0, 5 * 4, LABELS_READ_SUFFIX).then((bytes) => new Float32Array(bytes));
  }

  /** The nearest particle within `radius` device pixels of the clip-space point (x, y), or null. */
  async pick(state: ParticleViewState, x: number, y: number, radius: number): Promise<PickedParticle | null> {
    const { device } = this.source;
    const m = this.source.width;
    if (m === 0 || this.failure || this.destroyed) return null;
    const encoder = device.createCommandEncoder({ label: 'particle-view/pick' });
    this.encodeCompute(encoder, this.packView(state, { x, y, radius }), false, true);
    device.queue.submit([encoder.finish()]);
    const [, index] = new Uint32Array(await readSmallBuffer(device, this.pickBuffer, 0, 8));
    if (index === undefined || index === NO_PICK || index >= m) return null;
    const d = this.source.inputDim;
    const [aBytes, wBytes] = await Promise.all([
      readSmallBuffer(device, this.source.a, index * 4, 4),
      readSmallBuffer(device, this.source.W, index * d * 4, d * 4),
    ]);
    return { index, a: new Float32Array(aBytes)[0]!, w: new Float32Array(wBytes) };
  }

  destroy(): void {
    this.destroyed = true;
    for (const buffer of [this.viewUniform, this.basisBuffer, this.boundsBuffer, this.partialsBuffer, this.pickBuffer, this.momentsBuffer, this.markerBuffer, this.markerColorBuffer, this.fadeUniform]) buffer?.destroy();
    this.trailTexture?.destroy();
    this.target.destroy();
    if (this.kernels) for (const k of Object.values(this.kernels)) k?.destroy();
  }
}
