/**
 * The landscape view's particles, straight from the run's buffers (src/ui/landscape-renderer.ts):
 *   landscape_values (compute) values[p] = f(x_p), the first of the run's stats [P] vec4f, as a packed
 *                    [P] array, so the particle view's project() and bounds reduction read a landscape
 *                    as they read a network: `second_layer` = values, `weights` = positions [P x k];
 *   particle         (render) one instanced disc per particle at project(p) (k = 1: (x, f(x)); else the
 *                    two chosen coordinates), amber with a rim in the ink colour, so it stands out on the
 *                    heat map's reds, blues and white and on either theme's background.
 */
import { wgsl } from './preprocessor';
import { linearWorkgroupIndex } from './common.wgsl';
import { threadEntry } from './landscapes.wgsl';
import { projectWgsl, viewParamsWgsl, viewTransformWgsl } from './particle-view-common.wgsl';
import { quadCornersWgsl, rgb } from './particle-draw.wgsl';
import { landscapeViewParamsWgsl } from './landscape-view-common.wgsl';

/** Fill of a particle's disc (linear RGB, written to the canvas as is). */
export const LANDSCAPE_PARTICLE_COLOR = [0.98, 0.72, 0.1] as const;

/** Width of a disc's rim in device pixels. */
export const PARTICLE_RIM_PX = 1;

export function landscapeValuesSource(): string {
  return wgsl`${viewParamsWgsl}
@group(0) @binding(1) var<storage, read> stats: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> values: array<f32>;
${linearWorkgroupIndex}

${threadEntry('landscape_values', 'p', 'view.count')}
  values[p] = stats[p].x;
}
`;
}

export function landscapeParticleSource(): string {
  return wgsl`${viewParamsWgsl}
@group(0) @binding(1) var<storage, read> second_layer: array<f32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read> basis: array<f32>;
@group(0) @binding(4) var<storage, read> bounds: array<f32>;
${landscapeViewParamsWgsl(5)}
${projectWgsl}
${viewTransformWgsl}
${quadCornersWgsl}

struct VertexOut {
  @builtin(position) position: vec4f,
  @location(0) corner: vec2f,
  // Inner radius of the rim, in corner units.
  @location(1) @interpolate(flat) rim: f32,
}

@vertex
fn particle_vertex(@builtin(vertex_index) vertex: u32, @builtin(instance_index) p: u32) -> VertexOut {
  var out: VertexOut;
  let corner = quad_corner(vertex);
  let radius = max(view.point_size, 0.5);
  out.position = vec4f(to_ndc(project(p)) + corner * radius * 2.0 / vec2f(view.canvas_w, view.canvas_h), 0.0, 1.0);
  out.corner = corner;
  // Small discs keep at least half their radius filled, so a crowd of them still shows the fill colour.
  out.rim = max(1.0 - ${PARTICLE_RIM_PX}.0 / radius, 0.5);
  return out;
}

@fragment
fn particle_fragment(in: VertexOut) -> @location(0) vec4f {
  let r = length(in.corner);
  if (r > 1.0) { discard; }
  let ink = vec3f(params.ink_r, params.ink_g, params.ink_b);
  return vec4f(select(${rgb(LANDSCAPE_PARTICLE_COLOR)}, ink, r > in.rim), 1.0);
}
`;
}
