/**
 * Element-wise kernels of the empirical NTK Gram (docs/science.md section 0). With s = alpha s_m,
 * H = relu(X W^T + b) [n x m] and Ma = M diag(|a|) (M = 1[H > 0]):
 *   K = s^2 [ H H^T  +  (Ma Ma^T) .* (X X^T + 1[bias]) ]
 *     = K^(a) + K^(w) (+ K^(b)),  since M diag(a^2) M^T = Ma Ma^T.
 * ntk_masked_scale writes Ma beneath H in one [2 x n x m] buffer, so a single batched matmul
 * (batch 2, C[b] = A[b] A[b]^T) gives H H^T and Ma Ma^T; ntk_combine adds them up with X X^T.
 */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE } from './constants';
import { uniformStruct } from '../src/core/uniform-struct';
import { elementIndexWgsl, entryArgumentsWgsl } from './metrics-common.wgsl';

export type NtkVariant = Record<string, never>;

/** Uniform of ntk_masked_scale: n m (the elements of H) and m. */
export const NTK_MASKED_SCALE_PARAMS = uniformStruct('NtkMaskedScaleParams', { element_count: 'u32', width: 'u32' });

/** Uniform of ntk_combine: n^2, s^2, and the 0/1 weights of the trainable parts. */
export const NTK_COMBINE_PARAMS = uniformStruct('NtkCombineParams', {
  element_count: 'u32',
  kernel_scale: 'f32',
  second_weight: 'f32',
  first_weight: 'f32',
  bias_weight: 'f32',
});

/** ntk_masked_scale: features[n m + e] = |a_j| 1[features[e] > 0] for e = i m + j < n m (features[0 .. n m) holds H). */
export function ntkMaskedScaleSource(_variant: NtkVariant): string {
  return wgsl`
${NTK_MASKED_SCALE_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${NTK_MASKED_SCALE_PARAMS.name};
@group(0) @binding(1) var<storage, read_write> features: array<f32>;
@group(0) @binding(2) var<storage, read> second_layer: array<f32>;
${elementIndexWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn ntk_masked_scale(${entryArgumentsWgsl}) {
  let e = element_index(workgroup_id, workgroup_count, local);
  if (e >= params.element_count) { return; }
  // (Ma)_ij = |a_j| M_ij, so (Ma Ma^T)_ik = sum_j a_j^2 M_ij M_kj = (M diag(a^2) M^T)_ik.
  let j = e % params.width;
  features[params.element_count + e] = select(0.0, abs(second_layer[j]), features[e] > 0.0);
}
`;
}

/**
 * ntk_combine: K_e = s^2 [ second_weight (H H^T)_e + first_weight (Ma Ma^T)_e ((X X^T)_e + bias_weight) ]
 * over the n^2 entries; the weights (0 or 1) select the trainable parts: second = a, first = (W, b).
 */
export function ntkCombineSource(_variant: NtkVariant): string {
  return wgsl`
${NTK_COMBINE_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${NTK_COMBINE_PARAMS.name};
@group(0) @binding(1) var<storage, read> feature_products: array<f32>;
@group(0) @binding(2) var<storage, read> input_gram: array<f32>;
@group(0) @binding(3) var<storage, read_write> ntk_gram: array<f32>;
${elementIndexWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn ntk_combine(${entryArgumentsWgsl}) {
  let e = element_index(workgroup_id, workgroup_count, local);
  if (e >= params.element_count) { return; }
  // K^(a) = s^2 H H^T;  K^(w) + K^(b) = s^2 (M diag(a^2) M^T) .* (X X^T + 1[bias])
  let second = feature_products[e];
  let first = feature_products[params.element_count + e] * (input_gram[e] + params.bias_weight);
  ntk_gram[e] = params.kernel_scale * (params.second_weight * second + params.first_weight * first);
}
`;
}
