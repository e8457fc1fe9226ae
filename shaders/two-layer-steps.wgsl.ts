/**
 * train_steps: K whole training steps of a two-layer network in ONE dispatch of ONE workgroup (N networks
 * of a run set: N workgroups of the same dispatch, padded to one width as in two-layer-passes.wgsl.ts's
 * 'batch' layout, a bias then being column d of the first layer; docs/science.md section 0 for the network,
 * section 7 for the steps). For a small network the
 * unfused step's eight dispatches and uniform copies cost more than its arithmetic; here the
 * workgroup loops over the steps and synchronises with barriers instead:
 *
 *   per step t:  [draw the batch]            drawBatchWgsl: the sampler of sample_batch_indices, same stream
 *                forward, thread per sample  f_i = alpha s_m sum_j a_j relu(w_j . x_i + b_j) [- f0_i],
 *                                            l_i, g_i = l'(f_i, y_i) / B into the workspace
 *                mean loss                   strided partial sums, then the fixed tree: losses[(first_slot + t) N + k]
 *                backward + update,          dL/da_j = alpha s_m sum_i g_i h_ij, dL/db_j = alpha s_m a_j sum_i g_i 1[z_ij > 0],
 *                thread per neuron           dL/dw_j = alpha s_m a_j sum_i g_i 1[z_ij > 0] x_i; then the GD step of
 *                                            neuron j with the step's (lr_a, lr_w) from `rates`
 *
 * A neuron's backward reads only its own a_j, w_j, b_j, so each thread updates its neurons as soon as
 * their sums are done; storage barriers separate the phases. H is never stored: the backward recomputes
 * z_ij, which at d <= MULTI_STEP_MAX_INPUT_DIM costs less than writing and reading it. d is compiled in
 * (a variant) and the loops over it unrolled, so a row of W and a sample x_i live in registers.
 *
 * Scratch lives in one u32 `workspace` per network (g as float bits, the batch's indices, the shuffle), so the
 * kernel binds at most 10 storage buffers, WebGPU's default per-stage limit (Chromium grants no more).
 *
 * Every sum runs in a fixed order (over c, then j for f_i; over the batch in order for the gradients), so
 * a run is bitwise reproducible, and K steps per dispatch give the same numbers for any K. The order differs
 * from the unfused passes (s_m a_j is factored out of the gradient sums), so the two agree to float32
 * rounding, not bit for bit; the float64 twin (src/float64/two-layer-trainer.ts) is the reference of both.
 */
import { wgsl } from './preprocessor';
import { REDUCTION_WORKGROUP_SIZE } from './constants';
import { treeSumWgsl } from './metrics-common.wgsl';
import { lossesWgsl } from './losses.wgsl';
import { drawBatchWgsl, randomWgsl } from './random.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';
import { BATCH_NETWORK } from './two-layer-passes.wgsl';
import { linearWorkgroupIndex } from './common.wgsl';
import { MULTI_STEP_MAX_INPUT_DIM } from '../src/core/step-kernels';

/** Threads of train_steps' one workgroup: the tree reduction's width, so the mean loss is one tree_sum. */
export const MULTI_STEP_WORKGROUP_SIZE = REDUCTION_WORKGROUP_SIZE;

/** How a step's samples are chosen: all n in order, B i.i.d. indices, or B distinct indices (partial shuffle). */
export type StepSampler = 'full' | 'replace' | 'shuffle';

export interface TrainStepsVariant {
  /** d, compiled in (1 .. MULTI_STEP_MAX_INPUT_DIM). */
  readonly inputDim: number;
  readonly hasBias: boolean;
  /** Subtract f0_i (binds output_offset [n]). */
  readonly centered: boolean;
  readonly sampler: StepSampler;
}

/**
 * Uniform of train_steps: the batch's shapes and loss, the minibatch stream, and which steps the dispatch
 * runs: steps first_step .. first_step + step_count - 1 of the run, logging step t of network k at
 * losses[(first_slot + t) N + k] and reading its (lr_a, lr_w) at rates[(first_slot + t) N + k]. Network k's
 * width m_k <= max_width and alpha s_{m_k} are row k of the `networks` table (BATCH_NETWORK; its lr fields are
 * not read, since a step's rates come from `rates`).
 */
export const TRAIN_STEPS_PARAMS = uniformStruct('TrainStepsParams', {
  network_count: 'u32',
  sample_count: 'u32',
  batch_size: 'u32',
  max_width: 'u32',
  loss_code: 'u32',
  seed: 'u32',
  stream: 'u32',
  first_step: 'u32',
  step_count: 'u32',
  first_slot: 'u32',
});

/** Bindings in order after the uniform: which appear depends on the variant (the wrapper binds the same list). */
export function trainStepsBindings(variant: TrainStepsVariant): readonly string[] {
  return [
    'networks', 'inputs', 'labels', 'second_layer', 'first_layer',
    ...(variant.hasBias ? ['bias'] : []),
    'losses', 'rates', 'workspace',
    ...(variant.centered ? ['output_offset'] : []),
  ];
}

const DECLARATIONS: Record<string, string> = {
  networks: `var<storage, read> networks: array<${BATCH_NETWORK.name}>;`,
  inputs: 'var<storage, read> inputs: array<f32>;',
  labels: 'var<storage, read> labels: array<f32>;',
  second_layer: 'var<storage, read_write> second_layer: array<f32>;',
  first_layer: 'var<storage, read_write> first_layer: array<f32>;',
  bias: 'var<storage, read_write> bias: array<f32>;',
  losses: 'var<storage, read_write> losses: array<f32>;',
  rates: 'var<storage, read> rates: array<vec2f>;',
  workspace: 'var<storage, read_write> workspace: array<u32>;',
  output_offset: 'var<storage, read> output_offset: array<f32>;',
};

export function trainStepsSource(variant: TrainStepsVariant): string {
  const d = variant.inputDim;
  if (!Number.isInteger(d) || d < 1 || d > MULTI_STEP_MAX_INPUT_DIM) {
    throw new RangeError(`train_steps: inputDim ${d} must be an integer in 1..${MULTI_STEP_MAX_INPUT_DIM}`);
  }
  const T = MULTI_STEP_WORKGROUP_SIZE;
  // The loops over the d inputs are unrolled into the text: rows live in registers, indexed by constants.
  const each = (line: (c: number) => string) => Array.from({ length: d }, (_, c) => line(c)).join('\n');
  const minibatch = variant.sampler !== 'full';
  const declarations = trainStepsBindings(variant).map((name, i) => `@group(0) @binding(${i + 1}) ${DECLARATIONS[name]}`).join('\n');
  const draw = minibatch
    ? drawBatchWgsl({
        replace: variant.sampler === 'replace', threads: T, seed: 'params.seed', stream: 'params.stream', step: 'params.first_step + t',
        sampleCount: 'params.sample_count', batchSize: 'params.batch_size', indices: 'workspace', batchStart: 'indices_start',
        scratch: 'workspace', scratchStart: 'shuffle_start',
      })
    : '';
  return wgsl`
${TRAIN_STEPS_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${TRAIN_STEPS_PARAMS.name};
${BATCH_NETWORK.wgsl}
${declarations}
${lossesWgsl}${treeSumWgsl}${linearWorkgroupIndex}
#if ${minibatch}
${randomWgsl}
#endif
const INPUT_DIM = ${d}u;

// Words of workspace per network: g, then the indices (minibatch), then the shuffle (without replacement).
fn workspace_stride(shuffle: u32, indices: u32, grads: u32) -> u32 {
  return grads + indices + shuffle;
}

// Sample of row r of network k's batch: sample r itself (full batch) or the drawn index.
fn sample_of(indices_start: u32, r: u32) -> u32 {
#if ${minibatch}
  return workspace[indices_start + r];
#else
  return r;
#endif
}

@compute @workgroup_size(${T})
fn train_steps(@builtin(workgroup_id) workgroup_id: vec3u,
               @builtin(num_workgroups) workgroup_count: vec3u,
               @builtin(local_invocation_index) local: u32) {
  // Workgroup k trains network k: its samples from k n, its batch rows from k B, its neurons from k M.
  let k = linear_workgroup_index(workgroup_id, workgroup_count);
  if (k >= params.network_count) { return; }
  let network = networks[k];
  let m = network.width;
  let scale = network.output_scale;
  let batch = params.batch_size;
  let sample_start = k * params.sample_count;
  // Network k's stretch of the workspace: g as float bits [B], then the batch's indices [B], then the shuffle [n].
  let grad_start = k * workspace_stride(${variant.sampler === 'shuffle' ? 'params.sample_count' : '0u'}, ${minibatch ? 'batch' : '0u'}, batch);
  let indices_start = grad_start + batch;
  let shuffle_start = indices_start + batch;
  let neuron_start = k * params.max_width;
  for (var t = 0u; t < params.step_count; t++) {
    let slot = (params.first_slot + t) * params.network_count + k;
#if ${minibatch}
${draw}
    storageBarrier();
#endif
    // Forward, one thread per row of the batch: f_i, l_i and g_i = l'(f_i, y_i) / B.
    var partial = 0.0;
    for (var r = local; r < batch; r += ${T}u) {
      let i = sample_start + sample_of(indices_start, r);
      let x_start = i * INPUT_DIM;
${each((c) => `      let x${c} = inputs[x_start + ${c}u];`)}
      var sum = 0.0;
      for (var j = neuron_start; j < neuron_start + m; j++) {
        let w_start = j * INPUT_DIM;
        var z = 0.0;
${each((c) => `        z = z + first_layer[w_start + ${c}u] * x${c};`)}
#if ${variant.hasBias}
        z = z + bias[j];
#endif
        sum = sum + second_layer[j] * max(z, 0.0);
      }
#if ${variant.centered}
      let f = scale * sum - output_offset[i];
#else
      let f = scale * sum;
#endif
      let y = labels[i];
      partial = partial + loss_value(f, y);
      workspace[grad_start + r] = bitcast<u32>(loss_slope(f, y) / f32(batch));
    }
    let total = tree_sum(local, partial);
    if (local == 0u) { losses[slot] = total / f32(batch); }
    storageBarrier();
    // Backward and update, one thread per neuron: only neuron j's own parameters are read and written
    // (a padded neuron j >= m_k of a batch is never touched).
    let rate = rates[slot];
    for (var j = neuron_start + local; j < neuron_start + m; j += ${T}u) {
      let w_start = j * INPUT_DIM;
${each((c) => `      let w${c} = first_layer[w_start + ${c}u];
      var grad_w${c} = 0.0;`)}
#if ${variant.hasBias}
      let b = bias[j];
#endif
      var grad_a = 0.0;
      var grad_b = 0.0;
      for (var r = 0u; r < batch; r++) {
        let x_start = (sample_start + sample_of(indices_start, r)) * INPUT_DIM;
${each((c) => `        let x${c} = inputs[x_start + ${c}u];`)}
        var z = 0.0;
${each((c) => `        z = z + w${c} * x${c};`)}
#if ${variant.hasBias}
        z = z + b;
#endif
        if (z > 0.0) {
          let g = bitcast<f32>(workspace[grad_start + r]);
          grad_a = grad_a + g * z;
          grad_b = grad_b + g;
${each((c) => `          grad_w${c} = grad_w${c} + g * x${c};`)}
        }
      }
      let a = second_layer[j];
      // dL/dw_j = alpha s_m a_j sum_i g_i 1[z_ij > 0] x_i; a step size of 0 (a frozen layer) writes nothing.
      let first_scale = scale * a;
      if (rate.y != 0.0) {
${each((c) => `        first_layer[w_start + ${c}u] = w${c} - rate.y * (first_scale * grad_w${c});`)}
#if ${variant.hasBias}
        bias[j] = b - rate.y * (first_scale * grad_b);
#endif
      }
      if (rate.x != 0.0) { second_layer[j] = a - rate.x * (scale * grad_a); }
    }
    storageBarrier();
  }
}
`;
}
