/**
 * Per-neuron ("particle") kernels of the two-layer network: the fused parameter update of one
 * GD/SGD step, and the minibatch gather. Layouts of src/core/conventions.ts: X [n x d], y [n],
 * W [m x d] (row j = neuron j), a [m], b [m].
 */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE } from './constants';
import { elementIndexWgsl, entryArgumentsWgsl } from './common.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';
import { updateWgsl, type BiasVariant } from './two-layer-passes.wgsl';

export type GatherRowsVariant = Record<string, never>;

export type NormalizeRowsVariant = Record<string, never>;

/** Whether the first layer has a bias b (and gradB): adds two bindings. */
export type UpdateNeuronsVariant = BiasVariant;

/** Uniform of gather_rows: B, d and n (an index >= n reads NaN). */
export const GATHER_ROWS_PARAMS = uniformStruct('GatherRowsParams', { batch_size: 'u32', input_dim: 'u32', sample_count: 'u32' });

/** Uniform of normalize_rows: m and d. */
export const NORMALIZE_ROWS_PARAMS = uniformStruct('NormalizeRowsParams', { width: 'u32', input_dim: 'u32' });



/**
 * Xb[k, c] = X[idx[k], c] and yb[k] = y[idx[k]], one thread per element of Xb (coalesced along c);
 * the thread of column 0 also copies the target. An index >= n (which the array helper rejects)
 * yields NaN rather than a silently clamped row.
 */
export function gatherRowsSource(_variant: GatherRowsVariant): string {
  return wgsl`
${GATHER_ROWS_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${GATHER_ROWS_PARAMS.name};
@group(0) @binding(1) var<storage, read> indices: array<u32>;
@group(0) @binding(2) var<storage, read> inputs: array<f32>;
@group(0) @binding(3) var<storage, read> targets: array<f32>;
@group(0) @binding(4) var<storage, read_write> batch_inputs: array<f32>;
@group(0) @binding(5) var<storage, read_write> batch_targets: array<f32>;
${elementIndexWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn gather_rows(${entryArgumentsWgsl}) {
  let e = element_index(workgroup_id, workgroup_count, local);
  if (e >= params.batch_size * params.input_dim) { return; }
  let k = e / params.input_dim;
  let column = e - k * params.input_dim;
  let row = indices[k];
  let in_range = row < params.sample_count;
  // A runtime NaN (bit pattern 0x7FC00000) for rows out of range; the read itself stays in bounds.
  let nan = bitcast<f32>(0x7FC00000u | (row & 0u));
  let safe_row = select(0u, row, in_range);
  batch_inputs[e] = select(nan, inputs[safe_row * params.input_dim + column], in_range);
  if (column == 0u) {
    batch_targets[k] = select(nan, targets[safe_row], in_range);
  }
}
`;
}

/**
 * update_neurons: one descent step on every neuron, a_j -= lr_a gradA_j, W_jc -= lr_w gradW_jc,
 * b_j -= lr_w gradB_j, fused so each parameter is read and written once: the 'single' layout of the update in
 * two-layer-passes.wgsl.ts (whose 'batch' layout is batch_update). A step size of exactly 0 skips the write.
 */
export function updateNeuronsSource(variant: UpdateNeuronsVariant): string {
  return updateWgsl('single', variant);
}

/**
 * The retraction onto the unit sphere after a descent step (docs/science.md section 1, E-Ma-Wu particles
 * on the circle): w_j <- w_j / |w_j|, so a step reads w <- (w - lr g) / |w - lr g|, which for small lr
 * follows the Riemannian gradient flow on the sphere. One thread per neuron (row of W [m x d]).
 * A zero row stays zero (0/0 would be NaN); it can only arise from an exact cancellation.
 */
export function normalizeRowsSource(_variant: NormalizeRowsVariant): string {
  return wgsl`
${NORMALIZE_ROWS_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${NORMALIZE_ROWS_PARAMS.name};
@group(0) @binding(1) var<storage, read_write> w: array<f32>;
${elementIndexWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn normalize_rows(${entryArgumentsWgsl}) {
  let j = element_index(workgroup_id, workgroup_count, local);
  if (j >= params.width) { return; }
  let start = j * params.input_dim;
  var squares = 0.0;
  for (var c = 0u; c < params.input_dim; c++) {
    squares += w[start + c] * w[start + c];
  }
  if (squares > 0.0) {
    let inverse = 1.0 / sqrt(squares);
    for (var c = 0u; c < params.input_dim; c++) {
      w[start + c] = w[start + c] * inverse;
    }
  }
}
`;
}
