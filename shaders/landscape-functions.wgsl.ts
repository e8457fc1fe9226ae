/**
 * The landscapes of landscape_run in WGSL, one snippet per kind (docs/science.md section 4): each
 * defines landscape_value and, for gradient kinds, landscape_gradient on `Point` register arrays
 * (perko defines its field and perko_step instead). Minibatch gradients draw their components through
 * next_batch_component (shaders/landscape-sampling.wgsl.ts).
 */
import type { ComponentSampling, Integrator } from '../src/core/landscape';
import { userExpressionFunctions, type LandscapeExpressionText } from './landscape-expression.wgsl';

/** quadratic-sum: a_batch = mean of the batch's a_i (f = (1/(2n)) sum a_i x^2, grad_i = a_i x). */
export function quadraticSumSnippet(sampling: ComponentSampling): string {
  const batchMean =
    sampling === 'full'
      ? ''
      : /* wgsl */ `
fn batch_curvature(cell_offset: u32, p: u32, t: u32) -> f32 {
  let key = batch_key(p, t);
  var cursor = vec2u(0u);
  var sum = 0.0;
  for (var k = 0u; k < params.batch_size; k++) { sum += curvatures[cell_offset + next_batch_component(key, &cursor)]; }
  return sum / f32(params.batch_size);
}
`;
  return /* wgsl */ `
// a = (1/n) sum_i a_i of the particle's cell, summed in index order (GD's curvature and f's).
fn cell_curvature(cell_offset: u32) -> f32 {
  var sum = 0.0;
  for (var i = 0u; i < params.sample_count; i++) { sum += curvatures[cell_offset + i]; }
  return sum / f32(params.sample_count);
}
${batchMean}`;
}

/** quadratic-sum's f at a particle of a cell with mean curvature a = (1/n) sum_i a_i: f = (1/(2n)) sum_i a_i x^2 = a x^2 / 2. */
export const quadraticSumValueSnippet = /* wgsl */ `
fn landscape_value(x: Point, cell_mean: f32) -> f32 {
  return 0.5 * cell_mean * x[0] * x[0];
}`;

/** escape: f = (f1 + f2)/2, f_i = min(x^2, c_i (x - 1)^2); a tie takes the x^2 branch. */
export function escapeSnippet(sampling: ComponentSampling): string {
  const batchGradient =
    sampling === 'full'
      ? /* wgsl */ `
fn landscape_gradient(x: Point, p: u32, t: u32) -> Point {
  return Point((component_gradient(x[0], 0u) + component_gradient(x[0], 1u)) / 2.0);
}`
      : /* wgsl */ `
fn landscape_gradient(x: Point, p: u32, t: u32) -> Point {
  let key = batch_key(p, t);
  var cursor = vec2u(0u);
  var sum = 0.0;
  for (var k = 0u; k < params.batch_size; k++) { sum += component_gradient(x[0], next_batch_component(key, &cursor)); }
  return Point(sum / f32(params.batch_size));
}`;
  return /* wgsl */ `
fn escape_coefficient(i: u32) -> f32 {
  return select(params.coefficient1, params.coefficient2, i == 1u);
}
fn component_value(x: f32, i: u32) -> f32 {
  let d = x - 1.0;
  return min(x * x, escape_coefficient(i) * d * d);
}
// f_i' = 2x on the x^2 branch, 2 c_i (x - 1) on the other.
fn component_gradient(x: f32, i: u32) -> f32 {
  let c = escape_coefficient(i);
  let d = x - 1.0;
  if (x * x <= c * d * d) { return 2.0 * x; }
  return 2.0 * c * d;
}
fn landscape_value(x: Point, p: u32) -> f32 {
  return (component_value(x[0], 0u) + component_value(x[0], 1u)) / 2.0;
}
${batchGradient}
`;
}

/** strict-saddle: f = x^2/2 + y^4/4 - y^2/2, grad = (x, y^3 - y); saddle 0, minima (0, +-1). */
export const strictSaddleSnippet = /* wgsl */ `
fn landscape_value(x: Point, p: u32) -> f32 {
  let y2 = x[1] * x[1];
  return 0.5 * x[0] * x[0] + 0.25 * y2 * y2 - 0.5 * y2;
}
fn landscape_gradient(x: Point, p: u32, t: u32) -> Point {
  return Point(x[0], x[1] * x[1] * x[1] - x[1]);
}
`;

/** perko: v(x) = (-x1, -x2 + x1^2, x3 + x1^2) (Perko's stable-manifold example; no potential, value = |x|). */
export function perkoSnippet(integrator: Integrator): string {
  const step =
    integrator === 'euler'
      ? /* wgsl */ `
// Explicit Euler: x <- x + h v(x).
fn perko_step(x: Point, h: f32) -> Point {
  return axpy(h, perko_field(x), x);
}`
      : /* wgsl */ `
// Classical RK4: x <- x + h (k1 + 2 k2 + 2 k3 + k4) / 6.
fn perko_step(x: Point, h: f32) -> Point {
  let k1 = perko_field(x);
  let k2 = perko_field(axpy(0.5 * h, k1, x));
  let k3 = perko_field(axpy(0.5 * h, k2, x));
  let k4 = perko_field(axpy(h, k3, x));
  return axpy(h / 6.0, k4, axpy(h / 3.0, k3, axpy(h / 3.0, k2, axpy(h / 6.0, k1, x))));
}`;
  return /* wgsl */ `
fn perko_field(x: Point) -> Point {
  let square = x[0] * x[0];
  return Point(-x[0], -x[1] + square, x[2] + square);
}
fn landscape_value(x: Point, p: u32) -> f32 {
  return norm_of(x);
}
${step}
`;
}

/** expression: the landscape is the user's f and gradient. */
export function expressionSnippet(k: number, expression: LandscapeExpressionText): string {
  return /* wgsl */ `${userExpressionFunctions(k, expression)}
fn landscape_value(x: Point, p: u32) -> f32 {
  return user_value(x);
}
fn landscape_gradient(x: Point, p: u32, t: u32) -> Point {
  return user_gradient(x);
}
`;
}
