/** The d = 1 curve: a line strip through (x_i, f(x_i)) read straight from the grid values. */
import { wgsl } from './preprocessor';
import { functionViewWgsl } from './function-view-common.wgsl';

export function functionCurveSource(): string {
  return wgsl`${functionViewWgsl}
@group(0) @binding(1) var<storage, read> values: array<f32>;
@group(0) @binding(2) var<storage, read> value_range: array<f32>;

@vertex
fn curve_vertex(@builtin(vertex_index) i: u32) -> @builtin(position) vec4f {
  let x = mix(view.x0, view.x1, f32(i) / f32(max(view.grid_x - 1u, 1u)));
  return vec4f(plot_to_ndc(vec2f(x, values[i])), 0.0, 1.0);
}

@fragment
fn curve_fragment() -> @location(0) vec4f {
  return vec4f(0.1, 0.1, 0.1, 1.0);
}
`;
}
