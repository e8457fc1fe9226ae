/**
 * The Hessian of the training loss at the analyzed parameters, restricted to the trainable ones
 * (docs/science.md section 0, "Curvature"):
 *   - size <= denseLimit: the dense matrix, built column by column from exact Hessian-vector products in
 *     float64 (src/float64/hessian.ts), and its whole spectrum;
 *   - beyond: the `topCount` largest eigenvalues by Lanczos with full reorthogonalization (src/core/lanczos-top.ts)
 *     on exact Hessian-vector products, in float64 or, given a device, on the GPU (float32 products).
 * Either way the trace is exact, from its closed form (1/n) sum_i l''(f_i, y_i) K_ii (src/float64/hessian-trace.ts).
 */
import type { GpuContext } from '../../../gpu/device';
import { particleTimeFactor } from '../../../core/conventions';
import { LANCZOS_DEFAULTS } from '../../../core/lanczos';
import { topEigenvalues, type VectorOperator } from '../../../core/lanczos-top';
import { denseHessian, hessianOperator, parameterCount, restrictedSpectrum, sharpnessStartVector, trainableMask } from '../../../float64/hessian';
import { exactHessianTrace } from '../../../float64/hessian-trace';
import { withGpuHessian } from '../../../metrics/with-gpu-hessian';
import type { AnalyzedNetwork } from './network-state';

/** Largest trainable-parameter count analyzed densely by default: p^2 entries, p products and an O(p^3) eigen-solve (seconds at 1024). */
export const DEFAULT_DENSE_HESSIAN_LIMIT = 1024;

export interface HessianAnalysisOptions {
  /** Most trainable parameters for the dense matrix; beyond it, Lanczos. */
  readonly denseLimit: number;
  /** Eigenvalues Lanczos finds (the largest). */
  readonly topCount: number;
  /** Lanczos's cap and tolerance (defaults: 300 iterations, LANCZOS_DEFAULTS.tolerance). */
  readonly maxIterations?: number;
  readonly tolerance?: number;
  /** Hessian-vector products of Lanczos on this device (float32) instead of float64. */
  readonly gpu?: GpuContext;
  readonly onProgress?: (message: string) => void;
}

export interface HessianAnalysis {
  readonly method: 'dense' | 'lanczos';
  /** Where the products ran: "float64", or "gpu (<adapter>), float32" (Lanczos only). */
  readonly backend: string;
  /** Trainable parameters: the size of the restricted Hessian. */
  readonly size: number;
  /** All parameters p (flat order [a | W | b]). */
  readonly parameterCount: number;
  /** Tr H over the trainable parameters, exact (closed form; parameter units). */
  readonly trace: number;
  /** Dense only: H [p x p] in the flat order [a | W | b], frozen rows and columns zero. */
  readonly matrix?: Float64Array;
  /** Dense: every eigenvalue of the restricted H; Lanczos: the largest ones. Descending, parameter units. */
  readonly eigenvalues: Float64Array;
  /** Lanczos only: |H y - theta y| of each Ritz pair (some eigenvalue lies within it). */
  readonly residuals?: Float64Array;
  readonly converged: boolean;
  /** Lanczos iterations (Hessian-vector products); dense: p products. */
  readonly products: number;
  /** The update rule's unit factor (m for mean-field, else 1): factor * lambda is in particle time. */
  readonly particleTimeFactor: number;
}

/** Default Lanczos cap here: more than the sharpness metric's, since `topCount` values must settle, not one. */
const LANCZOS_ITERATIONS = 300;

export async function hessianAnalysis(net: AnalyzedNetwork, options: HessianAnalysisOptions): Promise<HessianAnalysis> {
  const { params, X, y, sampleCount: n } = net;
  const { width: m, inputDim: d } = params;
  const hasBias = params.b !== undefined;
  const mask = trainableMask(m, d, hasBias, net.options.trainable);
  const size = mask.reduce((sum, on) => sum + on, 0);
  const common = {
    size,
    parameterCount: parameterCount(m, d, hasBias),
    trace: exactHessianTrace(params, X, y, n, net.options),
    particleTimeFactor: particleTimeFactor(net.options.scaling, m),
  };
  const progress = options.onProgress ?? (() => {});
  if (size <= options.denseLimit) {
    progress(`hessian: dense ${common.parameterCount} x ${common.parameterCount} from ${common.parameterCount} exact Hessian-vector products (float64)`);
    const matrix = denseHessian(params, X, y, n, net.options);
    progress(`hessian: eigenvalues of the ${size} x ${size} trainable block`);
    const { eigenvalues } = restrictedSpectrum(matrix, mask);
    return { ...common, method: 'dense', backend: 'float64', matrix, eigenvalues, converged: true, products: common.parameterCount };
  }
  const topCount = Math.min(options.topCount, size);
  const lanczosOptions = {
    count: topCount,
    maxIterations: Math.min(options.maxIterations ?? LANCZOS_ITERATIONS, size),
    tolerance: options.tolerance ?? LANCZOS_DEFAULTS.tolerance,
    onIteration: (k: number) => k % 10 === 0 && progress(`hessian: Lanczos iteration ${k}`),
  };
  const start = sharpnessStartVector(net.problem.trainer.seed, mask);
  progress(`hessian: ${size} trainable parameters > dense limit ${options.denseLimit}; top ${topCount} eigenvalues by Lanczos on ${options.gpu ? 'the GPU' : 'float64'} Hessian-vector products`);
  const run = (operator: VectorOperator) => topEigenvalues(operator, start, lanczosOptions);
  const result = options.gpu ? await onGpu(options.gpu, net, run) : await run(hessianOperator(params, X, y, n, net.options));
  return {
    ...common,
    method: 'lanczos',
    backend: options.gpu ? `gpu (${options.gpu.adapterDescription}), float32` : 'float64',
    eigenvalues: result.values,
    residuals: result.residuals,
    converged: result.converged,
    products: result.iterations,
  };
}

/** Runs `work` with the GPU's Hessian-vector product as a flat float64 operator. */
function onGpu<T>(gpu: GpuContext, net: AnalyzedNetwork, work: (operator: VectorOperator) => Promise<T>): Promise<T> {
  const { params, X, y, options } = net;
  const { width: m, inputDim: d } = params;
  const f32 = (values: ArrayLike<number>) => Float32Array.from(values);
  const weights = { a: f32(params.a), W: f32(params.W), ...(params.b ? { b: f32(params.b) } : {}) };
  const data = { X: f32(X), y: f32(y), ...(options.outputOffset ? { outputOffset: f32(options.outputOffset) } : {}) };
  return withGpuHessian(gpu, net.problem.trainer, weights, data, (hessian) =>
    work(async (v) => {
      const split = { a: f32(v.subarray(0, m)), W: f32(v.subarray(m, m * (d + 1))), ...(params.b ? { b: f32(v.subarray(m * (d + 1))) } : {}) };
      const product = await hessian.multiply(split);
      const flat = new Float64Array(v.length);
      flat.set(product.a, 0);
      flat.set(product.W, m);
      if (product.b) flat.set(product.b, m * (d + 1));
      return flat;
    }),
  );
}
