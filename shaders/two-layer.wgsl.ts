/**
 * The two-layer network's head and backward pass on top of H = relu(X W^T + b) (docs/science.md section 0):
 *   f_i = alpha s_m sum_j a_j H_ij [- f0_i when centered],  l_i = l(f_i, y_i),  g_i = dL/df_i = l'(f_i, y_i) / n,
 *   L = (1/n) sum_i l_i,
 *   dL/da_j = alpha s_m sum_i g_i H_ij,  dL/db_j = alpha s_m a_j sum_i g_i 1[H_ij > 0],
 *   D_ij = dL/dZ_ij = alpha s_m g_i a_j 1[H_ij > 0], dL/dW = D^T X: by the matmul family's 'relu-grad' operand,
 *   or for small d by first_layer_grad (one thread per element of dL/dW); D is never stored.
 * Centered (lazy training, f_alpha = alpha (f_theta - f_theta0)): f0_i = alpha s_m sum_j a0_j H0_ij is a
 * constant per sample, so it shifts f (hence l and g) and nothing else; the gradient kernels are unchanged.
 * Every sum runs in a fixed order, so results are bitwise identical from run to run.
 */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE, REDUCTION_WORKGROUP_SIZE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import { lossCode } from '../src/core/conventions';
import { uniformStruct } from '../src/core/uniform-struct';

export type TwoLayerVariant = Record<string, never>;

/** output_loss centered subtracts a per-sample offset f0 (an extra read-only binding); otherwise it binds none. */
export interface OutputLossVariant {
  readonly centered: boolean;
}

/** neuron_grads with a bias also produces dL/db (and then reads a); without one it binds neither. */
export interface NeuronGradsVariant {
  readonly hasBias: boolean;
}

/**
 * Uniforms of output_loss and neuron_grads. The loss is a uniform, not a variant: the
 * branch is uniform over the dispatch (no divergence) and runs once per sample against m loads, and
 * one pipeline serves all three losses, so switching losses never recompiles.
 */
export const HEAD_PARAMS = uniformStruct('HeadParams', { sample_count: 'u32', width: 'u32', output_scale: 'f32', loss_code: 'u32' });

/** HEAD_PARAMS bound as `params` at @binding(0). */
export const headParamsWgsl = /* wgsl */ `
${HEAD_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${HEAD_PARAMS.name};
`;

/** Uniform of mean_loss: n, and the metrics slot L goes to. */
export const MEAN_LOSS_PARAMS = uniformStruct('MeanLossParams', { sample_count: 'u32', output_offset: 'u32' });

/** Uniform of first_layer_grad: the head's n, m and alpha s_m, then d. */
export const FIRST_LAYER_GRAD_PARAMS = uniformStruct('FirstLayerGradParams', {
  sample_count: 'u32',
  width: 'u32',
  output_scale: 'f32',
  input_dim: 'u32',
});

const headParams = `${headParamsWgsl}${linearWorkgroupIndex}`;

const elementIndex = /* wgsl */ `
fn element_index(workgroup_id: vec3u, workgroup_count: vec3u, local: u32) -> u32 {
  return linear_workgroup_index(workgroup_id, workgroup_count) * ${ELEMENTWISE_WORKGROUP_SIZE}u + local;
}
`;

/**
 * Fixed-shape tree over REDUCTION_WORKGROUP_SIZE partial sums; the total lands in partial_sums[0].
 * Must be reached by the whole workgroup (it holds barriers).
 */
const treeReduction = /* wgsl */ `
var<workgroup> partial_sums: array<f32, ${REDUCTION_WORKGROUP_SIZE}>;

fn tree_reduce(local: u32, value: f32) {
  partial_sums[local] = value;
  workgroupBarrier();
  for (var stride = ${REDUCTION_WORKGROUP_SIZE / 2}u; stride > 0u; stride = stride / 2u) {
    if (local < stride) {
      partial_sums[local] = partial_sums[local] + partial_sums[local + stride];
    }
    workgroupBarrier();
  }
}
`;

/**
 * Stable per-sample losses in f32. With t = -y f: logistic l = softplus(t) = max(t, 0) + log(1 + exp(-|t|)),
 * l' = -y sigmoid(t), finite for any finite f (exp(-|t|) only underflows to 0); exponential l = exp(t),
 * l' = -y exp(t), which overflows to +Inf past t = 88.7 as the loss itself does. Reads
 * params.loss_code: a kernel including it declares that uniform field.
 */
export const lossesWgsl = /* wgsl */ `
// log(1 + x) for x in [0, 1], accurate relative to its value: the built-in log has only an absolute
// error bound near 1, so below 1/8 use the series x - x^2/2 + ... - x^8/8 (truncation x^9/9 < 7e-9 x).
fn log1p_unit(x: f32) -> f32 {
  if (x < 0.125) {
    return x * (1.0 + x * (-0.5 + x * (1.0 / 3.0 + x * (-0.25 + x * (0.2 + x * (-1.0 / 6.0
      + x * (1.0 / 7.0 + x * -0.125)))))));
  }
  return log(1.0 + x);
}

// softplus(t) = log(1 + exp(t)) = max(t, 0) + log(1 + exp(-|t|)); never overflows.
fn softplus(t: f32) -> f32 {
  return max(t, 0.0) + log1p_unit(exp(-abs(t)));
}

// sigmoid(t) = 1 / (1 + exp(-t)), through exp(-|t|) in (0, 1] so it never overflows.
fn sigmoid(t: f32) -> f32 {
  let e = exp(-abs(t));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), t >= 0.0);
}

// l(f, y): square 0.5 (f - y)^2, logistic log(1 + exp(-y f)), exponential exp(-y f).
fn loss_value(f: f32, y: f32) -> f32 {
  if (params.loss_code == ${lossCode('logistic')}u) { return softplus(-y * f); }
  if (params.loss_code == ${lossCode('exponential')}u) { return exp(-y * f); }
  let residual = f - y;
  return 0.5 * residual * residual;
}

// dl/df: square f - y, logistic -y sigmoid(-y f), exponential -y exp(-y f).
fn loss_slope(f: f32, y: f32) -> f32 {
  if (params.loss_code == ${lossCode('logistic')}u) { return -y * sigmoid(-y * f); }
  if (params.loss_code == ${lossCode('exponential')}u) { return -y * exp(-y * f); }
  return f - y;
}
`;

/**
 * output_loss: one thread per sample i, summing a_j H_ij over j = 0..m-1 in order, then writing f_i,
 * l(f_i, y_i) and l'(f_i, y_i) / n. No workgroup memory or barriers: a workgroup per sample with a
 * tree reduction cost ~8x more on SwiftShader (barriers are emulated there; 86 vs ~10 ms at
 * n = m = 1024). Neighbouring threads walk neighbouring rows in step, so each keeps its row's cache
 * lines hot. Centered: f_i = alpha s_m sum_j a_j H_ij - f0_i, with f0 = output_offset [n] (already times alpha).
 */
export function outputLossSource(variant: OutputLossVariant): string {
  return wgsl`${headParams}${elementIndex}${lossesWgsl}
@group(0) @binding(1) var<storage, read> activation: array<f32>;
@group(0) @binding(2) var<storage, read> second_layer: array<f32>;
@group(0) @binding(3) var<storage, read> labels: array<f32>;
@group(0) @binding(4) var<storage, read_write> outputs: array<f32>;
@group(0) @binding(5) var<storage, read_write> sample_losses: array<f32>;
@group(0) @binding(6) var<storage, read_write> output_grad: array<f32>;
#if ${variant.centered}
@group(0) @binding(7) var<storage, read> output_offset: array<f32>;
#endif

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn output_loss(@builtin(workgroup_id) workgroup_id: vec3u,
               @builtin(num_workgroups) workgroup_count: vec3u,
               @builtin(local_invocation_index) local: u32) {
  let row_index = element_index(workgroup_id, workgroup_count, local);
  if (row_index >= params.sample_count) { return; }
  let row_start = row_index * params.width;
  var sum = 0.0;
  for (var j = 0u; j < params.width; j = j + 1u) {
    sum = sum + second_layer[j] * activation[row_start + j];
  }
#if ${variant.centered}
  // f_i = alpha s_m sum_j a_j H_ij - f0_i: the centered output alpha (f_theta - f_theta0)(x_i).
  let f = params.output_scale * sum - output_offset[row_index];
#else
  // f_i = alpha s_m sum_j a_j H_ij
  let f = params.output_scale * sum;
#endif
  let y = labels[row_index];
  outputs[row_index] = f;
  sample_losses[row_index] = loss_value(f, y);
  // dL/df_i = l'(f_i, y_i) / n, since L is the mean over the n samples.
  output_grad[row_index] = loss_slope(f, y) / f32(params.sample_count);
}
`;
}

/**
 * mean_loss: L = (1/n) sum_i l_i by one workgroup (strided partial sums in order, then the fixed
 * tree), so any n works with one dispatch; L goes to metrics[output_offset] (slot t for step t).
 */
export function meanLossSource(_variant: TwoLayerVariant): string {
  return wgsl`
${MEAN_LOSS_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${MEAN_LOSS_PARAMS.name};
${linearWorkgroupIndex}${treeReduction}
@group(0) @binding(1) var<storage, read> sample_losses: array<f32>;
@group(0) @binding(2) var<storage, read_write> metrics: array<f32>;

@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn mean_loss(@builtin(workgroup_id) workgroup_id: vec3u,
             @builtin(num_workgroups) workgroup_count: vec3u,
             @builtin(local_invocation_index) local: u32) {
  if (linear_workgroup_index(workgroup_id, workgroup_count) != 0u) { return; }
  var partial = 0.0;
  for (var i = local; i < params.sample_count; i = i + ${REDUCTION_WORKGROUP_SIZE}u) {
    partial = partial + sample_losses[i];
  }
  tree_reduce(local, partial);
  if (local == 0u) {
    metrics[params.output_offset] = partial_sums[0] / f32(params.sample_count);
  }
}
`;
}

/**
 * neuron_grads: one thread per neuron j, looping over i = 0..n-1 in order. Fused: the one pass over
 * column j of H gives dL/da_j and, with a bias, dL/db_j (the mask is H_ij > 0, no second read).
 * Neighbouring threads read neighbouring H[i m + j], so the loads coalesce.
 */
export function neuronGradsSource(variant: NeuronGradsVariant): string {
  return wgsl`${headParams}${elementIndex}
@group(0) @binding(1) var<storage, read> activation: array<f32>;
@group(0) @binding(2) var<storage, read> output_grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> second_layer_grad: array<f32>;
#if ${variant.hasBias}
@group(0) @binding(4) var<storage, read> second_layer: array<f32>;
@group(0) @binding(5) var<storage, read_write> bias_grad: array<f32>;
#endif

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn neuron_grads(@builtin(workgroup_id) workgroup_id: vec3u,
                @builtin(num_workgroups) workgroup_count: vec3u,
                @builtin(local_invocation_index) local: u32) {
  let j = element_index(workgroup_id, workgroup_count, local);
  if (j >= params.width) { return; }
  var sum_a = 0.0;
#if ${variant.hasBias}
  var sum_b = 0.0;
#endif
  for (var i = 0u; i < params.sample_count; i = i + 1u) {
    let g = output_grad[i];
    let h = activation[i * params.width + j];
    sum_a = sum_a + g * h;
#if ${variant.hasBias}
    sum_b = sum_b + select(0.0, g, h > 0.0);
#endif
  }
  // dL/da_j = alpha s_m sum_i g_i H_ij
  second_layer_grad[j] = params.output_scale * sum_a;
#if ${variant.hasBias}
  // dL/db_j = alpha s_m a_j sum_i g_i 1[H_ij > 0]
  bias_grad[j] = params.output_scale * second_layer[j] * sum_b;
#endif
}
`;
}

/**
 * first_layer_grad: dL/dW_jc = sum_i D_ij X_ic with D_ij = alpha s_m g_i a_j 1[H_ij > 0] formed on the fly,
 * one thread per element of dL/dW [m x d], looping over i = 0..n-1 in order. For small d this replaces the
 * 'relu-grad' matmul, whose 32-wide output tile would hold only d real columns.
 */
export function firstLayerGradSource(_variant: TwoLayerVariant): string {
  return wgsl`
${FIRST_LAYER_GRAD_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${FIRST_LAYER_GRAD_PARAMS.name};
${linearWorkgroupIndex}${elementIndex}
@group(0) @binding(1) var<storage, read> activation: array<f32>;
@group(0) @binding(2) var<storage, read> second_layer: array<f32>;
@group(0) @binding(3) var<storage, read> output_grad: array<f32>;
@group(0) @binding(4) var<storage, read> inputs: array<f32>;
@group(0) @binding(5) var<storage, read_write> grad_w: array<f32>;

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn first_layer_grad(@builtin(workgroup_id) workgroup_id: vec3u,
                    @builtin(num_workgroups) workgroup_count: vec3u,
                    @builtin(local_invocation_index) local: u32) {
  let element = element_index(workgroup_id, workgroup_count, local);
  // m d and n m fit a u32: the wrapper keeps dL/dW and H within one storage binding each.
  if (element >= params.width * params.input_dim) { return; }
  // Column-major over threads (element = c m + j): neighbouring threads share c, so they read one X_ic
  // and neighbouring H_ij.
  let c = element / params.width;
  let j = element - c * params.width;
  let a_j = second_layer[j];
  var sum = 0.0;
  for (var i = 0u; i < params.sample_count; i = i + 1u) {
    // D_ij = alpha s_m g_i a_j 1[H_ij > 0]
    let d_ij = select(0.0, params.output_scale * output_grad[i] * a_j, activation[i * params.width + j] > 0.0);
    // dL/dW_jc = sum_i D_ij X_ic
    sum = sum + d_ij * inputs[i * params.input_dim + c];
  }
  grad_w[j * params.input_dim + c] = sum;
}
`;
}
