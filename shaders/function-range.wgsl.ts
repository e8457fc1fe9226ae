/**
 * (min, max) of the grid values, reduced on the GPU so the colormap (symmetric around 0, scaled by
 * max |f|) and the curve's vertical range never need a readback. One workgroup strides over the grid;
 * non-finite values are skipped.
 */
import { wgsl } from './preprocessor';
import { REDUCTION_WORKGROUP_SIZE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';

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
var<workgroup> lo_shared: array<f32, ${REDUCTION_WORKGROUP_SIZE}>;
var<workgroup> hi_shared: array<f32, ${REDUCTION_WORKGROUP_SIZE}>;

@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn function_range(@builtin(workgroup_id) workgroup_id: vec3u,
                  @builtin(num_workgroups) workgroup_count: vec3u,
                  @builtin(local_invocation_index) local: u32) {
  if (linear_workgroup_index(workgroup_id, workgroup_count) >= 1u) { return; }
  var lo = 3.0e38;
  var hi = -3.0e38;
  for (var g = local; g < params.count; g += ${REDUCTION_WORKGROUP_SIZE}u) {
    let v = values[g];
    if (abs(v) < 3.0e38) { lo = min(lo, v); hi = max(hi, v); }
  }
  lo_shared[local] = lo;
  hi_shared[local] = hi;
  workgroupBarrier();
  for (var stride = ${REDUCTION_WORKGROUP_SIZE / 2}u; stride > 0u; stride = stride / 2u) {
    if (local < stride) {
      lo_shared[local] = min(lo_shared[local], lo_shared[local + stride]);
      hi_shared[local] = max(hi_shared[local], hi_shared[local + stride]);
    }
    workgroupBarrier();
  }
  if (local == 0u) {
    value_range[0] = lo_shared[0];
    value_range[1] = hi_shared[0];
  }
}
`;
}
