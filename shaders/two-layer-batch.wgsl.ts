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
 * Every entry point is the 'batch' layout of a pass of two-layer-passes.wgsl.ts, the same source text as
 * the single-network kernels (output_loss, mean_loss, neuron_grads, update_neurons), so each network's
 * numbers are bitwise those of a single-network run at its own width.
 */
import { meanLossWgsl, neuronGradsWgsl, outputLossWgsl, updateWgsl, type BiasVariant } from './two-layer-passes.wgsl';


export type TwoLayerBatchVariant = Record<string, never>;

/** neuron_grads and update with a bias bind dL/db (and neuron_grads reads a). */
export type TwoLayerBatchBiasVariant = BiasVariant;

/** batch_output_loss: one thread per (network k, sample i), linear index k n + i. */
export function batchOutputLossSource(_variant: TwoLayerBatchVariant): string {
  return outputLossWgsl('batch', { centered: false });
}

/** batch_mean_loss: one workgroup per network k; L_k to metrics[output_offset * N + k]. */
export function batchMeanLossSource(_variant: TwoLayerBatchVariant): string {
  return meanLossWgsl('batch');
}

/** batch_neuron_grads: one thread per (network k, neuron j); padded neurons get exact zeros. */
export function batchNeuronGradsSource(variant: TwoLayerBatchBiasVariant): string {
  return neuronGradsWgsl('batch', variant);
}

/** batch_update: one thread per element of the [N x M x R] first layer; padding never written. */
export function batchUpdateSource(variant: TwoLayerBatchBiasVariant): string {
  return updateWgsl('batch', variant);
}
