/**
 * landscape_gradient_check (expression landscapes only): the user's gradient beside central
 * differences of the user's f at check points, for the host to compare before any run
 * (src/kernels/landscape-gradient-check.ts).
 */
import { wgsl } from './preprocessor';
import { linearWorkgroupIndex } from './common.wgsl';
import { userExpressionFunctions } from './landscape-expression.wgsl';
import { threadEntry, type LandscapeVariant } from './landscapes.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';

/**
 * Step h of the gradient check, relative to max(1, |x_c|). Large on purpose: the GPU's f carries an
 * absolute error eps_f up to 2^-11 (WGSL's bound for sin/cos), which a difference quotient turns into
 * eps_f / h; Richardson extrapolation keeps the truncation at O(h^4) despite the large h.
 */
export const GRADIENT_CHECK_RELATIVE_STEP = 0.05;

/** Uniform of landscape_gradient_check: the number of check points. */
export const GRADIENT_CHECK_PARAMS = uniformStruct('GradientCheckParams', { point_count: 'u32' });

/**
 * landscape_gradient_check (expression only): for each check point, the user's gradient, the central
 * differences D(h/2) and D(h), D(h) = (f(x + h e_c) - f(x - h e_c)) / ((x + h e_c)_c - (x - h e_c)_c),
 * h = STEP max(1, |x_c|), and f(x): results [Q x (3k + 1)] = (gradient[k], D(h/2)[k], D(h)[k], value).
 * The host extrapolates (4 D(h/2) - D(h)) / 3 (Richardson: truncation O(h^4), noise <= 3 eps_f / h).
 */
export function gradientCheckSource(variant: LandscapeVariant): string {
  const k = variant.dim;
  return wgsl`
${GRADIENT_CHECK_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${GRADIENT_CHECK_PARAMS.name};
@group(0) @binding(1) var<storage, read> check_points: array<f32>;
@group(0) @binding(2) var<storage, read_write> check_results: array<f32>;
${linearWorkgroupIndex}
${userExpressionFunctions(k, variant.expression!)}
// D(h) along coordinate c, divided by the step actually taken in f32.
fn central_difference(x: array<f32, ${k}>, c: u32, h: f32) -> f32 {
  var up = x;
  var down = x;
  up[c] = up[c] + h;
  down[c] = down[c] - h;
  return (user_value(up) - user_value(down)) / (up[c] - down[c]);
}

${threadEntry('landscape_gradient_check', 'q', 'params.point_count')}
  var x: array<f32, ${k}>;
  for (var c = 0u; c < ${k}u; c++) { x[c] = check_points[q * ${k}u + c]; }
  var g = user_gradient(x);
  let out = q * ${3 * k + 1}u;
  for (var c = 0u; c < ${k}u; c++) {
    let h = ${GRADIENT_CHECK_RELATIVE_STEP} * max(1.0, abs(x[c]));
    check_results[out + c] = g[c];
    check_results[out + ${k}u + c] = central_difference(x, c, 0.5 * h);
    check_results[out + ${2 * k}u + c] = central_difference(x, c, h);
  }
  check_results[out + ${3 * k}u] = user_value(x);
}
`;
}
