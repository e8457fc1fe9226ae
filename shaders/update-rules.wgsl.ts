/**
 * The update rules as pure WGSL functions of f32 scalars (docs/science.md sections 7 and 8; the rules and
 * their units in src/core/update-rules.ts): one implementation that every model kind's kernel interpolates
 * (shaders/optim.wgsl.ts per tensor element, shaders/landscapes.wgsl.ts per particle coordinate in
 * registers, shaders/linear-logistic.wgsl.ts per run). Each function is one fixed sequence of f32
 * operations, so a kernel that calls it computes bit for bit what it computed with the text inline; where
 * two kernels genuinely use different formulas (AdaGrad's epsilon outside the root vs delta0^2 inside it)
 * the library has one function per formula. float64 twin: src/float64/update-rules.ts.
 *
 * Names start with `rule_` so they never meet a kernel's own functions or a user expression's.
 */

/** Every function of the library; unused ones cost a kernel nothing but parse time. */
export const updateRulesWgsl = /* wgsl */ `
// The descent step theta - lr d of every rule (d the rule's direction).
fn rule_descent_step(theta: f32, learning_rate: f32, direction: f32) -> f32 {
  return theta - learning_rate * direction;
}
// Heavy ball (and Nesterov's velocity): v <- beta v + u.
fn rule_heavy_ball(beta: f32, velocity: f32, u: f32) -> f32 {
  return beta * velocity + u;
}
// Nesterov's direction u + beta v, v the velocity already updated.
fn rule_nesterov_direction(u: f32, beta: f32, velocity: f32) -> f32 {
  return u + beta * velocity;
}
// Normalized step direction u / max(N, epsilon), N a loss or a norm.
fn rule_normalized_direction(u: f32, normalizer: f32, epsilon: f32) -> f32 {
  return u / max(normalizer, epsilon);
}
// AdaGrad's accumulator: G <- G + g^2 (also AdaGrad-Norm's sum, one coordinate at a time).
fn rule_accumulate_square(sum: f32, g: f32) -> f32 {
  return sum + g * g;
}
// AdaGrad with epsilon outside the root: u / (sqrt(G) + epsilon).
fn rule_adagrad_direction(u: f32, sum_squares: f32, epsilon: f32) -> f32 {
  return u / (sqrt(sum_squares) + epsilon);
}
// b_t = sqrt(delta0^2 + sum_{s <= t} |g_s|^2): the denominator of AdaGrad-Norm and of delta0-AdaGrad.
fn rule_adaptive_norm(delta0_squared: f32, sum: f32) -> f32 {
  return sqrt(delta0_squared + sum);
}
// AdaGrad-Norm's step size alpha / sqrt(delta0^2 + sum), the sum already updated.
fn rule_adaptive_step_size(alpha: f32, delta0_squared: f32, sum: f32) -> f32 {
  return alpha / rule_adaptive_norm(delta0_squared, sum);
}
// AdaGrad with delta0^2 inside the root, the whole step: alpha g / sqrt(delta0^2 + G), G already updated.
fn rule_delta0_adagrad_step(alpha: f32, g: f32, delta0_squared: f32, sum_squares: f32) -> f32 {
  return alpha * g / rule_adaptive_norm(delta0_squared, sum_squares);
}
// Adam's first moment: m <- beta m + (1 - beta) u, with 1 - beta rounded once on the host.
fn rule_moving_average(beta: f32, one_minus_beta: f32, average: f32, u: f32) -> f32 {
  return beta * average + one_minus_beta * u;
}
// Adam's second moment: v <- beta v + ((1 - beta) u) u.
fn rule_moving_average_of_square(beta: f32, one_minus_beta: f32, average: f32, u: f32) -> f32 {
  return beta * average + one_minus_beta * u * u;
}
// Adam's direction (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon).
fn rule_adam_direction(m: f32, v: f32, bias_correction1: f32, bias_correction2: f32, epsilon: f32) -> f32 {
  return (m / bias_correction1) / (sqrt(v / bias_correction2) + epsilon);
}
// The inverse-sqrt schedule alpha_t = lr / sqrt(t + 1) at step index t (src/core/schedule.ts).
fn rule_inverse_sqrt_step_size(learning_rate: f32, t: u32) -> f32 {
  return learning_rate / sqrt(f32(t) + 1.0);
}
`;
