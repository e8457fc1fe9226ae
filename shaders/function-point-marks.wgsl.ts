/**
 * The training points over the function, drawn so the two labels differ in shape as well as colour (they
 * must stay apart for colour-blind readers and on a heat map of the same hues): y > 0 a filled red disc
 * with a dark rim, y <= 0 a blue ring with dark edges whose centre shows the heat map. d = 1: at (x, y), a
 * dark grey disc. One instanced quad per point; point = (x_1, x_2 or y, label, 0).
 */
import { wgsl } from './preprocessor';
import { functionViewWgsl } from './function-view-common.wgsl';
import { NEGATIVE_COLOR, POSITIVE_COLOR, rgb, quadCornersWgsl } from './particle-draw.wgsl';

/** Radii of the marks' bands, as fractions of the point radius (the legend's icons draw the same bands). */
export const POINT_MARK_BANDS = {
  /** Filled disc: colour inside, dark rim from here out. */
  discRim: 0.7,
  /** Ring: hole inside, dark inner edge, colour, dark outer edge from `outerEdge` out. */
  ringHole: 0.42,
  ringInnerEdge: 0.57,
  ringOuterEdge: 0.8,
} as const;

export function functionPointMarksSource(): string {
  const b = POINT_MARK_BANDS;
  return wgsl`${functionViewWgsl}
@group(0) @binding(1) var<storage, read> value_range: array<f32>;
@group(0) @binding(2) var<storage, read> points: array<vec4f>;
${quadCornersWgsl}

struct VertexOut {
  @builtin(position) position: vec4f,
  @location(0) corner: vec2f,
  // 0: grey disc (d = 1), 1: positive disc, 2: negative ring.
  @location(1) @interpolate(flat) shape: u32,
}

@vertex
fn marks_vertex(@builtin(vertex_index) vertex: u32, @builtin(instance_index) i: u32) -> VertexOut {
  var out: VertexOut;
  let point = points[i];
  let corner = quad_corner(vertex);
  let center = plot_to_ndc(point.xy);
  out.position = vec4f(center + corner * view.point_size * 2.0 / vec2f(view.canvas_w, view.canvas_h), 0.0, 1.0);
  out.corner = corner;
  out.shape = 0u;
  if (view.dim == 2u) { out.shape = select(2u, 1u, point.z > 0.0); }
  return out;
}

@fragment
fn marks_fragment(in: VertexOut) -> @location(0) vec4f {
  let r = length(in.corner);
  if (r > 1.0) { discard; }
  let dark = vec3f(0.0);
  if (in.shape == 2u) {
    if (r < ${b.ringHole}) { discard; }
    let edge = r < ${b.ringInnerEdge} || r > ${b.ringOuterEdge};
    return vec4f(select(${rgb(NEGATIVE_COLOR)}, dark, edge), 1.0);
  }
  let fill = select(vec3f(0.25), ${rgb(POSITIVE_COLOR)}, in.shape == 1u);
  return vec4f(select(fill, dark, r > ${b.discRim}), 1.0);
}
`;
}
