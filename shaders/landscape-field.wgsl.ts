/**
 * f of a landscape under its particles (src/ui/landscape-renderer.ts), sampled over exactly the part of the
 * plane the view shows (the particles' fitted box through ndc_to_plane), so nothing is read back per frame:
 *   field_grid   (compute) f at grid_size samples across the shown x range, one row per quadratic-sum
 *                cell (k = 1), or on a grid_size x grid_size grid over the shown box (k = 2);
 *   field_range  (compute, one workgroup) (min, max) of the finite samples; for k = 1 it also widens the
 *                fitted box's y range to them, so the curve f(x) always fits the plot;
 *   curve        (render, line strip per cell) the samples as the curve (x, f(x)) in the ink colour;
 *   heatmap      (render, full-screen triangle) f evaluated per pixel, coloured by a map diverging around
 *                f = 0 (blue < 0 < red, full colour at |f| = max |f| of the samples, as colour-scale.ts's
 *                bar), with level lines every max |f| / contour_levels (f = 0 among them).
 */
import { wgsl } from './preprocessor';
import { REDUCTION_WORKGROUP_SIZE } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
import { threadEntry } from './landscapes.wgsl';
import { PARTICLE_VIEW_PARAMS, viewTransformWgsl } from './particle-view-common.wgsl';
import { fullscreenTriangleWgsl } from './trail-fade.wgsl';
import { NEGATIVE_COLOR, POSITIVE_COLOR, rgb } from './particle-draw.wgsl';
import { fieldValueWgsl, landscapeFieldMode, landscapeViewParamsWgsl, ndcToPlaneWgsl, withPoint, type LandscapeViewVariant } from './landscape-view-common.wgsl';
import { finiteRangeReduceWgsl, finiteRangeSharedWgsl } from './finite-range.wgsl';

/** The particle view's uniform, bound as `view` at @binding(`binding`) (the landscape view packs the same struct). */
function viewUniformWgsl(binding: number): string {
  return `${PARTICLE_VIEW_PARAMS.wgsl}\n@group(0) @binding(${binding}) var<uniform> view: ${PARTICLE_VIEW_PARAMS.name};`;
}

/** Storage bindings of field_grid after params and view, in binding order. */
export function fieldGridBindingNames(variant: LandscapeViewVariant): string[] {
  return ['bounds', 'grid', ...(variant.kind === 'quadratic-sum' ? ['cells'] : [])];
}

/** Storage bindings of field_range after params, in binding order: the curve also widens the fitted box. */
export function fieldRangeBindingNames(variant: LandscapeViewVariant): string[] {
  return ['grid', 'range', ...(landscapeFieldMode(variant) === 'curve' ? ['bounds'] : [])];
}

/** Samples field_grid writes: grid_size per cell (curve) or grid_size^2 (heat map). */
const gridCountWgsl = (variant: LandscapeViewVariant) =>
  landscapeFieldMode(variant) === 'curve' ? 'params.grid_size * params.cell_count' : 'params.grid_size * params.grid_size';

export function fieldGridSource(variant: LandscapeViewVariant): string {
  const curve = landscapeFieldMode(variant) === 'curve';
  const sample = curve
    ? `// Column i of the shown x range, row = cell.
  let x = ndc_to_plane(vec2f(sample_ndc(g % n, n), 0.0)).x;
  grid[g] = field_value(Point(x), g / n);`
    : `// Column i, row r (bottom up) of the shown box.
  let p = ndc_to_plane(vec2f(sample_ndc(g % n, n), sample_ndc(g / n, n)));
  grid[g] = field_value(Point(p.x, p.y), 0u);`;
  return withPoint(
    wgsl`${landscapeViewParamsWgsl(0)}
${viewUniformWgsl(1)}
@group(0) @binding(2) var<storage, read> bounds: array<f32>;
@group(0) @binding(3) var<storage, read_write> grid: array<f32>;
${variant.kind === 'quadratic-sum' ? '@group(0) @binding(4) var<storage, read> field_cells: array<f32>;' : ''}
${linearWorkgroupIndex}
${viewTransformWgsl}
${ndcToPlaneWgsl}
${fieldValueWgsl(variant)}

${threadEntry('field_grid', 'g', gridCountWgsl(variant))}
  let n = params.grid_size;
  ${sample}
}
`,
    variant.dim,
  );
}

export function fieldRangeSource(variant: LandscapeViewVariant): string {
  const curve = landscapeFieldMode(variant) === 'curve';
  return wgsl`${landscapeViewParamsWgsl(0)}
@group(0) @binding(1) var<storage, read> grid: array<f32>;
@group(0) @binding(2) var<storage, read_write> value_range: array<f32>;
${curve ? '@group(0) @binding(3) var<storage, read_write> bounds: array<f32>;' : ''}
${linearWorkgroupIndex}
${finiteRangeSharedWgsl}

@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn field_range(@builtin(workgroup_id) workgroup_id: vec3u,
               @builtin(num_workgroups) workgroup_count: vec3u,
               @builtin(local_invocation_index) local: u32) {
  if (linear_workgroup_index(workgroup_id, workgroup_count) >= 1u) { return; }
  let count = ${gridCountWgsl(variant)};
  ${finiteRangeReduceWgsl('grid', 'count')}
  if (local == 0u) {
    value_range[0] = lo_shared[0];
    value_range[1] = hi_shared[0];
    ${curve ? `// The plot's y axis is f: it shows the whole curve over the shown x range.
    if (lo_shared[0] <= hi_shared[0]) {
      bounds[1] = min(bounds[1], lo_shared[0]);
      bounds[3] = max(bounds[3], hi_shared[0]);
    }` : ''}
  }
}
`;
}

export function fieldCurveSource(): string {
  return wgsl`${landscapeViewParamsWgsl(0)}
${viewUniformWgsl(1)}
@group(0) @binding(2) var<storage, read> bounds: array<f32>;
@group(0) @binding(3) var<storage, read> grid: array<f32>;
${viewTransformWgsl}
${ndcToPlaneWgsl}

// Vertex i of cell c's curve: (x_i, f_c(x_i)) from field_grid's samples.
@vertex
fn curve_vertex(@builtin(vertex_index) i: u32, @builtin(instance_index) c: u32) -> @builtin(position) vec4f {
  let n = params.grid_size;
  let x = ndc_to_plane(vec2f(sample_ndc(i, n), 0.0)).x;
  return vec4f(to_ndc(vec2f(x, grid[c * n + i])), 0.0, 1.0);
}

@fragment
fn curve_fragment() -> @location(0) vec4f {
  return vec4f(params.ink_r, params.ink_g, params.ink_b, 1.0);
}
`;
}

export function fieldHeatmapSource(variant: LandscapeViewVariant): string {
  return withPoint(
    wgsl`${landscapeViewParamsWgsl(0)}
${viewUniformWgsl(1)}
@group(0) @binding(2) var<storage, read> bounds: array<f32>;
@group(0) @binding(3) var<storage, read> value_range: array<f32>;
${viewTransformWgsl}
${ndcToPlaneWgsl}
${fullscreenTriangleWgsl}
${fieldValueWgsl(variant)}

@vertex
fn heatmap_vertex(@builtin(vertex_index) vertex: u32) -> @builtin(position) vec4f {
  return fullscreen_corner(vertex);
}

@fragment
fn heatmap_fragment(@builtin(position) position: vec4f) -> @location(0) vec4f {
  let ndc = vec2f(2.0 * position.x / view.canvas_w - 1.0, 1.0 - 2.0 * position.y / view.canvas_h);
  let p = ndc_to_plane(ndc);
  let value = field_value(Point(p.x, p.y), 0u);
  let scale = max(max(abs(value_range[0]), abs(value_range[1])), 1e-30);
  let s = clamp(value / scale, -1.0, 1.0);
  let zero = vec3f(params.zero_r, params.zero_g, params.zero_b);
  var color = select(mix(zero, ${rgb(NEGATIVE_COLOR)}, -s), mix(zero, ${rgb(POSITIVE_COLOR)}, s), s >= 0.0);
  // Level lines: q crosses an integer every max|f| / contour_levels; darken within about a pixel of each.
  let q = value / scale * params.contour_levels;
  let line = 1.0 - clamp(abs(q - round(q)) / max(fwidth(q), 1e-6), 0.0, 1.0);
  color = mix(color, vec3f(0.0), 0.3 * line);
  // f overflows far out (or is NaN there): grey, not garbage.
  color = select(vec3f(0.5), color, abs(value) < 3.0e38);
  return vec4f(color, 1.0);
}
`,
    2,
  );
}
