/** Array-in/array-out run of linear logistic regression on the GPU (src/kernels/linear-logistic.ts) for tests. */
import type { GpuContext } from '../../../src/gpu/device';
import { KernelArgumentError } from '../../../src/core/errors';
import { createLinearLogisticSession, type LinearLogisticInputs } from '../../../src/kernels/linear-logistic';

/** The kernel's name, for error messages (as in src/kernels/linear-logistic.ts). */
const NAME = 'linear-logistic/linear_logistic_run';

/** Array in, array out: `stepCount` steps of every run from w0 (v0 = 0); returns w and v [R x d]. */
export async function runLinearLogistic(gpu: GpuContext, inputs: LinearLogisticInputs, stepCount: number): Promise<{ weights: Float32Array; velocity: Float32Array }> {
  if (!Number.isInteger(stepCount) || stepCount < 0) throw new KernelArgumentError(NAME, 'stepCount', `must be an integer >= 0, got ${stepCount}`);
  const session = await createLinearLogisticSession(gpu, inputs);
  try {
    await session.run.run(stepCount);
    return await session.read();
  } finally {
    session.destroy();
  }
}
