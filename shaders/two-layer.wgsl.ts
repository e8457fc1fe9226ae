/**
 * The two-layer network's head and backward pass on top of H = relu(X W^T + b) (docs/science.md section 0):
 *   f_i = alpha s_m sum_j a_j H_ij [- f0_i when centered],  l_i = l(f_i, y_i),  g_i = dL/df_i = l'(f_i, y_i) / n,
 *   L = (1/n) sum_i l_i,
 *   dL/da_j = alpha s_m sum_i g_i H_ij,  dL/db_j = alpha s_m a_j sum_i g_i 1[H_ij > 0],
 *   D_ij = dL/dZ_ij = alpha s_m g_i a_j 1[H_ij > 0], dL/dW = D^T X: by the matmul family's 'relu-grad' operand,
 *   or for small d by first_layer_grad (one thread per element of dL/dW); D is never stored.
 * Centered (lazy training, f_alpha = alpha (f_theta - f_theta0)): f0_i = alpha s_m sum_j a0_j H0_ij is a
 * constant per sample, so it shifts f (hence l and g) and nothing else; the gradient kernels are unchanged.
 * output_loss, mean_loss and neuron_grads are the 'single' layout of the passes in two-layer-passes.wgsl.ts,
 * whose 'batch' layout is two-layer-batch.wgsl.ts: one source text for both.
 * Every sum runs in a fixed order, so results are bitwise identical from run to run.
 */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE } from './constants';
import { elementIndexWgsl } from './common.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';
import {
  HEAD_PARAMS,
  meanLossWgsl,
  neuronGradsWgsl,
  outputLossWgsl,
  type BiasVariant,
  type OutputLossVariant,
} from './two-layer-passes.wgsl';


export type TwoLayerVariant = Record<string, never>;

/** neuron_grads with a bias also produces dL/db (and then reads a); without one it binds neither. */
export type NeuronGradsVariant = BiasVariant;

/** HEAD_PARAMS bound as `params` at @binding(0). */
export const headParamsWgsl = /* wgsl */ `
${HEAD_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${HEAD_PARAMS.name};
`;

/** Uniform of first_layer_grad: the head's n, m and alpha s_m, then d. */
export const FIRST_LAYER_GRAD_PARAMS = uniformStruct('FirstLayerGradParams', {
  sample_count: 'u32',
  width: 'u32',
  output_scale: 'f32',
  input_dim: 'u32',
});

/** output_loss of one network (two-layer-passes.wgsl.ts, layout 'single'). */
export function outputLossSource(variant: OutputLossVariant): string {
  return outputLossWgsl('single', variant);
}

/** mean_loss of one network: L to metrics[output_offset]. */
export function meanLossSource(_variant: TwoLayerVariant): string {
  return meanLossWgsl('single');
}

/** neuron_grads of one network: dL/da and, with a bias, dL/db. */
export function neuronGradsSource(variant: NeuronGradsVariant): string {
  return neuronGradsWgsl('single', variant);
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
${elementIndexWgsl}
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
