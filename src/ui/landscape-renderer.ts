/**
 * GPU resources and per-frame encoding of <gradflow-landscape-view>. One submit per frame, all of it reading the
 * run's live buffers: f(x_p) packed from the run's stats, the particle view's auto-fit (shaders/particle-bounds)
 * over the particles and the home box, f sampled over the part of the plane shown and its range (which, for
 * k = 1, also sets the y axis), then f drawn (the curve or the heat map), the target ring and the particles.
 * Nothing is read back per frame: the fitted box and f's range a few times a second for the labels, the frame
 * for PNG export.
 */
import { landscapeParticleSource, landscapeValuesSource } from '../../shaders/landscape-marks.wgsl';
import { fieldCurveSource, fieldGridBindingNames, fieldGridSource, fieldHeatmapSource, fieldRangeBindingNames, fieldRangeSource } from '../../shaders/landscape-field.wgsl';
import {
  LANDSCAPE_VIEW_PARAMS,
  landscapeFieldMode,
  landscapeViewCacheKey,
  landscapeViewVariant,
  type LandscapeFieldMode,
  type LandscapeViewVariant,
} from '../../shaders/landscape-view-common.wgsl';
import { BOUNDS_PARTIAL_STRIDE, boundsPartialCount } from '../../shaders/particle-bounds.wgsl';
import { BOUNDS_FLOAT_COUNT, PARTICLE_VIEW_PARAMS, PROJECTION_MODES } from '../../shaders/particle-view-common.wgsl';
import { MARKER_STYLES, overlayDrawSource } from '../../shaders/overlay-draw.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { landscapeDimOf } from '../core/landscape';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import type { GpuContext } from '../gpu/device';
import { FrameTarget, LABELS_READ_SUFFIX, createRenderPipeline, frameErrorScope, readSmallBuffer, storageFrom, type RgbaPixels } from './gpu-view-helpers';
import { boundsFinalKernel, boundsPartialKernel } from './particle-renderer';
import { fieldCellMeans, type PlaneBox } from './landscape-plane';
import type { LandscapeSource } from './landscape-source';
import type { GpuColour } from './view-theme';

type NoVariant = Record<string, never>;
const NO_VARIANT: NoVariant = {};
const valuesKernel: KernelSource<NoVariant> = { family: 'landscape-view', entryPoint: 'landscape_values', source: landscapeValuesSource, cacheKey: () => 'f32' };
const fieldGridKernel: KernelSource<LandscapeViewVariant> = { family: 'landscape-view', entryPoint: 'field_grid', source: fieldGridSource, cacheKey: landscapeViewCacheKey };
const fieldRangeKernel: KernelSource<LandscapeViewVariant> = { family: 'landscape-view', entryPoint: 'field_range', source: fieldRangeSource, cacheKey: landscapeViewCacheKey };

/** Samples of f across the shown x range per curve (k = 1): a few per device pixel of a wide plot. */
export const CURVE_SAMPLES = 512;
/** Samples per axis of the grid whose range scales the heat map's colours (k = 2; the map itself is per pixel). */
export const HEATMAP_RANGE_GRID = 64;
/** Level lines of the heat map per max |f|. */
const CONTOUR_LEVELS = 5;
/** The target's ring: radius in device pixels and colour (the particle view's target green). */
const TARGET_RING_PX = 7;
const TARGET_COLOUR = [0.2, 0.6, 0.2, 0.95] as const;
/** The largest float32 magnitude the uniform's box fields take in place of an empty axis's infinities. */
const BIG = 3e38;

/** Everything about a frame the element decides (sizes in device pixels). */
export interface LandscapeViewState {
  readonly canvasWidth: number;
  readonly canvasHeight: number;
  /** Particle radius in device pixels. */
  readonly pointSize: number;
  readonly background: GpuColour;
}

/** What the labels show: the fitted box [min_x, min_y, max_x, max_y] the last frame used, and (min, max) of f's samples (undefined without f). */
export interface LandscapeLabels {
  readonly box: Float32Array;
  readonly range: [number, number] | undefined;
}

export class LandscapeRenderer {
  failure = '';
  readonly variant: LandscapeViewVariant;
  readonly fieldMode: LandscapeFieldMode;
  /** k, the coordinates of one particle. */
  readonly dim: number;
  readonly particleCount: number;
  private readonly gpu: GpuContext;
  private readonly gridSize: number;
  private readonly cellCount: number;
  private readonly viewUniform: GPUBuffer;
  private readonly paramsUniform: GPUBuffer;
  private readonly values: GPUBuffer;
  private readonly basis: GPUBuffer;
  private readonly bounds: GPUBuffer;
  private readonly partials: GPUBuffer;
  private readonly grid: GPUBuffer;
  private readonly range: GPUBuffer;
  private readonly cells: GPUBuffer;
  private readonly markers: GPUBuffer;
  private readonly markerColours: GPUBuffer;
  private readonly target: FrameTarget;
  private homeBox: PlaneBox = [Infinity, Infinity, -Infinity, -Infinity];
  private showTarget = false;
  private colours = { ink: { r: 0, g: 0, b: 0, a: 1 } as GpuColour, zero: { r: 1, g: 1, b: 1, a: 1 } as GpuColour };
  private destroyed = false;
  private kernels!: { values: BoundKernel; boundsPartial: BoundKernel; boundsFinal: BoundKernel; fieldGrid?: BoundKernel; fieldRange?: BoundKernel };
  private draws!: { particles: Draw; field?: Draw & { vertexCount: number; instanceCount: number }; overlay?: Draw };

  private constructor(
    readonly source: LandscapeSource,
    readonly format: GPUTextureFormat,
  ) {
    const { device, model } = source;
    this.gpu = { device, adapterDescription: '', isFallbackAdapter: false, runtime: 'browser' };
    this.variant = landscapeViewVariant(model.spec);
    this.fieldMode = landscapeFieldMode(this.variant);
    this.dim = landscapeDimOf(model.spec);
    this.particleCount = model.spec.particleCount;
    const cellMeans = fieldCellMeans(model.spec);
    this.cellCount = cellMeans.length;
    this.gridSize = this.fieldMode === 'heatmap' ? HEATMAP_RANGE_GRID : CURVE_SAMPLES;
    const gridCount = this.fieldMode === 'heatmap' ? this.gridSize ** 2 : this.gridSize * this.cellCount;
    const label = (name: string) => `landscape-view/${name}`;
    const uniform = (name: string, size: number) => device.createBuffer({ label: label(name), size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.viewUniform = uniform('view', PARTICLE_VIEW_PARAMS.byteLength);
    this.paramsUniform = uniform('params', LANDSCAPE_VIEW_PARAMS.byteLength);
    this.values = storageFrom(device, label('values'), new Float32Array(this.particleCount));
    this.basis = storageFrom(device, label('basis'), new Float32Array(2 * this.dim));
    this.bounds = storageFrom(device, label('bounds'), new Float32Array(BOUNDS_FLOAT_COUNT));
    this.partials = storageFrom(device, label('bounds-partials'), new Float32Array(boundsPartialCount(this.particleCount) * BOUNDS_PARTIAL_STRIDE));
    this.grid = storageFrom(device, label('grid'), new Float32Array(gridCount));
    this.range = storageFrom(device, label('range'), new Float32Array([BIG, -BIG]));
    this.cells = storageFrom(device, label('cells'), Float32Array.from(cellMeans));
    this.markers = storageFrom(device, label('markers'), new Float32Array(4));
    this.markerColours = storageFrom(device, label('marker-colours'), Float32Array.from(TARGET_COLOUR));
    this.target = new FrameTarget(device, format, 'landscape-view');
  }

  /** Compiles the kernels and pipelines (an expression's f compiles here too); throws before anything is drawn. */
  static async create(source: LandscapeSource, format: GPUTextureFormat): Promise<LandscapeRenderer> {
    const renderer = new LandscapeRenderer(source, format);
    try {
      await renderer.init();
    } catch (error) {
      renderer.destroy();
      throw error;
    }
    return renderer;
  }

  private async init(): Promise<void> {
    const { device, positions, stats } = this.source;
    const { gpu, variant } = this;
    const placeholder = new ArrayBuffer(PARTICLE_VIEW_PARAMS.byteLength);
    const params = this.packParams();
    const named: Record<string, GPUBuffer> = { bounds: this.bounds, grid: this.grid, cells: this.cells, range: this.range };
    const field = this.fieldMode !== 'none';
    const gridCount = this.fieldMode === 'heatmap' ? this.gridSize ** 2 : this.gridSize * this.cellCount;
    const [values, boundsPartial, boundsFinal, fieldGrid, fieldRange] = await Promise.all([
      bindKernel(gpu, valuesKernel, NO_VARIANT, { params: placeholder, buffers: [stats, this.values], workgroupCount: Math.ceil(this.particleCount / ELEMENTWISE_WORKGROUP_SIZE) }),
      bindKernel(gpu, boundsPartialKernel, NO_VARIANT, { params: placeholder, buffers: [this.values, positions, this.basis, this.partials], workgroupCount: boundsPartialCount(this.particleCount) }),
      bindKernel(gpu, boundsFinalKernel, NO_VARIANT, { params: placeholder, buffers: [this.partials, this.bounds], workgroupCount: 1 }),
      field
        ? bindKernel(gpu, fieldGridKernel, variant, { params, buffers: [this.viewUniform, ...fieldGridBindingNames(variant).map((name) => named[name]!)], workgroupCount: Math.ceil(gridCount / ELEMENTWISE_WORKGROUP_SIZE) })
        : undefined,
      field ? bindKernel(gpu, fieldRangeKernel, variant, { params, buffers: fieldRangeBindingNames(variant).map((name) => named[name]!), workgroupCount: 1 }) : undefined,
    ]);
    this.kernels = { values, boundsPartial, boundsFinal, ...(fieldGrid ? { fieldGrid } : {}), ...(fieldRange ? { fieldRange } : {}) };
    const blend: GPUBlendState = {
      color: { srcFactor: 'src-alpha', dstFactor: 'one-minus-src-alpha', operation: 'add' },
      alpha: { srcFactor: 'one', dstFactor: 'one-minus-src-alpha', operation: 'add' },
    };
    const [particles, fieldPipeline, overlay] = await Promise.all([
      createRenderPipeline(device, 'landscape-view/particles', landscapeParticleSource(), 'particle_vertex', 'particle_fragment', this.format),
      this.fieldMode === 'curve'
        ? createRenderPipeline(device, 'landscape-view/curve', fieldCurveSource(), 'curve_vertex', 'curve_fragment', this.format, undefined, 'line-strip')
        : this.fieldMode === 'heatmap'
          ? createRenderPipeline(device, `landscape-view/heatmap/${landscapeViewCacheKey(variant)}`, fieldHeatmapSource(variant), 'heatmap_vertex', 'heatmap_fragment', this.format)
          : undefined,
      this.dim >= 2 && this.source.model.target ? createRenderPipeline(device, 'landscape-view/target', overlayDrawSource(), 'overlay_vertex', 'overlay_fragment', this.format, blend) : undefined,
    ]);
    const bind = (pipeline: GPURenderPipeline, name: string, buffers: GPUBuffer[]): Draw => ({
      pipeline,
      bindGroup: device.createBindGroup({ label: `landscape-view/${name}`, layout: pipeline.getBindGroupLayout(0), entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) }),
    });
    this.draws = {
      particles: bind(particles, 'particles', [this.viewUniform, this.values, positions, this.basis, this.bounds, this.paramsUniform]),
      ...(fieldPipeline
        ? {
            field:
              this.fieldMode === 'curve'
                ? { ...bind(fieldPipeline, 'curve', [this.paramsUniform, this.viewUniform, this.bounds, this.grid]), vertexCount: this.gridSize, instanceCount: this.cellCount }
                : { ...bind(fieldPipeline, 'heatmap', [this.paramsUniform, this.viewUniform, this.bounds, this.range]), vertexCount: 3, instanceCount: 1 },
          }
        : {}),
      ...(overlay ? { overlay: bind(overlay, 'target', [this.viewUniform, this.bounds, this.markers, this.markerColours]) } : {}),
    };
    device.queue.writeBuffer(this.paramsUniform, 0, params);
  }

  private packParams(): ArrayBuffer {
    const spec = this.source.model.spec;
    const [c1, c2] = spec.kind === 'escape' ? spec.coefficients : [0, 0];
    const { ink, zero } = this.colours;
    return LANDSCAPE_VIEW_PARAMS.pack({
      grid_size: this.gridSize,
      cell_count: this.cellCount,
      contour_levels: CONTOUR_LEVELS,
      coefficient1: c1,
      coefficient2: c2,
      ink_r: ink.r,
      ink_g: ink.g,
      ink_b: ink.b,
      zero_r: zero.r,
      zero_g: zero.g,
      zero_b: zero.b,
    });
  }

  /**
   * The plane: the 2 x k basis of the shown coordinates (unused for k = 1, which plots (x, f(x))), the box the fit
   * always includes, and the target's point in the plane (k >= 2; undefined: no ring).
   */
  setPlane(basis: Float32Array, homeBox: PlaneBox, target: readonly [number, number] | undefined): void {
    const { queue } = this.source.device;
    queue.writeBuffer(this.basis, 0, Float32Array.from(basis));
    this.homeBox = [...homeBox];
    this.showTarget = target !== undefined && target.every(Number.isFinite);
    if (this.showTarget) queue.writeBuffer(this.markers, 0, new Float32Array([target![0], target![1], TARGET_RING_PX, MARKER_STYLES.pixelRing]));
  }

  /** The ink (curve, particle rims) and the heat map's colour at f = 0, from the page's theme. */
  setColours(ink: GpuColour, zero: GpuColour): void {
    this.colours = { ink, zero };
    if (this.draws) this.source.device.queue.writeBuffer(this.paramsUniform, 0, this.packParams());
  }

  private packView(state: LandscapeViewState): ArrayBuffer {
    const [minX, minY, maxX, maxY] = this.homeBox.map((v) => (Number.isFinite(v) ? v : Math.sign(v) * BIG));
    const curve = this.dim === 1;
    return PARTICLE_VIEW_PARAMS.pack({
      count: this.particleCount,
      dim: this.dim,
      // k = 1: project() gives (weights[p], second_layer[p]) = (x_p, f(x_p)).
      mode: curve ? PROJECTION_MODES.weightVsA : PROJECTION_MODES.linear,
      equal_aspect: curve ? 0 : 1,
      zoom: 1,
      pan_x: 0,
      pan_y: 0,
      point_size: state.pointSize,
      canvas_w: state.canvasWidth,
      canvas_h: state.canvasHeight,
      radius_by_a: 0,
      pick_x: 0,
      pick_y: 0,
      pick_radius: 0,
      init_min_x: minX!,
      init_min_y: minY!,
      init_max_x: maxX!,
      init_max_y: maxY!,
    });
  }

  /** Records and submits one frame into the frame texture, copied into `present` (the canvas texture) when given. */
  frame(state: LandscapeViewState, present?: GPUTexture): void {
    if (this.destroyed || this.failure) return;
    const { device } = this.source;
    const { queue } = device;
    // Packed before the error scope opens: a state the uniform cannot hold throws without leaving a scope pushed.
    const view = this.packView(state);
    const endScope = frameErrorScope(device, (message) => {
      if (!this.failure) this.failure = message;
    });
    queue.writeBuffer(this.viewUniform, 0, view);
    const { values, boundsPartial, boundsFinal, fieldGrid, fieldRange } = this.kernels;
    for (const kernel of [values, boundsPartial, boundsFinal]) kernel.writeParams(queue, view);
    const encoder = device.createCommandEncoder({ label: 'landscape-view/frame' });
    const compute = encoder.beginComputePass({ label: 'landscape-view/compute' });
    // In order: f(x_p), the fitted box, f over the box it shows, f's range (and, k = 1, the y axis it needs).
    for (const kernel of [values, boundsPartial, boundsFinal, fieldGrid, fieldRange]) kernel?.encode(compute);
    compute.end();
    const target = this.target.ensure(state.canvasWidth, state.canvasHeight);
    const pass = encoder.beginRenderPass({ label: 'landscape-view/draw', colorAttachments: [{ view: target.createView(), clearValue: state.background, loadOp: 'clear', storeOp: 'store' }] });
    const { field, overlay, particles } = this.draws;
    if (field) draw(pass, field, field.vertexCount, field.instanceCount);
    if (overlay && this.showTarget) draw(pass, overlay, 6, 1);
    draw(pass, particles, 6, this.particleCount);
    pass.end();
    if (present) this.target.present(encoder, present);
    queue.submit([encoder.finish()]);
    endScope();
  }

  /** The box and f's range of the last frame (the copies queue behind it): the axes', colour bar's numbers. */
  async readLabels(): Promise<LandscapeLabels> {
    const { device } = this.source;
    const [box, range] = await Promise.all([
      readSmallBuffer(device, this.bounds, 0, 4 * 4, LABELS_READ_SUFFIX),
      this.fieldMode === 'none' ? Promise.resolve(undefined) : readSmallBuffer(device, this.range, 0, 2 * 4, LABELS_READ_SUFFIX),
    ]);
    const [lo, hi] = range ? new Float32Array(range) : [];
    return { box: new Float32Array(box), range: lo !== undefined && hi !== undefined && lo <= hi ? [lo, hi] : undefined };
  }

  /** The last frame as RGBA8 (PNG export). */
  readFrame(): Promise<RgbaPixels> {
    return this.target.read();
  }

  destroy(): void {
    this.destroyed = true;
    const owned = [this.viewUniform, this.paramsUniform, this.values, this.basis, this.bounds, this.partials, this.grid, this.range, this.cells, this.markers, this.markerColours];
    for (const buffer of owned) buffer.destroy();
    this.target.destroy();
    if (this.kernels) for (const kernel of Object.values(this.kernels)) kernel?.destroy();
  }
}

/** A render pipeline and its bind group. */
interface Draw {
  readonly pipeline: GPURenderPipeline;
  readonly bindGroup: GPUBindGroup;
}

function draw(pass: GPURenderPassEncoder, { pipeline, bindGroup }: Draw, vertexCount: number, instanceCount: number): void {
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.draw(vertexCount, instanceCount);
}
