/**
 * Sliced Wasserstein-2 (Rabin, Peyre, Delon and Bernot 2011): project both clouds on L unit
 * directions theta_l, sort each projection (shaders/sort.wgsl.ts), and take the 1-D W2^2 of the
 * sorted projections,
 *   SW2^2 = (1/L) sum_l W2^2(theta_l # mu, theta_l # nu),
 *   W2^2 in 1-D = int_0^1 (F^-1(t) - G^-1(t))^2 dt  (quantile matching).
 * For uniform weights on n and p points the quantile functions are step functions on the grids
 * i/n and j/p, so the integral is exact as a sum over overlapping cells:
 *   sum_i sum_j |[i/n, (i+1)/n) cap [j/p, (j+1)/p)| (x_(i) - y_(j))^2,
 * which for n = p is (1/n) sum_i (x_(i) - y_(i))^2.
 */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE, REDUCTION_WORKGROUP_SIZE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import { F32_MAX_WGSL, elementIndexWgsl, entryArgumentsWgsl, treeSumWgsl } from './metrics-common.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';

export type SlicedVariant = Record<string, never>;

/** Uniform of project_rows: L, the points, the padded row length P, and k. */
export const PROJECT_ROWS_PARAMS = uniformStruct('ProjectRowsParams', { direction_count: 'u32', point_count: 'u32', padded_length: 'u32', dim: 'u32' });

/** Uniform of quantile_cost: L, and each cloud's size and padded row length. */
export const QUANTILE_COST_PARAMS = uniformStruct('QuantileCostParams', {
  direction_count: 'u32',
  x_count: 'u32',
  x_padded: 'u32',
  y_count: 'u32',
  y_padded: 'u32',
});


/**
 * keys[l, i] = <theta_l, x_i> for i < point_count, F32_MAX (the sort's pad key) for i < P: the
 * projections land directly in the padded layout the bitonic stages sort. One thread per key.
 */
export function projectRowsSource(_variant: SlicedVariant): string {
  return wgsl`
${PROJECT_ROWS_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${PROJECT_ROWS_PARAMS.name};
@group(0) @binding(1) var<storage, read> directions: array<f32>;
@group(0) @binding(2) var<storage, read> points: array<f32>;
@group(0) @binding(3) var<storage, read_write> keys: array<f32>;
${elementIndexWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn project_rows(${entryArgumentsWgsl}) {
  let e = element_index(workgroup_id, workgroup_count, local);
  if (e >= params.direction_count * params.padded_length) { return; }
  let l = e / params.padded_length;
  let i = e - l * params.padded_length;
  if (i >= params.point_count) {
    keys[e] = ${F32_MAX_WGSL};
    return;
  }
  var projection = 0.0;
  for (var c = 0u; c < params.dim; c = c + 1u) {
    projection = projection + directions[l * params.dim + c] * points[i * params.dim + c];
  }
  keys[e] = projection;
}
`;
}

/**
 * cost[l] = 1-D W2^2 between the sorted rows l of x_keys [L x Px] and y_keys [L x Py]. One
 * workgroup per direction; thread t takes cells i = t, t + WG, ... of the x grid, adds every
 * overlapping y cell in order, and a fixed tree sums the threads. Cell overlaps are exact integers
 * in units of 1/(n p) (the wrapper keeps n p < 2^32 for unequal clouds; equal clouds pair i with i).
 */
export function quantileCostSource(_variant: SlicedVariant): string {
  return wgsl`
${QUANTILE_COST_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${QUANTILE_COST_PARAMS.name};
@group(0) @binding(1) var<storage, read> x_keys: array<f32>;
@group(0) @binding(2) var<storage, read> y_keys: array<f32>;
@group(0) @binding(3) var<storage, read_write> cost: array<f32>;
${linearWorkgroupIndex}${treeSumWgsl}
@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn quantile_cost(${entryArgumentsWgsl}) {
  let l = linear_workgroup_index(workgroup_id, workgroup_count);
  // Uniform over the workgroup, so the barriers of tree_sum stay in uniform control flow.
  if (l >= params.direction_count) { return; }
  let n = params.x_count;
  let p = params.y_count;
  let cell_scale = 1.0 / (f32(n) * f32(p));
  var partial = 0.0;
  for (var i = local; i < n; i = i + ${REDUCTION_WORKGROUP_SIZE}u) {
    let x = x_keys[l * params.x_padded + i];
    if (n == p) {
      // Equal clouds: the quantile coupling pairs i with i (cells coincide, overlap p = 1/n of the mass);
      // no n p index arithmetic, so sizes up to the sort's limit work (65536 x 65536 overflows n p in u32).
      let difference = x - y_keys[l * params.y_padded + i];
      partial = partial + difference * difference / f32(n);
      continue;
    }
    // x cell [i p, (i+1) p) and y cell [j n, (j+1) n), in units of 1/(n p).
    let x_start = i * p;
    let x_end = x_start + p;
    for (var j = x_start / n; j * n < x_end; j = j + 1u) {
      let overlap = min(x_end, (j + 1u) * n) - max(x_start, j * n);
      let difference = x - y_keys[l * params.y_padded + j];
      partial = partial + f32(overlap) * cell_scale * difference * difference;
    }
  }
  let total = tree_sum(local, partial);
  if (local == 0u) {
    cost[l] = total;
  }
}
`;
}
