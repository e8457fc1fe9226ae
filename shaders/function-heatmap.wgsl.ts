/**
 * The d = 2 heat map: a full-screen triangle whose fragment shader samples the grid values (bilinear)
 * at the pixel's input point and colours them with a diverging map symmetric around 0:
 * the zero colour at f = 0 (white, or the background of a dark theme: view.zero_*), red for f > 0, blue for f < 0,
 * full colour at |f| = max |f| over the grid.
 */
import { wgsl } from './preprocessor';
import { functionViewWgsl } from './function-view-common.wgsl';
import { fullscreenTriangleWgsl } from './trail-fade.wgsl';
import { NEGATIVE_COLOR, POSITIVE_COLOR, rgb } from './particle-draw.wgsl';

export function functionHeatmapSource(): string {
  return wgsl`${functionViewWgsl}
@group(0) @binding(1) var<storage, read> values: array<f32>;
@group(0) @binding(2) var<storage, read> value_range: array<f32>;

${fullscreenTriangleWgsl}
@vertex
fn heatmap_vertex(@builtin(vertex_index) vertex: u32) -> @builtin(position) vec4f {
  return fullscreen_corner(vertex);
}

fn grid_value(i: u32, k: u32) -> f32 {
  return values[min(k, view.grid_y - 1u) * view.grid_x + min(i, view.grid_x - 1u)];
}

@fragment
fn heatmap_fragment(@builtin(position) position: vec4f) -> @location(0) vec4f {
  // Pixel centre -> fraction of the input box (row 0 is the top, i.e. the largest x_2).
  let u = position.x / view.canvas_w;
  let v = 1.0 - position.y / view.canvas_h;
  let gx = clamp(u, 0.0, 1.0) * f32(view.grid_x - 1u);
  let gy = clamp(v, 0.0, 1.0) * f32(view.grid_y - 1u);
  let i = u32(floor(gx));
  let k = u32(floor(gy));
  let t = vec2f(gx - f32(i), gy - f32(k));
  let value = mix(mix(grid_value(i, k), grid_value(i + 1u, k), t.x), mix(grid_value(i, k + 1u), grid_value(i + 1u, k + 1u), t.x), t.y);
  let scale = max(max(abs(value_range[0]), abs(value_range[1])), 1e-30);
  let s = clamp(value / scale, -1.0, 1.0);
  let zero = vec3f(view.zero_r, view.zero_g, view.zero_b);
  let color = select(mix(zero, ${rgb(NEGATIVE_COLOR)}, -s), mix(zero, ${rgb(POSITIVE_COLOR)}, s), s >= 0.0);
  return vec4f(color, 1.0);
}
`;
}
