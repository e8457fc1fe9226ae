/**
 * Optimizer kernels (src/core/update-rules.ts has the rules and their units). Each tensor s (a, W, b ...) is
 * updated in place from its gradient g_s, its own state buffers and a step scale c_s (m in particle time
 * for mean-field, 1 otherwise, 0 frozen); every rule acts on u = c_s g. Global norms are deterministic:
 *   squared_norm   one partial sum c_s sum g^2 per workgroup of REDUCTION_WORKGROUP_SIZE elements
 *   norm_total     one workgroup sums all partials in a fixed order: |u|_M^2 (and AdaNorm's running sum)
 * so no float atomics and bitwise-identical results from run to run.
 *
 * The scalars buffer (f32): [0] |u|_M^2 of the current gradient, [1] the sum of it over the steps so
 * far (AdaNorm's b^2 - delta0^2), [2 ..] the partial sums, tensor s in its own range.
 */
import { wgsl } from './preprocessor';
import { ELEMENTWISE_WORKGROUP_SIZE, REDUCTION_WORKGROUP_SIZE } from './constants';
import { elementIndexWgsl, entryArgumentsWgsl, linearWorkgroupIndex } from './common.wgsl';
import { treeSumWgsl } from './metrics-common.wgsl';
import { updateRulesWgsl } from './update-rules.wgsl';
import { uniformStruct } from '../src/core/uniform-struct';

/** Slots of the scalars buffer. */
export const OPTIMIZER_SCALAR_SLOTS = {
  /** |u|_M^2 = sum_s c_s |g_s|^2 of the gradient the last norm_total saw. */
  gradientNormSquared: 0,
  /** sum over steps of gradientNormSquared (norm_total with accumulate = 1). */
  gradientNormSquaredSum: 1,
  /** First partial sum of squared_norm. */
  firstPartial: 2,
} as const;

/** Update kernels differ in text (and pipeline) by the rule; normalized-gd splits by its normalizer. */
export type UpdateKind = 'gd' | 'momentum' | 'nesterov' | 'normalized-loss' | 'normalized-norm' | 'adagrad' | 'adanorm' | 'adam';

export interface OptimizerUpdateVariant {
  readonly kind: UpdateKind;
}

export type OptimizerVariant = Record<string, never>;

/** Uniform of squared_norm: the tensor's size, where its partials go, and c_s. */
export const SQUARED_NORM_PARAMS = uniformStruct('SquaredNormParams', { element_count: 'u32', partial_offset: 'u32', step_scale: 'f32' });

/** Uniform of norm_total: the partials to add, and whether to add the total to AdaNorm's running sum (1) or not (0). */
export const NORM_TOTAL_PARAMS = uniformStruct('NormTotalParams', { partial_count: 'u32', accumulate: 'u32' });

/**
 * Uniform of optimizer_update. 1 - beta and 1 - beta^t are computed in float64 and rounded once;
 * loss_slot, learning_rate and the bias corrections change per step. Fields a rule does not use are 0.
 */
export const OPTIMIZER_UPDATE_PARAMS = uniformStruct('OptimizerUpdateParams', {
  element_count: 'u32',
  loss_slot: 'u32',
  learning_rate: 'f32',
  step_scale: 'f32',
  beta1: 'f32',
  one_minus_beta1: 'f32',
  beta2: 'f32',
  one_minus_beta2: 'f32',
  epsilon: 'f32',
  delta0_squared: 'f32',
  bias_correction1: 'f32',
  bias_correction2: 'f32',
});

/** Uniform of sam_perturb: the tensor's size, c_s, the radius rho and the norm floor epsilon. */
export const SAM_PERTURB_PARAMS = uniformStruct('SamPerturbParams', { element_count: 'u32', step_scale: 'f32', rho: 'f32', epsilon: 'f32' });

/** Uniform of sam_restore: the tensor's size. */
export const SAM_RESTORE_PARAMS = uniformStruct('SamRestoreParams', { element_count: 'u32' });

/** Uniform of proximal_grad: the tensor's size and 1 / (tau c_s). */
export const PROXIMAL_GRAD_PARAMS = uniformStruct('ProximalGradParams', { element_count: 'u32', coefficient: 'f32' });



/**
 * squared_norm: scalars[partial_offset + k] = c_s sum_{i in block k} g_i^2, block k the k-th run of
 * REDUCTION_WORKGROUP_SIZE elements; c_s |g_s|^2 = |u_s|_M^2 because |u_s|_M^2 = (1/c_s) |c_s g_s|^2.
 * A frozen tensor (c_s = 0) contributes exactly 0 without reading its gradient.
 */
export function squaredNormSource(_variant: OptimizerVariant): string {
  return wgsl`
${SQUARED_NORM_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${SQUARED_NORM_PARAMS.name};
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> scalars: array<f32>;
${linearWorkgroupIndex}${treeSumWgsl}
@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn squared_norm(${entryArgumentsWgsl}) {
  let block = linear_workgroup_index(workgroup_id, workgroup_count);
  let block_count = (params.element_count + ${REDUCTION_WORKGROUP_SIZE - 1}u) / ${REDUCTION_WORKGROUP_SIZE}u;
  if (block >= block_count) { return; }
  let i = block * ${REDUCTION_WORKGROUP_SIZE}u + local;
  var value = 0.0;
  if (i < params.element_count && params.step_scale != 0.0) {
    let g = grad[i];
    value = g * g;
  }
  let block_sum = tree_sum(local, value);
  if (local == 0u) {
    scalars[params.partial_offset + block] = params.step_scale * block_sum;
  }
}
`;
}

/**
 * norm_total: |u|_M^2 = sum of all partials (strided partial sums in order, then the fixed tree), by one
 * workgroup. With accumulate = 1 it also adds the total to the running sum of AdaGrad-Norm,
 * b_t^2 - delta0^2 = sum_{s <= t} |u_s|_M^2 (docs/science.md section 7).
 */
export function normTotalSource(_variant: OptimizerVariant): string {
  const { gradientNormSquared, gradientNormSquaredSum, firstPartial } = OPTIMIZER_SCALAR_SLOTS;
  return wgsl`
${NORM_TOTAL_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${NORM_TOTAL_PARAMS.name};
@group(0) @binding(1) var<storage, read_write> scalars: array<f32>;
${linearWorkgroupIndex}${treeSumWgsl}
@compute @workgroup_size(${REDUCTION_WORKGROUP_SIZE})
fn norm_total(${entryArgumentsWgsl}) {
  if (linear_workgroup_index(workgroup_id, workgroup_count) != 0u) { return; }
  var partial = 0.0;
  for (var k = local; k < params.partial_count; k = k + ${REDUCTION_WORKGROUP_SIZE}u) {
    partial = partial + scalars[${firstPartial}u + k];
  }
  let total = tree_sum(local, partial);
  if (local == 0u) {
    scalars[${gradientNormSquared}u] = total;
    if (params.accumulate != 0u) {
      scalars[${gradientNormSquaredSum}u] = scalars[${gradientNormSquaredSum}u] + total;
    }
  }
}
`;
}

/**
 * optimizer_update, one thread per element, fused: reads theta, g and the state once and writes theta
 * and the state once; the formulas are the shared rule_* functions of shaders/update-rules.wgsl.ts.
 * u = c_s g; theta <- theta - lr * direction with, by rule,
 *   gd               direction = u
 *   momentum         v <- beta1 v + u,                          direction = v
 *   nesterov         v <- beta1 v + u,                          direction = u + beta1 v
 *   normalized-loss  direction = u / max(L, epsilon),           L = losses[loss_slot]
 *   normalized-norm  direction = u / max(|u|_M, epsilon)
 *   adagrad          G <- G + u^2,                              direction = u / (sqrt(G) + epsilon)
 *   adanorm          direction = u / sqrt(delta0^2 + sum_{s <= t} |u_s|_M^2)
 *   adam             m <- beta1 m + (1 - beta1) u,  v <- beta2 v + (1 - beta2) u^2,
 *                    direction = (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)
 * A frozen tensor (c_s = 0) is not touched at all: theta and state stay bit-identical.
 */
export function optimizerUpdateSource(variant: OptimizerUpdateVariant): string {
  const { kind } = variant;
  const hasVelocity = kind === 'momentum' || kind === 'nesterov';
  const readsNorm = kind === 'normalized-norm' || kind === 'adanorm';
  const { gradientNormSquared, gradientNormSquaredSum } = OPTIMIZER_SCALAR_SLOTS;
  return wgsl`
${OPTIMIZER_UPDATE_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${OPTIMIZER_UPDATE_PARAMS.name};
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
#if ${hasVelocity}
@group(0) @binding(3) var<storage, read_write> velocity: array<f32>;
#elif ${kind === 'adagrad'}
@group(0) @binding(3) var<storage, read_write> sum_squares: array<f32>;
#elif ${kind === 'adam'}
@group(0) @binding(3) var<storage, read_write> first_moment: array<f32>;
@group(0) @binding(4) var<storage, read_write> second_moment: array<f32>;
#elif ${kind === 'normalized-loss'}
@group(0) @binding(3) var<storage, read> losses: array<f32>;
#elif ${readsNorm}
@group(0) @binding(3) var<storage, read> scalars: array<f32>;
#endif
${elementIndexWgsl}${updateRulesWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn optimizer_update(${entryArgumentsWgsl}) {
  let i = element_index(workgroup_id, workgroup_count, local);
  if (i >= params.element_count || params.step_scale == 0.0) { return; }
  let u = params.step_scale * grad[i];
#if ${kind === 'gd'}
  let direction = u;
#elif ${kind === 'momentum'}
  let v = rule_heavy_ball(params.beta1, velocity[i], u);
  velocity[i] = v;
  let direction = v;
#elif ${kind === 'nesterov'}
  let v = rule_heavy_ball(params.beta1, velocity[i], u);
  velocity[i] = v;
  let direction = rule_nesterov_direction(u, params.beta1, v);
#elif ${kind === 'normalized-loss'}
  let direction = rule_normalized_direction(u, losses[params.loss_slot], params.epsilon);
#elif ${kind === 'normalized-norm'}
  let direction = rule_normalized_direction(u, sqrt(scalars[${gradientNormSquared}u]), params.epsilon);
#elif ${kind === 'adagrad'}
  let g2 = rule_accumulate_square(sum_squares[i], u);
  sum_squares[i] = g2;
  let direction = rule_adagrad_direction(u, g2, params.epsilon);
#elif ${kind === 'adanorm'}
  let direction = u / rule_adaptive_norm(params.delta0_squared, scalars[${gradientNormSquaredSum}u]);
#elif ${kind === 'adam'}
  let m = rule_moving_average(params.beta1, params.one_minus_beta1, first_moment[i], u);
  let v = rule_moving_average_of_square(params.beta2, params.one_minus_beta2, second_moment[i], u);
  first_moment[i] = m;
  second_moment[i] = v;
  let direction = rule_adam_direction(m, v, params.bias_correction1, params.bias_correction2, params.epsilon);
#endif
  param[i] = rule_descent_step(param[i], params.learning_rate, direction);
}
`;
}

/**
 * sam_perturb: saved = theta, then theta <- theta + rho u / max(|u|_M, epsilon), the steepest ascent
 * of M-radius rho (SAM's eps = rho g / |g| in the update's own metric), with |u|_M^2 from norm_total.
 * A frozen tensor is saved but not moved.
 */
export function samPerturbSource(_variant: OptimizerVariant): string {
  return wgsl`
${SAM_PERTURB_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${SAM_PERTURB_PARAMS.name};
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> saved: array<f32>;
@group(0) @binding(4) var<storage, read> scalars: array<f32>;
${elementIndexWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn sam_perturb(${entryArgumentsWgsl}) {
  let i = element_index(workgroup_id, workgroup_count, local);
  if (i >= params.element_count) { return; }
  let theta = param[i];
  saved[i] = theta;
  if (params.step_scale == 0.0) { return; }
  let norm = max(sqrt(scalars[${OPTIMIZER_SCALAR_SLOTS.gradientNormSquared}u]), params.epsilon);
  param[i] = theta + params.rho * (params.step_scale * grad[i]) / norm;
}
`;
}

/** sam_restore: theta = saved, a copy, so the restore is bit-exact. */
export function samRestoreSource(_variant: OptimizerVariant): string {
  return wgsl`
${SAM_RESTORE_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${SAM_RESTORE_PARAMS.name};
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> saved: array<f32>;
${elementIndexWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn sam_restore(${entryArgumentsWgsl}) {
  let i = element_index(workgroup_id, workgroup_count, local);
  if (i >= params.element_count) { return; }
  param[i] = saved[i];
}
`;
}

/**
 * proximal_grad, in place: g <- g + coefficient (theta - anchor), coefficient = 1 / (tau c_s): the
 * Euclidean gradient of the JKO objective L(theta) + (1 / (2 tau)) |theta - anchor|_M^2 (docs/science.md
 * section 1; for mean-field c_s = m gives the (1/m) sum_j |theta_j - theta_j^k|^2 of the W2 term).
 * coefficient = 0 (frozen tensor) leaves g untouched.
 */
export function proximalGradSource(_variant: OptimizerVariant): string {
  return wgsl`
${PROXIMAL_GRAD_PARAMS.wgsl}
@group(0) @binding(0) var<uniform> params: ${PROXIMAL_GRAD_PARAMS.name};
@group(0) @binding(1) var<storage, read> param: array<f32>;
@group(0) @binding(2) var<storage, read> anchor: array<f32>;
@group(0) @binding(3) var<storage, read_write> grad: array<f32>;
${elementIndexWgsl}
@compute @workgroup_size(${ELEMENTWISE_WORKGROUP_SIZE})
fn proximal_grad(${entryArgumentsWgsl}) {
  let i = element_index(workgroup_id, workgroup_count, local);
  if (i >= params.element_count || params.coefficient == 0.0) { return; }
  grad[i] = grad[i] + params.coefficient * (param[i] - anchor[i]);
}
`;
}
