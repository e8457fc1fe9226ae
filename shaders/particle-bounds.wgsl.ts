/**
 * Auto-fit bounds of the projected particles, reduced on the GPU so the view never reads particle data
 * back: bounds = (min_x, min_y, max_x, max_y, max_j |a_j|) over the finite projections, merged with the
 * overlay box from the uniform (teacher, target). Two stages, so no thread walks more than a few dozen
 * items at m = 100,000: bounds_partial reduces one particle per thread into one box per workgroup
 * (partials[8 g .. 8 g + 5]); bounds_final strides over those boxes in one workgroup.
 */
import { wgsl } from './preprocessor';
import { REDUCTION_WORKGROUP_SIZE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import { projectWgsl, viewParamsWgsl } from './particle-view-common.wgsl';

export type ParticleBoundsVariant = Record<string, never>;

/** Floats per workgroup box in the partials buffer (5 used, padded to 8). */
export const BOUNDS_PARTIAL_STRIDE = 8;

/** Workgroups of bounds_partial, one box each in the partials buffer, for m particles (at least one). */
export function boundsPartialCount(particleCount: number): number {
  return Math.ceil(Math.max(1, particleCount) / REDUCTION_WORKGROUP_SIZE);
}

/** Shared-memory tree reduction of (lo, hi, amp) over one workgroup; the result lands in slot 0. */
const treeReductionWgsl = /* wgsl */ `
const BIG: f32 = 3.0e38;
var<workgroup> lo_shared: array<vec2f, ${REDUCTION_WORKGROUP_SIZE}>;
var<workgroup> hi_shared: array<vec2f, ${REDUCTION_WORKGROUP_SIZE}>;
var<workgroup> amp_shared: array<f32, ${REDUCTION_WORKGROUP_SIZE}>;

fn reduce_box(local: u32, lo: vec2f, hi: vec2f, amp: f32) {
  lo_shared[local] = lo;
  hi_shared[local] = hi;
  amp_shared[local] = amp;
  workgroupBarrier();
  for (var stride = ${REDUCTION_WORKGROUP_SIZE / 2}u; stride > 0u; stride = stride / 2u) {
    if (local < stride) {
      lo_shared[local] = min(lo_shared[local], lo_shared[local + stride]);
      hi_shared[local] = max(hi_shared[local], hi_shared[local + stride]);
      amp_shared[local] = max(amp_shared[local], amp_shared[local + stride]);
    }
    workgroupBarrier();
  }
}
`;

export function particleBoundsPartialSource(_variant: ParticleBoundsVariant): string {
  return wgsl`${viewParamsWgsl}
@group(0) @binding(1) var<storage, read> second_layer: array<f32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read> basis: array<f32>;
@group(0) @binding(4) var<storage, read_write> partials: array<f32>;
${linearWorkgroupIndex}
${projectWgsl}
${treeReductionWgsl}

@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn bounds_partial(@builtin(workgroup_id) workgroup_id: vec3u,
                  @builtin(num_workgroups) workgroup_count: vec3u,
                  @builtin(local_invocation_index) local: u32) {
  let group = linear_workgroup_index(workgroup_id, workgroup_count);
  // Uniform per workgroup, so the barriers in reduce_box stay in uniform control flow.
  if (group * ${REDUCTION_WORKGROUP_SIZE}u >= view.count) { return; }
  let j = group * ${REDUCTION_WORKGROUP_SIZE}u + local;
  var lo = vec2f(BIG);
  var hi = vec2f(-BIG);
  var amp = 0.0;
  if (j < view.count) {
    let p = project(j);
    // NaN fails every comparison, so a diverged particle never widens the box.
    if (all(abs(p) < vec2f(BIG))) { lo = p; hi = p; }
    let a_abs = abs(second_layer[j]);
    if (a_abs < BIG) { amp = a_abs; }
  }
  reduce_box(local, lo, hi, amp);
  if (local == 0u) {
    let base = group * ${BOUNDS_PARTIAL_STRIDE}u;
    partials[base] = lo_shared[0].x;
    partials[base + 1u] = lo_shared[0].y;
    partials[base + 2u] = hi_shared[0].x;
    partials[base + 3u] = hi_shared[0].y;
    partials[base + 4u] = amp_shared[0];
  }
}
`;
}

export function particleBoundsFinalSource(_variant: ParticleBoundsVariant): string {
  return wgsl`${viewParamsWgsl}
@group(0) @binding(1) var<storage, read> partials: array<f32>;
@group(0) @binding(2) var<storage, read_write> bounds: array<f32>;
${linearWorkgroupIndex}
${treeReductionWgsl}

@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn bounds_final(@builtin(workgroup_id) workgroup_id: vec3u,
                @builtin(num_workgroups) workgroup_count: vec3u,
                @builtin(local_invocation_index) local: u32) {
  if (linear_workgroup_index(workgroup_id, workgroup_count) >= 1u) { return; }
  let group_count = (view.count + ${REDUCTION_WORKGROUP_SIZE - 1}u) / ${REDUCTION_WORKGROUP_SIZE}u;
  var lo = vec2f(BIG);
  var hi = vec2f(-BIG);
  var amp = 0.0;
  for (var g = local; g < group_count; g += ${REDUCTION_WORKGROUP_SIZE}u) {
    let base = g * ${BOUNDS_PARTIAL_STRIDE}u;
    lo = min(lo, vec2f(partials[base], partials[base + 1u]));
    hi = max(hi, vec2f(partials[base + 2u], partials[base + 3u]));
    amp = max(amp, partials[base + 4u]);
  }
  reduce_box(local, lo, hi, amp);
  if (local == 0u) {
    let box_lo = min(lo_shared[0], vec2f(view.init_min_x, view.init_min_y));
    let box_hi = max(hi_shared[0], vec2f(view.init_max_x, view.init_max_y));
    bounds[0] = box_lo.x;
    bounds[1] = box_lo.y;
    bounds[2] = box_hi.x;
    bounds[3] = box_hi.y;
    bounds[4] = amp_shared[0];
  }
}
`;
}
