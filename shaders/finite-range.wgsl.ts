/**
 * (min, max) of the finite values of an array in one workgroup of REDUCTION_WORKGROUP_SIZE threads: each thread
 * strides over the array, then a tree reduction in workgroup memory. Shared by the function view's range and the
 * landscape view's field range; after the reduction lo_shared[0] and hi_shared[0] hold the result (3e38 and -3e38
 * when no value is finite: NaN and +-Inf fail abs(v) < 3e38 and are skipped).
 */
import { REDUCTION_WORKGROUP_SIZE } from './constants';

/** The workgroup arrays the reduction uses (module scope). */
export const finiteRangeSharedWgsl = `var<workgroup> lo_shared: array<f32, ${REDUCTION_WORKGROUP_SIZE}>;
var<workgroup> hi_shared: array<f32, ${REDUCTION_WORKGROUP_SIZE}>;`;

/** The reduction over `values[0..count)` for an entry point whose thread index is `local` (function scope). */
export function finiteRangeReduceWgsl(values: string, count: string): string {
  return `var lo = 3.0e38;
  var hi = -3.0e38;
  for (var g = local; g < ${count}; g += ${REDUCTION_WORKGROUP_SIZE}u) {
    let v = ${values}[g];
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
  }`;
}
