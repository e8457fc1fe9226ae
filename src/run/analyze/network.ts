/**
 * `gradflow analyze <config | preset> --params FILE`: the two-layer network at saved parameters on the
 * config's training set. Everything is float64 (exact) unless `backend` is 'gpu', which moves the two costly
 * parts to the GPU in float32: the NTK Gram and, beyond the dense limit, Lanczos's Hessian-vector products.
 * The pieces are src/models/two-layer/analysis/*; this file loads the problem and writes the report.
 */
import type { ExperimentConfig, NetworkExperimentConfig } from '../../config/schema';
import { ConfigError } from '../../config/errors';
import type { ReadText } from '../../data/create';
import { combinedOutputScale } from '../../core/conventions';
import { buildProblem } from '../../models/two-layer/problem';
import { analyzedNetwork, type AnalyzedNetwork } from '../../models/two-layer/analysis/network-state';
import { parseParamsFile } from '../../models/two-layer/analysis/params-file';
import { fitAnalysis, type FitAnalysis } from '../../models/two-layer/analysis/fit';
import { ntkAnalysis, type NtkAnalysis } from '../../models/two-layer/analysis/ntk';
import { expectedNtk } from '../../models/two-layer/analysis/expected-ntk';
import { hessianAnalysis, type HessianAnalysis } from '../../models/two-layer/analysis/hessian';

export { DEFAULT_DENSE_HESSIAN_LIMIT } from '../../models/two-layer/analysis/hessian';
import { matrixCsv, tableCsv } from './csv-text';
import type { AnalysisReport } from './report';
import { withBackend, type AnalysisBackend } from './backend';

/** Most training samples analyzed: five n x n float64 matrices (160 MiB) and an O(n^3) eigen-solve (about a minute). */
export const MAX_ANALYZED_SAMPLES = 2048;

export interface NetworkAnalysisOptions {
  readonly readText: ReadText;
  /** How the config was named (preset or path), for the report. */
  readonly source: string;
  readonly paramsPath: string;
  /** Where the NTK Gram and Lanczos's products run. */
  readonly backend: AnalysisBackend;
  readonly denseLimit: number;
  readonly topCount: number;
  readonly onProgress?: (message: string) => void;
}

/** The analysis of `config`'s network at the parameters in options.paramsPath. */
export async function analyzeNetwork(config: ExperimentConfig, options: NetworkAnalysisOptions): Promise<AnalysisReport> {
  if (config.model.kind !== 'two-layer') {
    throw new ConfigError([`model.kind: got "${config.model.kind}"; gradflow analyze takes a two-layer network ('two-layer'), or two point clouds (gradflow analyze w2 A.csv B.csv)`]);
  }
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  const problem = await buildProblem(config, options.readText);
  const n = problem.train.y.length;
  if (n > MAX_ANALYZED_SAMPLES) {
    throw new ConfigError([`data: ${n} training samples, over the ${MAX_ANALYZED_SAMPLES} the analysis takes (n x n kernels, O(n^3) spectra); lower them, e.g. --set data.sampleCount=${MAX_ANALYZED_SAMPLES}`]);
  }
  const params = parseParamsFile(await options.readText(options.paramsPath), problem.trainer, options.paramsPath);
  const net = analyzedNetwork(problem, params);
  progress(`fit: loss, gradient and predictions on ${n} samples (float64)`);
  const fit = fitAnalysis(net);
  const { ntk, hessian } = await withBackend(options.backend, async (gpu) => {
    progress(`ntk: ${n} x ${n} Gram and its spectrum (${gpu ? 'GPU, float32' : 'float64'})`);
    const ntk = await ntkAnalysis(net, gpu);
    const hessian = await hessianAnalysis(net, { denseLimit: options.denseLimit, topCount: options.topCount, onProgress: progress, ...(gpu ? { gpu } : {}) });
    return { ntk, hessian };
  });
  const files = new Map<string, string>();
  const model = config.model;
  const expected = expectedNtk(net, model.init);
  const json: Record<string, unknown> = {
    analysis: 'network',
    source: { config: options.source, params: options.paramsPath },
    config,
    model: modelSummary(net, config as NetworkExperimentConfig, hessian),
    fit: fitSummary(fit, net),
    ntk: ntkSummary(ntk, n),
  };
  files.set('samples.csv', samplesCsv(net, fit));
  files.set('ntk.csv', matrixCsv(ntk.gram, n, n));
  files.set('ntk-a.csv', matrixCsv(ntk.partA, n, n));
  files.set('ntk-w.csv', matrixCsv(ntk.partW, n, n));
  if ('unavailable' in expected) {
    json.analyticNtk = { available: false, reason: expected.unavailable };
  } else {
    const analytic = trainableSum(net, expected.partA, expected.partW);
    json.analyticNtk = {
      available: true,
      meaning:
        'the expectation of K over the config\'s random initialization at its width and scaling: c^2 m times the arc-cosine kernels (docs/science.md section 0); ' +
        'the empirical K at initialization lies within O(m^-1/2) of it, and for ntk scaling it is the m -> infinity limit',
      ...(model.init.path ? { note: `the config initializes from ${model.init.path}; this is the Gaussian initialization of its aStd and wScale` } : {}),
      widthFactor: expected.widthFactor,
      weightVariance: expected.weightVariance,
      secondLayerMoment: expected.secondLayerMoment,
      trace: trace(analytic, n),
      traceA: trace(expected.partA, n),
      traceW: trace(expected.partW, n),
      relativeDifference: {
        gram: relativeDifference(ntk.gram, analytic),
        a: relativeDifference(ntk.partA, expected.partA),
        w: relativeDifference(ntk.partW, expected.partW),
      },
    };
    files.set('ntk-analytic.csv', matrixCsv(analytic, n, n));
    files.set('ntk-analytic-a.csv', matrixCsv(expected.partA, n, n));
    files.set('ntk-analytic-w.csv', matrixCsv(expected.partW, n, n));
  }
  json.hessian = hessianSummary(hessian, options.denseLimit);
  if (hessian.matrix) files.set('hessian.csv', matrixCsv(hessian.matrix, hessian.parameterCount, hessian.parameterCount));
  json.layout = {
    'samples.csv': 'one row per training sample: x0..x{d-1}, the target y, the prediction f and the sample loss l(f, y)',
    'ntk*.csv': 'n x n, rows and columns in the order of samples.csv, no header',
    ...(hessian.matrix ? { 'hessian.csv': `p x p, rows and columns in the flat parameter order [a (m) | W row by row (m x d) | b (m)]; rows and columns of frozen parameters are zero; no header` } : {}),
  };
  json.wallSeconds = (performance.now() - started) / 1000;
  return { json, files };
}

const trace = (matrix: ArrayLike<number>, n: number) => {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += matrix[i * n + i]!;
  return sum;
};

/** |A - B|_F / |B|_F. */
function relativeDifference(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  let difference = 0;
  let norm = 0;
  for (let e = 0; e < reference.length; e++) {
    difference += (actual[e]! - reference[e]!) ** 2;
    norm += reference[e]! ** 2;
  }
  return Math.sqrt(difference / norm);
}

/** The kernel of the trainable parts: K^(a) when the second layer trains plus K^(w) when the first does. */
function trainableSum(net: AnalyzedNetwork, partA: Float64Array, partW: Float64Array): Float64Array {
  const trainable = net.options.trainable ?? 'both';
  return partA.map((value, e) => (trainable !== 'first' ? value : 0) + (trainable !== 'second' ? partW[e]! : 0));
}

function modelSummary(net: AnalyzedNetwork, config: NetworkExperimentConfig, hessian: HessianAnalysis): Record<string, unknown> {
  const { trainer } = net.problem;
  return {
    width: trainer.width,
    inputDim: trainer.inputDim,
    sampleCount: net.sampleCount,
    hasBias: trainer.hasBias,
    scaling: trainer.scaling,
    alpha: trainer.alpha ?? 1,
    outputScale: combinedOutputScale(trainer),
    loss: trainer.loss,
    trainable: trainer.trainable,
    centered: trainer.centered ?? false,
    parameterCount: hessian.parameterCount,
    trainableParameterCount: hessian.size,
    particleTimeFactor: hessian.particleTimeFactor,
    data: config.data.kind,
  };
}

function fitSummary(fit: FitAnalysis, net: AnalyzedNetwork): Record<string, unknown> {
  const d = net.params.inputDim;
  const { a, W, b } = fit.gradient;
  return {
    loss: fit.loss,
    gradientNorm: fit.gradientNorm,
    trainableGradientNorm: fit.trainableGradientNorm,
    gradient: { a, W: Array.from({ length: a.length }, (_, j) => W.subarray(j * d, (j + 1) * d)), ...(b ? { b } : {}) },
    predictions: fit.predictions,
    sampleLosses: fit.sampleLosses,
  };
}

function ntkSummary(ntk: NtkAnalysis, n: number): Record<string, unknown> {
  const lambdaMax = ntk.eigenvalues[0]!;
  const lambdaMin = ntk.eigenvalues[n - 1]!;
  let frobenius = 0;
  for (const value of ntk.gram) frobenius += value * value;
  return {
    backend: ntk.backend,
    trace: trace(ntk.gram, n),
    traceA: trace(ntk.partA, n),
    traceW: trace(ntk.partW, n),
    frobeniusNorm: Math.sqrt(frobenius),
    lambdaMax,
    lambdaMin,
    // lambda_max / lambda_min; Infinity when K is singular to rounding (more samples than the kernel's rank).
    conditionNumber: lambdaMin > Number.EPSILON * n * Math.abs(lambdaMax) ? lambdaMax / lambdaMin : Infinity,
    eigenvalues: ntk.eigenvalues,
  };
}

function hessianSummary(hessian: HessianAnalysis, denseLimit: number): Record<string, unknown> {
  const sharpness = hessian.eigenvalues[0]!;
  return {
    method: hessian.method,
    backend: hessian.backend,
    units: 'parameter units (the Hessian of the train loss in a, W, b); multiply by particleTimeFactor for the update rule\'s units',
    size: hessian.size,
    denseLimit,
    trace: hessian.trace,
    ...(hessian.matrix ? { traceOfMatrix: trace(hessian.matrix, hessian.parameterCount) } : {}),
    sharpness,
    sharpnessParticleTime: hessian.particleTimeFactor * sharpness,
    particleTimeFactor: hessian.particleTimeFactor,
    ...(hessian.method === 'dense' ? { lambdaMin: hessian.eigenvalues[hessian.eigenvalues.length - 1] } : {}),
    eigenvalues: hessian.eigenvalues,
    ...(hessian.residuals ? { residuals: hessian.residuals } : {}),
    converged: hessian.converged,
    hessianVectorProducts: hessian.products,
  };
}

/** x0..x{d-1}, y, prediction, loss per training sample. */
function samplesCsv(net: AnalyzedNetwork, fit: FitAnalysis): string {
  const { inputDim: d } = net.params;
  const n = net.sampleCount;
  const inputs = Array.from({ length: d }, (_, c) => Float64Array.from({ length: n }, (_, i) => net.X[i * d + c]!));
  return tableCsv([...inputs.map((_, c) => `x${c}`), 'y', 'prediction', 'loss'], [...inputs, net.y, fit.predictions, fit.sampleLosses]);
}
