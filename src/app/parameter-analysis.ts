/**
 * The app's analysis of a run's current parameters (the `gradflow analyze` pieces of
 * src/models/two-layer/analysis, on a live run): at the parameters of one step boundary of one member,
 *   - the empirical NTK Gram K = K^(a) + K^(w) [n x n] (the trainable parts), its spectrum and traces, with
 *     the spectra of K^(a) (second layer) and K^(w) (first layer: w and b) when both layers train;
 *   - the Hessian H of the train loss in the trainable parameters: its top HESSIAN_TOP_COUNT eigenvalues by
 *     Lanczos with full reorthogonalization, or every eigenvalue of the dense matrix for a tiny float64 net,
 *     and its exact trace (1/n) sum_i l''(f_i, y_i) K_ii.
 * A GPU run computes the Gram and the Hessian-vector products on its own device in float32; a float64 run
 * computes everything in float64 on the CPU. The eigen-solves of the n x n Grams run in float64 on the page's
 * main thread, which bounds n (MAX_APP_ANALYSIS_SAMPLES).
 */
import type { ExperimentConfig } from '../config/schema';
import type { ReadText } from '../data/create';
import type { NetworkParameters } from '../core/network';
import { symmetricEigenvalues } from '../core/spectrum';
import { buildProblem } from '../models/two-layer/problem';
import { analyzedNetwork } from '../models/two-layer/analysis/network-state';
import { ntkAnalysis } from '../models/two-layer/analysis/ntk';
import { hessianAnalysis } from '../models/two-layer/analysis/hessian';
import type { TrainingSession } from './training-session';

/**
 * Most training samples the app analyzes. Three n x n eigen-solves (K, K^(a), K^(w)) run in float64 on the
 * page's main thread, O(n^3) each: about 1.5 s apiece at n = 512 and 10 s at n = 1024 on one core, during which
 * the page does not respond. `gradflow analyze` (the CLI) takes larger sets.
 */
export const MAX_APP_ANALYSIS_SAMPLES = 512;
/** Hessian eigenvalues Lanczos finds: the top of the spectrum, which sets GD's stability (lr lambda_max < 2). */
export const HESSIAN_TOP_COUNT = 5;
/** Most trainable parameters whose whole dense Hessian a float64 run analyzes: p products and an O(p^3) solve, well under a second. */
export const DENSE_HESSIAN_LIMIT = 256;

/** Why the analysis cannot run on this member, in words the page shows. */
export class AnalysisRefusedError extends Error {
  override name = 'AnalysisRefusedError';
}

export interface ParameterAnalysis {
  /** The step boundary analyzed: the parameters after exactly this many steps. */
  readonly step: number;
  readonly member: { readonly index: number; readonly label: string };
  /** Training samples n (K is n x n). */
  readonly sampleCount: number;
  readonly ntk: {
    /** "float64", or "gpu (<adapter>), float32". */
    readonly backend: string;
    /** Which layers train: K is the sum of their parts. */
    readonly trainable: 'both' | 'first' | 'second';
    /** Eigenvalues of K, descending. */
    readonly eigenvalues: Float64Array;
    /** Eigenvalues of K^(a) and K^(w), descending: only when both layers train (else K is the one part). */
    readonly eigenvaluesA?: Float64Array;
    readonly eigenvaluesW?: Float64Array;
    /** Tr K, Tr K^(a), Tr K^(w). */
    readonly trace: number;
    readonly traceA: number;
    readonly traceW: number;
  };
  readonly hessian: {
    readonly method: 'dense' | 'lanczos';
    readonly backend: string;
    /** Trainable parameters: the size of H. */
    readonly size: number;
    /** Dense: all of H's eigenvalues; Lanczos: the top ones. Descending, parameter units. */
    readonly eigenvalues: Float64Array;
    /** Lanczos only: |H y - theta y| of each Ritz pair (an eigenvalue lies within it of the shown value). */
    readonly residuals?: Float64Array;
    /** Tr H (exact), parameter units. */
    readonly trace: number;
    readonly converged: boolean;
    readonly products: number;
    /** m for mean-field, else 1: factor * lambda is in the update rule's units (compare with 2 / lr). */
    readonly particleTimeFactor: number;
  };
  readonly wallSeconds: number;
}

export interface AnalysisOptions {
  /** Reads uploads and files the config names (the run's own reader). */
  readonly readText?: ReadText;
  /** Each stage as it starts, in words. */
  readonly onProgress?: (message: string) => void;
  /** Awaited after each progress message, so the page can show it before a stage that holds the main thread. */
  readonly pace?: () => Promise<unknown>;
}

/**
 * Why `config` cannot be analyzed, or undefined: the analysis is of a two-layer network's NTK and Hessian,
 * and of at most MAX_APP_ANALYSIS_SAMPLES samples (`sampleCount`, when known).
 */
export function analysisRefusal(config: ExperimentConfig, sampleCount?: number): string | undefined {
  if (config.model.kind !== 'two-layer') {
    return `Does not apply to a ${config.model.kind} run: the NTK and this Hessian are a two-layer network's (model.kind 'two-layer').`;
  }
  const n = sampleCount ?? ('sampleCount' in config.data ? config.data.sampleCount : undefined);
  if (n !== undefined && n > MAX_APP_ANALYSIS_SAMPLES) {
    return `Not in the app for ${n} training samples: the NTK Gram is n x n and its eigenvalues are computed on this page's main thread, ` +
      `O(n^3) (seconds at ${MAX_APP_ANALYSIS_SAMPLES}, and the page stops responding meanwhile), so the app takes at most ${MAX_APP_ANALYSIS_SAMPLES}. ` +
      'Save the parameters and run gradflow analyze on them, or train on fewer samples.';
  }
  return undefined;
}

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

/** Analyzes member `member` of the session at its current step boundary (see the module header). */
export async function analyzeMember(session: TrainingSession, member: number, options: AnalysisOptions = {}): Promise<ParameterAnalysis> {
  const started = performance.now();
  const pace = options.pace ?? nextFrame;
  const progress = async (message: string) => {
    options.onProgress?.(message);
    await pace();
  };
  const { config, label, index } = session.members[member] ?? {};
  if (!config || index === undefined) throw new RangeError(`the run has no member ${member}`);
  const refused = analysisRefusal(config);
  if (refused) throw new AnalysisRefusedError(refused);
  await progress('reading the parameters at the next step boundary');
  const snapshot = await session.parametersAtStep(member);
  const problem = await buildProblem(config, options.readText);
  const n = problem.train.y.length;
  const tooMany = analysisRefusal(config, n);
  if (tooMany) throw new AnalysisRefusedError(tooMany);
  const net = analyzedNetwork(problem, float64(snapshot.weights as NetworkParameters<ArrayLike<number>>));
  const where = snapshot.gpu ? 'on the GPU (float32)' : 'in float64';
  await progress(`step ${snapshot.step}: NTK Gram ${n} x ${n} ${where}, then its eigenvalues`);
  const ntk = await ntkAnalysis(net, snapshot.gpu);
  const trainable = net.options.trainable ?? 'both';
  const parts = trainable === 'both' ? { eigenvaluesA: symmetricEigenvalues(ntk.partA, n), eigenvaluesW: symmetricEigenvalues(ntk.partW, n) } : {};
  // A GPU run's Hessian is the GPU's (Lanczos on its products); a float64 run's is dense while that is cheap.
  const stage = snapshot.gpu ? `Hessian, top ${HESSIAN_TOP_COUNT} eigenvalues by Lanczos ${where}` : `Hessian ${where}`;
  await progress(`step ${snapshot.step}: ${stage}`);
  const hessian = await hessianAnalysis(net, {
    denseLimit: snapshot.gpu ? 0 : DENSE_HESSIAN_LIMIT,
    topCount: HESSIAN_TOP_COUNT,
    // On the GPU only the iteration count is news (the stage was announced above); in float64, which method it chose.
    onProgress: (message) => {
      const iteration = /Lanczos iteration (\d+)/.exec(message)?.[1];
      if (iteration || !snapshot.gpu) options.onProgress?.(`step ${snapshot.step}: ${iteration ? `${stage}: iteration ${iteration}` : message}`);
    },
    ...(snapshot.gpu ? { gpu: snapshot.gpu } : {}),
  });
  return {
    step: snapshot.step,
    member: { index, label },
    sampleCount: n,
    ntk: { backend: ntk.backend, trainable, eigenvalues: ntk.eigenvalues, ...parts, trace: trace(ntk.gram, n), traceA: trace(ntk.partA, n), traceW: trace(ntk.partW, n) },
    hessian: {
      method: hessian.method,
      backend: hessian.backend,
      size: hessian.size,
      eigenvalues: hessian.eigenvalues,
      ...(hessian.residuals ? { residuals: hessian.residuals } : {}),
      trace: hessian.trace,
      converged: hessian.converged,
      products: hessian.products,
      particleTimeFactor: hessian.particleTimeFactor,
    },
    wallSeconds: (performance.now() - started) / 1000,
  };
}

/** The weights widened to float64 (a GPU run's are float32). */
function float64(weights: NetworkParameters<ArrayLike<number>>): NetworkParameters<Float64Array> {
  return { a: Float64Array.from(weights.a), W: Float64Array.from(weights.W), ...(weights.b ? { b: Float64Array.from(weights.b) } : {}) };
}

/** Tr A of a row-major n x n matrix. */
function trace(matrix: ArrayLike<number>, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += matrix[i * n + i]!;
  return sum;
}
