/**
 * WGSL shared by the particle view's kernels and draw shaders: the view uniform, the projection of
 * particle j to the plane, and the map from that plane to clip space (auto-fit bounds, then zoom and pan).
 * The same text runs in the bounds reduction, the picking kernel and the vertex shader, so what is
 * drawn, what is fitted and what is clicked can never disagree.
 */

import { uniformStruct } from '../src/core/uniform-struct';

/** Projection modes (PARTICLE_VIEW_PARAMS.mode). */
export const PROJECTION_MODES = { linear: 0, weightVsA: 1, polarAW: 2, polarW: 3 } as const;
export type ProjectionModeCode = (typeof PROJECTION_MODES)[keyof typeof PROJECTION_MODES];

/** Floats in the bounds buffer: min_x, min_y, max_x, max_y, max |a|, then padding. */
export const BOUNDS_FLOAT_COUNT = 8;

/** Fraction of the half-extent added on each side so particles on the hull are not cut by the edge. */
export const BOUNDS_PADDING = 0.08;

/**
 * The view uniform: particle count and dimension, projection, zoom and pan, sizes in device pixels, the
 * pick query, and the overlay markers' box (init_*), which the fitted bounds always include.
 */
export const PARTICLE_VIEW_PARAMS = uniformStruct('ViewParams', {
  count: 'u32',
  dim: 'u32',
  mode: 'u32',
  equal_aspect: 'u32',
  zoom: 'f32',
  pan_x: 'f32',
  pan_y: 'f32',
  point_size: 'f32',
  canvas_w: 'f32',
  canvas_h: 'f32',
  radius_by_a: 'u32',
  pick_x: 'f32',
  pick_y: 'f32',
  pick_radius: 'f32',
  init_min_x: 'f32',
  init_min_y: 'f32',
  init_max_x: 'f32',
  init_max_y: 'f32',
});

/** PARTICLE_VIEW_PARAMS bound as `view` at @binding(0), as every particle-view shader binds it. */
export const viewParamsWgsl = /* wgsl */ `
${PARTICLE_VIEW_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> view: ${PARTICLE_VIEW_PARAMS.name};
`;

/** Needs bindings named view (ViewParams), bounds (array of f32). */
export const viewTransformWgsl = /* wgsl */ `
fn view_center_half() -> array<vec2f, 2> {
  var lo = vec2f(bounds[0], bounds[1]);
  var hi = vec2f(bounds[2], bounds[3]);
  if (!(lo.x <= hi.x) || !(lo.y <= hi.y)) { lo = vec2f(-1.0); hi = vec2f(1.0); }
  let center = 0.5 * (lo + hi);
  var half = max(0.5 * (hi - lo) * ${1 + BOUNDS_PADDING}, vec2f(1e-6));
  if (view.equal_aspect != 0u) {
    let aspect = view.canvas_w / max(view.canvas_h, 1.0);
    let s = max(half.x / aspect, half.y);
    half = vec2f(s * aspect, s);
  }
  return array<vec2f, 2>(center, half);
}

fn to_ndc(p: vec2f) -> vec2f {
  let ch = view_center_half();
  return (p - ch[0]) / ch[1] * view.zoom + vec2f(view.pan_x, view.pan_y);
}

fn world_to_pixels() -> vec2f {
  let ch = view_center_half();
  return 0.5 * vec2f(view.canvas_w, view.canvas_h) * view.zoom / ch[1];
}
`;

/**
 * project(j): particle j in the plane of the view. Needs bindings second_layer (a [m]), weights (W [m x d])
 * and basis (u1 [d] then u2 [d]). linear: (w.u1, w.u2); weightVsA (d = 1): (w, a);
 * polar: (atan2(w.u2, w.u1), |a||w|) or (atan2(...), |w|).
 */
export const projectWgsl = /* wgsl */ `
fn project(j: u32) -> vec2f {
  let d = view.dim;
  let amp = second_layer[j];
  if (view.mode == ${PROJECTION_MODES.weightVsA}u) { return vec2f(weights[j * d], amp); }
  var p = vec2f(0.0);
  var norm2 = 0.0;
  for (var k = 0u; k < d; k++) {
    let w = weights[j * d + k];
    p += w * vec2f(basis[k], basis[d + k]);
    norm2 += w * w;
  }
  if (view.mode == ${PROJECTION_MODES.linear}u) { return p; }
  let angle = atan2(p.y, p.x);
  let magnitude = sqrt(norm2);
  if (view.mode == ${PROJECTION_MODES.polarAW}u) { return vec2f(angle, abs(amp) * magnitude); }
  return vec2f(angle, magnitude);
}
`;
