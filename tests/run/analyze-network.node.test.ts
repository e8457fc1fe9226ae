/**
 * analyzeNetwork against dense float64 computations written here from the definitions (docs/science.md
 * section 0), not from src/: the Jacobian J of the outputs from its analytic blocks, K = J J^T and its parts,
 * the Hessian as (1/n) sum_i [l''_i g_i g_i^T + l'_i Hess f_i] with Hess f_i's a-w and a-b blocks, the loss
 * and gradient J^T l' / n, and eigenvalues by ml-matrix (not the Householder path the analysis uses).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfigInput } from '../../src/config/schema';
import { initialWeights } from '../../src/core/initialization';
import { analyzeNetwork } from '../../src/run/analyze/network';
import { reportJson, type AnalysisReport } from '../../src/run/analyze/report';
import { expectClose, reductionTolerance, testValues } from '../helpers/tolerance';

const folder = mkdtempSync(join(tmpdir(), 'gradflow-analyze-'));
const readText = async (path: string) => readFileSync(path, 'utf8');

interface Weights {
  a: number[];
  W: number[][];
  b?: number[];
}

/** Deterministic parameters of a width-m net on d inputs (not an initialization: any point will do). */
function someWeights(m: number, d: number, withBias: boolean, seed: number): Weights {
  const a = Array.from(testValues(m, seed), (v) => 1.5 * v);
  const W = Array.from({ length: m }, (_, j) => Array.from(testValues(d, seed + 100 + j), (v) => 2 * v));
  return withBias ? { a, W, b: Array.from(testValues(m, seed + 7), (v) => 0.3 * v) } : { a, W };
}

function writeJson(name: string, value: unknown): string {
  const path = join(folder, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

async function analyze(config: ExperimentConfigInput, weights: Weights, options: { denseLimit?: number; topCount?: number; backend?: 'float64' | 'gpu' } = {}) {
  const paramsPath = writeJson(`params-${Math.random().toString(36).slice(2)}.json`, weights);
  const report = await analyzeNetwork(parseConfig(config), {
    readText,
    source: 'test',
    paramsPath,
    backend: options.backend ?? 'float64',
    denseLimit: options.denseLimit ?? 1024,
    topCount: options.topCount ?? 5,
  });
  return { report, json: JSON.parse(reportJson(report)) as Record<string, any> };
}

/** A header-less CSV matrix, or a table's rows after its header. */
function csvRows(report: AnalysisReport, name: string, header = false): number[][] {
  const lines = report.files.get(name)!.trim().split('\n');
  return lines.slice(header ? 1 : 0).map((line) => line.split(',').map(Number));
}

const flat = (rows: number[][]) => Float64Array.from(rows.flat());

/** Eigenvalues by ml-matrix, descending. */
function eigenvalues(matrix: number[][]): number[] {
  return new EigenvalueDecomposition(new Matrix(matrix), { assumeSymmetric: true }).realEigenvalues.sort((s, t) => t - s);
}

type Loss = 'square' | 'logistic';
const loss = { square: (f: number, y: number) => 0.5 * (f - y) ** 2, logistic: (f: number, y: number) => Math.log1p(Math.exp(-y * f)) };
const lossPrime = { square: (f: number, y: number) => f - y, logistic: (f: number, y: number) => -y / (1 + Math.exp(y * f)) };
const lossSecond = { square: () => 1, logistic: (f: number, y: number) => (y * y * Math.exp(y * f)) / (1 + Math.exp(y * f)) ** 2 };

interface Reference {
  f: number[];
  J: number[][];
  /** Column indices of the a block, the (W, b) block. */
  aColumns: number[];
  wColumns: number[];
  H: number[][];
  loss: number;
  gradient: number[];
}

/**
 * The dense reference at `weights` on samples X [n][d], y [n]: outputs f_i = c sum_j a_j relu(z_ij) - f0_i,
 * J (flat order [a | W | b]) and the Hessian with frozen rows and columns zeroed.
 */
function reference(weights: Weights, X: number[][], y: number[], c: number, lossKind: Loss, trainable: 'both' | 'first' | 'second', offset?: number[]): Reference {
  const m = weights.a.length;
  const d = X[0]!.length;
  const bias = weights.b !== undefined;
  const p = m * (d + 1) + (bias ? m : 0);
  const z = X.map((x) => weights.W.map((w, j) => w.reduce((s, wk, k) => s + wk * x[k]!, bias ? weights.b![j]! : 0)));
  const f = z.map((row, i) => c * row.reduce((s, zij, j) => s + weights.a[j]! * Math.max(zij, 0), 0) - (offset?.[i] ?? 0));
  const aColumns = Array.from({ length: m }, (_, j) => j);
  const wColumns = Array.from({ length: p - m }, (_, e) => m + e);
  const J = X.map((x, i) => {
    const row = new Array<number>(p).fill(0);
    for (let j = 0; j < m; j++) {
      const on = z[i]![j]! > 0 ? 1 : 0;
      row[j] = c * Math.max(z[i]![j]!, 0);
      for (let k = 0; k < d; k++) row[m + j * d + k] = c * weights.a[j]! * on * x[k]!;
      if (bias) row[m + m * d + j] = c * weights.a[j]! * on;
    }
    return row;
  });
  const n = X.length;
  const H = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < n; i++) {
    const q = lossSecond[lossKind](f[i]!, y[i]!) / n;
    const r = lossPrime[lossKind](f[i]!, y[i]!) / n;
    for (let s = 0; s < p; s++) for (let t = 0; t < p; t++) H[s]![t]! += q * J[i]![s]! * J[i]![t]!;
    // Hess f_i: d2 f / da_j dw_jk = c 1[z_ij > 0] x_ik, d2 f / da_j db_j = c 1[z_ij > 0].
    for (let j = 0; j < m; j++) {
      if (!(z[i]![j]! > 0)) continue;
      const cross = (column: number, value: number) => {
        H[j]![column]! += r * value;
        H[column]![j]! += r * value;
      };
      for (let k = 0; k < d; k++) cross(m + j * d + k, c * X[i]![k]!);
      if (bias) cross(m + m * d + j, c);
    }
  }
  const frozen = new Set(trainable === 'second' ? wColumns : trainable === 'first' ? aColumns : []);
  for (let s = 0; s < p; s++) for (let t = 0; t < p; t++) if (frozen.has(s) || frozen.has(t)) H[s]![t] = 0;
  const gradient = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) for (let e = 0; e < p; e++) gradient[e]! += (lossPrime[lossKind](f[i]!, y[i]!) / n) * J[i]![e]!;
  return { f, J, aColumns, wColumns, H, loss: f.reduce((s, fi, i) => s + loss[lossKind](fi, y[i]!), 0) / n, gradient };
}

/** The Gram of J's columns `columns`: sum_e J_ie J_ke. */
function gram(J: number[][], columns: number[]): number[][] {
  return J.map((row) => J.map((other) => columns.reduce((s, e) => s + row[e]! * other[e]!, 0)));
}

/** The samples the analysis ran on, from its samples.csv (x0..x{d-1}, y, prediction, loss). */
function samples(report: AnalysisReport, d: number) {
  const rows = csvRows(report, 'samples.csv', true);
  return { X: rows.map((row) => row.slice(0, d)), y: rows.map((row) => row[d]!), predictions: rows.map((row) => row[d + 1]!), losses: rows.map((row) => row[d + 2]!) };
}

// float64 against float64 in another order of summation: entries of order 1-100, sums of up to p terms.
const EXACT = { abs: 1e-12, rel: 1e-10 };

describe('analyzeNetwork against dense float64 computations', () => {
  it('NTK, its parts and spectrum, dense Hessian, trace, loss, gradient and predictions (ntk scaling, bias, alpha 1.3, square loss)', async () => {
    const m = 5;
    const d = 3;
    const config: ExperimentConfigInput = {
      backend: 'float64',
      model: { width: m, scaling: 'ntk', bias: true, alpha: 1.3 },
      data: { kind: 'teacher-student', sampleCount: 8, inputDim: d },
    };
    const weights = someWeights(m, d, true, 5);
    const { report, json } = await analyze(config, weights);
    const { X, y, predictions, losses } = samples(report, d);
    const c = 1.3 / Math.sqrt(m);
    const ref = reference(weights, X, y, c, 'square', 'both');
    const n = 8;
    // NTK: K = J J^T, K^(a) over the a columns, K^(w) over W and b.
    const K = gram(ref.J, [...ref.aColumns, ...ref.wColumns]);
    expectClose(flat(csvRows(report, 'ntk.csv')), flat(K), EXACT, 'K');
    expectClose(flat(csvRows(report, 'ntk-a.csv')), flat(gram(ref.J, ref.aColumns)), EXACT, 'K^(a)');
    expectClose(flat(csvRows(report, 'ntk-w.csv')), flat(gram(ref.J, ref.wColumns)), EXACT, 'K^(w)');
    expectClose(json.ntk.eigenvalues, eigenvalues(K), EXACT, 'spectrum of K');
    expect(json.ntk.trace).toBeCloseTo(K.reduce((s, row, i) => s + row[i]!, 0), 10);
    expect(json.ntk.lambdaMin).toBe(json.ntk.eigenvalues[n - 1]);
    // Hessian: dense, its trace (closed form) equal to the dense trace, its spectrum.
    expect(json.hessian).toMatchObject({ method: 'dense', backend: 'float64', size: m * (d + 2), converged: true });
    expectClose(flat(csvRows(report, 'hessian.csv')), flat(ref.H), EXACT, 'Hessian');
    const denseTrace = ref.H.reduce((s, row, e) => s + row[e]!, 0);
    expect(json.hessian.trace).toBeCloseTo(denseTrace, 11);
    expect(json.hessian.traceOfMatrix).toBeCloseTo(denseTrace, 11);
    expectClose(json.hessian.eigenvalues, eigenvalues(ref.H), EXACT, 'spectrum of H');
    expect(json.hessian.sharpness).toBe(json.hessian.eigenvalues[0]);
    // Fit.
    expect(json.fit.loss).toBeCloseTo(ref.loss, 13);
    expectClose(json.fit.predictions, ref.f, EXACT, 'predictions');
    expectClose(predictions, ref.f, EXACT, 'samples.csv predictions');
    expectClose(losses, ref.f.map((f, i) => loss.square(f, y[i]!)), EXACT, 'samples.csv losses');
    expectClose([...json.fit.gradient.a, ...json.fit.gradient.W.flat(), ...json.fit.gradient.b], ref.gradient, EXACT, 'gradient');
    expect(json.fit.gradientNorm).toBeCloseTo(Math.hypot(...ref.gradient), 12);
    expect(report.files.get('ntk.csv')!.split('\n')[0]!.split(',')).toHaveLength(n);
  });

  it('restricts K and H to the trainable layer (second only, mean-field, logistic loss on XOR)', async () => {
    const m = 4;
    const d = 2;
    const config: ExperimentConfigInput = {
      backend: 'float64',
      loss: 'logistic',
      model: { width: m, scaling: 'mean-field', bias: false, trainable: 'second' },
      data: { kind: 'xor', sampleCount: 10, inputDim: d },
    };
    const weights = someWeights(m, d, false, 9);
    const { report, json } = await analyze(config, weights);
    const { X, y } = samples(report, d);
    const ref = reference(weights, X, y, 1 / m, 'logistic', 'second');
    const Ka = gram(ref.J, ref.aColumns);
    expectClose(flat(csvRows(report, 'ntk.csv')), flat(Ka), EXACT, 'K = K^(a)');
    expectClose(flat(csvRows(report, 'ntk-w.csv')), flat(gram(ref.J, ref.wColumns)), EXACT, 'K^(w), reported though frozen');
    expectClose(flat(csvRows(report, 'hessian.csv')), flat(ref.H), EXACT, 'Hessian with frozen rows and columns zero');
    const block = ref.H.slice(0, m).map((row) => row.slice(0, m));
    expectClose(json.hessian.eigenvalues, eigenvalues(block), EXACT, 'spectrum of the trainable block');
    expect(json.hessian.size).toBe(m);
    expect(json.model).toMatchObject({ trainable: 'second', particleTimeFactor: m, trainableParameterCount: m, parameterCount: m * (d + 1) });
    expect(json.hessian.sharpnessParticleTime).toBeCloseTo(m * json.hessian.sharpness, 12);
    expect(json.fit.loss).toBeCloseTo(ref.loss, 13);
    const trainableGradient = ref.gradient.slice(0, m);
    expect(json.fit.trainableGradientNorm).toBeCloseTo(Math.hypot(...trainableGradient), 13);
  });

  it('takes a centered model\'s f0 from the config\'s initialization (model.init.path), and reads a result.json\'s final', async () => {
    const m = 3;
    const d = 2;
    const init = someWeights(m, d, true, 31);
    const config: ExperimentConfigInput = {
      backend: 'float64',
      model: { width: m, scaling: 'ntk', bias: true, alpha: 4, centered: true, init: { path: writeJson('init.json', init) } },
      data: { kind: 'teacher-student', sampleCount: 6, inputDim: d },
    };
    const weights = someWeights(m, d, true, 41);
    const paramsPath = writeJson('result.json', { config: {}, summary: {}, final: weights });
    const report = await analyzeNetwork(parseConfig(config), { readText, source: 'test', paramsPath, backend: 'float64', denseLimit: 1024, topCount: 3 });
    const json = JSON.parse(reportJson(report));
    const { X, y } = samples(report, d);
    const c = 4 / Math.sqrt(m);
    // A run holds its init file in float32 (parseInitFile), so its f0 is that of the rounded weights.
    const rounded = { a: init.a.map(Math.fround), W: init.W.map((row) => row.map(Math.fround)), b: init.b!.map(Math.fround) };
    const f0 = reference(rounded, X, y, c, 'square', 'both').f;
    const ref = reference(weights, X, y, c, 'square', 'both', f0);
    expectClose(json.fit.predictions, ref.f, EXACT, 'f_alpha = f - f0');
    expect(json.fit.loss).toBeCloseTo(ref.loss, 12);
    expectClose(flat(csvRows(report, 'hessian.csv')), flat(ref.H), EXACT, 'Hessian at the shifted outputs');
    expect(json.model.centered).toBe(true);
  });

  it('beyond the dense limit, finds the top eigenvalues by Lanczos (float64), each within its residual of the dense ones', async () => {
    const m = 6;
    const d = 2;
    const config: ExperimentConfigInput = { backend: 'float64', model: { width: m, scaling: 'ntk', bias: true }, data: { kind: 'teacher-student', sampleCount: 12, inputDim: d } };
    const weights = someWeights(m, d, true, 51);
    const { report, json } = await analyze(config, weights, { denseLimit: 10, topCount: 4 });
    const { X, y } = samples(report, d);
    const ref = reference(weights, X, y, 1 / Math.sqrt(m), 'square', 'both');
    const exact = eigenvalues(ref.H);
    expect(json.hessian).toMatchObject({ method: 'lanczos', backend: 'float64', converged: true, size: m * (d + 2), denseLimit: 10 });
    expect(report.files.has('hessian.csv')).toBe(false);
    expect(json.hessian.eigenvalues).toHaveLength(4);
    json.hessian.eigenvalues.forEach((value: number, t: number) => expect(Math.abs(value - exact[t]!), `eigenvalue ${t}`).toBeLessThanOrEqual(json.hessian.residuals[t] + 1e-10 * Math.abs(exact[0]!)));
    expect(json.hessian.trace).toBeCloseTo(ref.H.reduce((s, row, e) => s + row[e]!, 0), 11);
  });

  it('states the analytic kernels of the config\'s initialization, which a wide net at that initialization matches', async () => {
    const m = 3000;
    const d = 2;
    const seed = 4;
    const init = { aStd: 0.5, wScale: 2 };
    const n = 6;
    for (const [scaling, widthFactor] of [['ntk', 1.5 ** 2], ['mean-field', 1.5 ** 2 / m], ['standard', 1.5 ** 2 * m]] as const) {
      const config: ExperimentConfigInput = { backend: 'float64', seed, model: { width: m, scaling, bias: true, alpha: 1.5, init }, data: { kind: 'teacher-student', sampleCount: n, inputDim: d } };
      const drawn = initialWeights({ seed, width: m, inputDim: d, hasBias: true, ...init });
      const weights = { a: Array.from(drawn.a), W: Array.from({ length: m }, (_, j) => Array.from(drawn.W.subarray(j * d, (j + 1) * d))), b: Array.from(drawn.b!) };
      const { report, json } = await analyze(config, weights, { denseLimit: 0, topCount: 1 });
      expect(json.analyticNtk).toMatchObject({ available: true, weightVariance: 4 / d, secondLayerMoment: 0.25 });
      expect(json.analyticNtk.widthFactor / widthFactor).toBeCloseTo(1, 12);
      // An average of m independent neuron terms: relative error ~ 1/sqrt(m) = 0.02; a wrong factor (wScale^2 = 4, aStd^2, the bias's +1) misses by 30% or more.
      for (const part of ['gram', 'a', 'w']) expect(json.analyticNtk.relativeDifference[part], `${scaling} ${part}`).toBeLessThan(0.1);
      const analytic = flat(csvRows(report, 'ntk-analytic.csv'));
      expectClose(analytic, flat(csvRows(report, 'ntk-analytic-a.csv')).map((v, e) => v + flat(csvRows(report, 'ntk-analytic-w.csv'))[e]!), EXACT, 'analytic K = sum of parts');
    }
  });

  it('says when the initialization has no closed form (von Mises directions)', async () => {
    const config: ExperimentConfigInput = { backend: 'float64', model: { width: 4, init: { directions: { kind: 'von-mises', kappa: 2 } } }, data: { kind: 'teacher-student', sampleCount: 5, inputDim: 2 } };
    const { report, json } = await analyze(config, someWeights(4, 2, false, 3));
    expect(json.analyticNtk).toEqual({ available: false, reason: expect.stringContaining('von Mises') });
    expect(report.files.has('ntk-analytic.csv')).toBe(false);
  });

  it('computes the NTK parts and Lanczos\'s products on the GPU (float32) close to float64', async () => {
    const m = 16;
    const d = 3;
    const config: ExperimentConfigInput = { backend: 'float64', model: { width: m, scaling: 'ntk', bias: true }, data: { kind: 'teacher-student', sampleCount: 10, inputDim: d } };
    const weights = someWeights(m, d, true, 61);
    const cpu = await analyze(config, weights, { denseLimit: 0, topCount: 3 });
    const gpu = await analyze(config, weights, { denseLimit: 0, topCount: 3, backend: 'gpu' });
    expect(gpu.json.ntk.backend).toMatch(/^gpu \(.*\), float32$/);
    expect(gpu.json.hessian.backend).toMatch(/^gpu/);
    // Entries are sums of m float32 products of O(1) terms (plus d for X X^T): the reduction tolerance of m + d terms.
    for (const name of ['ntk-a.csv', 'ntk-w.csv', 'ntk.csv']) expectClose(flat(csvRows(gpu.report, name)), flat(csvRows(cpu.report, name)), reductionTolerance(m + d, 4), name);
    // Hessian-vector products in float32 (~1e-6 relative each); Lanczos then converges to within that of the float64 values.
    gpu.json.hessian.eigenvalues.forEach((value: number, t: number) => expect(Math.abs(value - cpu.json.hessian.eigenvalues[t]), `eigenvalue ${t}`).toBeLessThan(1e-4 * Math.abs(cpu.json.hessian.eigenvalues[0])));
    expect(gpu.json.fit).toEqual(cpu.json.fit); // always float64
  });

  it('refuses parameters that do not fit the config, naming the field and the file', async () => {
    const config: ExperimentConfigInput = { backend: 'float64', model: { width: 4 }, data: { kind: 'teacher-student', sampleCount: 5, inputDim: 2 } };
    await expect(analyze(config, someWeights(5, 2, false, 1))).rejects.toThrow(/"a" has 5 entries, the model has width 4/);
    const paramsPath = writeJson('no-final.json', { config: {}, summary: {} });
    await expect(analyzeNetwork(parseConfig(config), { readText, source: 'test', paramsPath, backend: 'float64', denseLimit: 10, topCount: 1 })).rejects.toThrow(/without "final" parameters; run with --save-params/);
    await expect(analyzeNetwork(parseConfig({ model: { kind: 'linear' } } as ExperimentConfigInput), { readText, source: 'test', paramsPath, backend: 'float64', denseLimit: 10, topCount: 1 })).rejects.toThrow(/model.kind: got "linear"/);
  });
});
