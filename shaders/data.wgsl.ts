/**
 * Online data on the GPU (population risk, docs/science.md sections 0 and 3): fresh inputs and their
 * target labels for one training step, so no batch crosses the bus. The streams are those of
 * src/data/sampling.ts (its twin): x_ic = normal element i*d + c of (seed, input_stream) at counter
 * word 1 = step, optionally scaled to the unit sphere; y_i = f*(x_i) + noise_std * normal element i of
 * (seed, noise_stream) at the same step.
 */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import { randomWgsl } from './random.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';

/** 'teacher': f*(x) = (1/M) sum_k a_k relu(w_k . x) from bound teacher buffers; 'circle': f*(x) = |(x1, x2)| / pi. */
export interface DataVariant {
  readonly target: 'teacher' | 'circle';
}

/** Uniform of sample_online: the batch shape, the teacher's width (0 for 'circle'), the stream keys and the step. */
export const SAMPLE_ONLINE_PARAMS = uniformStruct('SampleOnlineParams', {
  batch_size: 'u32',
  input_dim: 'u32',
  teacher_width: 'u32',
  on_sphere: 'u32',
  seed: 'u32',
  input_stream: 'u32',
  noise_stream: 'u32',
  step: 'u32',
  label_noise_std: 'f32',
});

/** One thread per sample: it draws the row, normalizes it, and evaluates the target on what it stored. */
export function sampleOnlineSource(variant: DataVariant): string {
  const teacher = variant.target === 'teacher';
  return wgsl`
${SAMPLE_ONLINE_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${SAMPLE_ONLINE_PARAMS.name};
@group(0) @binding(1) var<storage, read_write> inputs: array<f32>;
@group(0) @binding(2) var<storage, read_write> labels: array<f32>;
#if ${teacher}
@group(0) @binding(3) var<storage, read> teacher_a: array<f32>;
@group(0) @binding(4) var<storage, read> teacher_w: array<f32>;
#endif
${linearWorkgroupIndex}
${randomWgsl}

// f*(x) for the row that starts at inputs[base].
fn target_value(base: u32) -> f32 {
#if ${teacher}
  // f*(x) = (1/M) sum_k a*_k relu(w*_k . x)
  let d = params.input_dim;
  var sum = 0.0;
  for (var k = 0u; k < params.teacher_width; k++) {
    var z = 0.0;
    for (var c = 0u; c < d; c++) {
      z += teacher_w[k * d + c] * inputs[base + c];
    }
    sum += teacher_a[k] * max(z, 0.0);
  }
  return sum / f32(params.teacher_width);
#else
  // E_{b on the unit circle} relu(b1 x1 + b2 x2) = |(x1, x2)| / pi
  let x1 = inputs[base];
  let x2 = inputs[base + 1u];
  return sqrt(x1 * x1 + x2 * x2) / RNG_PI;
#endif
}

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn sample_online(@builtin(workgroup_id) workgroup_id: vec3u,
                 @builtin(num_workgroups) workgroup_count: vec3u,
                 @builtin(local_invocation_index) local: u32) {
  let i = linear_workgroup_index(workgroup_id, workgroup_count) * ${ELEMENTWISE_WORKGROUP_SIZE}u + local;
  if (i >= params.batch_size) { return; }
  let base = i * params.input_dim;
  let input_key = vec2u(params.seed, params.input_stream);
  // x ~ N(0, I_d): element base + c of the normal stream at this step.
  var squared = 0.0;
  for (var c = 0u; c < params.input_dim; c++) {
    let z = rng_normal(rng_threefry2x32(input_key, vec2u(base + c, params.step)));
    inputs[base + c] = z;
    squared += z * z;
  }
  // Uniform on the sphere: x / |x|; a zero row (probability 2^-24 per coordinate) becomes e_1.
  if (params.on_sphere != 0u) {
    if (squared > 0.0) {
      let inverse_norm = 1.0 / sqrt(squared);
      for (var c = 0u; c < params.input_dim; c++) {
        inputs[base + c] = inputs[base + c] * inverse_norm;
      }
    } else {
      inputs[base] = 1.0;
    }
  }
  var y = target_value(base);
  if (params.label_noise_std > 0.0) {
    y += params.label_noise_std * rng_normal(rng_threefry2x32(vec2u(params.seed, params.noise_stream), vec2u(i, params.step)));
  }
  labels[i] = y;
}
`;
}
