/**
 * A run's memory footprint, estimated from its validated config alone (nothing loaded, nothing drawn), so a run
 * that cannot fit is refused before it allocates (src/models/run-set/preflight.ts). Each model kind lists its
 * largest arrays (kind folder's footprint.ts): what each holds, where, and the config fields whose product
 * sizes it. The rule, for every kind: count the arrays that grow with a config size (samples, inputs, width,
 * particles, steps), at the bytes their code allocates, and sum them as if all were alive at once (an upper
 * bound on the peak: the estimate errs towards refusing a run that would only just fit). Arrays of a fixed
 * size (params tables, uniforms, a few scalars) are left out.
 */

/**
 * Where an array lives. host: typed arrays (outside the JavaScript heap, up to the free memory); heap: JavaScript
 * objects and number arrays (up to the engine's heap limit as well); gpu: storage buffers on the device.
 */
export type MemorySpace = 'host' | 'heap' | 'gpu';

/** A config field (or a count derived from one, or a fixed one like the digits set's rows) that sizes an array, with its value. */
export interface SizeFactor {
  /** How messages name it: a config path ('model.width') or a short description. */
  readonly field: string;
  readonly value: number;
  /** The config fields to lower to shrink it (default: [field]); empty for a count the config does not set (a file's rows). */
  readonly setBy?: readonly string[];
}

/** One array, or `copies` arrays of the same size, of a run. */
export interface BufferEstimate {
  /** What it holds, in words: 'the first-layer weights W'. */
  readonly what: string;
  readonly space: MemorySpace;
  /** The sizes whose product (times `scale`) is its element count. */
  readonly factors: readonly SizeFactor[];
  /** A constant multiplier of the factors' product (2 for NTK features [2 x n x m]). */
  readonly scale: number;
  /** Elements of one array: scale x the factors' product. */
  readonly elementCount: number;
  /** Bytes per element (4 for float32; 12 for a float64 draw kept as float32, both alive at once). */
  readonly bytesPerElement: number;
  /** Arrays of this size held at once. */
  readonly copies: number;
  /** All of them together: elementCount x bytesPerElement x copies. */
  readonly byteLength: number;
}

/** A run's estimate: its largest arrays and the total bytes in each space. */
export interface RunFootprint {
  readonly buffers: readonly BufferEstimate[];
  /** Host bytes, heap included (the heap is host memory too). */
  readonly hostBytes: number;
  readonly heapBytes: number;
  readonly gpuBytes: number;
}

export interface SizeOptions {
  readonly scale?: number;
  /** Default 4 (float32). */
  readonly bytesPerElement?: number;
  readonly copies?: number;
}

/** An array sized by `factors` (absent factors, sizes the config does not give, are left out). */
export function sized(what: string, space: MemorySpace, factors: readonly (SizeFactor | undefined)[], options: SizeOptions = {}): BufferEstimate {
  const { scale = 1, bytesPerElement = 4, copies = 1 } = options;
  const named = factors.filter((factor): factor is SizeFactor => factor !== undefined);
  const elementCount = named.reduce((product, factor) => product * factor.value, scale);
  return { what, space, factors: named, scale, elementCount, bytesPerElement, copies, byteLength: elementCount * bytesPerElement * copies };
}

/** The footprint of `buffers` (entries with no elements dropped). */
export function footprintOf(buffers: readonly BufferEstimate[]): RunFootprint {
  const kept = buffers.filter((buffer) => buffer.copies > 0 && buffer.elementCount > 0);
  const total = (spaces: readonly MemorySpace[]) => kept.filter((b) => spaces.includes(b.space)).reduce((sum, b) => sum + b.byteLength, 0);
  return { buffers: kept, hostBytes: total(['host', 'heap']), heapBytes: total(['heap']), gpuBytes: total(['gpu']) };
}

/** A config field and its value, for `sized`'s factors. */
export const field = (path: string, value: number): SizeFactor => ({ field: path, value });
