/**
 * Picking without reading particles back: the particle nearest to the cursor (within pick_radius
 * pixels) found on the GPU in two passes over the same pick buffer [distance bits, index]:
 * pick_distance takes the atomic min of the pixel distance (a non-negative f32's bits order like the
 * float), pick_index the smallest index at that distance. The view reads back just these 8 bytes.
 */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE } from './constants';
import { elementIndexWgsl } from './common.wgsl';
import { projectWgsl, viewParamsWgsl, viewTransformWgsl } from './particle-view-common.wgsl';

export type ParticlePickVariant = Record<string, never>;

function header(): string {
  return /* wgsl */ `${viewParamsWgsl}
@group(0) @binding(1) var<storage, read> second_layer: array<f32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read> basis: array<f32>;
@group(0) @binding(4) var<storage, read> bounds: array<f32>;
@group(0) @binding(5) var<storage, read_write> pick: array<atomic<u32>, 2>;
${elementIndexWgsl}
${projectWgsl}
${viewTransformWgsl}

// |p_ndc - cursor| in pixels; NaN particles give NaN and are never picked.
fn pixel_distance(j: u32) -> f32 {
  let delta = (to_ndc(project(j)) - vec2f(view.pick_x, view.pick_y)) * 0.5 * vec2f(view.canvas_w, view.canvas_h);
  return length(delta);
}
`;
}

export function particlePickDistanceSource(_variant: ParticlePickVariant): string {
  return wgsl`${header()}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn pick_distance(@builtin(workgroup_id) workgroup_id: vec3u,
                 @builtin(num_workgroups) workgroup_count: vec3u,
                 @builtin(local_invocation_index) local: u32) {
  let j = element_index(workgroup_id, workgroup_count, local);
  if (j >= view.count) { return; }
  let distance = pixel_distance(j);
  if (distance <= view.pick_radius) { atomicMin(&pick[0], bitcast<u32>(distance)); }
}
`;
}

export function particlePickIndexSource(_variant: ParticlePickVariant): string {
  return wgsl`${header()}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn pick_index(@builtin(workgroup_id) workgroup_id: vec3u,
              @builtin(num_workgroups) workgroup_count: vec3u,
              @builtin(local_invocation_index) local: u32) {
  let j = element_index(workgroup_id, workgroup_count, local);
  if (j >= view.count) { return; }
  let distance = pixel_distance(j);
  if (distance <= view.pick_radius && bitcast<u32>(distance) == atomicLoad(&pick[0])) { atomicMin(&pick[1], j); }
}
`;
}
