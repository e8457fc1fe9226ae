/**
 * What a landscape spec asks of landscape_run: the element count of each buffer it binds, and the
 * uniform bytes (LANDSCAPE_RUN_PARAMS) of each chunk of steps.
 */
import { LANDSCAPE_ANCHOR_FIELDS, LANDSCAPE_RUN_PARAMS } from '../../shaders/landscape-run-params.wgsl';
import type { UniformValues } from '../core/uniform-struct';
import {
  LANDSCAPE_STAT_COUNT,
  batchSizeOf,
  componentCountOf,
  curvatureCells,
  landscapeDimOf,
  optimizerStateSize,
  type LandscapeSpec,
} from '../core/landscape';

/** Elements of each buffer landscape_run binds, by binding name. */
export function landscapeBufferSizes(spec: LandscapeSpec): Record<'positions' | 'stats' | 'state' | 'learningRates' | 'curvatures', number> {
  const k = landscapeDimOf(spec);
  const P = spec.particleCount;
  const cells = spec.kind === 'quadratic-sum' ? curvatureCells(spec.curvatures) : [];
  return {
    positions: P * k,
    stats: P * LANDSCAPE_STAT_COUNT,
    state: P * optimizerStateSize(spec.optimizer, k),
    learningRates: P,
    curvatures: cells.length * (cells[0]?.length ?? 0),
  };
}

/** Which steps one dispatch runs. */
export interface LandscapeChunk {
  readonly firstStep: number;
  readonly stepCount: number;
  /** Start fresh: zero accumulators, stats from x. */
  readonly reset: boolean;
}

/** The anchor fields of the uniform: coordinate c of `anchor`, 0 past its end (or for no anchor). */
function anchorValues(anchor: readonly number[] | undefined): UniformValues<typeof LANDSCAPE_ANCHOR_FIELDS> {
  const fields = Object.keys(LANDSCAPE_ANCHOR_FIELDS).map((field, c) => [field, anchor?.[c] ?? 0]);
  return Object.fromEntries(fields) as UniformValues<typeof LANDSCAPE_ANCHOR_FIELDS>;
}

/** Uniform bytes of landscape_run (LANDSCAPE_RUN_PARAMS) for one chunk of steps. */
export function landscapeRunParams(spec: LandscapeSpec, chunk: LandscapeChunk): ArrayBuffer {
  const isSampled = spec.kind === 'quadratic-sum' || spec.kind === 'escape';
  const cellCount = spec.kind === 'quadratic-sum' ? curvatureCells(spec.curvatures).length : 1;
  const coefficients = spec.kind === 'escape' ? spec.coefficients : [0, 0];
  return LANDSCAPE_RUN_PARAMS.pack({
    particle_count: spec.particleCount,
    first_step: chunk.firstStep,
    step_count: chunk.stepCount,
    reset: chunk.reset ? 1 : 0,
    seed: spec.seed,
    sample_count: isSampled ? componentCountOf(spec) : 0,
    batch_size: batchSizeOf(spec),
    particles_per_cell: spec.particleCount / cellCount,
    inverse_sqrt_schedule: spec.schedule === 'inverse-sqrt' ? 1 : 0,
    learning_rate: spec.learningRate,
    delta0_squared: spec.delta0 * spec.delta0,
    noise_std: spec.noiseStd,
    exit_radius: spec.exitRadius,
    coefficient1: coefficients[0]!,
    coefficient2: coefficients[1]!,
    ...anchorValues(spec.exitAnchor),
  });
}
