/** `gradflow analyze` as a user runs it: a child process, its exit code, its stdout and stderr, and the files it writes. */
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradflow } from './cli-process';

const work = mkdtempSync(join(tmpdir(), 'gradflow-analyze-cli-'));

const tiny = {
  name: 'tiny',
  steps: 20,
  backend: 'float64',
  model: { width: 6, scaling: 'ntk', bias: true },
  data: { kind: 'teacher-student', sampleCount: 12, inputDim: 2 },
  optimizer: { learningRate: 0.1 },
};

const matrix = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((line) => line.split(',').map(Number));

describe('gradflow analyze', () => {
  const configPath = join(work, 'tiny.json');
  writeFileSync(configPath, JSON.stringify(tiny));
  const trained = join(work, 'trained');

  it('analyzes a run\'s saved parameters into --out: analysis.json and the CSV matrices, which agree', () => {
    expect(gradflow(['run', configPath, '--out', trained, '--save-params']).code).toBe(0);
    const out = join(work, 'analysis');
    const { code, stdout, stderr } = gradflow(['analyze', configPath, '--params', join(trained, 'result.json'), '--out', out]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^loss \S+, \|grad L\| \S+ \(trainable parameters\)$/m);
    expect(stdout).toMatch(/^hessian \(dense, float64\): trace \S+, sharpness \S+$/m);
    expect(stderr).toMatch(/ntk: 12 x 12 Gram/);
    const files = ['analysis.json', 'samples.csv', 'ntk.csv', 'ntk-a.csv', 'ntk-w.csv', 'ntk-analytic.csv', 'ntk-analytic-a.csv', 'ntk-analytic-w.csv', 'hessian.csv'];
    expect(readdirSync(out).sort()).toEqual([...files].sort());
    const json = JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8'));
    expect(json.files).toEqual(files);
    const K = matrix(join(out, 'ntk.csv'));
    expect(K).toHaveLength(12);
    expect(K.reduce((s, row, i) => s + row[i]!, 0)).toBeCloseTo(json.ntk.trace, 10);
    const Ka = matrix(join(out, 'ntk-a.csv'));
    const Kw = matrix(join(out, 'ntk-w.csv'));
    K.forEach((row, i) => row.forEach((value, k) => expect(value).toBeCloseTo(Ka[i]![k]! + Kw[i]![k]!, 12)));
    const H = matrix(join(out, 'hessian.csv'));
    expect(H).toHaveLength(6 * 4);
    expect(H.reduce((s, row, e) => s + row[e]!, 0)).toBeCloseTo(json.hessian.trace, 10);
    // The loss of the saved parameters is the run's final loss (the loss logged after the last step).
    const result = JSON.parse(readFileSync(join(trained, 'result.json'), 'utf8'));
    expect(json.fit.loss).toBeCloseTo(result.metrics.at(-1).loss, 12);
    const samples = readFileSync(join(out, 'samples.csv'), 'utf8').trim().split('\n');
    expect(samples[0]).toBe('x0,x1,y,prediction,loss');
    expect(samples).toHaveLength(13);
  });

  it('prints analysis.json to stdout without --out, says which files need --out, and keeps stderr quiet with --quiet', () => {
    const { code, stdout, stderr } = gradflow(['analyze', configPath, '--params', join(trained, 'result.json'), '--quiet', '--dense-limit', '0', '--top', '3']);
    expect(code, stderr).toBe(0);
    expect(stderr).toBe('');
    const json = JSON.parse(stdout);
    expect(json.files).toEqual([]);
    expect(json.notWritten).toMatch(/^samples\.csv, ntk\.csv, .*: give --out DIR to write them$/);
    expect(json.hessian).toMatchObject({ method: 'lanczos', backend: 'float64', denseLimit: 0 });
    expect(json.hessian.eigenvalues).toHaveLength(3);
  });

  it('analyzes member k of a config with a sweep block (--member k), whose config it reports', () => {
    const setPath = join(work, 'set.json');
    writeFileSync(setPath, JSON.stringify({ ...tiny, sweep: { 'model.width': [4, 6] } }));
    const { code, stdout, stderr } = gradflow(['analyze', setPath, '--member', '1', '--params', join(trained, 'result.json'), '--quiet']);
    expect(code, stderr).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.config.model.width).toBe(6);
    expect(json.model.width).toBe(6);
    const wrong = gradflow(['analyze', setPath, '--member', '0', '--params', join(trained, 'result.json'), '--quiet']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/"a" has 6 entries, the model has width 4/);
  });

  it('refuses a non-empty --out unless --force, which replaces it whole', () => {
    const out = join(work, 'taken');
    const first = gradflow(['analyze', configPath, '--params', join(trained, 'result.json'), '--out', out, '--quiet']);
    expect(first.code).toBe(0);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const again = gradflow(['analyze', configPath, '--params', join(trained, 'result.json'), '--out', out, '--quiet']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--out .*taken: already holds 10 entries.*--force/);
    const forced = gradflow(['analyze', configPath, '--params', join(trained, 'result.json'), '--out', out, '--force', '--quiet']);
    expect(forced.code).toBe(0);
    expect(existsSync(join(out, 'notes.txt'))).toBe(false);
    expect(readdirSync(work).filter((name) => name.startsWith('.taken'))).toEqual([]);
  });

  it('w2 exact: W2^2 and the optimal plan, which reproduces W2^2 from the two CSV files', () => {
    const a = Array.from({ length: 6 }, (_, i) => [Math.cos(i), Math.sin(2 * i)]);
    const b = Array.from({ length: 4 }, (_, j) => [0.5 + 0.3 * j, -0.2 * j]);
    writeFileSync(join(work, 'A.csv'), a.map((row) => row.join(',')).join('\n'));
    writeFileSync(join(work, 'B.csv'), `x,y\n${b.map((row) => row.join(',')).join('\n')}\n`);
    const out = join(work, 'w2');
    const { code, stdout, stderr } = gradflow(['analyze', 'w2', join(work, 'A.csv'), join(work, 'B.csv'), '--out', out]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^W2\^2 \S+ \(exact\)$/m);
    const json = JSON.parse(readFileSync(join(out, 'analysis.json'), 'utf8'));
    expect(json).toMatchObject({ method: 'exact', backend: 'float64', clouds: { a: { count: 6, dim: 2 }, b: { count: 4, dim: 2 } }, files: ['analysis.json', 'plan.csv'] });
    const plan = readFileSync(join(out, 'plan.csv'), 'utf8').trim().split('\n');
    expect(plan[0]).toBe('i,j,mass');
    const cost = plan.slice(1).map((line) => line.split(',').map(Number)).reduce((s, [i, j, mass]) => s + mass! * ((a[i!]![0]! - b[j!]![0]!) ** 2 + (a[i!]![1]! - b[j!]![1]!) ** 2), 0);
    expect(cost).toBeCloseTo(json.w2Squared, 13);
    expect(json.plan.entries).toEqual(plan.slice(1).map((line) => line.split(',').map(Number)));
  });

  it('w2 sinkhorn and sliced print their diagnostics as JSON', () => {
    const sinkhorn = gradflow(['analyze', 'w2', join(work, 'A.csv'), join(work, 'B.csv'), '--method', 'sinkhorn', '--epsilon', '0.01', '--plan-entries', '3', '--quiet']);
    expect(sinkhorn.code, sinkhorn.stderr).toBe(0);
    const json = JSON.parse(sinkhorn.stdout);
    expect(json).toMatchObject({ method: 'sinkhorn', epsilon: 0.01, converged: true, notWritten: 'plan.csv: give --out DIR to write them' });
    expect(json.plan.entries).toHaveLength(3);
    for (const key of ['transportCost', 'entropicObjective', 'marginalError', 'iterations']) expect(typeof json[key], key).toBe('number');
    const sliced = gradflow(['analyze', 'w2', join(work, 'A.csv'), join(work, 'B.csv'), '--method', 'sliced', '--directions', '8', '--quiet']);
    expect(sliced.code, sliced.stderr).toBe(0);
    expect(JSON.parse(sliced.stdout)).toMatchObject({ method: 'sliced', directionCount: 8, seed: 0 });
  });
});
