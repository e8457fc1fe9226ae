/**
 * The optim family's kernel contract: the KernelSource of each entry point of shaders/optim.wgsl.ts
 * (only optimizer_update has variants: one per update kind).
 */
import {
  normTotalSource,
  optimizerUpdateSource,
  proximalGradSource,
  samPerturbSource,
  samRestoreSource,
  squaredNormSource,
  type OptimizerUpdateVariant,
  type OptimizerVariant,
} from '../../shaders/optim.wgsl';
import type { KernelSource } from '../gpu/kernel';

/** The family name in every kernel's label and error. */
export const FAMILY = 'optim';
/** The one variant of the entry points other than optimizer_update (their text never changes). */
export const VARIANT: OptimizerVariant = {};

function plainKernel(entryPoint: string, source: (variant: OptimizerVariant) => string): KernelSource<OptimizerVariant> {
  return { family: FAMILY, entryPoint, source, cacheKey: () => 'f32' };
}

export const squaredNormKernel = plainKernel('squared_norm', squaredNormSource);
export const normTotalKernel = plainKernel('norm_total', normTotalSource);
export const samPerturbKernel = plainKernel('sam_perturb', samPerturbSource);
export const samRestoreKernel = plainKernel('sam_restore', samRestoreSource);
export const proximalGradKernel = plainKernel('proximal_grad', proximalGradSource);
export const optimizerUpdateKernel: KernelSource<OptimizerUpdateVariant> = {
  family: FAMILY,
  entryPoint: 'optimizer_update',
  source: optimizerUpdateSource,
  cacheKey: (variant) => `f32-${variant.kind}`,
};
