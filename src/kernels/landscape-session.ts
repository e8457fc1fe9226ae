/**
 * A landscape run that owns its buffers (`createLandscapeSession`): uploads x0, per-particle rates and
 * curvature cells, binds the run (./landscapes.ts), and reads positions, statistics and checkpoint
 * state back.
 */
import { checkBufferSize, createStorageBuffer, readFloat32 } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { checkFinite, checkLength, checkSize } from '../gpu/validate';
import { LANDSCAPE_STAT_COUNT, curvatureCells, landscapeDimOf, type LandscapeSpec, type LandscapeSpecInput } from '../core/landscape';
import { parseSpec } from './landscape-kernels';
import { landscapeBufferSizes } from './landscape-run-params';
import { GRADIENT_CHECK_POINTS } from './landscape-gradient-check';
import { bindLandscapeRun, type LandscapeBuffers, type LandscapeRun } from './landscapes';

const NAME = 'landscapes/landscape_run';

/** Final positions and per-particle statistics of a landscape run (LandscapeSession.read), de-interleaved. */
export interface LandscapeResult {
  /** [P x k]. */
  readonly positions: Float32Array;
  readonly value: Float32Array;
  readonly maxNorm: Float32Array;
  /** First step count t with |x_t - anchor| > exitRadius, or -1 (0: the start was already outside); exact up to 2^24. */
  readonly exitStep: Float32Array;
  readonly logGrowth: Float32Array;
}

export interface RunLandscapeOptions {
  /** Per-particle learning rates [P] (finite, >= 0) replacing spec.learningRate. */
  readonly learningRates?: ArrayLike<number>;
}

/** Splits the interleaved [P x 4] stats. */
export function splitLandscapeStats(stats: Float32Array, particleCount: number): Omit<LandscapeResult, 'positions'> {
  const column = (i: number) => Float32Array.from({ length: particleCount }, (_, p) => stats[p * LANDSCAPE_STAT_COUNT + i]!);
  return { value: column(0), maxNorm: column(1), exitStep: column(2), logGrowth: column(3) };
}

/** A landscape run that owns its buffers: advance it with `run.run(T)`, read it with `read()` as often as wanted. */
export interface LandscapeSession {
  readonly run: LandscapeRun;
  /**
   * The live positions [P x k] and stats [P x 4] buffers the run writes (STORAGE | COPY_SRC): views draw them
   * straight from the device, in submits queued after the run's, so they see each chunk without a read-back.
   */
  readonly buffers: Pick<LandscapeBuffers, 'positions' | 'stats'>;
  /** Positions [P x k] and per-particle statistics after the steps taken so far. */
  read(): Promise<LandscapeResult>;
  /** The raw buffers a checkpoint keeps: positions [P x k], stats [P x 4], the optimizer's accumulators [P x S]. */
  readState(): Promise<LandscapeBufferState>;
  /** Writes a readState() back and continues at step `stepsTaken`. */
  writeState(state: LandscapeBufferState, stepsTaken: number): void;
  destroy(): void;
}

export interface LandscapeBufferState {
  readonly positions: Float32Array;
  readonly stats: Float32Array;
  /** Empty for rules without accumulators. */
  readonly state: Float32Array;
}

/** Uploads x0 [P x k] (and per-particle rates, curvature cells) and binds the run. All arguments are checked first. */
export async function createLandscapeSession(
  gpu: GpuContext,
  specInput: LandscapeSpecInput | LandscapeSpec,
  x0: ArrayLike<number>,
  options: RunLandscapeOptions = {},
): Promise<LandscapeSession> {
  const spec = parseSpec(NAME, specInput);
  const k = landscapeDimOf(spec);
  const P = spec.particleCount;
  const sizes = landscapeBufferSizes(spec);
  checkSize(NAME, 'spec.particleCount', P);
  checkLength(NAME, 'x0', x0, P * k, `[${P} x ${k}]`);
  const start = Float32Array.from(x0);
  checkFinite(NAME, 'x0 (as float32)', start);
  const curvatures = spec.kind === 'quadratic-sum' ? Float32Array.from(curvatureCells(spec.curvatures).flat()) : undefined;
  if (curvatures) checkFinite(NAME, 'spec.curvatures (as float32)', curvatures);
  const learningRates = options.learningRates ? Float32Array.from(options.learningRates) : undefined;
  if (learningRates) {
    checkLength(NAME, 'learningRates', learningRates, P, `[${P}]`);
    checkFinite(NAME, 'learningRates (as float32)', learningRates);
    const negative = learningRates.findIndex((lr) => lr < 0);
    if (negative >= 0) throw new KernelArgumentError(NAME, 'learningRates', `is ${learningRates[negative]} at index ${negative}; learning rates must be >= 0`);
  }
  for (const [name, count] of Object.entries(sizes)) checkBufferSize(gpu, name, count * 4, NAME);

  const label = (name: string) => `${NAME}/${name}`;
  const owned: Record<string, GPUBuffer> = {
    positions: createStorageBuffer(gpu, label('positions'), start),
    stats: createStorageBuffer(gpu, label('stats'), sizes.stats * 4),
  };
  if (sizes.state > 0) owned.state = createStorageBuffer(gpu, label('state'), sizes.state * 4);
  if (learningRates) owned.learningRates = createStorageBuffer(gpu, label('learningRates'), learningRates);
  if (curvatures) owned.curvatures = createStorageBuffer(gpu, label('curvatures'), curvatures);
  const free = () => Object.values(owned).forEach((b) => b.destroy());
  let run: LandscapeRun;
  try {
    run = await bindLandscapeRun(gpu, spec, owned as unknown as LandscapeBuffers, { gradientCheckPoints: start.subarray(0, Math.min(P, GRADIENT_CHECK_POINTS) * k) });
  } catch (error) {
    free();
    throw error;
  }
  return {
    run,
    buffers: { positions: owned.positions!, stats: owned.stats! },
    async read() {
      const [positions, stats] = await Promise.all([readFloat32(gpu, owned.positions!, P * k), readFloat32(gpu, owned.stats!, sizes.stats)]);
      return { positions, ...splitLandscapeStats(stats, P) };
    },
    async readState() {
      const [positions, stats, state] = await Promise.all([
        readFloat32(gpu, owned.positions!, P * k),
        readFloat32(gpu, owned.stats!, sizes.stats),
        owned.state ? readFloat32(gpu, owned.state, sizes.state) : Promise.resolve(new Float32Array(0)),
      ]);
      return { positions, stats, state };
    },
    writeState(saved, stepsTaken) {
      const lengths = { positions: P * k, stats: sizes.stats, state: owned.state ? sizes.state : 0 };
      for (const name of ['positions', 'stats', 'state'] as const) {
        checkLength(NAME, name, saved[name], lengths[name], `[${lengths[name]}]`);
        if (lengths[name] > 0) gpu.device.queue.writeBuffer(owned[name]!, 0, Float32Array.from(saved[name]));
      }
      run.resumeAt(stepsTaken);
    },
    destroy() {
      run.destroy();
      free();
    },
  };
}
