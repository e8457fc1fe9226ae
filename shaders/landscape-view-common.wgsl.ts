/**
 * WGSL shared by the landscape view's kernels and draw shaders (src/ui/landscape-renderer.ts): its uniform
 * (what f needs, the grid, the ink colour), f of the landscape exactly as the run's kernel defines it
 * (landscape-functions.wgsl.ts, the user's own text for an expression), and the inverse of the particle
 * view's to_ndc, which places f's samples and heat map under the particles drawn by that same to_ndc.
 */
import { uniformStruct } from '../src/core/uniform-struct';
import { landscapeDimOf, type LandscapeKind, type LandscapeSpec } from '../src/core/landscape';
import { expressionDigest } from '../src/core/landscape-expression';
import { escapeSnippet, expressionSnippet, quadraticSumValueSnippet, strictSaddleSnippet } from './landscape-functions.wgsl';
import type { LandscapeExpressionText } from './landscape-expression.wgsl';

/** What changes the view's WGSL text: the landscape's kind, its dimension k and, for an expression, the user's text. */
export interface LandscapeViewVariant {
  readonly kind: LandscapeKind;
  readonly dim: number;
  readonly expression?: LandscapeExpressionText;
}

/** How f is drawn under the particles: the curve f(x) (k = 1), a heat map of f(x, y) (k = 2), or not at all (k >= 3, perko's field). */
export type LandscapeFieldMode = 'curve' | 'heatmap' | 'none';

export function landscapeViewVariant(spec: LandscapeSpec): LandscapeViewVariant {
  return { kind: spec.kind, dim: landscapeDimOf(spec), ...(spec.kind === 'expression' ? { expression: { value: spec.value, gradient: spec.gradient } } : {}) };
}

export function landscapeFieldMode(variant: LandscapeViewVariant): LandscapeFieldMode {
  if (variant.kind === 'perko' || variant.dim > 2) return 'none';
  return variant.dim === 1 ? 'curve' : 'heatmap';
}

/** Start-up facts only: the kind, k and a digest of an expression's text (never P or the view's size). */
export function landscapeViewCacheKey(variant: LandscapeViewVariant): string {
  return [variant.kind, `k${variant.dim}`, ...(variant.expression ? [`expr-${expressionDigest(variant.expression)}`] : [])].join('-');
}

/**
 * The view's uniform: samples of f per axis (grid_size; the curve's samples for k = 1), the number of
 * quadratic-sum cells (one curve each), the heat map's level lines per max |f|, the escape landscape's
 * c_1, c_2 (read by its snippet as params.coefficient1/2), the ink colour of the curve and the
 * particles' rims (the page theme's text colour) and the heat map's colour at f = 0 (the plot's background).
 */
export const LANDSCAPE_VIEW_PARAMS = uniformStruct('LandscapeViewParams', {
  grid_size: 'u32',
  cell_count: 'u32',
  contour_levels: 'f32',
  coefficient1: 'f32',
  coefficient2: 'f32',
  ink_r: 'f32',
  ink_g: 'f32',
  ink_b: 'f32',
  zero_r: 'f32',
  zero_g: 'f32',
  zero_b: 'f32',
});

/** LANDSCAPE_VIEW_PARAMS bound as `params` (the name the escape snippet reads) at @binding(`binding`). */
export function landscapeViewParamsWgsl(binding: number): string {
  return `${LANDSCAPE_VIEW_PARAMS.wgsl}\n@group(0) @binding(${binding}) var<uniform> params: ${LANDSCAPE_VIEW_PARAMS.name};`;
}

/**
 * field_value(x, cell): f(x) as landscape_run computes it (full batch: f itself, not a minibatch's f).
 * quadratic-sum reads the cell's mean curvature from `field_cells` (a binding the caller declares);
 * '' for a mode-'none' variant.
 */
export function fieldValueWgsl(variant: LandscapeViewVariant): string {
  switch (variant.kind) {
    case 'quadratic-sum':
      return `${quadraticSumValueSnippet}\nfn field_value(x: Point, cell: u32) -> f32 { return landscape_value(x, field_cells[cell]); }`;
    case 'escape':
      return `${escapeSnippet('full')}\nfn field_value(x: Point, cell: u32) -> f32 { return landscape_value(x, cell); }`;
    case 'strict-saddle':
      return `${strictSaddleSnippet}\nfn field_value(x: Point, cell: u32) -> f32 { return landscape_value(x, cell); }`;
    case 'expression':
      if (variant.dim > 2) return '';
      return `${expressionSnippet(variant.dim, variant.expression!)}\nfn field_value(x: Point, cell: u32) -> f32 { return landscape_value(x, cell); }`;
    case 'perko':
      return '';
  }
}

/** The snippets' `Point` as the register array of the variant's k. */
export function withPoint(text: string, dim: number): string {
  return text.replace(/\bPoint\b/g, `array<f32, ${dim}>`);
}

/** The inverse of to_ndc (particle-view-common.wgsl.ts; needs `view` and `bounds`): the plane point drawn at clip-space point ndc. */
export const ndcToPlaneWgsl = /* wgsl */ `
fn ndc_to_plane(ndc: vec2f) -> vec2f {
  let ch = view_center_half();
  return (ndc - vec2f(view.pan_x, view.pan_y)) / view.zoom * ch[1] + ch[0];
}

// Sample i of n across clip space, -1 .. 1 (the grid's columns and rows, the curve's vertices).
fn sample_ndc(i: u32, n: u32) -> f32 {
  return -1.0 + 2.0 * f32(i) / f32(max(n, 2u) - 1u);
}
`;
