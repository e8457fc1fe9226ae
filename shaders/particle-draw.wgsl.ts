/**
 * Draws every neuron as a disc straight from the storage buffers the trainer writes (no readback):
 * one instanced quad per particle, positioned by project(j) and the GPU-fitted bounds. Colour is the
 * sign of a_j; in the d = 2 plane view the radius grows with |a_j| / max |a| (mass of the particle).
 */
import { wgsl } from './preprocessor';
import { projectWgsl, viewParamsWgsl, viewTransformWgsl } from './particle-view-common.wgsl';

/** Colours (linear RGB) of particles with a > 0, a < 0 and a = 0. */
export const POSITIVE_COLOR = [0.84, 0.15, 0.16] as const;
export const NEGATIVE_COLOR = [0.12, 0.47, 0.71] as const;
export const ZERO_COLOR = [0.5, 0.5, 0.5] as const;

/** Two triangles covering [-1, 1]^2, indexed by vertex_index. */
export const quadCornersWgsl = /* wgsl */ `
fn quad_corner(vertex: u32) -> vec2f {
  var corners = array<vec2f, 6>(vec2f(-1.0, -1.0), vec2f(1.0, -1.0), vec2f(-1.0, 1.0),
                                vec2f(-1.0, 1.0), vec2f(1.0, -1.0), vec2f(1.0, 1.0));
  return corners[vertex];
}
`;

/** A colour constant as WGSL text. */
export const rgb = (c: readonly number[]) => `vec3f(${c.map((v) => v.toFixed(4)).join(', ')})`;

export function particleDrawSource(): string {
  return wgsl`${viewParamsWgsl}
@group(0) @binding(1) var<storage, read> second_layer: array<f32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read> basis: array<f32>;
@group(0) @binding(4) var<storage, read> bounds: array<f32>;
${projectWgsl}
${viewTransformWgsl}
${quadCornersWgsl}

struct VertexOut {
  @builtin(position) position: vec4f,
  @location(0) corner: vec2f,
  @location(1) color: vec3f,
}

@vertex
fn particle_vertex(@builtin(vertex_index) vertex: u32, @builtin(instance_index) j: u32) -> VertexOut {
  var out: VertexOut;
  let amp = second_layer[j];
  let corner = quad_corner(vertex);
  var radius = view.point_size;
  if (view.radius_by_a != 0u) {
    // Disc area ~ |a| / max|a|, at least one pixel so a dead particle stays visible.
    radius = max(1.0, view.point_size * 1.5 * sqrt(abs(amp) / max(bounds[4], 1e-30)));
  }
  let center = to_ndc(project(j));
  out.position = vec4f(center + corner * radius * 2.0 / vec2f(view.canvas_w, view.canvas_h), 0.0, 1.0);
  out.corner = corner;
  out.color = select(select(${rgb(ZERO_COLOR)}, ${rgb(NEGATIVE_COLOR)}, amp < 0.0), ${rgb(POSITIVE_COLOR)}, amp > 0.0);
  return out;
}

@fragment
fn particle_fragment(in: VertexOut) -> @location(0) vec4f {
  if (dot(in.corner, in.corner) > 1.0) { discard; }
  return vec4f(in.color, 1.0);
}
`;
}
