/** Small GPU helpers shared by the view elements: render pipelines, small storage buffers, tiny readbacks. */
import { compileShaderModule } from '../gpu/pipeline-cache';
import { timedSpan } from '../core/timing-spans';

/** A storage buffer (STORAGE | COPY_SRC | COPY_DST) holding `data` (at least 16 bytes, so it is never empty). */
export function storageFrom(device: GPUDevice, label: string, data: Float32Array | Uint32Array): GPUBuffer {
  const size = Math.max(16, Math.ceil(data.byteLength / 4) * 4);
  const buffer = device.createBuffer({ label, size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, mappedAtCreation: true });
  new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  buffer.unmap();
  return buffer;
}

/** A render pipeline (layout 'auto', triangle list) whose compilation failure throws ShaderCompilationError with the line. */
export async function createRenderPipeline(
  device: GPUDevice,
  label: string,
  code: string,
  vertexEntry: string,
  fragmentEntry: string,
  format: GPUTextureFormat,
  blend?: GPUBlendState,
  topology: GPUPrimitiveTopology = 'triangle-list',
): Promise<GPURenderPipeline> {
  return timedSpan(`render-pipeline/${label}`, async () => {
    const module = await compileShaderModule(device, label, code);
    return device.createRenderPipelineAsync({
      label,
      layout: 'auto',
      vertex: { module, entryPoint: vertexEntry },
      fragment: { module, entryPoint: fragmentEntry, targets: [{ format, ...(blend ? { blend } : {}) }] },
      primitive: { topology },
    });
  });
}

/**
 * The suffix of the staging buffer a view's axes and colour bar read their numbers through (a few times a second,
 * never on a frame's path): the UI bench tells these apart from read-backs that drawing would wait on.
 */
export const LABELS_READ_SUFFIX = '/labels-read';

/**
 * Copies `byteLength` bytes at `offset` of `source` (COPY_SRC) into a fresh mappable buffer and returns them.
 * `suffix` names the staging buffer after `source` ('/read'; LABELS_READ_SUFFIX for the axes' numbers).
 */
export async function readSmallBuffer(device: GPUDevice, source: GPUBuffer, offset: number, byteLength: number, suffix = '/read'): Promise<ArrayBuffer> {
  const staging = device.createBuffer({ label: `${source.label}${suffix}`, size: byteLength, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  try {
    const encoder = device.createCommandEncoder({ label: `${source.label}${suffix}` });
    encoder.copyBufferToBuffer(source, offset, staging, 0, byteLength);
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    return staging.getMappedRange().slice(0);
  } finally {
    staging.destroy();
  }
}


/** Bytes per row of a texture-to-buffer copy must be a multiple of 256. */
const ROW_ALIGNMENT = 256;

/** RGBA8 pixels, rows from the top. */
export interface RgbaPixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/**
 * The texture a view draws each frame into. Presenting is one copy of it into the canvas texture, and the
 * PNG export reads it back, so export works even where a canvas cannot present (headless SwiftShader).
 */
export class FrameTarget {
  private texture: GPUTexture | undefined;

  constructor(
    private readonly device: GPUDevice,
    readonly format: GPUTextureFormat,
    private readonly label: string,
  ) {}

  /** The frame texture at this size (recreated, cleared by the next pass, when the size changes). */
  ensure(width: number, height: number): GPUTexture {
    const current = this.texture;
    if (current && current.width === width && current.height === height) return current;
    current?.destroy();
    this.texture = this.device.createTexture({
      label: `${this.label}/frame`,
      size: [width, height],
      format: this.format,
      usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC | GPUTextureUsage.COPY_DST,
    });
    return this.texture;
  }

  /** Records the copy of the frame into the canvas texture (same format and size). */
  present(encoder: GPUCommandEncoder, canvasTexture: GPUTexture): void {
    if (!this.texture) return;
    const width = Math.min(this.texture.width, canvasTexture.width);
    const height = Math.min(this.texture.height, canvasTexture.height);
    encoder.copyTextureToTexture({ texture: this.texture }, { texture: canvasTexture }, [width, height]);
  }

  /** Reads the last frame back as RGBA8 (for PNG export only: never on the per-frame path). */
  async read(): Promise<RgbaPixels> {
    const texture = this.texture;
    if (!texture) return { width: 0, height: 0, data: new Uint8ClampedArray(0) };
    const { width, height } = texture;
    const bytesPerRow = Math.ceil((width * 4) / ROW_ALIGNMENT) * ROW_ALIGNMENT;
    const staging = this.device.createBuffer({ label: `${this.label}/frame-read`, size: bytesPerRow * height, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    try {
      const encoder = this.device.createCommandEncoder({ label: `${this.label}/frame-read` });
      encoder.copyTextureToBuffer({ texture }, { buffer: staging, bytesPerRow }, [width, height]);
      this.device.queue.submit([encoder.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      const rows = new Uint8Array(staging.getMappedRange());
      const data = new Uint8ClampedArray(width * height * 4);
      const swap = this.format.startsWith('bgra');
      for (let row = 0; row < height; row++) {
        for (let column = 0; column < width; column++) {
          const from = row * bytesPerRow + column * 4;
          const to = (row * width + column) * 4;
          data[to] = rows[from + (swap ? 2 : 0)]!;
          data[to + 1] = rows[from + 1]!;
          data[to + 2] = rows[from + (swap ? 0 : 2)]!;
          data[to + 3] = rows[from + 3]!;
        }
      }
      return { width, height, data };
    } finally {
      staging.destroy();
    }
  }

  destroy(): void {
    this.texture?.destroy();
    this.texture = undefined;
  }
}

/** PNG data URL of RGBA pixels (through a 2-D canvas). */
export function pixelsToPng(pixels: RgbaPixels): string {
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, pixels.width);
  canvas.height = Math.max(1, pixels.height);
  if (pixels.width > 0 && pixels.height > 0) {
    canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(pixels.data), pixels.width, pixels.height), 0, 0);
  }
  return canvas.toDataURL('image/png');
}

/** Pushes a validation scope for one frame's GPU work; `onError` hears what it caught (never rejects). */
export function frameErrorScope(device: GPUDevice, onError: (message: string) => void): () => void {
  device.pushErrorScope('validation');
  return () => {
    device.popErrorScope().then(
      (error) => {
        if (error) onError(error.message);
      },
      // The device or instance went away: its loss is reported once, through onDeviceLost (src/gpu/device-loss).
      () => undefined,
    );
  };
}
