/**
 * Which matmul algorithm a trainer uses: a fixed one from the config, or 'auto': the fastest on this
 * adapter for the pair of products a training step makes, H = relu(X W^T) (k = d small) and
 * gradW = D^T X with D read from H ('relu-grad' operand, k = n large), timed once per adapter by
 * src/gpu/autotune.ts and remembered: first all candidates at a small size, then those within 2x of
 * the best there at the representative size. A run on an adapter in MATMUL_PRIORS starts at once with
 * the shipped winner and times the candidates later, for the next visit (or process) to use.
 */
import { autotune, type AutotuneResult, type AutotuneStore, type CandidateRun } from '../gpu/autotune';
import { onDeviceLost } from '../gpu/device-loss';
import { DeviceLostError } from '../core/simulation';
import { createStorageBuffer } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import type { BoundKernel } from '../gpu/kernel';
import { deterministicValues } from '../core/deterministic-values';
import { matmulOutputTile } from '../../shaders/matmul.wgsl';
import { bindMatmul, matmulVariant, type MatmulShape } from './matmul';
import { MATMUL_ALGORITHMS, type MatmulAlgorithm, type MatmulSetting } from '../core/matmul-algorithms';


/**
 * The representative step: n = 1024, m = 512, d = 32 (two products of 33.6 MFLOP: ~60 ms per variant
 * on SwiftShader). At n = m = 256 SwiftShader's two register-blocked variants tie, while at this size
 * register8 runs the step's products 1.1-1.3x faster, as it does at every larger size.
 */
export const MATMUL_TUNE_SIZE = { sampleCount: 1024, width: 512, inputDim: 32 } as const;
/**
 * The shortlist round's size (~10 ms per register-blocked variant on SwiftShader): shared-memory tiling,
 * ~20x slower there, stops after this round instead of running a 1.5 s dispatch at the full size.
 */
export const MATMUL_SHORTLIST_SIZE = { sampleCount: 256, width: 256, inputDim: 32 } as const;
/** Candidates within this factor of the shortlist's best go on to the representative size. */
const SHORTLIST_KEEP_WITHIN = 2;
/** Names the measurement in the cache: a new name when what is timed changes, so old decisions are not reused. */
export const MATMUL_TUNE_KERNEL = 'matmul/two-layer-step-relu-grad';

export interface MatmulTuneOptions {
  readonly store?: AutotuneStore;
  /** Timed runs per candidate, round-robin across candidates after one warm-up each (default 4; the least is kept). */
  readonly rounds?: number;
  /**
   * A shipped prior for this adapter (MATMUL_PRIORS): 'use' it at once on a miss and time the candidates later
   * (a run's kernel choice), or 'ignore' it and time now (benchmarks, which report the times).
   * Default: resolveMatmulAlgorithm 'use', autotuneMatmul 'ignore'.
   */
  readonly prior?: 'use' | 'ignore';
  /** When a used prior is checked by timing the candidates (default: checkPriorLater). */
  readonly scheduleCheck?: (check: () => Promise<void>) => void;
}

/**
 * Shipped decisions, by adapter description. SwiftShader (Chromium's, and Dawn's in Node): register8 runs a
 * step's products 1.1-1.3x faster than register at MATMUL_TUNE_SIZE (`npm run bench`: 33 ms against 42 ms in
 * Node), and tiled ~20x slower in the shortlist round (131 ms against 5-6 ms), since SwiftShader emulates
 * workgroup barriers; timing the three took ~1.7 s of a first visit's set-up. Hardware adapters have no
 * prior: timing them takes milliseconds, and their winners differ by device.
 */
export const MATMUL_PRIORS: readonly { readonly adapter: RegExp; readonly winner: MatmulAlgorithm }[] = [{ adapter: /\bswiftshader\b/i, winner: 'register8' }];

/** The shipped winner for an adapter description, if any. */
export function matmulPrior(adapter: string): MatmulAlgorithm | undefined {
  return MATMUL_PRIORS.find((prior) => prior.adapter.test(adapter))?.winner;
}

/**
 * How long after a prior is used its check starts: the run's first steps and the views' pipelines are on
 * screen by then, so the candidates' compilation and timing hold up nothing the user waits for.
 */
export const PRIOR_CHECK_DELAY_MS = 10_000;

/** Runs `check` PRIOR_CHECK_DELAY_MS later; in Node the timer never holds a finished process open (a short run skips the check). */
export function checkPriorLater(check: () => Promise<void>): void {
  const timer: unknown = setTimeout(() => void check(), PRIOR_CHECK_DELAY_MS);
  (timer as { unref?: () => void }).unref?.();
}

/** SwiftShader's submit times vary by ~30%: four interleaved rounds keep register8's 10-30% lead at the tuning size visible. */
const DEFAULT_TUNE_ROUNDS = 4;

/**
 * The algorithm for one product of `shape`: a register-blocked winner whose 64-wide tiles would
 * mostly compute clamped duplicates (an output side under 64, e.g. gradW [m x d] at d = 2) falls back
 * to the 32-wide 'register' tile, which wastes half as much.
 */
export function fitAlgorithm(algorithm: MatmulAlgorithm, shape: { readonly m: number; readonly n: number }): MatmulAlgorithm {
  return algorithm === 'register8' && Math.min(shape.m, shape.n) < matmulOutputTile('register8') ? 'register' : algorithm;
}

/**
 * The algorithm for `setting`: itself, or for 'auto' the adapter's winner: remembered, else shipped
 * (MATMUL_PRIORS, checked later), else timed now. One answer per adapter for the life of the process, so
 * every part of a run (trainer, evaluators, metrics, a rebuild after device loss) binds the same variant.
 */
export async function resolveMatmulAlgorithm(gpu: GpuContext, setting: MatmulSetting, options: MatmulTuneOptions = {}): Promise<MatmulAlgorithm> {
  if (setting !== 'auto') return setting;
  return (await autotuneMatmul(gpu, { prior: 'use', ...options })).winner;
}

export function autotuneMatmul(gpu: GpuContext, options: MatmulTuneOptions = {}): Promise<AutotuneResult<MatmulAlgorithm>> {
  const rounds = options.rounds ?? DEFAULT_TUNE_ROUNDS;
  const prior = options.prior === 'use' ? matmulPrior(gpu.adapterDescription) : undefined;
  return autotune({
    kernel: MATMUL_TUNE_KERNEL,
    adapter: gpu.adapterDescription,
    candidates: MATMUL_ALGORITHMS,
    shape: matmulTuneShape(rounds),
    rounds,
    shortlist: { keepWithin: SHORTLIST_KEEP_WITHIN, prepare: (algorithm) => stepProductsRun(gpu, algorithm, MATMUL_SHORTLIST_SIZE) },
    prepare: (algorithm) => stepProductsRun(gpu, algorithm, MATMUL_TUNE_SIZE),
    ...(options.store ? { store: options.store } : {}),
    ...(prior ? { prior: { winner: prior, scheduleCheck: options.scheduleCheck ?? checkPriorLater } } : {}),
  });
}

/** How a tune was timed, as text (the cache entry's `shape`: entries timed otherwise are misses). */
export function matmulTuneShape(rounds = DEFAULT_TUNE_ROUNDS): string {
  const step = ({ sampleCount: n, width: m, inputDim: d }: typeof MATMUL_TUNE_SIZE | typeof MATMUL_SHORTLIST_SIZE) =>
    `forward ${n}x${m}x${d} (transB, relu) + gradient ${m}x${d}x${n} (transA, relu-grad)`;
  return `${step(MATMUL_TUNE_SIZE)}; shortlist at ${step(MATMUL_SHORTLIST_SIZE)}; least of ${rounds} interleaved submits after an untimed warm-up`;
}

/** Least wall time of one submit holding a step's two products at (n, m, d), after an untimed warm-up. */
export async function timeStepProducts(gpu: GpuContext, algorithm: MatmulAlgorithm, size: StepProductsSize, submits: number): Promise<number> {
  const run = await stepProductsRun(gpu, algorithm, size);
  try {
    await run.run();
    let best = Infinity;
    for (let s = 0; s < submits; s++) best = Math.min(best, await run.run());
    return best;
  } finally {
    run.destroy();
  }
}

type StepProductsSize = { readonly sampleCount: number; readonly width: number; readonly inputDim: number };

/**
 * A step's two products at (n, m, d), bound as the trainer binds them (fitAlgorithm per product);
 * each run() is one submit of both, timed to onSubmittedWorkDone. The queue is drained first, so a check
 * that runs beside a training run times its own work, not the chunk submitted before it; a device lost
 * meanwhile fails the run (a lost device's submits finish at once and would time as nothing).
 */
async function stepProductsRun(gpu: GpuContext, algorithm: MatmulAlgorithm, size: StepProductsSize): Promise<CandidateRun> {
  const { sampleCount: n, width: m, inputDim: d } = size;
  const buffers = {
    X: createStorageBuffer(gpu, 'autotune/X', deterministicValues(n * d, 1)),
    W: createStorageBuffer(gpu, 'autotune/W', deterministicValues(m * d, 2)),
    H: createStorageBuffer(gpu, 'autotune/H', n * m * 4),
    gradW: createStorageBuffer(gpu, 'autotune/gradW', m * d * 4),
    g: createStorageBuffer(gpu, 'autotune/g', deterministicValues(n, 3)),
    a: createStorageBuffer(gpu, 'autotune/a', deterministicValues(m, 4)),
    scale: createStorageBuffer(gpu, 'autotune/scale', new Float32Array([1 / m])),
  };
  const kernels: BoundKernel[] = [];
  let lost = false;
  const stopWatching = onDeviceLost(gpu.device, () => (lost = true));
  const throwIfLost = () => {
    if (lost) throw new DeviceLostError(`autotune/${algorithm}: the device was lost while the candidates were timed`);
  };
  const destroy = () => {
    stopWatching();
    kernels.forEach((kernel) => kernel.destroy());
    Object.values(buffers).forEach((buffer) => buffer.destroy());
  };
  try {
    const forward: MatmulShape = { batch: 1, m: n, n: m, k: d };
    const gradient: MatmulShape = { batch: 1, m, n: d, k: n };
    kernels.push(await bindMatmul(gpu, matmulVariant({ algorithm: fitAlgorithm(algorithm, forward), transB: true, epilogue: 'relu' }), forward, { a: buffers.X, b: buffers.W, c: buffers.H }));
    kernels.push(
      await bindMatmul(gpu, matmulVariant({ algorithm: fitAlgorithm(algorithm, gradient), transA: true, operandA: 'relu-grad' }), gradient, {
        a: buffers.H, b: buffers.X, c: buffers.gradW, gate: buffers.g, rowScale: buffers.a, scale: buffers.scale,
      }),
    );
  } catch (error) {
    destroy();
    throw error;
  }
  return {
    async run() {
      const encoder = gpu.device.createCommandEncoder({ label: `autotune/${algorithm}` });
      const pass = encoder.beginComputePass();
      for (const kernel of kernels) kernel.encode(pass);
      pass.end();
      const commands = encoder.finish();
      await gpu.device.queue.onSubmittedWorkDone();
      throwIfLost();
      const start = performance.now();
      gpu.device.queue.submit([commands]);
      await gpu.device.queue.onSubmittedWorkDone();
      const elapsedMs = performance.now() - start;
      throwIfLost();
      return elapsedMs;
    },
    destroy,
  };
}
