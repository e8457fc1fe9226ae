/**
 * The uniform of landscape_run (shaders/landscapes.wgsl.ts): the chunk of steps, the sampling, the
 * step-size settings and the exit test, with the exit anchor as one scalar field per coordinate.
 */
import { MAX_LANDSCAPE_DIM } from '../src/core/landscape';
import { uniformStruct } from '../src/core/uniform-struct';

/**
 * The exit anchor, one f32 field per coordinate up to MAX_LANDSCAPE_DIM: scalars, because each element
 * of a uniform array<f32, N> would take 16 bytes.
 */
export const LANDSCAPE_ANCHOR_FIELDS = {
  anchor0: 'f32', anchor1: 'f32', anchor2: 'f32', anchor3: 'f32', anchor4: 'f32', anchor5: 'f32', anchor6: 'f32', anchor7: 'f32',
} as const;
if (Object.keys(LANDSCAPE_ANCHOR_FIELDS).length !== MAX_LANDSCAPE_DIM) {
  throw new Error(`LANDSCAPE_ANCHOR_FIELDS needs one field per coordinate, MAX_LANDSCAPE_DIM = ${MAX_LANDSCAPE_DIM}`);
}

/** Uniform of landscape_run: the chunk of steps, the sampling, the step-size settings and the exit test. */
export const LANDSCAPE_RUN_PARAMS = uniformStruct('LandscapeRunParams', {
  particle_count: 'u32',
  first_step: 'u32',
  step_count: 'u32',
  reset: 'u32',
  seed: 'u32',
  sample_count: 'u32',
  batch_size: 'u32',
  particles_per_cell: 'u32',
  inverse_sqrt_schedule: 'u32',
  learning_rate: 'f32',
  delta0_squared: 'f32',
  noise_std: 'f32',
  exit_radius: 'f32',
  coefficient1: 'f32',
  coefficient2: 'f32',
  ...LANDSCAPE_ANCHOR_FIELDS,
});
