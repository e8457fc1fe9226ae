/**
 * The training points over the function: instanced discs with a dark outline. d = 2: at x, filled by the
 * sign of the label (red y > 0, blue y <= 0); d = 1: at (x, y), dark grey.
 * point = (x_1, x_2 or y, label, 0).
 */
import { wgsl } from './preprocessor';
import { functionViewWgsl } from './function-view-common.wgsl';
import { NEGATIVE_COLOR, POSITIVE_COLOR, rgb, quadCornersWgsl } from './particle-draw.wgsl';

export function functionPointsSource(): string {
  return wgsl`${functionViewWgsl}
@group(0) @binding(1) var<storage, read> value_range: array<f32>;
@group(0) @binding(2) var<storage, read> points: array<vec4f>;
${quadCornersWgsl}

struct VertexOut {
  @builtin(position) position: vec4f,
  @location(0) corner: vec2f,
  @location(1) @interpolate(flat) color: vec3f,
}

@vertex
fn points_vertex(@builtin(vertex_index) vertex: u32, @builtin(instance_index) i: u32) -> VertexOut {
  var out: VertexOut;
  let point = points[i];
  let corner = quad_corner(vertex);
  let center = plot_to_ndc(point.xy);
  out.position = vec4f(center + corner * view.point_size * 2.0 / vec2f(view.canvas_w, view.canvas_h), 0.0, 1.0);
  out.corner = corner;
  var color = vec3f(0.25);
  if (view.dim == 2u) { color = select(${rgb(NEGATIVE_COLOR)}, ${rgb(POSITIVE_COLOR)}, point.z > 0.0); }
  out.color = color;
  return out;
}

@fragment
fn points_fragment(in: VertexOut) -> @location(0) vec4f {
  let r = length(in.corner);
  if (r > 1.0) { discard; }
  // Outer rim dark so the points stand out on a heat map of the same hues.
  return vec4f(select(in.color, vec3f(0.0), r > 0.65), 1.0);
}
`;
}
