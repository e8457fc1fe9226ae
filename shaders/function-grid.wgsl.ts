/**
 * The network output on a grid over the input box, for the function view:
 * f(x) = scale * sum_j a_j relu(w_j . x + b_j) (docs/science.md section 0, scale = alpha s_m).
 * d = 2: a grid_x x grid_y lattice, values[k grid_x + i] at x = (x0 + i dx, y0 + k dy);
 * d = 1: grid_y = 1 and values[i] at x0 + i dx.
 *
 * A frame evaluates all m neurons at every grid point (96^2 x 2048 = 19M terms for the app's default), so the
 * work is blocked: a workgroup owns FUNCTION_GRID_POINTS_PER_WORKGROUP consecutive points, each thread
 * FUNCTION_GRID_POINTS_PER_THREAD of them (strided by the workgroup size), and the neurons pass through workgroup
 * memory a tile at a time. Each point still sums its terms in neuron order j = 0, 1, ..., m - 1, as one thread per
 * point did: 6.5x faster on SwiftShader at (96^2, 2048), the same floats.
 */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE, FUNCTION_GRID_POINTS_PER_THREAD } from './constants';
import { linearWorkgroupIndex } from './common.wgsl';
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

/** Grid points per workgroup of function_grid: the dispatch is ceil(grid_x grid_y / this) workgroups. */
export const FUNCTION_GRID_POINTS_PER_WORKGROUP = ELEMENTWISE_WORKGROUP_SIZE * FUNCTION_GRID_POINTS_PER_THREAD;

export function functionGridSource(_variant: FunctionGridVariant): string {
  const threads = ELEMENTWISE_WORKGROUP_SIZE;
  if (FUNCTION_GRID_POINTS_PER_THREAD !== 8) throw new Error('function_grid keeps its 8 points in two vec4 accumulators');
  return wgsl`
${FUNCTION_GRID_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${FUNCTION_GRID_PARAMS.name};
@group(0) @binding(1) var<storage, read> second_layer: array<f32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> values: array<f32>;
${linearWorkgroupIndex}

/** A tile of neurons: (a_j, w_j1, w_j2 or 0 when d = 1, b_j or 0). */
var<workgroup> neurons: array<vec4f, ${threads}>;

/** The input at grid point g (clamped to the last point: a thread past the grid still joins the barriers). */
fn grid_point(g: u32) -> vec2f {
  let last = params.grid_x * params.grid_y - 1u;
  let p = min(g, last);
  let fx = f32(p % params.grid_x) / f32(max(params.grid_x - 1u, 1u));
  let fy = f32(p / params.grid_x) / f32(max(params.grid_y - 1u, 1u));
  return vec2f(mix(params.x0, params.x1, fx), mix(params.y0, params.y1, fy));
}

/** w_j . x + b_j at four points, one per component (summed as w_j1 x_1 + w_j2 x_2, then b_j). */
fn pre_activations(n: vec4f, p0: vec2f, p1: vec2f, p2: vec2f, p3: vec2f) -> vec4f {
  let x = vec4f(p0.x, p1.x, p2.x, p3.x);
  let y = vec4f(p0.y, p1.y, p2.y, p3.y);
  return n.y * x + n.z * y + n.w;
}

@compute @workgroup_size(${threads})
fn function_grid(@builtin(workgroup_id) workgroup_id: vec3u,
                 @builtin(num_workgroups) workgroup_count: vec3u,
                 @builtin(local_invocation_index) local: u32) {
  let first = linear_workgroup_index(workgroup_id, workgroup_count) * ${threads * FUNCTION_GRID_POINTS_PER_THREAD}u + local;
  let p0 = grid_point(first);
  let p1 = grid_point(first + ${threads}u);
  let p2 = grid_point(first + ${2 * threads}u);
  let p3 = grid_point(first + ${3 * threads}u);
  let p4 = grid_point(first + ${4 * threads}u);
  let p5 = grid_point(first + ${5 * threads}u);
  let p6 = grid_point(first + ${6 * threads}u);
  let p7 = grid_point(first + ${7 * threads}u);
  var low = vec4f(0.0);
  var high = vec4f(0.0);
  for (var start = 0u; start < params.width; start += ${threads}u) {
    let j = start + local;
    var neuron = vec4f(0.0);
    if (j < params.width) {
      let w2 = select(0.0, weights[min(j * 2u + 1u, arrayLength(&weights) - 1u)], params.dim == 2u);
      let b = select(0.0, bias[min(j, arrayLength(&bias) - 1u)], params.has_bias != 0u);
      neuron = vec4f(second_layer[j], weights[j * params.dim], w2, b);
    }
    // The previous tile is summed by every thread before it is overwritten.
    workgroupBarrier();
    neurons[local] = neuron;
    workgroupBarrier();
    let count = min(${threads}u, params.width - start);
    for (var t = 0u; t < count; t++) {
      let n = neurons[t];
      // relu(z) with sigma'(0) irrelevant here: only the value is drawn.
      low += n.x * max(pre_activations(n, p0, p1, p2, p3), vec4f(0.0));
      high += n.x * max(pre_activations(n, p4, p5, p6, p7), vec4f(0.0));
    }
  }
  let points = params.grid_x * params.grid_y;
  for (var k = 0u; k < 4u; k++) {
    let g = first + k * ${threads}u;
    if (g < points) { values[g] = params.scale * low[k]; }
    if (g + ${4 * threads}u < points) { values[g + ${4 * threads}u] = params.scale * high[k]; }
  }
}
`;
}
