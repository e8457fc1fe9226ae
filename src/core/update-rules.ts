/**
 * Optimizer rules (docs/science.md sections 0, 4, 6, 7): a discriminated union on `kind`, its zod schema
 * with defaults, and the facts the kernels and the float64 twin share.
 *
 * Units. Every tensor s has a step scale c_s: m for mean-field (particle time), 1 for ntk/standard,
 * 0 for a frozen tensor (stepScales, src/core/update-settings.ts). A rule acts on u_s = c_s g_s, the
 * gradient in the metric in which plain GD theta_s <- theta_s - lr c_s g_s is steepest descent:
 *   <x, y>_M = sum_s (1/c_s) x_s . y_s,   so  |u|_M^2 = sum_s c_s |g_s|^2
 * (for mean-field, u_j = v_j = m grad_{theta_j} L, docs/science.md section 1, and |u|_M^2 = (1/m) sum_j |v_j|^2
 * = integral |v|^2 d pi). Linear rules (gd, momentum, nesterov, normalized-gd by the loss) then take
 * exactly the step lr c_s g_s of the brief's per-tensor step size; the scale-invariant ones (adagrad,
 * adam, the norm-normalized ones) move each particle O(lr) whatever m is, as particle time intends.
 */
import { z } from 'zod';

const unitInterval = () => z.number().min(0).lt(1);
const positive = () => z.number().positive().finite();

export const gdRuleSchema = z.object({ kind: z.literal('gd') }).strict();

/** Heavy ball: v <- beta v + u; theta <- theta - lr v. */
export const momentumRuleSchema = z.object({ kind: z.literal('momentum'), beta: unitInterval().default(0.9) }).strict();

/** Nesterov (the PyTorch form): v <- beta v + u; theta <- theta - lr (u + beta v). */
export const nesterovRuleSchema = z.object({ kind: z.literal('nesterov'), beta: unitInterval().default(0.9) }).strict();

/**
 * theta <- theta - lr u / max(N, epsilon) with N = L (the loss of this step, read from a GPU slot; the
 * margin-maximization NGD of docs/science.md section 6) or N = |u|_M (the global norm over all tensors).
 * epsilon only keeps an exactly zero loss or gradient from dividing 0 by 0.
 */
export const normalizedGdRuleSchema = z
  .object({
    kind: z.literal('normalized-gd'),
    normalizer: z.enum(['loss', 'grad-norm']).default('loss'),
    epsilon: positive().default(1e-30),
  })
  .strict();

/** Diagonal AdaGrad: G <- G + u^2; theta <- theta - lr u / (sqrt(G) + epsilon). */
export const adagradRuleSchema = z.object({ kind: z.literal('adagrad'), epsilon: positive().default(1e-8) }).strict();

/** AdaGrad-Norm (docs/science.md section 7): theta <- theta - lr u / sqrt(delta0^2 + sum_{s <= t} |u_s|_M^2). */
export const adanormRuleSchema = z.object({ kind: z.literal('adanorm'), delta0: positive().default(1e-4) }).strict();

/** Adam with bias correction; t = stepIndex + 1 counts the updates. */
export const adamRuleSchema = z
  .object({
    kind: z.literal('adam'),
    beta1: unitInterval().default(0.9),
    beta2: unitInterval().default(0.999),
    epsilon: positive().default(1e-8),
  })
  .strict();

/** Every rule that can serve as the update of a SAM step. */
export const baseRuleSchema = z.discriminatedUnion('kind', [
  gdRuleSchema,
  momentumRuleSchema,
  nesterovRuleSchema,
  normalizedGdRuleSchema,
  adagradRuleSchema,
  adanormRuleSchema,
  adamRuleSchema,
]);

/**
 * Sharpness-aware minimization (docs/science.md section 4): the gradient is taken at theta + rho u / |u|_M
 * (the steepest ascent of M-radius rho) and `base` applies it at theta.
 */
export const samRuleSchema = z
  .object({
    kind: z.literal('sam'),
    rho: z.number().min(0).finite().default(0.05),
    epsilon: positive().default(1e-12),
    base: baseRuleSchema.default({ kind: 'gd' }),
  })
  .strict();

export const optimizerRuleSchema = z.discriminatedUnion('kind', [...baseRuleSchema.options, samRuleSchema]);

/** A rule with every default filled in. */
export type OptimizerRule = z.output<typeof optimizerRuleSchema>;
/** What a config may write: the kind plus any hyperparameters to override. */
export type OptimizerRuleInput = z.input<typeof optimizerRuleSchema>;
export type BaseOptimizerRule = z.output<typeof baseRuleSchema>;
export type OptimizerKind = OptimizerRule['kind'];

export const OPTIMIZER_KINDS: readonly OptimizerKind[] = optimizerRuleSchema.options.map((option) => option.shape.kind.value);

/** The rule that performs the update: the rule itself, or SAM's base. */
export function updateRuleOf(rule: OptimizerRule): BaseOptimizerRule {
  return rule.kind === 'sam' ? rule.base : rule;
}

/** Whether the update needs |u|_M of the current gradient (so squared_norm and norm_total run first). */
export function updateNeedsGradientNorm(rule: BaseOptimizerRule): boolean {
  return (rule.kind === 'normalized-gd' && rule.normalizer === 'grad-norm') || rule.kind === 'adanorm';
}

/** Whether the update reads this step's loss L from a GPU slot. */
export function updateNeedsLoss(rule: BaseOptimizerRule): boolean {
  return rule.kind === 'normalized-gd' && rule.normalizer === 'loss';
}

/** Per-element state of a rule, by name; the same names on the GPU and in the twin. */
export type StateName = 'velocity' | 'sumSquares' | 'firstMoment' | 'secondMoment' | 'saved';

export function stateNames(rule: OptimizerRule): StateName[] {
  const base = updateRuleOf(rule);
  const names: StateName[] =
    base.kind === 'momentum' || base.kind === 'nesterov'
      ? ['velocity']
      : base.kind === 'adagrad'
        ? ['sumSquares']
        : base.kind === 'adam'
          ? ['firstMoment', 'secondMoment']
          : [];
  return rule.kind === 'sam' ? [...names, 'saved'] : names;
}

/** 1 - beta^t in float64 (Adam's bias correction; t >= 1). */
export function biasCorrection(beta: number, t: number): number {
  return 1 - beta ** t;
}
