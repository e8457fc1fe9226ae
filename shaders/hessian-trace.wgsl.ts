/**
 * The exact trace of the two-layer network's Hessian (derivation in src/float64/hessian-trace.ts):
 *   Tr H = (1/n) sum_i l''(f_i, y_i) K_ii,
 *   K_ii = c^2 sum_j [ H_ij^2 [a trainable] + a_j^2 M_ij (|x_i|^2 + [bias]) [first layer trainable] ],
 * c = alpha s_m, H = relu(X W^T + b), M = 1[H > 0], f_i = c sum_j a_j H_ij (- f0_i when centered).
 *
 * Design: the forward pass is fused into trace_terms, one workgroup per sample, instead of reusing
 * the matmul (bias-relu epilogue) and output_loss as GpuHessian does. Every quantity is a row sum
 * over j of values that depend on z_ij alone, so a workgroup can form z_ij, use it four ways and drop
 * it: no [n x m] H buffer is written and read back (two passes over n m floats saved, and n m is no
 * longer bounded by one storage binding), and one dispatch replaces three. Each workgroup reads all of
 * W (m d floats, from cache after the first), which is what the untiled product costs; the presets'
 * d is small (2 to 64), and the trace is a metric, taken every few hundred steps, not per step.
 * A workgroup per sample, not a thread, keeps the GPU busy when n is small (the default n = 128 would
 * be two workgroups of threads each walking m = 2048 neurons alone).
 * trace_total then adds the n per-sample terms in one workgroup, in a fixed order, so the trace is
 * bitwise reproducible.
 */
import { wgsl } from './preprocessor';
import { REDUCTION_WORKGROUP_SIZE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import { entryArgumentsWgsl, treeReductionWgsl, treeSumWgsl } from './metrics-common.wgsl';
import { lossesWgsl } from './losses.wgsl';
import { lossCode } from '../src/core/conventions';
import { uniformStruct } from '../src/core/uniform-struct';

/** The optional bindings of trace_terms: b [m] with a bias, f0 [n] for a centered model. */
export interface TraceTermsVariant {
  readonly hasBias: boolean;
  readonly centered: boolean;
}

/** trace_total has one layout. */
export type TraceTotalVariant = Record<string, never>;

/** Storage bindings of trace_terms by wrapper key, in binding order (1, 2, ...). */
export function traceTermsBindingKeys(variant: TraceTermsVariant): string[] {
  return ['X', 'y', 'a', 'W', 'terms', ...(variant.hasBias ? ['b'] : []), ...(variant.centered ? ['outputOffset'] : [])];
}

/** Uniform of trace_terms. */
export const TRACE_TERMS_PARAMS = uniformStruct('TraceTermsParams', {
  sample_count: 'u32',
  width: 'u32',
  input_dim: 'u32',
  loss_code: 'u32',
  // c = alpha s_m, and c^2 / n (rounded once from float64).
  output_scale: 'f32',
  term_scale: 'f32',
  // 1 when the layer is trainable, else 0: which blocks of grad f_i count in K_ii.
  second_layer_weight: 'f32',
  first_layer_weight: 'f32',
});

/** Uniform of trace_total: the number of terms to add. */
export const TRACE_TOTAL_PARAMS = uniformStruct('TraceTotalParams', { sample_count: 'u32' });

/** Sums of the four row quantities: `fn tree_sum4(local, value) -> vec4f`, the total in every thread. */
const treeSum4Wgsl = treeReductionWgsl({ name: 'tree_sum4', type: 'vec4f', combine: (left, right) => `${left} + ${right}` });

/**
 * trace_terms: workgroup i writes terms[i] = l''(f_i, y_i) K_ii / n. Thread t walks neurons
 * j = t, t + WG, ... in order (and input coordinates k likewise for |x_i|^2); the fixed tree adds the
 * partials. The trainable parts enter as 0/1 weights in the uniform: one pipeline serves all three.
 */
export function traceTermsSource(variant: TraceTermsVariant): string {
  const { hasBias, centered } = variant;
  // The optional bindings follow terms (5) in traceTermsBindingKeys' order.
  const offsetBinding = hasBias ? 7 : 6;
  return wgsl`
${TRACE_TERMS_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${TRACE_TERMS_PARAMS.name};
@group(0) @binding(1) var<storage, read> inputs: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<f32>;
@group(0) @binding(3) var<storage, read> second_layer: array<f32>;
@group(0) @binding(4) var<storage, read> first_layer: array<f32>;
@group(0) @binding(5) var<storage, read_write> terms: array<f32>;
#if ${hasBias}
@group(0) @binding(6) var<storage, read> bias: array<f32>;
#endif
#if ${centered}
@group(0) @binding(${offsetBinding}) var<storage, read> output_offset: array<f32>;
#endif
${linearWorkgroupIndex}${treeSum4Wgsl}${lossesWgsl}
// l''(f, y): square 1; logistic y^2 sigmoid(y f) sigmoid(-y f) (each factor through exp(-|y f|), so
// neither overflows nor cancels); exponential y^2 exp(-y f).
fn loss_curvature(f: f32, y: f32) -> f32 {
  if (params.loss_code == ${lossCode('logistic')}u) { return y * y * sigmoid(y * f) * sigmoid(-y * f); }
  if (params.loss_code == ${lossCode('exponential')}u) { return y * y * exp(-y * f); }
  return 1.0;
}

@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn trace_terms(${entryArgumentsWgsl}) {
  let i = linear_workgroup_index(workgroup_id, workgroup_count);
  // Uniform over the workgroup, so the barriers in tree_sum4 stay in uniform control flow.
  if (i >= params.sample_count) { return; }
  let x_start = i * params.input_dim;
  // (sum_j a_j H_ij, sum_j H_ij^2, sum_j a_j^2 M_ij, |x_i|^2)
  var partial = vec4f(0.0);
  for (var k = local; k < params.input_dim; k = k + ${REDUCTION_WORKGROUP_SIZE}u) {
    let x = inputs[x_start + k];
    partial.w = partial.w + x * x;
  }
  for (var j = local; j < params.width; j = j + ${REDUCTION_WORKGROUP_SIZE}u) {
    // z_ij = w_j . x_i + b_j
#if ${hasBias}
    var z = bias[j];
#else
    var z = 0.0;
#endif
    let w_start = j * params.input_dim;
    for (var k = 0u; k < params.input_dim; k = k + 1u) {
      z = z + first_layer[w_start + k] * inputs[x_start + k];
    }
    if (z > 0.0) {
      let a = second_layer[j];
      partial = partial + vec4f(a * z, z * z, a * a, 0.0);
    }
  }
  let sums = tree_sum4(local, partial);
  if (local != 0u) { return; }
#if ${centered}
  // f_i = c sum_j a_j H_ij - f0_i: l'' is taken at the centered output.
  let f = params.output_scale * sums.x - output_offset[i];
#else
  // f_i = c sum_j a_j H_ij
  let f = params.output_scale * sums.x;
#endif
#if ${hasBias}
  let input_norm = sums.w + 1.0;
#else
  let input_norm = sums.w;
#endif
  // K_ii / c^2 = sum_j H_ij^2 [a] + (|x_i|^2 + [bias]) sum_j a_j^2 M_ij [W, b]
  let gradient_norm = params.second_layer_weight * sums.y + params.first_layer_weight * input_norm * sums.z;
  // terms_i = l''(f_i, y_i) (c^2 / n) (K_ii / c^2)
  terms[i] = loss_curvature(f, labels[i]) * params.term_scale * gradient_norm;
}
`;
}

/** trace_total: one workgroup adds terms[0..n) (thread t: i = t, t + WG, ... in order, then the fixed tree) into trace[0]. */
export function traceTotalSource(_variant: TraceTotalVariant): string {
  return wgsl`
${TRACE_TOTAL_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${TRACE_TOTAL_PARAMS.name};
@group(0) @binding(1) var<storage, read> terms: array<f32>;
@group(0) @binding(2) var<storage, read_write> trace: array<f32>;
${linearWorkgroupIndex}${treeSumWgsl}
@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn trace_total(${entryArgumentsWgsl}) {
  if (linear_workgroup_index(workgroup_id, workgroup_count) != 0u) { return; }
  var partial = 0.0;
  for (var i = local; i < params.sample_count; i = i + ${REDUCTION_WORKGROUP_SIZE}u) {
    partial = partial + terms[i];
  }
  // Tr H = sum_i terms_i
  let total = tree_sum(local, partial);
  if (local == 0u) { trace[0] = total; }
}
`;
}
