/**
 * Cost of the science (issue 6, item 3): one sharpness Lanczos iteration, one NTK Gram, one Sinkhorn
 * solve, one sliced-W2, each next to one GradFlow training step at the matching size, timed in the
 * same process right after it. Sizes: the network measurements at (m, n, d) = (1024, 1024, 32)
 * (quick: 256, 256, 16); the transport ones compare N particles with a step of width m = N at
 * (n, d) = (1024, 2), the particle view's setting (quick: N / 16).
 */
import type { GpuContext } from '../src/gpu/device';
import { slicedW2Squared } from '../src/kernels/sliced';
import { sinkhorn } from '../src/kernels/sinkhorn-solver';
import { computeNtkGram } from '../src/metrics/ntk';
import { withGpuHessian } from '../src/metrics/with-gpu-hessian';
import { initialWeights } from '../src/core/initialization';
import { normalArray } from '../src/core/random';
import type { MatmulAlgorithm } from '../src/core/matmul-algorithms';
import { benchGpuStep, type StepSize } from './training-step';

export interface ScienceRow {
  readonly measurement: string;
  readonly size: string;
  readonly ms: number;
  /** One training step at the matching size. */
  readonly stepMs: number;
  readonly stepSize: StepSize;
  /** ms / stepMs. */
  readonly relativeToStep: number;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/** `sinkhornBudgetMs`: largest predicted Sinkhorn solve to start (default 120 s, 20 s quick; `--sinkhorn-budget-s`). */
export async function benchScience(gpu: GpuContext, algorithm: MatmulAlgorithm, quick: boolean, log: (line: string) => void, sinkhornBudgetMs?: number): Promise<ScienceRow[]> {
  const rows: ScienceRow[] = [];
  const push = (row: Omit<ScienceRow, 'relativeToStep'>) => {
    const full = { ...row, relativeToStep: row.ms / row.stepMs };
    rows.push(full);
    log(`${full.measurement.padEnd(28)} ${full.size.padEnd(34)} ${full.ms.toFixed(1).padStart(10)} ms  = ${full.relativeToStep.toFixed(2).padStart(7)} steps at (m, n, d) = (${row.stepSize.width}, ${row.stepSize.sampleCount}, ${row.stepSize.inputDim}) (${row.stepMs.toFixed(1)} ms)`);
  };
  const stepMs = async (size: StepSize) => (await benchGpuStep(gpu, size, { algorithm, targetMs: 1000 })).msPerStep;

  const net: StepSize = quick ? { width: 256, sampleCount: 256, inputDim: 16 } : { width: 1024, sampleCount: 1024, inputDim: 32 };
  const spec = { width: net.width, inputDim: net.inputDim, sampleCount: net.sampleCount, scaling: 'mean-field' as const, loss: 'square' as const, hasBias: false, matmulAlgorithm: algorithm };
  const weights = initialWeights({ seed: 1, width: net.width, inputDim: net.inputDim, hasBias: false });
  const X = new Float32Array(normalArray(1, 1, 0, net.sampleCount * net.inputDim));
  const y = new Float32Array(normalArray(1, 2, 0, net.sampleCount));
  const netStepMs = await stepMs(net);
  const iterations = 16;
  const perIteration = await withGpuHessian(gpu, { ...spec, historyCapacity: 64 }, weights, { X, y }, async (hessian) => {
    const start = new Float64Array(net.width * (net.inputDim + 1)).map((_, i) => Math.sin(i + 1));
    await hessian.lanczos(start, { maxIterations: 2, tolerance: 0, checkEvery: 2 }); // pipelines
    // 16 iterations in one submit (tolerance 0: no early stop), then the Ritz vector from the stored basis and
    // the residual's product: k + 1 HVPs for k iterations, as a sharpness evaluation costs.
    return (await timed(() => hessian.lanczos(start, { maxIterations: iterations, tolerance: 0, checkEvery: iterations }))) / iterations;
  });
  push({ measurement: 'sharpness Lanczos iteration', size: `1 of ${iterations} with the residual`, ms: perIteration, stepMs: netStepMs, stepSize: net });
  await computeNtkGram(gpu, spec, weights, X.subarray(0, 8 * net.inputDim).slice()).catch(() => undefined); // pipelines
  const ntkSpec = { ...spec };
  const ntkMs = await timed(() => computeNtkGram(gpu, ntkSpec, weights, X));
  push({ measurement: 'NTK Gram', size: `n = ${net.sampleCount}`, ms: ntkMs, stepMs: netStepMs, stepSize: net });

  // The Sinkhorn size is 4096 x 4096; its cost grows like N^2 per iteration, so sizes double up
  // to it while the predicted solve (4x the last one) stays within the budget, and the rest is reported as skipped.
  const sinkhornTarget = quick ? 256 : 4096;
  const SINKHORN_BUDGET_MS = sinkhornBudgetMs ?? (quick ? 20_000 : 120_000);
  const points = (seed: number, count: number) => new Float32Array(normalArray(seed, 3, 0, count * 2));
  const particleStep = (width: number): StepSize => ({ width, sampleCount: 1024, inputDim: 2 });
  await sinkhorn(gpu, points(5, 16), points(6, 16), 2, { epsilon: 0.05 });
  let sinkhornN = Math.min(256, sinkhornTarget);
  for (;;) {
    let solve = { iterations: 0, converged: false };
    const ms = await timed(async () => (solve = await sinkhorn(gpu, points(5, sinkhornN), points(6, sinkhornN), 2, { epsilon: 0.05 })));
    const note = `${solve.iterations} it.${solve.converged ? '' : ', not converged'}`;
    push({ measurement: 'Sinkhorn solve (eps 0.05)', size: `${sinkhornN} x ${sinkhornN}, d = 2, ${note}`, ms, stepMs: await stepMs(particleStep(sinkhornN)), stepSize: particleStep(sinkhornN) });
    if (sinkhornN >= sinkhornTarget) break;
    if (4 * ms > SINKHORN_BUDGET_MS) {
      log(`Sinkhorn ${2 * sinkhornN} .. ${sinkhornTarget}: skipped, predicted ${(4 * ms / 1000).toFixed(0)} s at ${2 * sinkhornN} (cost ~ N^2) is over the ${SINKHORN_BUDGET_MS / 1000} s budget (raise it with --sinkhorn-budget-s)`);
      break;
    }
    sinkhornN *= 2;
  }

  const slicedN = quick ? 4096 : 65536;
  await slicedW2Squared(gpu, points(7, 64), points(8, 64), 2);
  const slicedMs = await timed(() => slicedW2Squared(gpu, points(7, slicedN), points(8, slicedN), 2));
  push({ measurement: 'sliced W2 (64 directions)', size: `${slicedN} particles, d = 2`, ms: slicedMs, stepMs: await stepMs(particleStep(slicedN)), stepSize: particleStep(slicedN) });
  return rows;
}
