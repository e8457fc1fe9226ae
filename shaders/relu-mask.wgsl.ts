/** ReLU forward with its 0/1 mask, and the masked backward. sigma'(0) := 0 (docs/science.md section 0). */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';

export type ReluMaskVariant = Record<string, never>;

/** Uniform of both entry points: the number of elements to process. */
export const RELU_MASK_PARAMS = uniformStruct('ReluMaskParams', { element_count: 'u32' });

const header = /* wgsl */ `
${RELU_MASK_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${RELU_MASK_PARAMS.name};
${linearWorkgroupIndex}
fn element_index(workgroup_id: vec3u, workgroup_count: vec3u, local: u32) -> u32 {
  return linear_workgroup_index(workgroup_id, workgroup_count) * ${ELEMENTWISE_WORKGROUP_SIZE}u + local;
}
`;

/** h = max(z, 0) and mask = 1[z > 0], in one pass so the mask costs no second read of z. */
export function reluForwardSource(_variant: ReluMaskVariant): string {
  return wgsl`${header}
@group(0) @binding(1) var<storage, read> pre_activation: array<f32>;
@group(0) @binding(2) var<storage, read_write> activation: array<f32>;
@group(0) @binding(3) var<storage, read_write> mask: array<f32>;

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn relu_forward(@builtin(workgroup_id) workgroup_id: vec3u,
                @builtin(num_workgroups) workgroup_count: vec3u,
                @builtin(local_invocation_index) local: u32) {
  let i = element_index(workgroup_id, workgroup_count, local);
  if (i >= params.element_count) { return; }
  let z = pre_activation[i];
  let is_active = z > 0.0;
  activation[i] = select(0.0, z, is_active);
  mask[i] = select(0.0, 1.0, is_active);
}
`;
}

/** dz = dh * mask: the chain rule through ReLU with sigma'(0) = 0. */
export function reluBackwardSource(_variant: ReluMaskVariant): string {
  return wgsl`${header}
@group(0) @binding(1) var<storage, read> activation_grad: array<f32>;
@group(0) @binding(2) var<storage, read> mask: array<f32>;
@group(0) @binding(3) var<storage, read_write> pre_activation_grad: array<f32>;

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn relu_backward(@builtin(workgroup_id) workgroup_id: vec3u,
                 @builtin(num_workgroups) workgroup_count: vec3u,
                 @builtin(local_invocation_index) local: u32) {
  let i = element_index(workgroup_id, workgroup_count, local);
  if (i >= params.element_count) { return; }
  pre_activation_grad[i] = activation_grad[i] * mask[i];
}
`;
}
