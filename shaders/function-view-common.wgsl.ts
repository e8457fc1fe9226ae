import { uniformStruct } from '../src/core/uniform-struct';

/**
 * The function view's draw uniform: the grid, the input box, the targets' range (d = 1), sizes in device pixels,
 * and the heat map's colour at f = 0 (zero_r, zero_g, zero_b in 0..1: white, or a dark theme's background).
 */
export const FUNCTION_VIEW_PARAMS = uniformStruct('FunctionView', {
  grid_x: 'u32',
  grid_y: 'u32',
  dim: 'u32',
  point_count: 'u32',
  x0: 'f32',
  x1: 'f32',
  y0: 'f32',
  y1: 'f32',
  data_y_min: 'f32',
  data_y_max: 'f32',
  canvas_w: 'f32',
  canvas_h: 'f32',
  point_size: 'f32',
  zero_r: 'f32',
  zero_g: 'f32',
  zero_b: 'f32',
});

/** FUNCTION_VIEW_PARAMS bound as `view` at @binding(0), and the plot transform: shared by the heat map, curve and data-point shaders. */
export const functionViewWgsl = /* wgsl */ `
${FUNCTION_VIEW_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> view: ${FUNCTION_VIEW_PARAMS.name};

// Vertical range of the d = 1 plot: the curve's (GPU-reduced) range and the targets, padded 8 percent.
fn curve_y_range() -> vec2f {
  var lo = min(value_range[0], view.data_y_min);
  var hi = max(value_range[1], view.data_y_max);
  if (!(lo <= hi)) { lo = -1.0; hi = 1.0; }
  let pad = max(0.08 * (hi - lo), 1e-6);
  return vec2f(lo - pad, hi + pad);
}

// A point of the plot plane to clip space: d = 2 maps the input box, d = 1 maps (x, f(x)).
fn plot_to_ndc(p: vec2f) -> vec2f {
  var lo = vec2f(view.x0, view.y0);
  var hi = vec2f(view.x1, view.y1);
  if (view.dim == 1u) {
    let r = curve_y_range();
    lo.y = r.x;
    hi.y = r.y;
  }
  return (p - lo) / max(hi - lo, vec2f(1e-12)) * 2.0 - 1.0;
}
`;
