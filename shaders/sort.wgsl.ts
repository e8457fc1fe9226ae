/**
 * Batched bitonic sort of f32 keys (Batcher 1968), ascending, row by row. Each row of a
 * [rows x P] buffer (P a power of two) is sorted independently; rows shorter than P are padded
 * with the largest finite f32, so the pads sort to the end and the first `length` keys of a row
 * are its sorted values. One dispatch per (block, stride) stage of the network: for
 * block = 2, 4, ..., P and stride = block/2, ..., 1, element i is compared with i + stride and the
 * pair is put in ascending order when (i & block) == 0, descending otherwise.
 */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE } from './constants';
import { F32_MAX_WGSL, elementIndexWgsl, entryArgumentsWgsl } from './metrics-common.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';

export type SortVariant = Record<string, never>;

/** Uniform of pad_rows: the rows, their length, and the padded length P. */
export const PAD_ROWS_PARAMS = uniformStruct('PadRowsParams', { row_count: 'u32', length: 'u32', padded_length: 'u32' });

/** Uniform of bitonic_step: the rows, P, and the stage (block, stride). */
export const BITONIC_STEP_PARAMS = uniformStruct('BitonicStepParams', { row_count: 'u32', padded_length: 'u32', block_size: 'u32', stride: 'u32' });



/** keys[r, c] = source[r, c] for c < length, the pad key F32_MAX for length <= c < P. One thread per key. */
export function padRowsSource(_variant: SortVariant): string {
  return wgsl`
${PAD_ROWS_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${PAD_ROWS_PARAMS.name};
@group(0) @binding(1) var<storage, read> source: array<f32>;
@group(0) @binding(2) var<storage, read_write> keys: array<f32>;
${elementIndexWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn pad_rows(${entryArgumentsWgsl}) {
  let e = element_index(workgroup_id, workgroup_count, local);
  // rows * P <= 2^31 (checked by the wrapper), so the product fits a u32.
  if (e >= params.row_count * params.padded_length) { return; }
  let row = e / params.padded_length;
  let column = e - row * params.padded_length;
  if (column < params.length) {
    keys[e] = source[row * params.length + column];
  } else {
    keys[e] = ${F32_MAX_WGSL};
  }
}
`;
}

/**
 * One compare-exchange stage (block, stride) over every row: thread t owns the pair (i, i + stride)
 * of row t / (P/2), with i the t-th index (within the row) whose `stride` bit is clear.
 */
export function bitonicStepSource(_variant: SortVariant): string {
  return wgsl`
${BITONIC_STEP_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${BITONIC_STEP_PARAMS.name};
@group(0) @binding(1) var<storage, read_write> keys: array<f32>;
${elementIndexWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn bitonic_step(${entryArgumentsWgsl}) {
  let t = element_index(workgroup_id, workgroup_count, local);
  let pairs_per_row = params.padded_length / 2u;
  if (t >= params.row_count * pairs_per_row) { return; }
  let row = t / pairs_per_row;
  let q = t - row * pairs_per_row;
  // Insert a zero at bit log2(stride): i = (q / stride) * 2 stride + q mod stride.
  let low = q & (params.stride - 1u);
  let i = (q - low) * 2u + low;
  let base = row * params.padded_length;
  let left = keys[base + i];
  let right = keys[base + i + params.stride];
  let ascending = (i & params.block_size) == 0u;
  // Swap when the pair is out of the order this block wants.
  if ((left > right) == ascending && left != right) {
    keys[base + i] = right;
    keys[base + i + params.stride] = left;
  }
}
`;
}
