/**
 * Entropic optimal transport between uniform clouds x [n x k] and y [p x k] by log-domain
 * Sinkhorn iterations (Peyre and Cuturi, Computational Optimal Transport, section 4.4), with the
 * cost C_ij = |x_i - y_j|^2 recomputed on the fly: neither C nor the plan
 *   P_ij = a_i b_j exp((f_i + g_j - C_ij) / eps),  a_i = 1/n, b_j = 1/p,
 * is ever stored, so memory is O((n + p) k). exp(-C/eps) underflows in f32 for C/eps > 103, so
 * every sum over j is a log-sum-exp carried as a pair (M, S) meaning M + eps log S.
 *
 * One half step updates the potential of one side against the other (the same kernel serves f
 * and g by swapping the bindings):
 *   f_i <- -eps log( (1/p) sum_j exp((g_j - C_ij) / eps) ).
 * Each row is owned by `threadsPerRow` consecutive threads of a workgroup (the variant; a power of
 * two up to REDUCTION_WORKGROUP_SIZE, so one workgroup serves WG / threadsPerRow rows): they stride
 * over j and a fixed tree merges their pairs, so the result is bitwise reproducible. Many threads
 * per row suit long rows on a real GPU; one thread per row (no barrier at all) suits short rows and
 * software GPUs (SwiftShader), where a barrier costs a coroutine switch per thread.
 */
import { wgsl } from './preprocessor';
import { REDUCTION_WORKGROUP_SIZE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';
import { F32_MAX_WGSL, entryArgumentsWgsl, treeReductionWgsl } from './metrics-common.wgsl';

export interface SinkhornVariant {
  /** Threads cooperating on one row: a power of two in [1, REDUCTION_WORKGROUP_SIZE]. */
  readonly threadsPerRow: number;
}

/** Row and lane of this thread, and whether the row exists (threads past the end still reach the barriers). */
function rowOfThread(threadsPerRow: number): string {
  return /* wgsl */ `
  let row = linear_workgroup_index(workgroup_id, workgroup_count) * ${REDUCTION_WORKGROUP_SIZE / threadsPerRow}u + local / ${threadsPerRow}u;
  let lane = local & ${threadsPerRow - 1}u;
  let row_exists = row < params.count;
  // Threads past the last row loop over no column (and write nothing), but reach the barriers.
  let column_end = select(0u, params.other_count, row_exists);`;
}

/**
 * Both entry points read `points` (the rows of this workgroup's side), `other_points`, and the
 * potentials `potential` (this side) and `other_potential`.
 */
const squaredDistance = /* wgsl */ `
// C_ij = |points_i - other_points_j|^2, summed over the k coordinates in order.
fn squared_distance(row: u32, column: u32) -> f32 {
  var sum = 0.0;
  for (var c = 0u; c < params.dim; c = c + 1u) {
    let difference = points[row * params.dim + c] - other_points[column * params.dim + c];
    sum = sum + difference * difference;
  }
  return sum;
}
`;

/** Log-sum-exp pairs (M, S) = M + eps log S, and their merge; an empty pair is (-F32_MAX, 0). */
const logSumExp = (threadsPerRow: number) => /* wgsl */ `
// S exp((M - shift) / eps): the pair's sum expressed against a larger shift. An empty pair (S = 0)
// contributes 0 whatever its M (no 0 * exp(-inf) is evaluated).
fn lse_rescale(pair: vec2f, shift: f32) -> f32 {
  if (pair.y > 0.0) { return pair.y * exp((pair.x - shift) * params.inverse_epsilon); }
  return 0.0;
}

// Adds exp(value / eps) to the pair, keeping the shift at the running maximum (no exponent > 0).
fn lse_add(pair: vec2f, value: f32) -> vec2f {
  if (value > pair.x) { return vec2f(value, lse_rescale(pair, value) + 1.0); }
  return vec2f(pair.x, pair.y + exp((value - pair.x) * params.inverse_epsilon));
}

fn lse_merge(left: vec2f, right: vec2f) -> vec2f {
  let shift = max(left.x, right.x);
  return vec2f(shift, lse_rescale(left, shift) + lse_rescale(right, shift));
}
${treeReductionWgsl({ name: 'tree_lse', type: 'vec2f', combine: (l, r) => `lse_merge(${l}, ${r})`, segment: threadsPerRow })}
`;


/**
 * Uniform of sinkhorn_half_step: this side's and the other side's sizes, k, whether to store the new
 * potential (1) or only measure (0), and eps, 1 / eps and log(other_count) rounded once from float64.
 */
export const SINKHORN_HALF_STEP_PARAMS = uniformStruct('SinkhornHalfStepParams', {
  count: 'u32',
  other_count: 'u32',
  dim: 'u32',
  commit: 'u32',
  epsilon: 'f32',
  inverse_epsilon: 'f32',
  log_other_count: 'f32',
});

/** Uniform of sinkhorn_row_cost: n, p, k, and 1 / eps and log p rounded once from float64. */
export const SINKHORN_ROW_COST_PARAMS = uniformStruct('SinkhornRowCostParams', {
  count: 'u32',
  other_count: 'u32',
  dim: 'u32',
  inverse_epsilon: 'f32',
  log_other_count: 'f32',
});

/**
 * sinkhorn_half_step, threadsPerRow threads per row i of this side (count rows against other_count):
 *   new_i = -(M + eps log S) + eps log(other_count),  (M, S) = LSE_j (other_potential_j - C_ij),
 *   marginal_error_i = |exp((potential_i - new_i) / eps) - 1| = |r_i / a_i - 1|,
 * r_i the marginal of row i under the plan before the update. potential_i <- new_i when commit != 0
 * (commit = 0 measures the marginal error of the current plan without changing it).
 */
export function sinkhornHalfStepSource({ threadsPerRow }: SinkhornVariant): string {
  return wgsl`
${SINKHORN_HALF_STEP_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${SINKHORN_HALF_STEP_PARAMS.name};
@group(0) @binding(1) var<storage, read> points: array<f32>;
@group(0) @binding(2) var<storage, read> other_points: array<f32>;
@group(0) @binding(3) var<storage, read> other_potential: array<f32>;
@group(0) @binding(4) var<storage, read_write> potential: array<f32>;
@group(0) @binding(5) var<storage, read_write> marginal_error: array<f32>;
${linearWorkgroupIndex}${squaredDistance}${logSumExp(threadsPerRow)}
@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn sinkhorn_half_step(${entryArgumentsWgsl}) {${rowOfThread(threadsPerRow)}
  var pair = vec2f(-${F32_MAX_WGSL}, 0.0);
  for (var j = lane; j < column_end; j = j + ${threadsPerRow}u) {
    pair = lse_add(pair, other_potential[j] - squared_distance(row, j));
  }
  let total = tree_lse(local, pair);
  if (lane == 0u && row_exists) {
    // f_i = -eps log((1/p) sum_j exp((g_j - C_ij) / eps)) = -(M + eps log S) + eps log p
    let updated = params.epsilon * params.log_other_count - (total.x + params.epsilon * log(total.y));
    // r_i / a_i = exp((f_i - f_i^new) / eps); the exponent is capped so a far-from-converged plan
    // reports a large finite error rather than Inf.
    let ratio = exp(min((potential[row] - updated) * params.inverse_epsilon, 80.0));
    marginal_error[row] = abs(ratio - 1.0);
    if (params.commit != 0u) {
      potential[row] = updated;
    }
  }
}
`;
}

/**
 * sinkhorn_row_cost, threadsPerRow threads per row i of x:
 *   row_cost_i = n sum_j P_ij C_ij = sum_j exp((f_i + g_j - C_ij) / eps - log p) C_ij,
 * so the mean over rows is the transport cost <P, C>. Exponents are capped at 80 (finite output
 * for an unconverged plan; at convergence they are <= log p).
 */
export function sinkhornRowCostSource({ threadsPerRow }: SinkhornVariant): string {
  return wgsl`
${SINKHORN_ROW_COST_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${SINKHORN_ROW_COST_PARAMS.name};
@group(0) @binding(1) var<storage, read> points: array<f32>;
@group(0) @binding(2) var<storage, read> other_points: array<f32>;
@group(0) @binding(3) var<storage, read> potential: array<f32>;
@group(0) @binding(4) var<storage, read> other_potential: array<f32>;
@group(0) @binding(5) var<storage, read_write> row_cost: array<f32>;
${linearWorkgroupIndex}${squaredDistance}
${treeReductionWgsl({ name: 'tree_sum', type: 'f32', combine: (l, r) => `${l} + ${r}`, segment: threadsPerRow })}
@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn sinkhorn_row_cost(${entryArgumentsWgsl}) {${rowOfThread(threadsPerRow)}
  let f = potential[min(row, params.count - 1u)];
  var partial = 0.0;
  for (var j = lane; j < column_end; j = j + ${threadsPerRow}u) {
    let cost = squared_distance(row, j);
    let exponent = (f + other_potential[j] - cost) * params.inverse_epsilon - params.log_other_count;
    partial = partial + exp(min(exponent, 80.0)) * cost;
  }
  let total = tree_sum(local, partial);
  if (lane == 0u && row_exists) {
    row_cost[row] = total;
  }
}
`;
}
