/**
 * Which StepEncoder a trainer uses: the config's stepKernel, or for 'auto' the unfused step where the
 * multi-step kernel cannot run the config or the step is large (autoStepKernel), else the adapter's
 * small-step winner (step-autotune.ts: shipped for SwiftShader, timed once and remembered elsewhere). One
 * answer per adapter and shape for the life of the process.
 */
import type { GpuContext } from '../../gpu/device';
import type { TwoLayerTrainerConfig } from '../../core/network';
import { KernelArgumentError } from '../../core/errors';
import { autoStepKernel, multiStepProblem, type StepKernel } from '../../core/step-kernels';
import { autotuneStepKernel, stepDecision, type StepTuneOptions } from './step-autotune';

export async function resolveStepKernel(gpu: GpuContext, config: TwoLayerTrainerConfig & { readonly batchSize: number }, options: StepTuneOptions = {}): Promise<StepKernel> {
  const setting = config.stepKernel ?? 'unfused';
  if (setting === 'unfused') return 'unfused';
  if (setting === 'multi-step') {
    const problem = multiStepProblem(config);
    if (problem) throw new KernelArgumentError('two-layer-trainer', 'stepKernel', `is 'multi-step', but the multi-step kernel ${problem}`);
    return 'multi-step';
  }
  if (autoStepKernel(config) === 'unfused') return 'unfused';
  return stepDecision(gpu.adapterDescription) ?? (await autotuneStepKernel(gpu, options)).winner;
}
