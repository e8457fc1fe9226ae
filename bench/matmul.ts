/**
 * Square matmul throughput, C = A B with M = N = K = size, for both GPU algorithms and the float64
 * reference. GPU timing: one warm-up submit (pipeline and first-touch costs, excluded), then
 * several submits of R back-to-back dispatches each, timed from submit to queue.onSubmittedWorkDone
 * and averaged; R is chosen from the warm-up so a submit lasts about `targetSubmitMs`, which keeps
 * per-submit overhead small next to the work. No vitest imports: `npx tsx -e` can load this module.
 */
import { createStorageBuffer } from '../src/gpu/buffers';
import type { GpuContext } from '../src/gpu/device';
import type { BoundKernel } from '../src/gpu/kernel';
import { bindMatmul, matmulFlops, matmulVariant, type MatmulShape } from '../src/kernels/matmul';
import { type MatmulAlgorithm } from '../src/core/matmul-algorithms';
import { matmul as referenceMatmul } from '../src/float64/matmul';
import { deterministicValues } from '../src/core/deterministic-values';

export interface MatmulBenchRow {
  /** M = N = K. */
  readonly size: number;
  readonly algorithm: MatmulAlgorithm | 'reference-f64';
  readonly msPerMatmul: number;
  /** 2 * size^3 / time, in 10^9 floating-point operations per second. */
  readonly gflops: number;
}

export interface MatmulBenchOptions {
  readonly algorithms?: readonly MatmulAlgorithm[];
  /** Aim for submits of about this many milliseconds (default 500). */
  readonly targetSubmitMs?: number;
  /** Timed submits per algorithm and size (default 3). */
  readonly submits?: number;
  /** Dispatches per submit at most (default 64). */
  readonly maxRepeats?: number;
  /**
   * The float64 reference is timed (one run after a warm-up at the smallest size) only up to this
   * size (default 512); larger sizes are skipped and logged as skipped, never extrapolated.
   */
  readonly referenceMaxSize?: number;
}


/** Wall time of one submit holding `repeats` dispatches of `kernel`, in milliseconds. */
async function timeSubmit(gpu: GpuContext, kernel: BoundKernel, repeats: number): Promise<number> {
  const encoder = gpu.device.createCommandEncoder({ label: `bench/${kernel.label}` });
  const pass = encoder.beginComputePass();
  for (let r = 0; r < repeats; r++) kernel.encode(pass);
  pass.end();
  const commands = encoder.finish();
  const start = performance.now();
  gpu.device.queue.submit([commands]);
  await gpu.device.queue.onSubmittedWorkDone();
  return performance.now() - start;
}

function row(size: number, algorithm: MatmulBenchRow['algorithm'], msPerMatmul: number): MatmulBenchRow {
  const flops = matmulFlops({ batch: 1, m: size, n: size, k: size });
  return { size, algorithm, msPerMatmul, gflops: flops / (msPerMatmul * 1e6) };
}

function format(r: MatmulBenchRow): string {
  return `matmul ${r.size}^3 ${r.algorithm.padEnd(13)} ${r.msPerMatmul.toFixed(2).padStart(10)} ms  ${r.gflops.toFixed(3).padStart(8)} GFLOP/s`;
}

/** Times square matmuls of each size; logs one line per measurement and returns the rows. */
export async function benchMatmul(
  gpu: GpuContext,
  sizes: readonly number[],
  log: (line: string) => void = console.log,
  options: MatmulBenchOptions = {},
): Promise<MatmulBenchRow[]> {
  const {
    algorithms = ['register', 'tiled'],
    targetSubmitMs = 500,
    submits = 3,
    maxRepeats = 64,
    referenceMaxSize = 512,
  } = options;
  const rows: MatmulBenchRow[] = [];
  log(`matmul bench on ${gpu.runtime}: ${gpu.adapterDescription}`);
  for (const size of sizes) {
    const shape: MatmulShape = { batch: 1, m: size, n: size, k: size };
    const a = deterministicValues(size * size, 1);
    const b = deterministicValues(size * size, 2);
    const buffers = {
      a: createStorageBuffer(gpu, 'bench/matmul/a', a),
      b: createStorageBuffer(gpu, 'bench/matmul/b', b),
      c: createStorageBuffer(gpu, 'bench/matmul/c', size * size * 4),
    };
    try {
      for (const algorithm of algorithms) {
        const kernel = await bindMatmul(gpu, matmulVariant({ algorithm }), shape, buffers);
        try {
          const warmUpMs = await timeSubmit(gpu, kernel, 1);
          const repeats = Math.max(1, Math.min(maxRepeats, Math.round(targetSubmitMs / Math.max(warmUpMs, 1e-3))));
          let totalMs = 0;
          for (let s = 0; s < submits; s++) totalMs += await timeSubmit(gpu, kernel, repeats);
          const r = row(size, algorithm, totalMs / (submits * repeats));
          rows.push(r);
          log(`${format(r)}  (${submits} submits x ${repeats} dispatches)`);
        } finally {
          kernel.destroy();
        }
      }
    } finally {
      Object.values(buffers).forEach((buffer) => buffer.destroy());
    }
    if (size <= referenceMaxSize) {
      referenceMatmul(a.subarray(0, 64), b.subarray(0, 64), { batch: 1, m: 8, n: 8, k: 8 }); // JIT warm-up
      const start = performance.now();
      referenceMatmul(a, b, shape);
      const r = row(size, 'reference-f64', performance.now() - start);
      rows.push(r);
      log(`${format(r)}  (1 run)`);
    } else {
      log(`matmul ${size}^3 reference-f64 skipped (above referenceMaxSize ${referenceMaxSize}; not extrapolated)`);
    }
  }
  return rows;
}
