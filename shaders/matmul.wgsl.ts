/**
 * Batched matmul C[b] = op(A[b]) op(B[b]), op = identity or transpose, float32, row-major:
 *   A [batch x (transA ? K x M : M x K)], B [batch x (transB ? N x K : K x N)], C [batch x M x N],
 *   C[b][i][j] = epilogue( sum_t op(A[b])[i][t] * op(B[b])[t][j] ).
 * Three algorithms: 'tiled' stages TILE x TILE blocks of A and B in workgroup memory (what hardware
 * GPUs want); 'register' gives each thread a BLOCK x BLOCK patch of C computed straight from
 * global loads, with no workgroup memory or barriers (about 10x faster on SwiftShader, where
 * barriers are expensive and "shared" memory is ordinary memory); 'register8' is 'register' with an
 * 8 x 8 patch.
 * Operand A may be 'relu-grad' (see MatmulOperandA): the first layer's gradient read straight from H.
 * Bindings: 0 params, 1 A, 2 B, 3 C, then 4 bias (only for the 'bias-relu' epilogue) or 4 gate, 5 row_scale,
 * 6 scale (only for the 'relu-grad' operand).
 */
import { wgsl } from './preprocessor';
import { MATMUL_REGISTER_BLOCK, MATMUL_REGISTER_BLOCK_LARGE, MATMUL_REGISTER_THREADS, MATMUL_TILE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import type { MatmulAlgorithm } from '../src/core/matmul-algorithms';
import { uniformStruct } from '../src/core/uniform-struct';

/**
 * What follows the sum: 'relu' gives C = relu(acc), 'bias-relu' gives C = relu(acc + bias[col]).
 * The fused form computes the hidden layer H = relu(X W^T + b) in one pass.
 */
export type MatmulEpilogue = 'none' | 'relu' | 'bias-relu';

/**
 * 'plain': op(A) as stored. 'relu-grad': C[b][row][col] = s_b u[row] sum_t v[t] 1[op(A)[row][t] > 0] op(B)[t][col]
 * with v = gate [batch x K], u = row_scale [batch x M] and s = scale [batch]: with A = H (transposed),
 * v = g = dL/df, u = a and s = alpha s_m this is dL/dW = D^T X where D = alpha s_m g a^T .* 1[H > 0], and
 * D [n x m] is never written or read (the separate hidden_grad pass cost about as much as this product on
 * SwiftShader). s is per matrix so a batch of networks of different widths shares one dispatch.
 */
export type MatmulOperandA = 'plain' | 'relu-grad';

export interface MatmulVariant {
  readonly algorithm: MatmulAlgorithm;
  /** A is stored K x M and used transposed. */
  readonly transA: boolean;
  /** B is stored N x K and used transposed. */
  readonly transB: boolean;
  readonly epilogue: MatmulEpilogue;
  readonly operandA: MatmulOperandA;
}

/** Uniform of matmul: the sizes of C[b] = op(A[b]) op(B[b]), and the grid of output tiles per matrix. */
export const MATMUL_PARAMS = uniformStruct('MatmulParams', { batch: 'u32', m: 'u32', n: 'u32', k: 'u32', tile_rows: 'u32', tile_cols: 'u32' });

/** Rows (= columns) of C one workgroup covers: the same number drives the WGSL and the dispatch. */
export function matmulOutputTile(algorithm: MatmulAlgorithm): number {
  return algorithm === 'tiled' ? MATMUL_TILE : registerBlock(algorithm) * MATMUL_REGISTER_THREADS;
}

/** Side of the patch of C one thread of a register-blocked algorithm owns. */
function registerBlock(algorithm: MatmulAlgorithm): number {
  return algorithm === 'register8' ? MATMUL_REGISTER_BLOCK_LARGE : MATMUL_REGISTER_BLOCK;
}

/** The WGSL of one variant; its entry point is always `matmul`. */
export function matmulSource(variant: MatmulVariant): string {
  return variant.algorithm === 'tiled' ? tiledSource(variant) : registerSource(variant);
}

/**
 * Params, bindings, the workgroup-to-tile map and the epilogue, shared by both algorithms.
 * Workgroups are numbered linearly over (batch, tile_row, tile_col), tile_col fastest, so any
 * count up to maxComputeWorkgroupsPerDimension^2 works; the index is guarded against the true count.
 */
function header(variant: MatmulVariant): string {
  const bias = variant.epilogue === 'bias-relu';
  const relu = variant.epilogue !== 'none';
  const reluGrad = variant.operandA === 'relu-grad';
  return wgsl`
${MATMUL_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${MATMUL_PARAMS.name};
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
#if ${bias}
@group(0) @binding(4) var<storage, read> bias: array<f32>;
#endif
#if ${reluGrad}
@group(0) @binding(4) var<storage, read> gate: array<f32>;
@group(0) @binding(5) var<storage, read> row_scale: array<f32>;
@group(0) @binding(6) var<storage, read> scale: array<f32>;
#endif
${linearWorkgroupIndex}
struct Tile { valid: bool, batch: u32, row0: u32, col0: u32 }

fn output_tile(workgroup_id: vec3u, workgroup_count: vec3u, tile_size: u32) -> Tile {
  let index = linear_workgroup_index(workgroup_id, workgroup_count);
  let tiles_per_matrix = params.tile_rows * params.tile_cols;
  let batch = index / tiles_per_matrix;
  let within = index % tiles_per_matrix;
  return Tile(batch < params.batch, batch, (within / params.tile_cols) * tile_size, (within % params.tile_cols) * tile_size);
}

// C[i][j] = relu(acc + bias[j]) or relu(acc) or acc (or scale u[i] acc for 'relu-grad'). Fusing the
// epilogue saves one write and one read of the whole n x m matrix Z = X W^T + b: only H = relu(Z) reaches memory.
fn epilogue(acc: f32, batch: u32, row: u32, col: u32) -> f32 {
#if ${reluGrad}
  return scale[batch] * row_scale[batch * params.m + row] * acc;
#elif ${bias}
  return max(acc + bias[col], 0.0);
#elif ${relu}
  return max(acc, 0.0);
#else
  return acc;
#endif
}

// op(A)[row][t] from its stored value: itself, or for 'relu-grad' v[t] 1[stored > 0] (v[t] = gate_t, loaded once per t).
fn operand_a(stored: f32, gate_t: f32) -> f32 {
#if ${reluGrad}
  return select(0.0, gate_t, stored > 0.0);
#else
  return stored;
#endif
}

fn gate_at(batch: u32, t: u32) -> f32 {
#if ${reluGrad}
  return gate[batch * params.k + t];
#else
  return 0.0;
#endif
}
`;
}

/** Flat index of op(A)[row][t] within A[batch]'s block (`a_base` = batch * M * K). */
function aIndex(variant: MatmulVariant, aBase: string, row: string, t: string): string {
  return variant.transA ? `${aBase} + (${t}) * params.m + (${row})` : `${aBase} + (${row}) * params.k + (${t})`;
}

/** Flat index of op(B)[t][col] within B[batch]'s block (`b_base` = batch * K * N). */
function bIndex(variant: MatmulVariant, bBase: string, t: string, col: string): string {
  return variant.transB ? `${bBase} + (${col}) * params.k + (${t})` : `${bBase} + (${t}) * params.n + (${col})`;
}

/**
 * Shared-memory tiling: TILE x TILE threads, one C element each. For every step k0 of TILE along K,
 * the workgroup stages op(A)[row0.., k0..] and op(B)[k0.., col0..] in workgroup memory, then each
 * thread adds sum_{t < TILE} a_tile[y][t] * b_tile[t][x]. Out-of-range elements load as 0 (they add
 * nothing to the sum), so every thread reaches every barrier: the only return is workgroup-uniform.
 * Each tile is loaded along its storage's contiguous axis (swapping x and y for a transposed
 * operand), so neighbouring threads read neighbouring addresses.
 */
function tiledSource(variant: MatmulVariant): string {
  const T = MATMUL_TILE;
  // A is contiguous along t (not transposed) or along row (transposed); likewise B along col or t.
  const aRow = variant.transA ? 'local.x' : 'local.y';
  const aT = variant.transA ? 'local.y' : 'local.x';
  const bT = variant.transB ? 'local.x' : 'local.y';
  const bCol = variant.transB ? 'local.y' : 'local.x';
  return wgsl`${header(variant)}
var<workgroup> a_tile: array<array<f32, ${T}>, ${T}>;
var<workgroup> b_tile: array<array<f32, ${T}>, ${T}>;

@compute @workgroup_size(${T}, ${T})
fn matmul(@builtin(workgroup_id) workgroup_id: vec3u,
          @builtin(num_workgroups) workgroup_count: vec3u,
          @builtin(local_invocation_id) local: vec3u) {
  let tile = output_tile(workgroup_id, workgroup_count, ${T}u);
  // Uniform across the workgroup (workgroup id and uniforms only), so the barriers below stay legal.
  if (!tile.valid) { return; }
  let a_base = tile.batch * params.m * params.k;
  let b_base = tile.batch * params.k * params.n;
  let row = tile.row0 + local.y;
  let col = tile.col0 + local.x;
  var acc = 0.0;
  for (var k0 = 0u; k0 < params.k; k0 += ${T}u) {
    let a_row = tile.row0 + ${aRow};
    let a_t = k0 + ${aT};
    var a_value = 0.0;
    if (a_row < params.m && a_t < params.k) { a_value = operand_a(a[${aIndex(variant, 'a_base', 'a_row', 'a_t')}], gate_at(tile.batch, a_t)); }
    a_tile[${aRow}][${aT}] = a_value;
    let b_t = k0 + ${bT};
    let b_col = tile.col0 + ${bCol};
    var b_value = 0.0;
    if (b_t < params.k && b_col < params.n) { b_value = b[${bIndex(variant, 'b_base', 'b_t', 'b_col')}]; }
    b_tile[${bT}][${bCol}] = b_value;
    workgroupBarrier();
    for (var t = 0u; t < ${T}u; t++) {
      acc = fma(a_tile[local.y][t], b_tile[t][local.x], acc);
    }
    workgroupBarrier();
  }
  if (row < params.m && col < params.n) {
    c[(tile.batch * params.m + row) * params.n + col] = epilogue(acc, tile.batch, row, col);
  }
}
`;
}

/** `f(i)` for i = 0..count-1, one per line: the register block is unrolled in the text. */
function unrolled(count: number, f: (i: number) => string): string {
  return Array.from({ length: count }, (_, i) => f(i)).join('\n');
}

function unrolled2(count: number, f: (i: number, j: number) => string): string {
  return unrolled(count, (i) => unrolled(count, (j) => f(i, j)));
}

/**
 * Register blocking: THREADS x THREADS threads, each owning rows row0 + y + i*THREADS and columns
 * col0 + x + j*THREADS (i, j < BLOCK) of C. Per step t along K a thread loads BLOCK values of op(A)
 * and BLOCK of op(B) and does BLOCK^2 multiply-adds, acc[i][j] += op(A)[row_i][t] * op(B)[t][col_j],
 * so each load is used BLOCK times. Strided ownership keeps neighbouring threads on neighbouring
 * columns. Indices past the edge are clamped to the last row/column (always in bounds, no branch
 * in the inner loop); their sums are discarded by the guarded stores.
 */
function registerSource(variant: MatmulVariant): string {
  const B = registerBlock(variant.algorithm);
  const S = MATMUL_REGISTER_THREADS;
  // Per-thread row/column offsets, hoisted out of the K loop.
  const aOffset = (i: number) => (variant.transA ? `row_${i}` : `row_${i} * params.k`);
  const bOffset = (j: number) => (variant.transB ? `col_${j} * params.k` : `col_${j}`);
  // Within the K loop: A[t] steps by M (transposed) or 1; B[t] steps by 1 (transposed) or N.
  const aStep = variant.transA ? 't * params.m' : 't';
  const bStep = variant.transB ? 't' : 't * params.n';
  return wgsl`${header(variant)}
@compute @workgroup_size(${S}, ${S})
fn matmul(@builtin(workgroup_id) workgroup_id: vec3u,
          @builtin(num_workgroups) workgroup_count: vec3u,
          @builtin(local_invocation_id) local: vec3u) {
  let tile = output_tile(workgroup_id, workgroup_count, ${B * S}u);
  if (!tile.valid) { return; }
  let a_base = tile.batch * params.m * params.k;
  let b_base = tile.batch * params.k * params.n;
${unrolled(B, (i) => `  let row_${i} = min(tile.row0 + local.y + ${i * S}u, params.m - 1u);`)}
${unrolled(B, (j) => `  let col_${j} = min(tile.col0 + local.x + ${j * S}u, params.n - 1u);`)}
${unrolled(B, (i) => `  let a_offset_${i} = a_base + ${aOffset(i)};`)}
${unrolled(B, (j) => `  let b_offset_${j} = b_base + ${bOffset(j)};`)}
${unrolled2(B, (i, j) => `  var acc_${i}_${j} = 0.0;`)}
  for (var t = 0u; t < params.k; t++) {
    let a_step = ${aStep};
    let b_step = ${bStep};
    let gate_t = gate_at(tile.batch, t);
${unrolled(B, (i) => `    let a_${i} = operand_a(a[a_offset_${i} + a_step], gate_t);`)}
${unrolled(B, (j) => `    let b_${j} = b[b_offset_${j} + b_step];`)}
${unrolled2(B, (i, j) => `    acc_${i}_${j} = fma(a_${i}, b_${j}, acc_${i}_${j});`)}
  }
${unrolled(B, (i) => `  let out_row_${i} = tile.row0 + local.y + ${i * S}u;`)}
${unrolled(B, (j) => `  let out_col_${j} = tile.col0 + local.x + ${j * S}u;`)}
${unrolled2(
  B,
  (i, j) =>
    `  if (out_row_${i} < params.m && out_col_${j} < params.n) { c[(tile.batch * params.m + out_row_${i}) * params.n + out_col_${j}] = epilogue(acc_${i}_${j}, tile.batch, out_row_${i}, out_col_${j}); }`,
)}
}
`;
}
