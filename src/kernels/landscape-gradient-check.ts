/**
 * The gradient check of expression landscapes: landscape_gradient_check evaluates the user's gradient
 * and central differences of the user's f on the GPU, and the host compares them (Richardson
 * extrapolation, a tolerance for f32 and WGSL's builtin errors) into a report, or a GradientCheckError.
 */
import { GRADIENT_CHECK_PARAMS, GRADIENT_CHECK_RELATIVE_STEP } from '../../shaders/landscape-gradient-check.wgsl';
import { ELEMENTWISE_WORKGROUP_SIZE } from '../../shaders/constants';
import { createStorageBuffer, readFloat32 } from '../gpu/buffers';
import type { GpuContext } from '../gpu/device';
import { KernelArgumentError } from '../core/errors';
import { runKernels } from '../gpu/kernel';
import { LANDSCAPE_STREAMS, landscapeStartPoints, type LandscapeSpec, type LandscapeSpecInput } from '../core/landscape';
import { landscapeGradientCheckKernel, landscapeVariant, parseSpec } from './landscape-kernels';
import { bindWithExpressionErrors, checkUserText } from './landscape-expression-errors';

const CHECK_NAME = 'landscapes/landscape_gradient_check';
/** f32 unit roundoff. */
const F32_EPSILON = 2 ** -24;

/** One disagreement found by the gradient check. */
export interface GradientMismatch {
  readonly point: number[];
  readonly coordinate: number;
  readonly analytic: number;
  readonly finiteDifference: number;
  readonly allowed: number;
}

export interface GradientCheckReport {
  /** Points checked [Q x k]. */
  readonly points: Float32Array;
  /** User gradient [Q x k], extrapolated central differences [Q x k] and f [Q]. */
  readonly gradient: Float32Array;
  readonly difference: Float32Array;
  readonly value: Float32Array;
  /** Coordinates compared (skipped: f not finite nearby, or not resolved at the step h). */
  readonly comparedCount: number;
  readonly mismatches: GradientMismatch[];
}

/** The user's gradient disagrees with (Richardson-extrapolated) central differences of the user's f. */
export class GradientCheckError extends Error {
  override name = 'GradientCheckError';
  constructor(readonly report: GradientCheckReport) {
    const first = report.mismatches[0]!;
    super(
      `expression landscape: gradient[${first.coordinate}] = ${first.analytic} at x = (${first.point.join(', ')}) but the central difference of value gives ${first.finiteDifference} ` +
        `(allowed difference ${first.allowed.toExponential(2)}; ${report.mismatches.length} of ${report.comparedCount} coordinates disagree). Fix the gradient expressions, or set gradientCheck to 'warn' or 'off'.`,
    );
  }
}

/** Random check points in [-2, 2)^k (see GRADIENT_CHECK_POINTS). */
export const GRADIENT_CHECK_POINTS = 8;
/**
 * Allowed |g - fd|: 2% of max(|g|, |fd|) (the O(h^4) truncation, h^4 f^(5) / 480, is far below that
 * for smooth f), plus the noise of the extrapolated quotient, 3 eps_f / h, where the GPU's f errs by
 * eps_f <= 2^-11 (WGSL's absolute bound for sin and cos) + 8 eps_f32 (|f| + 1) (rounding), plus 1e-4.
 * So a wrong gradient (missing factor, sign, term) is caught once it is off by more than about
 * 2% + 0.03; subtler slips pass, and f with very large high derivatives may need gradientCheck 'warn'.
 */
export const GRADIENT_CHECK_RELATIVE_TOLERANCE = 0.02;
/** WGSL's absolute error bound of sin and cos on [-pi, pi]. */
const BUILTIN_ABSOLUTE_ERROR = 2 ** -11;

/**
 * Evaluates the user's gradient and central differences of the user's f on the GPU at
 * GRADIENT_CHECK_POINTS random points (plus `extraPoints` [Q' x k], e.g. some start points) and
 * compares them on the CPU. Does not throw for mismatches; see `bindLandscapeRun` for that.
 */
export async function checkExpressionGradient(gpu: GpuContext, specInput: LandscapeSpecInput | LandscapeSpec, extraPoints?: ArrayLike<number>): Promise<GradientCheckReport> {
  const spec = parseSpec(CHECK_NAME, specInput);
  if (spec.kind !== 'expression') throw new KernelArgumentError(CHECK_NAME, 'spec.kind', `is '${spec.kind}'; the gradient check is for 'expression' landscapes`);
  checkUserText(spec);
  const k = spec.dim;
  const random = landscapeStartPoints(GRADIENT_CHECK_POINTS, new Array(k).fill(-2), new Array(k).fill(2), spec.seed, LANDSCAPE_STREAMS.gradientCheck);
  const extra = extraPoints ? Float32Array.from(extraPoints) : new Float32Array(0);
  if (extra.length % k !== 0) throw new KernelArgumentError(CHECK_NAME, 'extraPoints', `has ${extra.length} values, not a multiple of k = ${k}`);
  const points = new Float32Array(random.length + extra.length);
  points.set(random);
  points.set(extra, random.length);
  const Q = points.length / k;
  const stride = 3 * k + 1;
  const buffers = {
    points: createStorageBuffer(gpu, `${CHECK_NAME}/points`, points),
    results: createStorageBuffer(gpu, `${CHECK_NAME}/results`, Q * stride * 4),
  };
  try {
    const kernel = await bindWithExpressionErrors(gpu, landscapeGradientCheckKernel, landscapeVariant(spec, false), {
      params: GRADIENT_CHECK_PARAMS.pack({ point_count: Q }),
      buffers: [buffers.points, buffers.results],
      workgroupCount: Math.ceil(Q / ELEMENTWISE_WORKGROUP_SIZE),
    });
    await runKernels(gpu, CHECK_NAME, [kernel]);
    kernel.destroy();
    const results = await readFloat32(gpu, buffers.results, Q * stride);
    return compareGradient(points, results, k);
  } finally {
    Object.values(buffers).forEach((b) => b.destroy());
  }
}

/** Richardson's truncation is trusted while D(h/2) and D(h) agree within this share of the estimate. */
const RESOLVED_SHARE = 0.1;

/**
 * Compares g with the extrapolated difference fd = (4 D(h/2) - D(h)) / 3 per coordinate. Skipped, as
 * not comparable: points where f is not finite nearby, and where f is not resolved at the scale h
 * (|D(h/2) - D(h)| over 10% of |fd| beyond the noise: a pole or kink within h, e.g. log near 0).
 */
function compareGradient(points: Float32Array, results: Float32Array, k: number): GradientCheckReport {
  const Q = points.length / k;
  const stride = 3 * k + 1;
  const gradient = new Float32Array(Q * k);
  const difference = new Float32Array(Q * k);
  const value = new Float32Array(Q);
  const mismatches: GradientMismatch[] = [];
  let comparedCount = 0;
  for (let q = 0; q < Q; q++) {
    value[q] = results[q * stride + 3 * k]!;
    const valueError = BUILTIN_ABSOLUTE_ERROR + 8 * F32_EPSILON * (Math.abs(value[q]!) + 1);
    for (let c = 0; c < k; c++) {
      const g = results[q * stride + c]!;
      const half = results[q * stride + k + c]!;
      const full = results[q * stride + 2 * k + c]!;
      const fd = (4 * half - full) / 3;
      gradient[q * k + c] = g;
      difference[q * k + c] = fd;
      const h = GRADIENT_CHECK_RELATIVE_STEP * Math.max(1, Math.abs(points[q * k + c]!));
      const noise = (3 * valueError) / h;
      if (!Number.isFinite(fd) || !Number.isFinite(value[q]!)) continue;
      if (Math.abs(half - full) > RESOLVED_SHARE * Math.abs(fd) + noise) continue;
      comparedCount += 1;
      const allowed = GRADIENT_CHECK_RELATIVE_TOLERANCE * Math.max(Math.abs(g), Math.abs(fd)) + noise + 1e-4;
      if (!(Math.abs(g - fd) <= allowed)) {
        mismatches.push({ point: Array.from(points.subarray(q * k, (q + 1) * k)), coordinate: c, analytic: g, finiteDifference: fd, allowed });
      }
    }
  }
  return { points, gradient, difference, value, comparedCount, mismatches };
}
