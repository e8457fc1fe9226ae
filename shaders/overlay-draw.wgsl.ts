/**
 * Markers drawn over the particles, already projected on the CPU (they are small CPU arrays): teacher
 * neurons as larger outlined rings, target points as small rings, the uniform-circle target as a ring
 * of radius in plane units. marker = (x, y, radius, style); style 0: radius in pixels, 1: in plane units.
 */
import { wgsl } from './preprocessor';
import { viewParamsWgsl, viewTransformWgsl } from './particle-view-common.wgsl';
import { quadCornersWgsl } from './particle-draw.wgsl';

export const MARKER_STYLES = { pixelRing: 0, worldRing: 1 } as const;

export function overlayDrawSource(): string {
  return wgsl`${viewParamsWgsl}
@group(0) @binding(1) var<storage, read> bounds: array<f32>;
@group(0) @binding(2) var<storage, read> markers: array<vec4f>;
@group(0) @binding(3) var<storage, read> marker_colors: array<vec4f>;
${viewTransformWgsl}
${quadCornersWgsl}

struct VertexOut {
  @builtin(position) position: vec4f,
  @location(0) corner: vec2f,
  @location(1) @interpolate(flat) inner: f32,
  @location(2) @interpolate(flat) color: vec4f,
}

// Ring line width in pixels.
const LINE_PX: f32 = 1.5;

@vertex
fn overlay_vertex(@builtin(vertex_index) vertex: u32, @builtin(instance_index) i: u32) -> VertexOut {
  var out: VertexOut;
  let marker = markers[i];
  let corner = quad_corner(vertex);
  var radius_px = vec2f(marker.z);
  if (marker.w > 0.5) { radius_px = marker.z * world_to_pixels(); }
  radius_px = radius_px + LINE_PX;
  let center = to_ndc(marker.xy);
  out.position = vec4f(center + corner * radius_px * 2.0 / vec2f(view.canvas_w, view.canvas_h), 0.0, 1.0);
  out.corner = corner;
  // Inner edge of the ring in corner units (an ellipse when the two scales differ is close enough).
  out.inner = 1.0 - 2.0 * LINE_PX / max(min(radius_px.x, radius_px.y), 1.0);
  out.color = marker_colors[i];
  return out;
}

@fragment
fn overlay_fragment(in: VertexOut) -> @location(0) vec4f {
  let r = length(in.corner);
  if (r > 1.0 || r < in.inner) { discard; }
  return in.color;
}
`;
}
