/**
 * The two-layer network's per-step passes written once, for two layouts (docs/science.md section 0):
 *   output_loss   f_i = alpha s_m sum_j a_j H_ij [- f0_i],  l_i = l(f_i, y_i),  g_i = l'(f_i, y_i) / n
 *   mean_loss     L = (1/n) sum_i l_i
 *   neuron_grads  dL/da_j = alpha s_m sum_i g_i H_ij,  dL/db_j = alpha s_m a_j sum_i g_i 1[H_ij > 0]
 *   update        a_j -= lr_a dL/da_j,  W_jc -= lr_w dL/dW_jc,  b_j -= lr_w dL/db_j
 * Layouts:
 *   'single'  one network (shaders/two-layer.wgsl.ts, particles.wgsl.ts): m, alpha s_m and the step sizes
 *             are uniforms; a, gradA [m], H [n x m], y, f, l, g [n], W [m x d] and b [m] apart.
 *   'batch'   N networks padded to width M (shaders/two-layer-batch.wgsl.ts): network k's m_k, alpha s_{m_k}
 *             and step sizes are row k of the `networks` table; its samples are rows k n .. k n + n - 1 of
 *             y, f, l, g [N x n] and H [N x n x M], its neurons k M .. k M + M - 1 of a, gradA [N x M]; the
 *             first layer is [N x M x R] with b as column d (R = d + 1) when there is a bias.
 * A pass is one text with the layout's holes filled: the network's numbers are read from `params` (single)
 * or from `network = networks[k]` (batch), and a batched pass offsets its indices by its network's first
 * sample (`sample_start`) or neuron (`neuron_start`). For one network the offsets vanish from the text, so
 * a single kernel is a plain-array kernel, and a batched network performs the float operations of a
 * single run at its width in the same order: bit for bit the same numbers.
 * Every sum runs in a fixed order, so results are bitwise identical from run to run.
 */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE, REDUCTION_WORKGROUP_SIZE } from './constants';
import { elementIndexWgsl, entryArgumentsWgsl, linearWorkgroupIndex } from './common.wgsl';
import { treeSumWgsl } from './metrics-common.wgsl';
import { lossesWgsl } from './losses.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';

/** One network, or a padded batch of N (see the module doc). */
export type TwoLayerLayout = 'single' | 'batch';

/**
 * Uniforms of the single output_loss and neuron_grads. The loss is a uniform, not a variant: the
 * branch is uniform over the dispatch (no divergence) and runs once per sample against m loads, and
 * one pipeline serves all three losses, so switching losses never recompiles.
 */
export const HEAD_PARAMS = uniformStruct('HeadParams', { sample_count: 'u32', width: 'u32', output_scale: 'f32', loss_code: 'u32' });

/** Uniform of the single mean_loss: n, and the metrics slot L goes to. */
export const MEAN_LOSS_PARAMS = uniformStruct('MeanLossParams', { sample_count: 'u32', output_offset: 'u32' });

/** Uniform of the single update (update_neurons): m, d, and the step sizes of a and of (W, b) (0 = frozen). */
export const UPDATE_NEURONS_PARAMS = uniformStruct('UpdateNeuronsParams', { width: 'u32', input_dim: 'u32', lr_a: 'f32', lr_w: 'f32' });

/** Uniform of every batched pass: the batch's shapes and loss (one struct, one packer); output_offset is mean_loss's log row. */
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
 * Network k of the batch's `networks` storage table: its width m_k, alpha s_{m_k}, and the step sizes of a and
 * of (W, b) (0 = frozen): the fields the single passes read from their uniforms, under the same names.
 * Declared like a uniform: 32-bit scalars sit at the same offsets in storage.
 */
export const BATCH_NETWORK = uniformStruct('Network', { width: 'u32', output_scale: 'f32', lr_a: 'f32', lr_w: 'f32' });

/** output_loss centered subtracts a per-sample offset f0 (an extra read-only binding); otherwise it binds none. */
export interface OutputLossVariant {
  readonly centered: boolean;
}

/** neuron_grads with a bias also produces dL/db (and then reads a); the update then also steps b. */
export interface BiasVariant {
  readonly hasBias: boolean;
}

/** Which uniform a pass binds in the single layout (the batch binds BATCH_PARAMS in every pass). */
type Pass = 'head' | 'meanLoss' | 'update';

const SINGLE_PARAMS: Record<Pass, { readonly name: string; readonly wgsl: string }> = { head: HEAD_PARAMS, meanLoss: MEAN_LOSS_PARAMS, update: UPDATE_NEURONS_PARAMS };

/** Where a layout keeps a network's numbers, as WGSL text. */
interface LayoutText {
  readonly batched: boolean;
  /** Entry points are `${prefix}output_loss` and so on. */
  readonly prefix: string;
  /** The struct with the network's width, output_scale, lr_a and lr_w: the uniform, or the pass's table row. */
  readonly net: 'params' | 'network';
  /** Networks in the dispatch, threads of a per-sample pass, of a per-neuron pass, of a first-layer pass. */
  readonly networks: string;
  readonly samples: string;
  readonly neurons: string;
  readonly firstLayer: string;
  /** Row length of H (m or M) and of the first layer (d, or R with the bias column). */
  readonly width: string;
  readonly rowLength: string;
  /** Index `index` of a network's stretch that starts at `start` (the start is 0 for one network). */
  at(start: string, index: string): string;
}

const LAYOUTS: Record<TwoLayerLayout, LayoutText> = {
  single: {
    batched: false,
    prefix: '',
    net: 'params',
    networks: '1u',
    samples: 'params.sample_count',
    neurons: 'params.width',
    firstLayer: 'params.width * params.input_dim',
    width: 'params.width',
    rowLength: 'params.input_dim',
    at: (_start, index) => index,
  },
  batch: {
    batched: true,
    prefix: 'batch_',
    net: 'network',
    networks: 'params.network_count',
    samples: 'params.network_count * params.sample_count',
    neurons: 'params.network_count * params.max_width',
    firstLayer: 'params.network_count * params.max_width * params.row_length',
    width: 'params.max_width',
    rowLength: 'params.row_length',
    at: (start, index) => `${start} + ${index}`,
  },
};

/** A storage array of f32 and its access, or false where a variant leaves it out. */
type StorageArray = readonly [name: string, access: 'read' | 'read_write'] | false;

/**
 * The uniform `params` at binding 0, then (batched, when the pass reads it) the `networks` table at 1,
 * then the pass's f32 arrays in order.
 */
function bindings(layout: LayoutText, pass: Pass, readsTable: boolean, arrays: readonly StorageArray[]): string {
  const uniform = layout.batched ? BATCH_PARAMS : SINGLE_PARAMS[pass];
  const table = layout.batched && readsTable;
  const lines = [uniform.wgsl, `@group(0) @binding(0) var<uniform> params: ${uniform.name};`];
  if (table) lines.push(BATCH_NETWORK.wgsl, `@group(0) @binding(1) var<storage, read> networks: array<${BATCH_NETWORK.name}>;`);
  let binding = table ? 2 : 1;
  for (const array of arrays) {
    if (array) lines.push(`@group(0) @binding(${binding++}) var<storage, ${array[1]}> ${array[0]}: array<f32>;`);
  }
  return `\n${lines.join('\n')}\n`;
}

/**
 * output_loss: one thread per sample (row i of one network, row k n + i of the batch), summing a_j H_ij over
 * j = 0..m-1 in order (a batched network never reads its padding), then writing f_i, l(f_i, y_i) and
 * l'(f_i, y_i) / n. No workgroup memory or barriers: a workgroup per sample with a tree reduction cost ~8x
 * more on SwiftShader (barriers are emulated there; 86 vs ~10 ms at n = m = 1024). Neighbouring threads walk
 * neighbouring rows in step, so each keeps its row's cache lines hot. Centered: f_i = alpha s_m sum_j a_j H_ij
 * - f0_i, with f0 = output_offset (already times alpha).
 */
export function outputLossWgsl(layout: TwoLayerLayout, variant: OutputLossVariant): string {
  const L = LAYOUTS[layout];
  const arrays: StorageArray[] = [
    ['activation', 'read'], ['second_layer', 'read'], ['labels', 'read'],
    ['outputs', 'read_write'], ['sample_losses', 'read_write'], ['output_grad', 'read_write'],
    variant.centered && ['output_offset', 'read'],
  ];
  return wgsl`${bindings(L, 'head', true, arrays)}${elementIndexWgsl}${lossesWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn ${L.prefix}output_loss(${entryArgumentsWgsl}) {
  let row = element_index(workgroup_id, workgroup_count, local);
  if (row >= ${L.samples}) { return; }
#if ${L.batched}
  let k = row / params.sample_count;
  let network = networks[k];
  let neuron_start = k * params.max_width;
#endif
  let row_start = row * ${L.width};
  var sum = 0.0;
  for (var j = 0u; j < ${L.net}.width; j = j + 1u) {
    sum = sum + second_layer[${L.at('neuron_start', 'j')}] * activation[row_start + j];
  }
#if ${variant.centered}
  // f_i = alpha s_m sum_j a_j H_ij - f0_i: the centered output alpha (f_theta - f_theta0)(x_i).
  let f = ${L.net}.output_scale * sum - output_offset[row];
#else
  // f_i = alpha s_m sum_j a_j H_ij
  let f = ${L.net}.output_scale * sum;
#endif
  let y = labels[row];
  outputs[row] = f;
  sample_losses[row] = loss_value(f, y);
  // dL/df_i = l'(f_i, y_i) / n, since L is the mean over the n samples.
  output_grad[row] = loss_slope(f, y) / f32(params.sample_count);
}
`;
}

/**
 * mean_loss: L = (1/n) sum_i l_i by one workgroup per network (strided partial sums in order, then the fixed
 * tree), so any n works with one dispatch. L goes to metrics[output_offset] for one network, and to
 * metrics[output_offset N + k] for network k of a batch: row output_offset of a [steps x N] log.
 */
export function meanLossWgsl(layout: TwoLayerLayout): string {
  const L = LAYOUTS[layout];
  const slot = L.batched ? 'params.output_offset * params.network_count + k' : 'params.output_offset';
  return wgsl`${bindings(L, 'meanLoss', false, [['sample_losses', 'read'], ['metrics', 'read_write']])}${linearWorkgroupIndex}${treeSumWgsl}
@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn ${L.prefix}mean_loss(${entryArgumentsWgsl}) {
  let k = linear_workgroup_index(workgroup_id, workgroup_count);
  if (k >= ${L.networks}) { return; }
#if ${L.batched}
  let sample_start = k * params.sample_count;
#endif
  var partial = 0.0;
  for (var i = local; i < params.sample_count; i = i + ${REDUCTION_WORKGROUP_SIZE}u) {
    partial = partial + sample_losses[${L.at('sample_start', 'i')}];
  }
  let total = tree_sum(local, partial);
  if (local == 0u) {
    metrics[${slot}] = total / f32(params.sample_count);
  }
}
`;
}

/**
 * neuron_grads: one thread per neuron (j of one network, k M + j of the batch), looping over the samples
 * i = 0..n-1 in order. Fused: the one pass over column j of H gives dL/da_j and, with a bias, dL/db_j (the
 * mask is H_ij > 0, no second read). Neighbouring threads read neighbouring H_ij, so the loads coalesce.
 * A batch's padded neurons j >= m_k get exact zeros.
 */
export function neuronGradsWgsl(layout: TwoLayerLayout, variant: BiasVariant): string {
  const L = LAYOUTS[layout];
  const arrays: StorageArray[] = [
    ['activation', 'read'], ['output_grad', 'read'], ['second_layer_grad', 'read_write'],
    variant.hasBias && ['second_layer', 'read'], variant.hasBias && ['bias_grad', 'read_write'],
  ];
  return wgsl`${bindings(L, 'head', true, arrays)}${elementIndexWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn ${L.prefix}neuron_grads(${entryArgumentsWgsl}) {
  let neuron = element_index(workgroup_id, workgroup_count, local);
  if (neuron >= ${L.neurons}) { return; }
#if ${L.batched}
  let k = neuron / params.max_width;
  let j = neuron - k * params.max_width;
  let network = networks[k];
  let sample_start = k * params.sample_count;
  if (j >= network.width) {
    second_layer_grad[neuron] = 0.0;
#if ${variant.hasBias}
    bias_grad[neuron] = 0.0;
#endif
    return;
  }
#else
  let j = neuron;
#endif
  var sum_a = 0.0;
#if ${variant.hasBias}
  var sum_b = 0.0;
#endif
  for (var i = 0u; i < params.sample_count; i = i + 1u) {
    let g = output_grad[${L.at('sample_start', 'i')}];
    let h = activation[(${L.at('sample_start', 'i')}) * ${L.width} + j];
    sum_a = sum_a + g * h;
#if ${variant.hasBias}
    sum_b = sum_b + select(0.0, g, h > 0.0);
#endif
  }
  // dL/da_j = alpha s_m sum_i g_i H_ij
  second_layer_grad[neuron] = ${L.net}.output_scale * sum_a;
#if ${variant.hasBias}
  // dL/db_j = alpha s_m a_j sum_i g_i 1[H_ij > 0]
  bias_grad[neuron] = ${L.net}.output_scale * second_layer[neuron] * sum_b;
#endif
}
`;
}

/**
 * The update: one descent step on every neuron, fused so each parameter is read and written once:
 *   a_j -= lr_a gradA_j,  W_jc -= lr_w gradW_jc,  b_j -= lr_w gradB_j.
 * One thread per element of the first layer (coalesced); the thread of column 0 also updates a_j, and b_j
 * when b is its own array (single). In the batch b_j is column d of the first layer's row and takes dL/db_j
 * from neuron_grads; threads of padded neurons j >= m_k return before any write, so the padding keeps its
 * exact zeros. A step size of exactly 0 skips the write, so a layer that is not trained stays bit-identical
 * (a - 0 * g would turn -0 into +0 and a NaN gradient into a NaN parameter).
 * Entry points: update_neurons (single, the particles family) and batch_update.
 */
export function updateWgsl(layout: TwoLayerLayout, variant: BiasVariant): string {
  const L = LAYOUTS[layout];
  const separateBias = variant.hasBias && !L.batched;
  const biasColumn = variant.hasBias && L.batched;
  const arrays: StorageArray[] = [
    ['a', 'read_write'], ['w', 'read_write'], separateBias && ['b', 'read_write'],
    ['grad_a', 'read'], ['grad_w', 'read'], variant.hasBias && ['grad_b', 'read'],
  ];
  return wgsl`${bindings(L, 'update', true, arrays)}${elementIndexWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn ${L.batched ? 'batch_update' : 'update_neurons'}(${entryArgumentsWgsl}) {
  let e = element_index(workgroup_id, workgroup_count, local);
  if (e >= ${L.firstLayer}) { return; }
  let neuron = e / ${L.rowLength};
  let column = e - neuron * ${L.rowLength};
#if ${L.batched}
  let k = neuron / params.max_width;
  let network = networks[k];
  if (neuron - k * params.max_width >= network.width) { return; }
#endif
  if (${L.net}.lr_w != 0.0) {
#if ${biasColumn}
    if (column == params.input_dim) {
      w[e] = w[e] - ${L.net}.lr_w * grad_b[neuron];
    } else {
      w[e] = w[e] - ${L.net}.lr_w * grad_w[e];
    }
#else
    w[e] = w[e] - ${L.net}.lr_w * grad_w[e];
#endif
#if ${separateBias}
    if (column == 0u) {
      b[neuron] = b[neuron] - ${L.net}.lr_w * grad_b[neuron];
    }
#endif
  }
  if (column == 0u && ${L.net}.lr_a != 0.0) {
    a[neuron] = a[neuron] - ${L.net}.lr_a * grad_a[neuron];
  }
}
`;
}
