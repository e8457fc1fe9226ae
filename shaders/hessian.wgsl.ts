/**
 * Hessian-vector products of the two-layer network's empirical risk, and the vector kernels of
 * Hutchinson's trace estimate (the sharpness's Lanczos recurrence is the lanczos family). The derivation is in src/float64/hessian.ts:
 * with c = alpha s_m, r_i = l'(f_i, y_i) / n, q_i = l''(f_i, y_i) / n, S = X vW^T (a matmul),
 * s_ij = S_ij + vb_j and M_ij = 1[H_ij > 0]:
 *   hvp_jvp:      u_i = c sum_j [va_j H_ij + a_j M_ij s_ij],  t_i = q_i u_i           (per sample)
 *   hvp_neurons:  (Hv)_a_j = c sum_i [t_i H_ij + r_i M_ij s_ij],
 *                 k_ij = c M_ij [t_i a_j + r_i va_j],  (Hv)_b_j = sum_i k_ij          (per neuron)
 *   then (Hv)_W = k^T X by the matmul family.
 * A vector of parameter space lives in three buffers (a [m], W [m d], b [m]); the vector kernels
 * address them through one flat index e over [a | W | b].
 * Every sum runs in a fixed order, so results are bitwise reproducible.
 */
import { wgsl } from './preprocessor';
import { headParamsWgsl } from './two-layer.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE, REDUCTION_WORKGROUP_SIZE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import { elementIndexWgsl, entryArgumentsWgsl, treeSumWgsl } from './metrics-common.wgsl';
import { lossCode } from '../src/core/conventions';
import { threefryWgsl } from './random.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';
import { declareBindings, read, write, type StorageBinding } from './storage-bindings.wgsl';
import { VECTOR_BLOCK_FIELDS, flatAccessors, vectorParamsWgsl } from './flat-vector.wgsl';

/** Which blocks of the Hessian exist: trainable first layer (W, and b when hasBias), trainable second layer (a). */
export interface HvpVariant {
  readonly firstLayer: boolean;
  readonly secondLayer: boolean;
  readonly hasBias: boolean;
}

/** Vector kernels bind the bias blocks only when the network has a bias. */
export interface VectorVariant {
  readonly hasBias: boolean;
}

/** Elements of the flat vector that one vector_dots workgroup reduces: each thread sums REDUCTION_WORKGROUP_SIZE of them. */
export const VECTOR_DOTS_CHUNK = REDUCTION_WORKGROUP_SIZE * REDUCTION_WORKGROUP_SIZE;

/** Storage bindings of hvp_jvp, in binding order (1, 2, ...). */
export function hvpJvpBindings(v: HvpVariant): StorageBinding[] {
  return [
    read('activation', 'activation'),
    read('output', 'outputs'),
    read('y', 'labels'),
    write('weightedJvp', 'weighted_jvp'),
    ...(v.secondLayer ? [read('directionA', 'direction_a')] : []),
    ...(v.firstLayer ? [read('a', 'second_layer'), read('directionHidden', 'direction_hidden')] : []),
    ...(v.firstLayer && v.hasBias ? [read('directionB', 'direction_bias')] : []),
  ];
}

/** Storage bindings of hvp_neurons, in binding order. */
export function hvpNeuronsBindings(v: HvpVariant): StorageBinding[] {
  const both = v.firstLayer && v.secondLayer;
  return [
    read('activation', 'activation'),
    read('weightedJvp', 'weighted_jvp'),
    ...(v.secondLayer ? [write('productA', 'product_a')] : []),
    ...(v.firstLayer ? [read('a', 'second_layer'), write('hiddenCoefficient', 'hidden_coefficient')] : []),
    ...(v.firstLayer && v.hasBias ? [write('productB', 'product_bias')] : []),
    ...(both ? [read('outputGrad', 'output_grad'), read('directionA', 'direction_a'), read('directionHidden', 'direction_hidden')] : []),
    ...(both && v.hasBias ? [read('directionB', 'direction_bias')] : []),
  ];
}

/** Storage bindings of vector_dots. */
export function vectorDotsBindings(v: VectorVariant): StorageBinding[] {
  return [
    read('directionA', 'direction_a'),
    read('directionW', 'direction_weights'),
    read('productA', 'product_a'),
    read('productW', 'product_weights'),
    write('partials', 'partials'),
    ...(v.hasBias ? [read('directionB', 'direction_bias'), read('productB', 'product_bias')] : []),
  ];
}

/** Storage bindings of vector_dots_total. */
export function vectorDotsTotalBindings(): StorageBinding[] {
  return [read('partials', 'partials'), write('state', 'state', PROBE_STATE.name), write('history', 'history')];
}

/** Storage bindings of rademacher_fill. */
export function rademacherFillBindings(v: VectorVariant): StorageBinding[] {
  return [
    read('state', 'state', PROBE_STATE.name),
    write('directionA', 'direction_a'),
    write('directionW', 'direction_weights'),
    ...(v.hasBias ? [write('directionB', 'direction_bias')] : []),
  ];
}

/** Uniforms of hvp_jvp and hvp_neurons: the layout of two-layer's head kernels. */
const hvpParams = headParamsWgsl;

/** Uniform of vector_dots and rademacher_fill: the block sizes, then the Rademacher stream key and which layers are trainable. */
export const VECTOR_PARAMS = uniformStruct('VectorParams', {
  ...VECTOR_BLOCK_FIELDS,
  seed: 'u32',
  stream: 'u32',
  second_layer_on: 'u32',
  first_layer_on: 'u32',
});
const vectorParams = vectorParamsWgsl(VECTOR_PARAMS);

/** Uniform of vector_dots_total: the partials to add, and the history slots there are. */
export const VECTOR_DOTS_TOTAL_PARAMS = uniformStruct('VectorDotsTotalParams', { partial_count: 'u32', history_capacity: 'u32' });

/**
 * count = reductions so far (history slot, probe index). A storage struct, declared like a uniform
 * one: 32-bit scalars sit at the same offsets in both address spaces.
 */
export const PROBE_STATE = uniformStruct('ProbeState', { count: 'u32' });

/**
 * hvp_jvp: one workgroup per sample i. Thread t sums over j = t, t + WG, ... in order, a fixed tree adds
 * the partials; thread 0 writes t_i = q_i u_i with q_i = l''(f_i, y_i) / n.
 */
export function hvpJvpSource(variant: HvpVariant): string {
  const { firstLayer, secondLayer, hasBias } = variant;
  return wgsl`${hvpParams}${declareBindings(hvpJvpBindings(variant))}
${linearWorkgroupIndex}${treeSumWgsl}
// l''(f, y): square 1; logistic y^2 sigmoid(t) sigmoid(-t) = y^2 e / (1 + e)^2 with t = -y f and
// e = exp(-|t|) in (0, 1], which never overflows; exponential y^2 exp(-y f).
fn loss_curvature(f: f32, y: f32) -> f32 {
  if (params.loss_code == ${lossCode('logistic')}u) {
    let e = exp(-abs(y * f));
    return y * y * e / ((1.0 + e) * (1.0 + e));
  }
  if (params.loss_code == ${lossCode('exponential')}u) { return y * y * exp(-y * f); }
  return 1.0;
}

@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn hvp_jvp(${entryArgumentsWgsl}) {
  let i = linear_workgroup_index(workgroup_id, workgroup_count);
  // Uniform over the workgroup, so the barriers in tree_sum stay in uniform control flow.
  if (i >= params.sample_count) { return; }
  let row_start = i * params.width;
  var partial = 0.0;
  for (var j = local; j < params.width; j = j + ${REDUCTION_WORKGROUP_SIZE}u) {
    let h = activation[row_start + j];
#if ${secondLayer}
    // va_j H_ij: the change of f_i along the second layer.
    partial = partial + direction_a[j] * h;
#endif
#if ${firstLayer}
    // a_j M_ij s_ij, s_ij = vW_j . x_i + vb_j: along the first layer, through the ReLU mask.
    var hidden_direction = direction_hidden[row_start + j];
#if ${hasBias}
    hidden_direction = hidden_direction + direction_bias[j];
#endif
    partial = partial + select(0.0, second_layer[j] * hidden_direction, h > 0.0);
#endif
  }
  let total = tree_sum(local, partial);
  if (local == 0u) {
    // u_i = c sum_j [...];  t_i = (l''(f_i, y_i) / n) u_i
    let jvp = params.output_scale * total;
    weighted_jvp[i] = loss_curvature(outputs[i], labels[i]) / f32(params.sample_count) * jvp;
  }
}
`;
}

/**
 * hvp_neurons: one thread per neuron j, looping over i = 0..n-1 in order (like two-layer's
 * neuron_grads); neighbouring threads touch neighbouring H[i m + j], so loads and the stores of
 * k_ij coalesce.
 */
export function hvpNeuronsSource(variant: HvpVariant): string {
  const { firstLayer, secondLayer, hasBias } = variant;
  const both = firstLayer && secondLayer;
  return wgsl`${hvpParams}${declareBindings(hvpNeuronsBindings(variant))}
${elementIndexWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn hvp_neurons(${entryArgumentsWgsl}) {
  let j = element_index(workgroup_id, workgroup_count, local);
  if (j >= params.width) { return; }
#if ${secondLayer}
  var sum_a = 0.0;
#endif
#if ${firstLayer}
  let a_j = second_layer[j];
#endif
#if ${firstLayer && hasBias}
  var sum_b = 0.0;
#endif
#if ${both}
  let va_j = direction_a[j];
#endif
#if ${both && hasBias}
  let vb_j = direction_bias[j];
#endif
  for (var i = 0u; i < params.sample_count; i = i + 1u) {
    let element = i * params.width + j;
    let h = activation[element];
    let is_active = h > 0.0;
    let t = weighted_jvp[i];
#if ${secondLayer}
    // Gauss-Newton part of (Hv)_a_j: t_i H_ij
    sum_a = sum_a + t * h;
#endif
#if ${both}
    // Curvature of f: r_i M_ij s_ij into (Hv)_a_j, r_i va_j into k_ij.
    var hidden_direction = direction_hidden[element];
#if ${hasBias}
    hidden_direction = hidden_direction + vb_j;
#endif
    let r = output_grad[i];
    sum_a = sum_a + select(0.0, r * hidden_direction, is_active);
    // k_ij = c M_ij [t_i a_j + r_i va_j]
    let coefficient = select(0.0, params.output_scale * (t * a_j + r * va_j), is_active);
#elif ${firstLayer}
    // k_ij = c M_ij t_i a_j (va = 0: the second layer is frozen)
    let coefficient = select(0.0, params.output_scale * t * a_j, is_active);
#endif
#if ${firstLayer}
    hidden_coefficient[element] = coefficient;
#endif
#if ${firstLayer && hasBias}
    sum_b = sum_b + coefficient;
#endif
  }
#if ${secondLayer}
  // (Hv)_a_j = c sum_i [t_i H_ij + r_i M_ij s_ij]
  product_a[j] = params.output_scale * sum_a;
#endif
#if ${firstLayer && hasBias}
  // (Hv)_b_j = sum_i k_ij
  product_bias[j] = sum_b;
#endif
}
`;
}

/**
 * vector_dots: workgroup g reduces elements [g CHUNK, (g + 1) CHUNK) of v . Hv into partials[g]: thread t
 * sums e = start + t, start + t + WG, ... in order, then the fixed tree.
 */
export function vectorDotsSource(variant: VectorVariant): string {
  return wgsl`${vectorParams}${declareBindings(vectorDotsBindings(variant))}
${linearWorkgroupIndex}${treeSumWgsl}${flatAccessors(variant.hasBias)}
@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn vector_dots(${entryArgumentsWgsl}) {
  let g = linear_workgroup_index(workgroup_id, workgroup_count);
  let total = vector_length();
  let chunk_start = g * ${VECTOR_DOTS_CHUNK}u;
  // Uniform over the workgroup (it depends on the workgroup index only).
  if (chunk_start >= total) { return; }
  let chunk_end = min(chunk_start + ${VECTOR_DOTS_CHUNK}u, total);
  var partial = 0.0;
  for (var e = chunk_start + local; e < chunk_end; e = e + ${REDUCTION_WORKGROUP_SIZE}u) {
    partial = partial + direction_at(e) * product_at(e);
  }
  let sum = tree_sum(local, partial);
  if (local == 0u) { partials[g] = sum; }
}
`;
}

/** vector_dots_total: one workgroup adds the partials in a fixed order; history[count] = z . Hz, count += 1. */
export function vectorDotsTotalSource(_variant: VectorVariant): string {
  return wgsl`
${VECTOR_DOTS_TOTAL_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${VECTOR_DOTS_TOTAL_PARAMS.name};
${PROBE_STATE.wgsl}
${declareBindings(vectorDotsTotalBindings())}
${linearWorkgroupIndex}${treeSumWgsl}
@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn vector_dots_total(${entryArgumentsWgsl}) {
  if (linear_workgroup_index(workgroup_id, workgroup_count) != 0u) { return; }
  var partial = 0.0;
  for (var g = local; g < params.partial_count; g = g + ${REDUCTION_WORKGROUP_SIZE}u) {
    partial = partial + partials[g];
  }
  let sum = tree_sum(local, partial);
  if (local == 0u) {
    let count = state.count;
    if (count < params.history_capacity) { history[count] = sum; }
    state.count = count + 1u;
  }
}
`;
}

/**
 * rademacher_fill: probe k = state.count, z_e = 1 - 2 (top bit of word 0 of threefry((seed, stream), (e, k)))
 * on trainable blocks and 0 on frozen ones (the stream of rademacherProbe in src/float64/hessian.ts).
 */
export function rademacherFillSource(variant: VectorVariant): string {
  return wgsl`${vectorParams}${PROBE_STATE.wgsl}
${declareBindings(rademacherFillBindings(variant))}
${elementIndexWgsl}${threefryWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn rademacher_fill(${entryArgumentsWgsl}) {
  let e = element_index(workgroup_id, workgroup_count, local);
  if (e >= vector_length()) { return; }
  let bits = rng_threefry2x32(vec2u(params.seed, params.stream), vec2u(e, state.count)).x;
  let z = 1.0 - 2.0 * f32(bits >> 31u);
  if (e < params.a_count) {
    direction_a[e] = select(0.0, z, params.second_layer_on != 0u);
    return;
  }
  let k = e - params.a_count;
  let first = select(0.0, z, params.first_layer_on != 0u);
#if ${variant.hasBias}
  if (k >= params.weight_count) {
    direction_bias[k - params.weight_count] = first;
    return;
  }
#endif
  direction_weights[k] = first;
}
`;
}
