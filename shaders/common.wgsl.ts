/**
 * WGSL shared by every kernel. Dispatches are linearised: a kernel that needs more than
 * maxComputeWorkgroupsPerDimension workgroups is launched as an (x, y) grid and recovers its
 * linear workgroup index here, then guards it against the true count.
 */
import { ELEMENTWISE_WORKGROUP_SIZE } from './constants';

export const linearWorkgroupIndex = /* wgsl */ `
fn linear_workgroup_index(workgroup_id: vec3u, workgroup_count: vec3u) -> u32 {
  return workgroup_id.x + workgroup_id.y * workgroup_count.x;
}
`;

/** `element_index(...)`: the global index of a thread of an ELEMENTWISE_WORKGROUP_SIZE kernel (includes linear_workgroup_index). */
export const elementIndexWgsl = /* wgsl */ `
${linearWorkgroupIndex}
fn element_index(workgroup_id: vec3u, workgroup_count: vec3u, local: u32) -> u32 {
  return linear_workgroup_index(workgroup_id, workgroup_count) * ${ELEMENTWISE_WORKGROUP_SIZE}u + local;
}
`;

/** The builtins every entry point takes, named as the snippets above expect. */
export const entryArgumentsWgsl = `@builtin(workgroup_id) workgroup_id: vec3u,
  @builtin(num_workgroups) workgroup_count: vec3u,
  @builtin(local_invocation_index) local: u32`;
