/**
 * The network output on a grid over the input box, for the function view:
 * f(x) = scale * sum_j a_j relu(w_j . x + b_j) (docs/science.md section 0, scale = alpha s_m), one thread per
 * grid point. d = 2: a grid_x x grid_y lattice, values[k grid_x + i] at x = (x0 + i dx, y0 + k dy);
 * d = 1: grid_y = 1 and values[i] at x0 + i dx.
 */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE } from './constants';
import { elementIndexWgsl } from './common.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';

export type FunctionGridVariant = Record<string, never>;

/** Uniform of function_grid: the network's m and d, the grid, whether b exists, alpha s_m and the input box. */
export const FUNCTION_GRID_PARAMS = uniformStruct('FunctionGridParams', {
  width: 'u32',
  dim: 'u32',
  grid_x: 'u32',
  grid_y: 'u32',
  has_bias: 'u32',
  scale: 'f32',
  x0: 'f32',
  x1: 'f32',
  y0: 'f32',
  y1: 'f32',
});

export function functionGridSource(_variant: FunctionGridVariant): string {
  return wgsl`
${FUNCTION_GRID_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${FUNCTION_GRID_PARAMS.name};
@group(0) @binding(1) var<storage, read> second_layer: array<f32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> values: array<f32>;
${elementIndexWgsl}

@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn function_grid(@builtin(workgroup_id) workgroup_id: vec3u,
                 @builtin(num_workgroups) workgroup_count: vec3u,
                 @builtin(local_invocation_index) local: u32) {
  let g = element_index(workgroup_id, workgroup_count, local);
  if (g >= params.grid_x * params.grid_y) { return; }
  let i = g % params.grid_x;
  let k = g / params.grid_x;
  let fx = f32(i) / f32(max(params.grid_x - 1u, 1u));
  let fy = f32(k) / f32(max(params.grid_y - 1u, 1u));
  let x = vec2f(mix(params.x0, params.x1, fx), mix(params.y0, params.y1, fy));
  var sum = 0.0;
  for (var j = 0u; j < params.width; j++) {
    var z = weights[j * params.dim] * x.x;
    if (params.dim == 2u) { z += weights[j * 2u + 1u] * x.y; }
    if (params.has_bias != 0u) { z += bias[j]; }
    // relu(z) with sigma'(0) irrelevant here: only the value is drawn.
    sum += second_layer[j] * max(z, 0.0);
  }
  values[g] = params.scale * sum;
}
`;
}
