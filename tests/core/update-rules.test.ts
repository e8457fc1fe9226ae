import { describe, expect, it } from 'vitest';
import {
  biasCorrection,
  OPTIMIZER_KINDS,
  optimizerRuleSchema,
  stateNames,
  updateNeedsGradientNorm,
  updateNeedsLoss,
  updateRuleOf,
} from '../../src/core/update-rules';

describe('optimizer rules', () => {
  it('fills in the defaults of every rule', () => {
    const parse = (kind: string) => optimizerRuleSchema.parse({ kind });
    expect(OPTIMIZER_KINDS).toEqual(['gd', 'momentum', 'nesterov', 'normalized-gd', 'adagrad', 'adanorm', 'adam', 'sam']);
    expect(parse('gd')).toEqual({ kind: 'gd' });
    expect(parse('momentum')).toEqual({ kind: 'momentum', beta: 0.9 });
    expect(parse('nesterov')).toEqual({ kind: 'nesterov', beta: 0.9 });
    expect(parse('normalized-gd')).toEqual({ kind: 'normalized-gd', normalizer: 'loss', epsilon: 1e-30 });
    expect(parse('adagrad')).toEqual({ kind: 'adagrad', epsilon: 1e-8 });
    expect(parse('adanorm')).toEqual({ kind: 'adanorm', delta0: 1e-4 });
    expect(parse('adam')).toEqual({ kind: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    expect(parse('sam')).toEqual({ kind: 'sam', rho: 0.05, epsilon: 1e-12, base: { kind: 'gd' } });
    expect(optimizerRuleSchema.parse({ kind: 'sam', base: { kind: 'adam', beta1: 0.5 } })).toEqual({
      kind: 'sam', rho: 0.05, epsilon: 1e-12, base: { kind: 'adam', beta1: 0.5, beta2: 0.999, epsilon: 1e-8 },
    });
  });

  it('rejects bad hyperparameters, naming the field', () => {
    const issuePath = (input: unknown) => {
      const result = optimizerRuleSchema.safeParse(input);
      expect(result.success, JSON.stringify(input)).toBe(false);
      return result.error!.issues[0]!.path.join('.');
    };
    expect(issuePath({ kind: 'momentum', beta: 1 })).toBe('beta');
    expect(issuePath({ kind: 'adam', beta2: -0.1 })).toBe('beta2');
    expect(issuePath({ kind: 'adagrad', epsilon: 0 })).toBe('epsilon');
    expect(issuePath({ kind: 'adanorm', delta0: NaN })).toBe('delta0');
    expect(issuePath({ kind: 'normalized-gd', normalizer: 'max' })).toBe('normalizer');
    expect(issuePath({ kind: 'sam', rho: -1 })).toBe('rho');
    expect(issuePath({ kind: 'sam', base: { kind: 'sam' } })).toBe('base.kind');
    expect(issuePath({ kind: 'gd', beta: 0.9 })).toBe('');
    expect(issuePath({ kind: 'rmsprop' })).toBe('kind');
  });

  it('names the state, norm and loss needs of each rule', () => {
    const rule = (input: unknown) => optimizerRuleSchema.parse(input);
    expect(stateNames(rule({ kind: 'gd' }))).toEqual([]);
    expect(stateNames(rule({ kind: 'nesterov' }))).toEqual(['velocity']);
    expect(stateNames(rule({ kind: 'adagrad' }))).toEqual(['sumSquares']);
    expect(stateNames(rule({ kind: 'adam' }))).toEqual(['firstMoment', 'secondMoment']);
    expect(stateNames(rule({ kind: 'sam', base: { kind: 'momentum' } }))).toEqual(['velocity', 'saved']);
    expect(updateRuleOf(rule({ kind: 'sam', base: { kind: 'adanorm' } })).kind).toBe('adanorm');
    expect(updateNeedsGradientNorm(updateRuleOf(rule({ kind: 'adanorm' })))).toBe(true);
    expect(updateNeedsGradientNorm(updateRuleOf(rule({ kind: 'normalized-gd', normalizer: 'grad-norm' })))).toBe(true);
    expect(updateNeedsGradientNorm(updateRuleOf(rule({ kind: 'sam' })))).toBe(false);
    expect(updateNeedsLoss(updateRuleOf(rule({ kind: 'normalized-gd' })))).toBe(true);
    expect(updateNeedsLoss(updateRuleOf(rule({ kind: 'adam' })))).toBe(false);
  });

  it('computes Adam bias corrections 1 - beta^t in float64', () => {
    expect(biasCorrection(0.5, 1)).toBe(0.5);
    expect(biasCorrection(0.5, 3)).toBe(0.875);
    expect(biasCorrection(0, 1)).toBe(1);
  });
});
