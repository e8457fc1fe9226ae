/**
 * The per-sample losses of docs/science.md section 0 in WGSL, shared by the two-layer head (output_loss in both of
 * its layouts) and the Hessian trace.
 */
import { lossCode } from '../src/core/conventions';

/**
 * Stable per-sample losses in f32. With t = -y f: logistic l = softplus(t) = max(t, 0) + log(1 + exp(-|t|)),
 * l' = -y sigmoid(t), finite for any finite f (exp(-|t|) only underflows to 0); exponential l = exp(t),
 * l' = -y exp(t), which overflows to +Inf past t = 88.7 as the loss itself does. Reads
 * params.loss_code: a kernel including it declares that uniform field.
 */
export const lossesWgsl = /* wgsl */ `
// log(1 + x) for x in [0, 1], accurate relative to its value: the built-in log has only an absolute
// error bound near 1, so below 1/8 use the series x - x^2/2 + ... - x^8/8 (truncation x^9/9 < 7e-9 x).
fn log1p_unit(x: f32) -> f32 {
  if (x < 0.125) {
    return x * (1.0 + x * (-0.5 + x * (1.0 / 3.0 + x * (-0.25 + x * (0.2 + x * (-1.0 / 6.0
      + x * (1.0 / 7.0 + x * -0.125)))))));
  }
  return log(1.0 + x);
}

// softplus(t) = log(1 + exp(t)) = max(t, 0) + log(1 + exp(-|t|)); never overflows.
fn softplus(t: f32) -> f32 {
  return max(t, 0.0) + log1p_unit(exp(-abs(t)));
}

// sigmoid(t) = 1 / (1 + exp(-t)), through exp(-|t|) in (0, 1] so it never overflows.
fn sigmoid(t: f32) -> f32 {
  let e = exp(-abs(t));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), t >= 0.0);
}

// l(f, y): square 0.5 (f - y)^2, logistic log(1 + exp(-y f)), exponential exp(-y f).
fn loss_value(f: f32, y: f32) -> f32 {
  if (params.loss_code == ${lossCode('logistic')}u) { return softplus(-y * f); }
  if (params.loss_code == ${lossCode('exponential')}u) { return exp(-y * f); }
  let residual = f - y;
  return 0.5 * residual * residual;
}

// dl/df: square f - y, logistic -y sigmoid(-y f), exponential -y exp(-y f).
fn loss_slope(f: f32, y: f32) -> f32 {
  if (params.loss_code == ${lossCode('logistic')}u) { return -y * sigmoid(-y * f); }
  if (params.loss_code == ${lossCode('exponential')}u) { return -y * exp(-y * f); }
  return f - y;
}
`;
