/**
 * The d x d second-moment matrix of the first-layer weights, S_kl = (1/m) sum_j W_jk W_jl, whose top two
 * eigenvectors are the view's principal directions. One workgroup per entry (k, l), a strided sum over
 * the m particles and a tree reduction; only this small matrix is ever read back.
 */
import { wgsl } from './preprocessor';
import { REDUCTION_WORKGROUP_SIZE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';

export type ParticleMomentsVariant = Record<string, never>;

/** Uniform of particle_moments: m particles of dimension d. */
export const PARTICLE_MOMENTS_PARAMS = uniformStruct('ParticleMomentsParams', { count: 'u32', dim: 'u32' });

export function particleMomentsSource(_variant: ParticleMomentsVariant): string {
  return wgsl`
${PARTICLE_MOMENTS_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${PARTICLE_MOMENTS_PARAMS.name};
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read_write> moments: array<f32>;
${linearWorkgroupIndex}
var<workgroup> partial: array<f32, ${REDUCTION_WORKGROUP_SIZE}>;

@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn particle_moments(@builtin(workgroup_id) workgroup_id: vec3u,
                    @builtin(num_workgroups) workgroup_count: vec3u,
                    @builtin(local_invocation_index) local: u32) {
  let entry = linear_workgroup_index(workgroup_id, workgroup_count);
  // Uniform across the workgroup, so the early return keeps the barriers below in uniform control flow.
  if (entry >= params.dim * params.dim) { return; }
  let d = params.dim;
  let k = entry / d;
  let l = entry % d;
  var sum = 0.0;
  for (var j = local; j < params.count; j += ${REDUCTION_WORKGROUP_SIZE}u) {
    let product = weights[j * d + k] * weights[j * d + l];
    // A diverged particle (NaN or Inf) is left out rather than poisoning the whole basis.
    if (abs(product) < 3.0e38) { sum += product; }
  }
  partial[local] = sum;
  workgroupBarrier();
  for (var stride = ${REDUCTION_WORKGROUP_SIZE / 2}u; stride > 0u; stride = stride / 2u) {
    if (local < stride) { partial[local] += partial[local + stride]; }
    workgroupBarrier();
  }
  if (local == 0u) { moments[entry] = partial[0] / f32(max(params.count, 1u)); }
}
`;
}
