/**
 * Particle metrics of the two-layer network (docs/science.md sections 2, 3, 5): per-neuron magnitudes
 * and displacements (O(m d)), ReLU activity and activation-pattern changes (O(n m)), and their
 * one-workgroup summaries. Neuron j is the particle theta_j = (a_j, w_j, b_j); layouts of
 * src/core/conventions.ts: W [m x d], a and b [m], H [n x m] (an entry is active iff H_ij > 0,
 * so H, Z or the 0/1 mask all serve). Every sum runs in a fixed order: bitwise reproducible.
 */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE, REDUCTION_WORKGROUP_SIZE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import { elementIndexWgsl, entryArgumentsWgsl, treeReductionWgsl } from './metrics-common.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';

export type ParticleMetricsVariant = Record<string, never>;

export interface NeuronStatsVariant {
  /** Whether theta_j includes a bias b_j (adds two bindings). */
  readonly hasBias: boolean;
}

/** Uniform of neuron_stats: m and d. */
export const NEURON_STATS_PARAMS = uniformStruct('NeuronStatsParams', { width: 'u32', input_dim: 'u32' });

/** Uniform of neuron_activity: n and m. */
export const NEURON_ACTIVITY_PARAMS = uniformStruct('NeuronActivityParams', { sample_count: 'u32', width: 'u32' });

/** Uniform of summarize_neurons: m, and the magnitude above which a neuron counts as living. */
export const SUMMARIZE_NEURONS_PARAMS = uniformStruct('SummarizeNeuronsParams', { width: 'u32', living_threshold: 'f32' });

/** Uniform of summarize_activity: m. */
export const SUMMARIZE_ACTIVITY_PARAMS = uniformStruct('SummarizeActivityParams', { width: 'u32' });



/**
 * neuron_stats, one thread per neuron j, into stats [3 x m]:
 *   stats[0, j] = |a_j| |w_j|                          (magnitude; living neurons, quenching)
 *   stats[1, j] = |a_j| |(w_j, b_j)|                    (term of the path norm)
 *   stats[2, j] = |theta_j - theta_j(0)|                (distance from initialisation)
 */
export function neuronStatsSource(variant: NeuronStatsVariant): string {
  return wgsl`
${NEURON_STATS_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${NEURON_STATS_PARAMS.name};
@group(0) @binding(1) var<storage, read> second_layer: array<f32>;
@group(0) @binding(2) var<storage, read> first_layer: array<f32>;
@group(0) @binding(3) var<storage, read> initial_second_layer: array<f32>;
@group(0) @binding(4) var<storage, read> initial_first_layer: array<f32>;
@group(0) @binding(5) var<storage, read_write> stats: array<f32>;
#if ${variant.hasBias}
@group(0) @binding(6) var<storage, read> bias: array<f32>;
@group(0) @binding(7) var<storage, read> initial_bias: array<f32>;
#endif
${elementIndexWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn neuron_stats(${entryArgumentsWgsl}) {
  let j = element_index(workgroup_id, workgroup_count, local);
  if (j >= params.width) { return; }
  let a = second_layer[j];
  let moved_a = a - initial_second_layer[j];
  var weight_norm_squared = 0.0;
  var displacement_squared = moved_a * moved_a;
  for (var k = 0u; k < params.input_dim; k = k + 1u) {
    let w = first_layer[j * params.input_dim + k];
    let moved_w = w - initial_first_layer[j * params.input_dim + k];
    weight_norm_squared = weight_norm_squared + w * w;
    displacement_squared = displacement_squared + moved_w * moved_w;
  }
  var path_norm_squared = weight_norm_squared;
#if ${variant.hasBias}
  let b = bias[j];
  let moved_b = b - initial_bias[j];
  path_norm_squared = path_norm_squared + b * b;
  displacement_squared = displacement_squared + moved_b * moved_b;
#endif
  stats[j] = abs(a) * sqrt(weight_norm_squared);
  stats[params.width + j] = abs(a) * sqrt(path_norm_squared);
  stats[2u * params.width + j] = sqrt(displacement_squared);
}
`;
}

/**
 * neuron_activity, one thread per neuron j walking the samples in order (neighbouring threads read
 * neighbouring H_ij, so the loads coalesce), into activity [2 x m] (u32):
 *   activity[0, j] = #{i : H_ij > 0}                          (neuron j is activated iff > 0)
 *   activity[1, j] = #{i : 1[H_ij > 0] != 1[H_ij(0) > 0]}    (changed activation pattern)
 */
export function neuronActivitySource(_variant: ParticleMetricsVariant): string {
  return wgsl`
${NEURON_ACTIVITY_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${NEURON_ACTIVITY_PARAMS.name};
@group(0) @binding(1) var<storage, read> activation: array<f32>;
@group(0) @binding(2) var<storage, read> initial_activation: array<f32>;
@group(0) @binding(3) var<storage, read_write> activity: array<u32>;
${elementIndexWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn neuron_activity(${entryArgumentsWgsl}) {
  let j = element_index(workgroup_id, workgroup_count, local);
  if (j >= params.width) { return; }
  var active_samples = 0u;
  var changed_entries = 0u;
  for (var i = 0u; i < params.sample_count; i = i + 1u) {
    // n m < 2^30 (H fits one storage binding), so the index fits a u32.
    let now = activation[i * params.width + j] > 0.0;
    let before = initial_activation[i * params.width + j] > 0.0;
    active_samples = active_samples + select(0u, 1u, now);
    changed_entries = changed_entries + select(0u, 1u, now != before);
  }
  activity[j] = active_samples;
  activity[params.width + j] = changed_entries;
}
`;
}

/**
 * summarize_neurons, one workgroup over stats [3 x m], into summary [5]:
 *   [0] max_j |theta_j - theta_j(0)|     [1] sqrt((1/m) sum_j |theta_j - theta_j(0)|^2)
 *   [2] path norm sum_j |a_j| |(w_j, b_j)|   [3] max_j |a_j| |w_j|
 *   [4] living neurons #{j : |a_j| |w_j| > threshold * max_k |a_k| |w_k|}  (exact in f32: m < 2^24)
 */
export function summarizeNeuronsSource(_variant: ParticleMetricsVariant): string {
  return wgsl`
${SUMMARIZE_NEURONS_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${SUMMARIZE_NEURONS_PARAMS.name};
@group(0) @binding(1) var<storage, read> stats: array<f32>;
@group(0) @binding(2) var<storage, read_write> summary: array<f32>;
${linearWorkgroupIndex}
// (max displacement, sum of squared displacements, path norm, max magnitude)
${treeReductionWgsl({ name: 'tree_stats', type: 'vec4f', combine: (l, r) => `vec4f(max(${l}.x, ${r}.x), ${l}.y + ${r}.y, ${l}.z + ${r}.z, max(${l}.w, ${r}.w))` })}
${treeReductionWgsl({ name: 'tree_count', type: 'u32', combine: (l, r) => `${l} + ${r}` })}
@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn summarize_neurons(${entryArgumentsWgsl}) {
  if (linear_workgroup_index(workgroup_id, workgroup_count) != 0u) { return; }
  let m = params.width;
  var partial = vec4f(0.0);
  for (var j = local; j < m; j = j + ${REDUCTION_WORKGROUP_SIZE}u) {
    let displacement = stats[2u * m + j];
    partial = vec4f(max(partial.x, displacement), partial.y + displacement * displacement, partial.z + stats[m + j], max(partial.w, stats[j]));
  }
  let totals = tree_stats(local, partial);
  let living_floor = params.living_threshold * totals.w;
  var living = 0u;
  for (var j = local; j < m; j = j + ${REDUCTION_WORKGROUP_SIZE}u) {
    living = living + select(0u, 1u, stats[j] > living_floor);
  }
  let living_total = tree_count(local, living);
  if (local == 0u) {
    summary[0] = totals.x;
    summary[1] = sqrt(totals.y / f32(m));
    summary[2] = totals.z;
    summary[3] = totals.w;
    summary[4] = f32(living_total);
  }
}
`;
}

/**
 * summarize_activity, one workgroup over activity [2 x m], into activity_summary [2] (u32):
 *   [0] activated neurons #{j : activity[0, j] > 0}     [1] changed mask entries sum_j activity[1, j]
 */
export function summarizeActivitySource(_variant: ParticleMetricsVariant): string {
  return wgsl`
${SUMMARIZE_ACTIVITY_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${SUMMARIZE_ACTIVITY_PARAMS.name};
@group(0) @binding(1) var<storage, read> activity: array<u32>;
@group(0) @binding(2) var<storage, read_write> activity_summary: array<u32>;
${linearWorkgroupIndex}
${treeReductionWgsl({ name: 'tree_counts', type: 'vec2u', combine: (l, r) => `${l} + ${r}` })}
@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn summarize_activity(${entryArgumentsWgsl}) {
  if (linear_workgroup_index(workgroup_id, workgroup_count) != 0u) { return; }
  let m = params.width;
  var partial = vec2u(0u);
  for (var j = local; j < m; j = j + ${REDUCTION_WORKGROUP_SIZE}u) {
    partial = partial + vec2u(select(0u, 1u, activity[j] > 0u), activity[m + j]);
  }
  let totals = tree_counts(local, partial);
  if (local == 0u) {
    activity_summary[0] = totals.x;
    activity_summary[1] = totals.y;
  }
}
`;
}
