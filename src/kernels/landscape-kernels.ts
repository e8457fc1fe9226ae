/**
 * The landscapes family's kernel contract: a spec parsed (zod's issues as KernelArgumentError), the
 * variant it runs with, the cache key of that variant, and the KernelSources of landscape_run and
 * landscape_gradient_check.
 */
import { ZodError } from 'zod';
import { landscapeRunSource, type LandscapeVariant } from '../../shaders/landscapes.wgsl';
import { gradientCheckSource } from '../../shaders/landscape-gradient-check.wgsl';
import { KernelArgumentError } from '../core/errors';
import type { KernelSource } from '../gpu/kernel';
import { componentSamplingOf, landscapeDimOf, parseLandscapeSpec, type LandscapeSpec, type LandscapeSpecInput } from '../core/landscape';
import { expressionDigest } from '../core/landscape-expression';

/** Start-up facts only: what changes the WGSL text (never P, n, lr or the step counts). */
export function landscapeCacheKey(variant: LandscapeVariant): string {
  const parts: string[] = [variant.kind, `k${variant.dim}`, variant.optimizer, variant.sampling];
  if (variant.kind === 'perko') parts.push(variant.integrator);
  if (variant.perParticleLearningRate) parts.push('lr-per-particle');
  if (variant.gradientNoise) parts.push('noise');
  if (variant.expression) parts.push(`expr-${expressionDigest(variant.expression)}`);
  return parts.join('-');
}

export const landscapeRunKernel: KernelSource<LandscapeVariant> = {
  family: 'landscapes',
  entryPoint: 'landscape_run',
  source: landscapeRunSource,
  cacheKey: landscapeCacheKey,
};

export const landscapeGradientCheckKernel: KernelSource<LandscapeVariant> = {
  family: 'landscapes',
  entryPoint: 'landscape_gradient_check',
  source: gradientCheckSource,
  cacheKey: landscapeCacheKey,
};

/** Parses a spec, turning zod's issues into a KernelArgumentError that names the field. */
export function parseSpec(kernel: string, input: LandscapeSpecInput | LandscapeSpec): LandscapeSpec {
  try {
    return parseLandscapeSpec(input);
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    const issue = error.issues[0]!;
    throw new KernelArgumentError(kernel, `spec.${issue.path.join('.') || '(root)'}`, issue.message);
  }
}

/** The variant a spec runs with. */
export function landscapeVariant(spec: LandscapeSpec, perParticleLearningRate: boolean): LandscapeVariant {
  return {
    kind: spec.kind,
    dim: landscapeDimOf(spec),
    optimizer: spec.optimizer,
    integrator: spec.kind === 'perko' ? spec.integrator : 'euler',
    sampling: componentSamplingOf(spec),
    perParticleLearningRate,
    gradientNoise: spec.noiseStd > 0,
    ...(spec.kind === 'expression' ? { expression: { value: spec.value, gradient: spec.gradient } } : {}),
  };
}
