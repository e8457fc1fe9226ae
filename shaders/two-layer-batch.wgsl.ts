/**
 * N independent two-layer networks in one set of dispatches (a sweep over seeds, widths and learning
 * rates). Network k has width m_k <= M and is stored padded to M: neurons j >= m_k are never read
 * into a sum and never written by the update, so they stay exactly zero and contribute nothing.
 * The equations are those of two-layer.wgsl.ts, per network, with s_m taken at m_k:
 *   f_ki = alpha s_{m_k} sum_{j < m_k} a_kj H_kij,  l_ki = l(f_ki, y_ki),  g_ki = l'(f_ki, y_ki) / n,
 *   L_k = (1/n) sum_i l_ki,
 *   dL_k/da_kj = alpha s_{m_k} sum_i g_ki H_kij,  dL_k/db_kj = alpha s_{m_k} a_kj sum_i g_ki 1[H_kij > 0],
 *   dL_k/dW_k = D_k^T X_k, D_kij = alpha s_{m_k} g_ki a_kj 1[H_kij > 0]: the batched matmul's 'relu-grad' operand
 *     (D never stored; padded neurons have a_kj = 0 and H_kij = 0, so their rows are exact zeros),
 *   theta_kj <- theta_kj - lr_k * c(m_k) * grad  (particle time, docs/science.md section 0).
 * Layouts (row-major): H [N x n x M]; a, gradA, b, gradB [N x M]; y, f, l, g [N x n];
 * X [N x n x R] and the first layer [N x M x R] with R = d, or R = d + 1 with a bias: column d of X
 * is 1 and column d of the first layer is b, so the batched matmul computes X W^T + b with a plain
 * relu epilogue (the matmul's bias epilogue has one bias row for the whole batch).
 * Per-network constants live in `networks[k]`; each kernel derives k from its workgroup or thread.
 * Every sum runs in the same fixed order as the single-network kernels, so each network's numbers
 * are bitwise those of a single-network run at its own width.
 */
import { wgsl } from './preprocessor';
import { lossesWgsl } from './two-layer.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE, REDUCTION_WORKGROUP_SIZE } from './constants';
import { elementIndexWgsl, entryArgumentsWgsl, linearWorkgroupIndex } from './common.wgsl';
import { treeSumWgsl } from './metrics-common.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';

export type TwoLayerBatchVariant = Record<string, never>;

/** neuron_grads and update with a bias bind dL/db (and neuron_grads reads a). */
export interface TwoLayerBatchBiasVariant {
  readonly hasBias: boolean;
}

/** Uniform of every entry point: the batch's shapes and loss (one struct, so one packer serves them all); output_offset is batch_mean_loss's log row. */
export const BATCH_PARAMS = uniformStruct('BatchParams', {
  network_count: 'u32',
  sample_count: 'u32',
  max_width: 'u32',
  row_length: 'u32',
  input_dim: 'u32',
  loss_code: 'u32',
  output_offset: 'u32',
});

/**
 * Network k of the `networks` storage table: its width m_k, alpha s_{m_k}, and the step sizes of a and
 * of (W, b) (0 = frozen). Declared like a uniform: 32-bit scalars sit at the same offsets in storage.
 */
export const BATCH_NETWORK = uniformStruct('Network', { width: 'u32', output_scale: 'f32', lr_a: 'f32', lr_w: 'f32' });

const header = /* wgsl */ `
${BATCH_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${BATCH_PARAMS.name};
${BATCH_NETWORK.wgsl}
`;

/**
 * batch_output_loss: one thread per (network k, sample i), linear index k n + i, summing a_kj H_kij over
 * j = 0..m_k-1 in order (the padding is never read), like output_loss; then f_ki, l(f_ki, y_ki) and
 * l'(f_ki, y_ki) / n.
 */
export function batchOutputLossSource(_variant: TwoLayerBatchVariant): string {
  return wgsl`${header}${elementIndexWgsl}${lossesWgsl}
@group(0) @binding(1) var<storage, read> networks: array<${BATCH_NETWORK.name}>;
@group(0) @binding(2) var<storage, read> activation: array<f32>;
@group(0) @binding(3) var<storage, read> second_layer: array<f32>;
@group(0) @binding(4) var<storage, read> labels: array<f32>;
@group(0) @binding(5) var<storage, read_write> outputs: array<f32>;
@group(0) @binding(6) var<storage, read_write> sample_losses: array<f32>;
@group(0) @binding(7) var<storage, read_write> output_grad: array<f32>;

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn batch_output_loss(${entryArgumentsWgsl}) {
  let row = element_index(workgroup_id, workgroup_count, local);
  if (row >= params.network_count * params.sample_count) { return; }
  let k = row / params.sample_count;
  let width = networks[k].width;
  let row_start = row * params.max_width;
  let a_start = k * params.max_width;
  var sum = 0.0;
  for (var j = 0u; j < width; j = j + 1u) {
    sum = sum + second_layer[a_start + j] * activation[row_start + j];
  }
  // f_ki = alpha s_{m_k} sum_j a_kj H_kij
  let f = networks[k].output_scale * sum;
  let y = labels[row];
  outputs[row] = f;
  sample_losses[row] = loss_value(f, y);
  // dL_k/df_ki = l'(f_ki, y_ki) / n
  output_grad[row] = loss_slope(f, y) / f32(params.sample_count);
}
`;
}

/**
 * batch_mean_loss: one workgroup per network k, L_k = (1/n) sum_i l_ki (strided partials in order,
 * then the fixed tree), written to metrics[output_offset * N + k]: row t of a [steps x N] log.
 */
export function batchMeanLossSource(_variant: TwoLayerBatchVariant): string {
  return wgsl`${header}${linearWorkgroupIndex}${treeSumWgsl}
@group(0) @binding(1) var<storage, read> sample_losses: array<f32>;
@group(0) @binding(2) var<storage, read_write> metrics: array<f32>;

@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn batch_mean_loss(${entryArgumentsWgsl}) {
  let k = linear_workgroup_index(workgroup_id, workgroup_count);
  if (k >= params.network_count) { return; }
  let start = k * params.sample_count;
  var partial = 0.0;
  for (var i = local; i < params.sample_count; i = i + ${REDUCTION_WORKGROUP_SIZE}u) {
    partial = partial + sample_losses[start + i];
  }
  let total = tree_sum(local, partial);
  if (local == 0u) {
    metrics[params.output_offset * params.network_count + k] = total / f32(params.sample_count);
  }
}
`;
}

/**
 * batch_neuron_grads: one thread per (network k, neuron j), looping over i in order; fused like
 * neuron_grads: dL/da_kj and, with a bias, dL/db_kj from one pass over column j of H_k.
 * Padded neurons j >= m_k get exact zeros.
 */
export function batchNeuronGradsSource(variant: TwoLayerBatchBiasVariant): string {
  return wgsl`${header}${elementIndexWgsl}
@group(0) @binding(1) var<storage, read> networks: array<${BATCH_NETWORK.name}>;
@group(0) @binding(2) var<storage, read> activation: array<f32>;
@group(0) @binding(3) var<storage, read> output_grad: array<f32>;
@group(0) @binding(4) var<storage, read_write> second_layer_grad: array<f32>;
#if ${variant.hasBias}
@group(0) @binding(5) var<storage, read> second_layer: array<f32>;
@group(0) @binding(6) var<storage, read_write> bias_grad: array<f32>;
#endif

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn batch_neuron_grads(${entryArgumentsWgsl}) {
  let neuron = element_index(workgroup_id, workgroup_count, local);
  if (neuron >= params.network_count * params.max_width) { return; }
  let k = neuron / params.max_width;
  let j = neuron - k * params.max_width;
  let network = networks[k];
  if (j >= network.width) {
    second_layer_grad[neuron] = 0.0;
#if ${variant.hasBias}
    bias_grad[neuron] = 0.0;
#endif
    return;
  }
  let row0 = k * params.sample_count;
  var sum_a = 0.0;
#if ${variant.hasBias}
  var sum_b = 0.0;
#endif
  for (var i = 0u; i < params.sample_count; i = i + 1u) {
    let g = output_grad[row0 + i];
    let h = activation[(row0 + i) * params.max_width + j];
    sum_a = sum_a + g * h;
#if ${variant.hasBias}
    sum_b = sum_b + select(0.0, g, h > 0.0);
#endif
  }
  // dL_k/da_kj = alpha s_{m_k} sum_i g_ki H_kij
  second_layer_grad[neuron] = network.output_scale * sum_a;
#if ${variant.hasBias}
  // dL_k/db_kj = alpha s_{m_k} a_kj sum_i g_ki 1[H_kij > 0]
  bias_grad[neuron] = network.output_scale * second_layer[neuron] * sum_b;
#endif
}
`;
}

/**
 * batch_update: one descent step of every network, one thread per element of the [N x M x R] first
 * layer: W_kjc -= lr_w,k gradW_kjc (the bias column c = d takes dL/db_kj from neuron_grads), and the
 * thread of column 0 does a_kj -= lr_a,k gradA_kj. Threads of padded neurons j >= m_k return before
 * any write, so the padding keeps its exact zeros; a step size of exactly 0 (frozen layer) skips
 * the write, as update_neurons does.
 */
export function batchUpdateSource(variant: TwoLayerBatchBiasVariant): string {
  return wgsl`${header}${elementIndexWgsl}
@group(0) @binding(1) var<storage, read> networks: array<${BATCH_NETWORK.name}>;
@group(0) @binding(2) var<storage, read_write> a: array<f32>;
@group(0) @binding(3) var<storage, read_write> w: array<f32>;
@group(0) @binding(4) var<storage, read> grad_a: array<f32>;
@group(0) @binding(5) var<storage, read> grad_w: array<f32>;
#if ${variant.hasBias}
@group(0) @binding(6) var<storage, read> grad_b: array<f32>;
#endif

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn batch_update(${entryArgumentsWgsl}) {
  let e = element_index(workgroup_id, workgroup_count, local);
  if (e >= params.network_count * params.max_width * params.row_length) { return; }
  let neuron = e / params.row_length;
  let column = e - neuron * params.row_length;
  let k = neuron / params.max_width;
  let j = neuron - k * params.max_width;
  let network = networks[k];
  if (j >= network.width) { return; }
  if (network.lr_w != 0.0) {
#if ${variant.hasBias}
    if (column == params.input_dim) {
      w[e] = w[e] - network.lr_w * grad_b[neuron];
    } else {
      w[e] = w[e] - network.lr_w * grad_w[e];
    }
#else
    w[e] = w[e] - network.lr_w * grad_w[e];
#endif
  }
  if (column == 0u && network.lr_a != 0.0) {
    a[neuron] = a[neuron] - network.lr_a * grad_a[neuron];
  }
}
`;
}
