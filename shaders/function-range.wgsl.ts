/**
 * (min, max) of the grid values, reduced on the GPU so the colormap (symmetric around 0, scaled by
 * max |f|) and the curve's vertical range never need a readback. One workgroup strides over the grid;
 * non-finite values are skipped.
 */
import { wgsl } from './preprocessor';
import { REDUCTION_WORKGROUP_SIZE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';
import { finiteRangeReduceWgsl, finiteRangeSharedWgsl } from './finite-range.wgsl';

export type FunctionRangeVariant = Record<string, never>;

/** Uniform of function_range: the number of grid values. */
export const FUNCTION_RANGE_PARAMS = uniformStruct('FunctionRangeParams', { count: 'u32' });

export function functionRangeSource(_variant: FunctionRangeVariant): string {
  return wgsl`
${FUNCTION_RANGE_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${FUNCTION_RANGE_PARAMS.name};
@group(0) @binding(1) var<storage, read> values: array<f32>;
@group(0) @binding(2) var<storage, read_write> value_range: array<f32>;
${linearWorkgroupIndex}
${finiteRangeSharedWgsl}

@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn function_range(@builtin(workgroup_id) workgroup_id: vec3u,
                  @builtin(num_workgroups) workgroup_count: vec3u,
                  @builtin(local_invocation_index) local: u32) {
  if (linear_workgroup_index(workgroup_id, workgroup_count) >= 1u) { return; }
  ${finiteRangeReduceWgsl('values', 'params.count')}
  if (local == 0u) {
    value_range[0] = lo_shared[0];
    value_range[1] = hi_shared[0];
  }
}
`;
}
