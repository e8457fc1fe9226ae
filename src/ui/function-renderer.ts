/**
 * GPU resources and per-frame encoding of <gradflow-function-view>: f on a grid (compute), its range
 * (compute), then the heat map (d = 2) or curve (d = 1) and the data points, all reading the source's live
 * buffers. Nothing is read back on the per-frame path: the range is read a few times a second for the
 * colour bar's and the axes' numbers, the frame for PNG export.
 */
import { FUNCTION_GRID_PARAMS, FUNCTION_GRID_POINTS_PER_WORKGROUP, functionGridSource } from '../../shaders/function-grid.wgsl';
import { FUNCTION_RANGE_PARAMS, functionRangeSource } from '../../shaders/function-range.wgsl';
import { functionHeatmapSource } from '../../shaders/function-heatmap.wgsl';
import { functionCurveSource } from '../../shaders/function-curve.wgsl';
import { functionPointMarksSource } from '../../shaders/function-point-marks.wgsl';
import { FUNCTION_VIEW_PARAMS } from '../../shaders/function-view-common.wgsl';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import type { GpuContext } from '../gpu/device';
import type { FunctionSource } from './particle-source';
import { BACKGROUND } from './particle-renderer';
import { FrameTarget, LABELS_READ_SUFFIX, createRenderPipeline, frameErrorScope, readSmallBuffer, storageFrom, type RgbaPixels } from './gpu-view-helpers';
import type { GpuColour } from './view-theme';

type NoVariant = Record<string, never>;
const NO_VARIANT: NoVariant = {};
const gridKernel: KernelSource<NoVariant> = { family: 'function-view', entryPoint: 'function_grid', source: functionGridSource, cacheKey: () => 'f32' };
const rangeKernel: KernelSource<NoVariant> = { family: 'function-view', entryPoint: 'function_range', source: functionRangeSource, cacheKey: () => 'f32' };

/** The input box drawn: [x0, x1] (d = 1) or [x0, x1] x [y0, y1] (d = 2). */
export interface PlotExtent {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

export interface FunctionViewState {
  readonly extent: PlotExtent;
  readonly canvasWidth: number;
  readonly canvasHeight: number;
  /** Data point radius in device pixels. */
  readonly pointSize: number;
  /** The heat map's colour at f = 0 (0..1; alpha unused); default white. */
  readonly zeroColour?: GpuColour;
}

export class FunctionRenderer {
  failure = '';
  private readonly gpu: GpuContext;
  private readonly values: GPUBuffer;
  private readonly valueRange: GPUBuffer;
  private readonly viewUniform: GPUBuffer;
  private readonly points: GPUBuffer;
  private readonly zeroBias: GPUBuffer | undefined;
  /** Number of data points drawn. */
  readonly pointCount: number;
  /** (min, max) of the targets y_i (d = 1; the empty range [3e38, -3e38] otherwise), which the curve's vertical range includes. */
  readonly dataYRange: [number, number];
  private readonly target: FrameTarget;
  private readonly gridX: number;
  private readonly gridY: number;
  private destroyed = false;
  private kernels!: { grid: BoundKernel; range: BoundKernel };
  private plot!: { pipeline: GPURenderPipeline; bindGroup: GPUBindGroup; vertexCount: number };
  private dots!: { pipeline: GPURenderPipeline; bindGroup: GPUBindGroup };

  private constructor(
    readonly source: FunctionSource,
    readonly format: GPUTextureFormat,
    gridSize: number,
  ) {
    const { device, inputDim: d } = source;
    this.gpu = { device, adapterDescription: '', isFallbackAdapter: false, runtime: 'browser' };
    this.gridX = gridSize;
    this.gridY = d === 2 ? gridSize : 1;
    this.values = storageFrom(device, 'function-view/values', new Float32Array(this.gridX * this.gridY));
    this.valueRange = storageFrom(device, 'function-view/range', new Float32Array(4));
    this.viewUniform = device.createBuffer({ label: 'function-view/view', size: FUNCTION_VIEW_PARAMS.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.zeroBias = source.b ? undefined : storageFrom(device, 'function-view/no-bias', new Float32Array(4));
    const data = source.data;
    const n = data ? Math.min(data.y.length, Math.floor(data.X.length / d)) : 0;
    const packed = new Float32Array(Math.max(1, n) * 4);
    let yMin = Infinity;
    let yMax = -Infinity;
    for (let i = 0; i < n; i++) {
      const y = data!.y[i]!;
      packed.set([data!.X[i * d]!, d === 2 ? data!.X[i * d + 1]! : y, y, 0], i * 4);
      if (Number.isFinite(y)) [yMin, yMax] = [Math.min(yMin, y), Math.max(yMax, y)];
    }
    this.pointCount = n;
    // Without a finite target the range is the empty one the shader ignores (uniforms hold finite values only).
    this.dataYRange = d === 1 && yMin <= yMax ? [yMin, yMax] : [3e38, -3e38];
    this.points = storageFrom(device, 'function-view/points', packed);
    this.target = new FrameTarget(device, format, 'function-view');
  }

  /** Compiles pipelines and binds the source's buffers; `gridSize` points per axis. */
  static async create(source: FunctionSource, format: GPUTextureFormat, gridSize: number): Promise<FunctionRenderer> {
    const renderer = new FunctionRenderer(source, format, gridSize);
    await renderer.init();
    return renderer;
  }

  private async init(): Promise<void> {
    const { device, a, W, b } = this.source;
    const count = this.gridX * this.gridY;
    const [grid, range] = await Promise.all([
      bindKernel(this.gpu, gridKernel, NO_VARIANT, { params: new ArrayBuffer(FUNCTION_GRID_PARAMS.byteLength), buffers: [a, W, b ?? this.zeroBias!, this.values], workgroupCount: Math.ceil(count / FUNCTION_GRID_POINTS_PER_WORKGROUP) }),
      bindKernel(this.gpu, rangeKernel, NO_VARIANT, { params: FUNCTION_RANGE_PARAMS.pack({ count }), buffers: [this.values, this.valueRange], workgroupCount: 1 }),
    ]);
    this.kernels = { grid, range };
    const curve = this.source.inputDim === 1;
    const [plotPipeline, dotsPipeline] = await Promise.all([
      curve
        ? createRenderPipeline(device, 'function-view/curve', functionCurveSource(), 'curve_vertex', 'curve_fragment', this.format, undefined, 'line-strip')
        : createRenderPipeline(device, 'function-view/heatmap', functionHeatmapSource(), 'heatmap_vertex', 'heatmap_fragment', this.format),
      createRenderPipeline(device, 'function-view/points', functionPointMarksSource(), 'marks_vertex', 'marks_fragment', this.format),
    ]);
    const entries = (buffers: GPUBuffer[]) => buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
    this.plot = {
      pipeline: plotPipeline,
      bindGroup: device.createBindGroup({ label: 'function-view/plot', layout: plotPipeline.getBindGroupLayout(0), entries: entries([this.viewUniform, this.values, this.valueRange]) }),
      vertexCount: curve ? this.gridX : 3,
    };
    this.dots = {
      pipeline: dotsPipeline,
      bindGroup: device.createBindGroup({ label: 'function-view/points', layout: dotsPipeline.getBindGroupLayout(0), entries: entries([this.viewUniform, this.valueRange, this.points]) }),
    };
  }

  /** The grid kernel's uniform and the draw uniform of a frame in `state`. */
  private packUniforms(state: FunctionViewState): { grid: ArrayBuffer; view: ArrayBuffer } {
    const { x0, x1, y0, y1 } = state.extent;
    const zero = state.zeroColour ?? BACKGROUND;
    const grid = FUNCTION_GRID_PARAMS.pack({
      width: this.source.width,
      dim: this.source.inputDim,
      grid_x: this.gridX,
      grid_y: this.gridY,
      has_bias: this.source.b ? 1 : 0,
      scale: this.source.scale,
      x0,
      x1,
      y0,
      y1,
    });
    const view = FUNCTION_VIEW_PARAMS.pack({
      grid_x: this.gridX,
      grid_y: this.gridY,
      dim: this.source.inputDim,
      point_count: this.pointCount,
      x0,
      x1,
      y0,
      y1,
      data_y_min: this.dataYRange[0],
      data_y_max: this.dataYRange[1],
      canvas_w: state.canvasWidth,
      canvas_h: state.canvasHeight,
      point_size: state.pointSize,
      zero_r: zero.r,
      zero_g: zero.g,
      zero_b: zero.b,
    });
    return { grid, view };
  }

  /** Records and submits one frame into the frame texture, copied into `present` (the canvas texture) when given. */
  frame(state: FunctionViewState, present?: GPUTexture): void {
    if (this.destroyed || this.failure) return;
    const { device } = this.source;
    const { queue } = device;
    // Packed before the error scope opens: a state the uniforms cannot hold throws without leaving a scope pushed.
    const uniforms = this.packUniforms(state);
    const endScope = frameErrorScope(device, (message) => {
      if (!this.failure) this.failure = message;
    });
    this.kernels.grid.writeParams(queue, uniforms.grid);
    queue.writeBuffer(this.viewUniform, 0, uniforms.view);
    const encoder = device.createCommandEncoder({ label: 'function-view/frame' });
    const compute = encoder.beginComputePass({ label: 'function-view/grid' });
    this.kernels.grid.encode(compute);
    this.kernels.range.encode(compute);
    compute.end();
    const target = this.target.ensure(state.canvasWidth, state.canvasHeight);
    const pass = encoder.beginRenderPass({ label: 'function-view/draw', colorAttachments: [{ view: target.createView(), clearValue: BACKGROUND, loadOp: 'clear', storeOp: 'store' }] });
    pass.setPipeline(this.plot.pipeline);
    pass.setBindGroup(0, this.plot.bindGroup);
    pass.draw(this.plot.vertexCount);
    if (this.pointCount > 0) {
      pass.setPipeline(this.dots.pipeline);
      pass.setBindGroup(0, this.dots.bindGroup);
      pass.draw(6, this.pointCount);
    }
    pass.end();
    if (present) this.target.present(encoder, present);
    queue.submit([encoder.finish()]);
    endScope();
  }

  /** (min, max) of f over the grid of the last frame (the copy queues behind it): the colour bar's ends, the d = 1 axis. */
  async readValueRange(): Promise<[number, number]> {
    const [lo, hi] = new Float32Array(await readSmallBuffer(this.source.device, this.valueRange, 0, 8, LABELS_READ_SUFFIX));
    return [lo!, hi!];
  }

  /** The last frame as RGBA8 (PNG export). */
  readFrame(): Promise<RgbaPixels> {
    return this.target.read();
  }

  destroy(): void {
    this.destroyed = true;
    for (const buffer of [this.values, this.valueRange, this.viewUniform, this.points, this.zeroBias]) buffer?.destroy();
    this.target.destroy();
    if (this.kernels) for (const k of Object.values(this.kernels)) k.destroy();
  }
}

/** The data's bounding box padded by 5 percent on each side ([-1, 1] without data or for a flat axis). */
export function dataExtent(X: Float32Array | undefined, inputDim: number): PlotExtent {
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  const n = X ? Math.floor(X.length / inputDim) : 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < Math.min(2, inputDim); k++) {
      const v = X![i * inputDim + k]!;
      if (Number.isFinite(v)) [lo[k], hi[k]] = [Math.min(lo[k]!, v), Math.max(hi[k]!, v)];
    }
  }
  const axis = (k: number): [number, number] => {
    if (!(lo[k]! < hi[k]!)) return Number.isFinite(lo[k]!) ? [lo[k]! - 1, lo[k]! + 1] : [-1, 1];
    const pad = 0.05 * (hi[k]! - lo[k]!);
    return [lo[k]! - pad, hi[k]! + pad];
  };
  const [x0, x1] = axis(0);
  const [y0, y1] = inputDim === 2 ? axis(1) : [0, 0];
  return { x0, x1, y0, y1 };
}

/** Parses extent="x0,x1[,y0,y1]"; undefined when absent or malformed. */
export function parseExtent(text: string | undefined, inputDim: number): PlotExtent | undefined {
  if (!text) return undefined;
  const v = text.split(',').map((s) => Number(s.trim()));
  if (v.length < (inputDim === 2 ? 4 : 2) || v.some((x) => !Number.isFinite(x))) return undefined;
  const [x0, x1, y0 = 0, y1 = 0] = v as [number, number, number?, number?];
  if (!(x0 < x1) || (inputDim === 2 && !(y0 < y1))) return undefined;
  return { x0, x1, y0, y1 };
}

/**
 * The d = 1 plot's vertical range, as curve_y_range() in shaders/function-view-common.wgsl.ts computes it: the
 * curve's range and the targets', padded 8 percent ([-1, 1] before anything is known).
 */
export function curveYRange(valueRange: readonly [number, number], dataYRange: readonly [number, number]): [number, number] {
  let lo = Math.min(valueRange[0], dataYRange[0]);
  let hi = Math.max(valueRange[1], dataYRange[1]);
  if (!(lo <= hi)) [lo, hi] = [-1, 1];
  const pad = Math.max(0.08 * (hi - lo), 1e-6);
  return [lo - pad, hi + pad];
}

/** `extent` widened about its centre so one data unit spans as many pixels in x as in y on a `width` x `height` canvas. */
export function equalAspectExtent(extent: PlotExtent, width: number, height: number): PlotExtent {
  if (!(width > 0 && height > 0)) return extent;
  const { x0, x1, y0, y1 } = extent;
  const perPixel = Math.max((x1 - x0) / width, (y1 - y0) / height);
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  const [hx, hy] = [(perPixel * width) / 2, (perPixel * height) / 2];
  return { x0: cx - hx, x1: cx + hx, y0: cy - hy, y1: cy + hy };
}
