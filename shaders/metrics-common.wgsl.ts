/**
 * WGSL snippets shared by the transport and particle-metric families (sort, sliced, sinkhorn,
 * particle-metrics): the element index of one-thread-per-element kernels, the compute entry
 * arguments, and a fixed-shape workgroup tree reduction generated for a value type and a combining
 * expression (every partial is combined in the same order on every run, so float sums are bitwise
 * reproducible).
 */
import { REDUCTION_WORKGROUP_SIZE } from './constants';

export { elementIndexWgsl, entryArgumentsWgsl } from './common.wgsl';

export interface TreeReduction {
  /** Name of the generated WGSL function `fn name(local: u32, value: T) -> T`. */
  readonly name: string;
  /** WGSL type of the reduced values, e.g. 'f32', 'vec2f', 'vec4f', 'vec2u'. */
  readonly type: string;
  /** WGSL expression combining `left` and `right` (both of `type`) into one value. */
  readonly combine: (left: string, right: string) => string;
  /**
   * Threads per independent segment (a power of two dividing REDUCTION_WORKGROUP_SIZE; default all
   * of them): the workgroup reduces WG / segment groups of consecutive threads at once.
   */
  readonly segment?: number;
}

/**
 * WGSL for `fn name(local, value) -> T`: each segment of `segment` consecutive threads combines its
 * values by a binary tree (stride segment/2, ..., 1) and every thread gets its segment's total.
 * Every thread of the workgroup must call it in uniform control flow (it holds barriers, except for
 * segment 1, where it is the identity). The trailing barrier lets a kernel call the same function
 * again without racing on the scratch array.
 */
export function treeReductionWgsl({ name, type, combine, segment = REDUCTION_WORKGROUP_SIZE }: TreeReduction): string {
  if (!Number.isInteger(Math.log2(segment)) || segment > REDUCTION_WORKGROUP_SIZE) {
    throw new RangeError(`treeReductionWgsl: segment ${segment} must be a power of two <= ${REDUCTION_WORKGROUP_SIZE}`);
  }
  if (segment === 1) return `\nfn ${name}(local: u32, value: ${type}) -> ${type} { return value; }\n`;
  return /* wgsl */ `
var<workgroup> ${name}_scratch: array<${type}, ${REDUCTION_WORKGROUP_SIZE}>;

fn ${name}(local: u32, value: ${type}) -> ${type} {
  ${name}_scratch[local] = value;
  workgroupBarrier();
  let lane = local & ${segment - 1}u;
  for (var stride = ${segment / 2}u; stride > 0u; stride = stride / 2u) {
    if (lane < stride) {
      ${name}_scratch[local] = ${combine(`${name}_scratch[local]`, `${name}_scratch[local + stride]`)};
    }
    workgroupBarrier();
  }
  let total = ${name}_scratch[local - lane];
  workgroupBarrier();
  return total;
}
`;
}

/** Sum of f32 values: `fn tree_sum(local, value) -> f32`. */
export const treeSumWgsl = treeReductionWgsl({ name: 'tree_sum', type: 'f32', combine: (l, r) => `${l} + ${r}` });

/** Largest finite f32: the identity of max-reductions and the pad key of the sorts (never a real input, inputs are checked finite). */
export const F32_MAX_WGSL = '3.40282346638528859812e+38';
