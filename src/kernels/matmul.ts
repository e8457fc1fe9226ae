/** Wrappers for shaders/matmul.wgsl.ts: a bound kernel on GPU buffers. */
import { MATMUL_PARAMS, matmulOutputTile, matmulSource, type MatmulEpilogue, type MatmulOperandA, type MatmulVariant } from '../../shaders/matmul.wgsl';
import type { MatmulAlgorithm } from '../core/matmul-algorithms';
import { checkBufferSize } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { bindKernel, type BoundKernel, type KernelSource } from '../gpu/kernel';
import { checkBufferHolds, checkSize } from '../gpu/validate';

export type { MatmulEpilogue, MatmulOperandA, MatmulVariant };

const NAME = 'matmul/matmul';

/** Sizes of C[b] = op(A[b]) op(B[b]): op(A) is M x K, op(B) is K x N, for b < batch. */
export interface MatmulShape {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
}

export const matmulKernel: KernelSource<MatmulVariant> = {
  family: 'matmul',
  entryPoint: 'matmul',
  source: matmulSource,
  cacheKey: (v) => `${v.algorithm}-${v.transA ? 't' : 'n'}${v.transB ? 't' : 'n'}-${v.operandA === 'relu-grad' ? 'relu-grad' : v.epilogue}`,
};

/** Floating-point operations of one batched matmul (a multiply and an add per term): 2 * batch * M * N * K. */
export function matmulFlops(shape: MatmulShape): number {
  return 2 * shape.batch * shape.m * shape.n * shape.k;
}

/** Element counts of the stored operands. */
export function matmulElementCounts(shape: MatmulShape): { a: number; b: number; c: number } {
  const { batch, m, n, k } = shape;
  return { a: batch * m * k, b: batch * k * n, c: batch * m * n };
}

/** Output tiles per matrix: ceil(M / tile) rows by ceil(N / tile) columns, one workgroup each. */
export function matmulTileGrid(algorithm: MatmulAlgorithm, shape: MatmulShape): { tileRows: number; tileCols: number } {
  const tile = matmulOutputTile(algorithm);
  return { tileRows: Math.ceil(shape.m / tile), tileCols: Math.ceil(shape.n / tile) };
}

/** Total workgroups: the tile grid of one matrix, times batch. */
export function matmulWorkgroupCount(algorithm: MatmulAlgorithm, shape: MatmulShape): number {
  const { tileRows, tileCols } = matmulTileGrid(algorithm, shape);
  return tileRows * tileCols * shape.batch;
}

/** Positive integer sizes, and operands that fit one storage binding (checked before any allocation). */
export function checkShape(gpu: GpuContext, shape: MatmulShape): void {
  for (const key of ['batch', 'm', 'n', 'k'] as const) checkSize(NAME, `shape.${key}`, shape[key]);
  const counts = matmulElementCounts(shape);
  for (const key of ['a', 'b', 'c'] as const) checkBufferSize(gpu, key, counts[key] * 4, NAME);
}

export interface MatmulBuffers {
  /** [batch x M x K], or [batch x K x M] with transA. */
  readonly a: GPUBuffer;
  /** [batch x K x N], or [batch x N x K] with transB. */
  readonly b: GPUBuffer;
  /** [batch x M x N], written. */
  readonly c: GPUBuffer;
  /** [N], required by and only by the 'bias-relu' epilogue. */
  readonly bias?: GPUBuffer;
  /** v [batch x K], u [batch x M] and s [batch], required by and only by the 'relu-grad' operand. */
  readonly gate?: GPUBuffer;
  readonly rowScale?: GPUBuffer;
  readonly scale?: GPUBuffer;
}

/** The 'relu-grad' operand's extra arguments must come with it and only with it. */
export function checkOperandA(variant: MatmulVariant, has: { gate: boolean; rowScale: boolean; scale: boolean }): void {
  const reluGrad = variant.operandA === 'relu-grad';
  if (reluGrad && variant.epilogue !== 'none') {
    throw new KernelArgumentError(NAME, 'epilogue', `must be 'none' with the 'relu-grad' operand (it applies its own scale), got '${variant.epilogue}'`);
  }
  for (const argument of ['gate', 'rowScale', 'scale'] as const) {
    if (reluGrad && !has[argument]) throw new KernelArgumentError(NAME, argument, "is required by the 'relu-grad' operand");
    if (!reluGrad && has[argument]) throw new KernelArgumentError(NAME, argument, "is only used by the 'relu-grad' operand; leave it out");
  }
}

/**
 * C[b] = epilogue(op(A[b]) op(B[b])) on GPU buffers. Bindings: 0 MATMUL_PARAMS, 1 A, 2 B, 3 C, then
 * 4 bias (only for 'bias-relu') or 4 gate, 5 rowScale, 6 scale (only for the 'relu-grad' operand).
 */
export function bindMatmul(gpu: GpuContext, variant: MatmulVariant, shape: MatmulShape, buffers: MatmulBuffers): Promise<BoundKernel> {
  checkShape(gpu, shape);
  const counts = matmulElementCounts(shape);
  checkBufferHolds(NAME, 'a', buffers.a, counts.a);
  checkBufferHolds(NAME, 'b', buffers.b, counts.b);
  checkBufferHolds(NAME, 'c', buffers.c, counts.c);
  const hasBias = variant.epilogue === 'bias-relu';
  if (hasBias && !buffers.bias) throw new KernelArgumentError(NAME, 'bias', "is required by the 'bias-relu' epilogue");
  if (!hasBias && buffers.bias) {
    throw new KernelArgumentError(NAME, 'bias', `is only used by the 'bias-relu' epilogue, not '${variant.epilogue}'; leave it out`);
  }
  if (buffers.bias) checkBufferHolds(NAME, 'bias', buffers.bias, shape.n);
  checkOperandA(variant, { gate: buffers.gate !== undefined, rowScale: buffers.rowScale !== undefined, scale: buffers.scale !== undefined });
  if (buffers.gate) checkBufferHolds(NAME, 'gate', buffers.gate, shape.batch * shape.k);
  if (buffers.rowScale) checkBufferHolds(NAME, 'rowScale', buffers.rowScale, shape.batch * shape.m);
  if (buffers.scale) checkBufferHolds(NAME, 'scale', buffers.scale, shape.batch);
  const { tileRows, tileCols } = matmulTileGrid(variant.algorithm, shape);
  const params = MATMUL_PARAMS.pack({ batch: shape.batch, m: shape.m, n: shape.n, k: shape.k, tile_rows: tileRows, tile_cols: tileCols });
  const reluGrad = buffers.gate && buffers.rowScale && buffers.scale ? [buffers.gate, buffers.rowScale, buffers.scale] : [];
  const bound = [buffers.a, buffers.b, buffers.c, ...(buffers.bias ? [buffers.bias] : []), ...reluGrad];
  return bindKernel(gpu, matmulKernel, variant, {
    params,
    buffers: bound,
    workgroupCount: matmulWorkgroupCount(variant.algorithm, shape),
  });
}

export interface MatmulOptions {
  /** Default 'register' (the faster one on SwiftShader). */
  readonly algorithm?: MatmulAlgorithm;
  readonly transA?: boolean;
  readonly transB?: boolean;
  /** Default 'none'; 'bias-relu' needs `bias`. */
  readonly epilogue?: MatmulEpilogue;
  /** [N], for the 'bias-relu' epilogue. */
  readonly bias?: Float32Array;
  /** Default 'plain'; 'relu-grad' needs `gate` [batch x K], `rowScale` [batch x M] and `scale` [batch]. */
  readonly operandA?: MatmulOperandA;
  readonly gate?: Float32Array;
  readonly rowScale?: Float32Array;
  readonly scale?: Float32Array;
}

/** The full variant for `options`, with defaults filled in. */
export function matmulVariant(options: MatmulOptions = {}): MatmulVariant {
  return {
    algorithm: options.algorithm ?? 'register',
    transA: options.transA ?? false,
    transB: options.transB ?? false,
    epilogue: options.epilogue ?? 'none',
    operandA: options.operandA ?? 'plain',
  };
}
