/** The gradflow CLI as a user runs it: a child process, its exit code, and the files it writes. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRIC_NAMES, metricNamesOf } from '../../src/metrics/registry';

function gradflow(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/gradflow.js', ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const tiny = {
  name: 'tiny',
  steps: 30,
  backend: 'float64',
  model: { width: 12, scaling: 'ntk', bias: true },
  data: { kind: 'teacher-student', sampleCount: 20, testCount: 10, inputDim: 3, teacher: { kind: 'random', width: 2 } },
  optimizer: { learningRate: 0.1 },
  metrics: { every: 10, names: ['loss', 'testLoss'] },
};

describe('gradflow CLI', () => {
  const work = mkdtempSync(join(tmpdir(), 'gradflow-cli-'));

  it('lists the presets', () => {
    const { code, stdout } = gradflow('list');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^default\s+Mean-field/m);
  });

  it('lists every metric of the registry with its kinds, unit, cost and description', () => {
    const { code, stdout } = gradflow('metrics');
    expect(code).toBe(0);
    for (const name of METRIC_NAMES) expect(stdout, name).toMatch(new RegExp(`^${name} `, 'm'));
    expect(stdout).toMatch(/^sharpnessParticleTime\s+two-layer\s+1\/lr\s+lanczos\s+factor \* lambda_max\(H\)/m);
    expect(stdout).toMatch(/^loss\s+two-layer,linear\s+-\s+pass\s+empirical risk/m);
    const linear = gradflow('metrics', '--kind', 'linear');
    expect(linear.code).toBe(0);
    expect(linear.stdout.split('\n').filter((line) => /^[a-z]\w* /i.test(line) && !line.startsWith('name ')).map((line) => line.split(' ')[0])).toEqual(metricNamesOf('linear'));
    const bad = gradflow('metrics', '--kind', 'cnn');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--kind must be one of two-layer, linear, landscape, got cnn/);
  });

  it('runs a config file and writes result.json, metrics.csv and step-losses.csv', () => {
    const configPath = join(work, 'tiny.json');
    writeFileSync(configPath, JSON.stringify(tiny));
    const out = join(work, 'out');
    const { code, stdout } = gradflow('run', configPath, '--out', out, '--save-params', '--set', 'optimizer.learningRate=0.2');
    expect(code).toBe(0);
    expect(stdout).toMatch(/tiny: completed after 30 steps on float64/);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.config.optimizer.learningRate).toBe(0.2);
    expect(result.config.model.alpha).toBe(1); // defaults resolved
    expect(result.metrics.map((row: { step: number }) => row.step)).toEqual([0, 10, 20, 30]);
    expect(result.final.W).toHaveLength(12);
    expect(result.final.b).toHaveLength(12);
    const csv = readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('step,loss,testLoss');
    expect(csv).toHaveLength(5);
    // step-losses.csv: result.json's stepLosses as a table, the loss before each of the 30 steps.
    const stepLosses = readFileSync(join(out, 'step-losses.csv'), 'utf8').trim().split('\n');
    expect(stepLosses[0]).toBe('step,loss');
    expect(stepLosses.slice(1)).toEqual(result.stepLosses.map((loss: number, step: number) => `${step},${loss}`));
    expect(stepLosses).toHaveLength(31);
    // The saved parameters reproduce the run's end point when used as an initialization.
    writeFileSync(join(work, 'init.json'), JSON.stringify(result.final));
    const again = gradflow('run', configPath, '--out', join(work, 'again'), '--steps', '1', '--set', `model.init.path=${JSON.stringify(join(work, 'init.json'))}`);
    expect(again.code).toBe(0);
    const first = JSON.parse(readFileSync(join(work, 'again', 'result.json'), 'utf8')).metrics[0].loss;
    expect(first).toBeCloseTo(result.metrics.at(-1).loss, 6);
  });

  it('rejects an invalid config with exit code 2, a message naming the field, and no output', () => {
    const out = join(work, 'never');
    const { code, stderr } = gradflow('run', 'default', '--out', out, '--set', 'model.width=0', '--set', 'loss=hinge');
    expect(code).toBe(2);
    expect(stderr).toMatch(/model\.width: got 0/);
    expect(stderr).toMatch(/loss: got "hinge"; .*"square"\|"logistic"\|"exponential"/);
    expect(existsSync(out)).toBe(false);
    expect(gradflow('run', join(work, 'missing.json')).code).toBe(2);
    const unknown = gradflow('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'; the commands are run, list/);
    // A grid or --set path through a prototype is refused before anything runs (issue 14, defect 5).
    const polluting = gradflow('run', 'default', '--out', out, '--set', '__proto__.polluted=1');
    expect(polluting.code).toBe(2);
    expect(polluting.stderr).toMatch(/'__proto__' is not a config field/);
    expect(existsSync(out)).toBe(false);
  });

  it('trains on CSV files and names the line and column of a bad one (exit 2)', () => {
    const rows = Array.from({ length: 16 }, (_, i) => `${(i % 4) - 1.5},${Math.floor(i / 4) - 1.5},${i % 2 === 0 ? 1 : -1}`);
    writeFileSync(join(work, 'train.csv'), `x0,x1,y\n${rows.join('\n')}\n`);
    writeFileSync(join(work, 'bad.csv'), 'x0,x1,y\n0.5,1,1\n0.25,oops,-1\n');
    const config = { ...tiny, loss: 'logistic', data: { kind: 'csv', path: join(work, 'train.csv') } };
    writeFileSync(join(work, 'csv.json'), JSON.stringify(config));
    const good = gradflow('run', join(work, 'csv.json'), '--out', join(work, 'csv-out'), '--set', 'metrics.names=["loss","accuracy"]');
    expect(good.code).toBe(0);
    const result = JSON.parse(readFileSync(join(work, 'csv-out', 'result.json'), 'utf8'));
    expect(result.metrics[0].accuracy).toBeGreaterThanOrEqual(0);
    const bad = gradflow('run', join(work, 'csv.json'), '--out', join(work, 'bad-out'), '--set', `data.path=${JSON.stringify(join(work, 'bad.csv'))}`);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.csv: line 3, column 2/);
    expect(existsSync(join(work, 'bad-out'))).toBe(false);
  });

  it('trains on a CSV with its own test file (data.testPath) and writes testLoss in metrics.csv', () => {
    const rows = (count: number, shift: number) => Array.from({ length: count }, (_, i) => `${(i % 4) - 1.5 + shift},${Math.floor(i / 4) - 1.5},${i % 2 === 0 ? 1 : -1}`).join('\n');
    writeFileSync(join(work, 'pm-train.csv'), `x0,x1,y\n${rows(16, 0)}\n`);
    writeFileSync(join(work, 'pm-test.csv'), `x0,x1,y\n${rows(8, 0.25)}\n`);
    const config = { ...tiny, loss: 'logistic', data: { kind: 'csv', path: join(work, 'pm-train.csv'), testPath: join(work, 'pm-test.csv') }, metrics: { every: 10, names: ['loss', 'testLoss', 'testAccuracy'] } };
    writeFileSync(join(work, 'csv-test.json'), JSON.stringify(config));
    const run = gradflow('run', join(work, 'csv-test.json'), '--out', join(work, 'csv-test-out'));
    expect(run.code, run.stderr).toBe(0);
    const csv = readFileSync(join(work, 'csv-test-out', 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('step,loss,testLoss,testAccuracy');
    expect(csv).toHaveLength(5); // steps 0, 10, 20, 30
    const result = JSON.parse(readFileSync(join(work, 'csv-test-out', 'result.json'), 'utf8'));
    expect(result.config.data).toMatchObject({ testPath: join(work, 'pm-test.csv'), testFraction: 0 });
    csv.slice(1).forEach((line, k) => {
      const [, , testLoss, testAccuracy] = line.split(',').map(Number);
      expect(testLoss).toBe(result.metrics[k].testLoss);
      expect(testLoss).toBeGreaterThan(0);
      expect(testAccuracy).toBeGreaterThanOrEqual(0);
    });
    // The same file named as both test set and held-out rows is refused before anything runs.
    const both = gradflow('run', join(work, 'csv-test.json'), '--out', join(work, 'csv-both-out'), '--set', 'data.testFraction=0.25');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/data\.testFraction: got 0\.25; .*testPath '.*pm-test\.csv' is the test set/);
    expect(existsSync(join(work, 'csv-both-out'))).toBe(false);
  });

  it('checks presets and prints PASS with the measured numbers; a preset run states its verdict', () => {
    const checked = gradflow('check', 'stable-manifold', '--reduced');
    expect(checked.code).toBe(0);
    // Says what it is doing before the (long) check, not after.
    expect(checked.stdout).toMatch(/^stable-manifold: checking at reduced size \.\.\.\nPASS/m);
    expect(checked.stdout).toMatch(/^PASS {2}stable-manifold: .*onManifoldConverged=1 offManifoldLeft=1/m);
    expect(checked.stdout).toMatch(/^1 passed, 0 failed$/m);
    const run = gradflow('run', 'stable-manifold', '--out', join(work, 'perko'));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^PASS {2}stable-manifold/m);
    // Its config is a run set (a sweep block over the starts): one folder per member, and sweep.json.
    expect(run.stdout).toMatch(/^wrote 2 member folders/m);
    expect(JSON.parse(readFileSync(join(work, 'perko', 'member-0', 'result.json'), 'utf8')).metrics.at(-1).nearTargetFraction).toBe(1);
    expect(JSON.parse(readFileSync(join(work, 'perko', 'member-1', 'result.json'), 'utf8')).metrics.at(-1).escapedFraction).toBe(1);
    const table = JSON.parse(readFileSync(join(work, 'perko', 'sweep.json'), 'utf8'));
    expect(table.rows.map((row: { index: number; status: string }) => [row.index, row.status])).toEqual([[0, 'completed'], [1, 'completed']]);
    expect(table.summary.batches[0].points).toEqual([0, 1]);
    expect(gradflow('check', 'no-such-preset').code).toBe(2);
  });

  it('reports divergence as a result with exit code 0', () => {
    const configPath = join(work, 'diverge.json');
    writeFileSync(configPath, JSON.stringify({ ...tiny, steps: 300, model: { width: 12, scaling: 'standard' }, optimizer: { learningRate: 50 } }));
    const { code, stdout } = gradflow('run', configPath, '--out', join(work, 'diverged'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/diverged at step \d+/);
    const result = JSON.parse(readFileSync(join(work, 'diverged', 'result.json'), 'utf8'));
    expect(result.summary.diverged).toBe(true);
  });

  it('states the curvature units in result.json and warns, naming the steps, when the sharpness did not converge', () => {
    const meanField = { ...tiny, model: { width: 12, scaling: 'mean-field', bias: true }, metrics: { every: 10, names: ['loss', 'sharpness', 'sharpnessParticleTime'] } };
    const configPath = join(work, 'sharpness.json');
    writeFileSync(configPath, JSON.stringify(meanField));
    const good = gradflow('run', configPath, '--out', join(work, 'sharp'));
    expect(good.code).toBe(0);
    expect(good.stderr).not.toMatch(/did not converge/);
    const result = JSON.parse(readFileSync(join(work, 'sharp', 'result.json'), 'utf8'));
    expect(result.summary.sharpnessUnconverged).toBe(0);
    expect(result.metricUnits.particleTimeFactor).toBe(12);
    expect(result.metricUnits.metrics.sharpness).toMatch(/^parameter units/);
    expect(result.metricUnits.metrics.sharpnessParticleTime).toMatch(/^particle time .*: 12 \* lambda_max\(H\), factor m = 12 \(mean-field\); .*learningRate \* sharpnessParticleTime < 2/);
    expect(Object.keys(result.metricUnits.metrics).sort()).toEqual(['sharpness', 'sharpnessConverged', 'sharpnessIterations', 'sharpnessParticleTime', 'sharpnessResidual']);
    for (const row of result.metrics) expect(row.sharpnessParticleTime).toBeCloseTo(12 * row.sharpness, 12);
    const csv = readFileSync(join(work, 'sharp', 'metrics.csv'), 'utf8').split('\n');
    expect(csv[0]).toBe('step,loss,sharpness,sharpnessParticleTime,sharpnessResidual,sharpnessConverged,sharpnessIterations');
    // A cap of 2 Lanczos iterations cannot meet the 1e-5 rule on p = 48: every logged step is flagged.
    const capped = gradflow('run', configPath, '--out', join(work, 'capped'), '--set', 'metrics.lanczos={"maxIterations":2}');
    expect(capped.code).toBe(0);
    expect(capped.stderr).toMatch(/^warning: the sharpness did not converge at 4 of 4 logged steps/m);
    expect(capped.stderr).toMatch(/step 0: [-\d.e]+ \(not converged: residual [\d.]+e[-+]\d+ after 2 Lanczos iterations\); step 10:/);
    expect(capped.stderr).toMatch(/Raise metrics\.lanczos\.maxIterations/);
    const cappedResult = JSON.parse(readFileSync(join(work, 'capped', 'result.json'), 'utf8'));
    expect(cappedResult.summary.sharpnessUnconverged).toBe(4);
    expect(cappedResult.metrics.map((row: { sharpnessConverged: number }) => row.sharpnessConverged)).toEqual([0, 0, 0, 0]);
    expect(cappedResult.metricUnits.metrics.sharpnessConverged).toMatch(/cap of 2 iterations/);
    expect(gradflow('run', configPath, '--set', 'metrics.lanczos={"maxIterations":5000}').code).toBe(2);
  });

  it('runs a sweep in independent shards and merges them', () => {
    const configPath = join(work, 'base.json');
    writeFileSync(configPath, JSON.stringify({ ...tiny, steps: 5 }));
    const sweepPath = join(work, 'sweep.json');
    writeFileSync(sweepPath, JSON.stringify({ base: configPath, grid: { 'model.width': [4, 8], 'optimizer.learningRate': [0.05, 0.1, 0.2] } }));
    const shards = [0, 1].map((k) => gradflow('sweep', sweepPath, '--shard', `${k}/2`, '--out', join(work, `shard-${k}`)));
    for (const shard of shards) expect(shard.code).toBe(0);
    expect(shards[0]!.stdout).toMatch(/shard 0\/2: 3 points/);
    const merged = gradflow('merge', join(work, 'shard-0'), join(work, 'shard-1'), '--out', join(work, 'merged'));
    expect(merged.code).toBe(0);
    const { rows } = JSON.parse(readFileSync(join(work, 'merged', 'sweep.json'), 'utf8'));
    expect(rows.map((row: { index: number }) => row.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rows[5]).toMatchObject({ 'model.width': 8, 'optimizer.learningRate': 0.2, status: 'completed', step: 5 });
    expect(gradflow('sweep', sweepPath, '--shard', '2/2').code).toBe(2);
  });
});
