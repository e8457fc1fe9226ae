/** Array-in/array-out run of the landscape kernels (src/kernels/landscapes.ts) for tests. */
import type { GpuContext } from '../../../src/gpu/device';
import { KernelArgumentError } from '../../../src/core/errors';
import type { LandscapeSpec, LandscapeSpecInput } from '../../../src/core/landscape';
import { createLandscapeSession, type LandscapeResult, type RunLandscapeOptions } from '../../../src/kernels/landscape-session';

/** The kernel's name, for error messages (as in src/kernels/landscapes.ts). */
const NAME = 'landscapes/landscape_run';

/** Uploads x0 [P x k], runs `stepCount` steps (one submit) and reads back positions and stats. */
export async function runLandscape(
  gpu: GpuContext,
  specInput: LandscapeSpecInput | LandscapeSpec,
  x0: ArrayLike<number>,
  stepCount: number,
  options: RunLandscapeOptions = {},
): Promise<LandscapeResult> {
  if (!Number.isInteger(stepCount) || stepCount < 0) throw new KernelArgumentError(NAME, 'stepCount', `must be an integer >= 0, got ${stepCount}`);
  const session = await createLandscapeSession(gpu, specInput, x0, options);
  try {
    await session.run.run(stepCount);
    return await session.read();
  } finally {
    session.destroy();
  }
}
