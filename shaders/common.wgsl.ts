/**
 * WGSL shared by every kernel. Dispatches are linearised: a kernel that needs more than
 * maxComputeWorkgroupsPerDimension workgroups is launched as an (x, y) grid and recovers its
 * linear workgroup index here, then guards it against the true count.
 */
export const linearWorkgroupIndex = /* wgsl */ `
fn linear_workgroup_index(workgroup_id: vec3u, workgroup_count: vec3u) -> u32 {
  return workgroup_id.x + workgroup_id.y * workgroup_count.x;
}
`;
