/**
 * Runs that survive signals, kills and collisions (issue 14, defects 2, 3 and 8), as a user meets them: the CLI
 * as a child process. A signal leaves a resumable checkpoint and status "interrupted"; --resume ends exactly
 * where the uninterrupted run ends; a non-empty --out is refused; two runs into one folder never mix.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradflow, gradflowAsync } from '../cli/cli-process';

const work = mkdtempSync(join(tmpdir(), 'gradflow-durable-'));

/** Long enough that a signal sent at its first checkpoint lands mid-run, small enough for SwiftShader. */
const config = {
  name: 'durable',
  steps: 4000,
  model: { width: 24, scaling: 'ntk' },
  data: { kind: 'teacher-student', sampleCount: 24, inputDim: 3, teacher: { kind: 'random', width: 2 } },
  optimizer: { learningRate: 0.05 },
  metrics: { every: 250, names: ['loss'] },
  checkpointEvery: 50,
};

function writeConfig(name: string, value: unknown): string {
  const path = join(work, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

function readJson(path: string) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** A staging folder's checkpoint beside `out` (written at step 0, before any step). */
function stagedCheckpoint(out: string): string | undefined {
  const parent = join(out, '..');
  const name = out.split('/').at(-1)!;
  const staging = readdirSync(parent).find((entry) => entry.startsWith(`.${name}.partial-`) && existsSync(join(parent, entry, 'checkpoint.json')));
  return staging && join(parent, staging);
}

/**
 * Starts the CLI, sends `signal` once the run has written its first checkpoint (after `meanwhile`, if given,
 * has finished), and resolves with how it ended.
 */
function runAndSignal(args: string[], out: string, signal: NodeJS.Signals, meanwhile?: () => Promise<void>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/gradflow.js', ...args], { env: { ...process.env, CI: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const poll = setInterval(() => {
      if (stagedCheckpoint(out)) {
        clearInterval(poll);
        void (meanwhile ?? (async () => {}))().finally(() => child.kill(signal));
      }
    }, 20);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What must match bit for bit between an uninterrupted run and an interrupted, resumed one. */
function trajectory(folder: string) {
  const result = readJson(join(folder, 'result.json'));
  return { stepLosses: result.stepLosses, metrics: result.metrics, finalLoss: result.summary.finalLoss, status: result.summary.status, csv: readFileSync(join(folder, 'metrics.csv'), 'utf8') };
}

describe('durable runs', () => {
  const configPath = writeConfig('durable.json', config);
  const baseline = join(work, 'baseline');

  it('SIGINT stops at a chunk boundary with a checkpoint and status "interrupted" (exit 130); --resume ends bit for bit where the uninterrupted run ends', async () => {
    expect(gradflow(['run', configPath, '--out', baseline]).code).toBe(0);
    const out = join(work, 'interrupted');
    const stopped = await runAndSignal(['run', configPath, '--out', out], out, 'SIGINT');
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/SIGINT: stopping at the next chunk boundary/);
    expect(stopped.stdout).toMatch(new RegExp(`gradflow run --resume .*interrupted goes on from it`));
    const partial = readJson(join(out, 'result.json'));
    expect(partial.summary.status).toMatch(/^interrupted at step \d+$/);
    expect(partial.summary.stepsTaken).toBeLessThan(config.steps);
    expect(readdirSync(out).sort()).toEqual(['checkpoint.json', 'metrics.csv', 'result.json', 'step-losses.csv', 'step-losses.f64']);
    expect(readdirSync(work).filter((entry) => entry.startsWith('.interrupted'))).toEqual([]); // no staging or lock left

    const resumed = gradflow(['run', '--resume', out]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resuming .*durable\\.json at step ${partial.summary.stepsTaken} of 4000`));
    expect(trajectory(out)).toEqual(trajectory(baseline));
    expect(readdirSync(out).sort()).toEqual(['metrics.csv', 'result.json', 'step-losses.csv']); // a finished run keeps no checkpoint
  });

  it('SIGTERM ends a run set (a config with a sweep block) with exit 143; --resume finishes every member bit for bit', async () => {
    const setPath = writeConfig('set.json', { ...config, name: 'set', steps: 1500, sweep: { 'optimizer.learningRate': [0.05, 0.1], 'model.width': [8, 24] } });
    const setBaseline = join(work, 'set-baseline');
    expect(gradflow(['run', setPath, '--out', setBaseline]).code).toBe(0);
    const out = join(work, 'set-interrupted');
    const stopped = await runAndSignal(['run', setPath, '--out', out], out, 'SIGTERM');
    expect(stopped.code, stopped.stderr).toBe(143);
    expect(readJson(join(out, 'member-3', 'result.json')).summary.status).toMatch(/^interrupted at step/);
    expect(gradflow(['run', '--resume', out]).code).toBe(0);
    for (let k = 0; k < 4; k++) expect(trajectory(join(out, `member-${k}`)), `member ${k}`).toEqual(trajectory(join(setBaseline, `member-${k}`)));
    expect(readJson(join(out, 'sweep.json')).rows).toEqual(readJson(join(setBaseline, 'sweep.json')).rows);
  });

  it('a killed run (SIGKILL) leaves its staging folder, which --resume continues into --out and then removes', async () => {
    const out = join(work, 'killed');
    const killed = await runAndSignal(['run', configPath, '--out', out], out, 'SIGKILL');
    expect(killed.code).toBe(null);
    expect(existsSync(out)).toBe(false); // nothing half-written where the results go
    const staging = stagedCheckpoint(out)!;
    expect(gradflow(['run', '--resume', staging]).code).toBe(0);
    expect(existsSync(staging)).toBe(false);
    expect(trajectory(out)).toEqual(trajectory(baseline));
  });

  it('refuses a non-empty --out (exit 2, untouched) unless --force, which replaces it whole; an empty folder is fine', () => {
    const out = join(work, 'occupied');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const refused = gradflow(['run', configPath, '--out', out, '--steps', '10']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--out .*occupied: already holds 1 entry \(notes\.txt\); add --force to replace it, --resume to continue an interrupted run, or choose a new folder/);
    expect(readdirSync(out)).toEqual(['notes.txt']);
    expect(gradflow(['run', configPath, '--out', out, '--steps', '10', '--force']).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['metrics.csv', 'result.json', 'step-losses.csv']);
    const empty = join(work, 'empty');
    mkdirSync(empty);
    expect(gradflow(['run', configPath, '--out', empty, '--steps', '10']).code).toBe(0);
    expect(readdirSync(work).filter((entry) => entry.includes('.partial-') || entry.endsWith('.lock'))).toEqual([]);
  });

  it('--resume of a folder without a checkpoint, or with other arguments, is an input error', () => {
    const none = gradflow(['run', '--resume', join(work, 'nowhere')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--resume .*nowhere: no checkpoint\.json to resume from/);
    const mixed = gradflow(['run', configPath, '--resume', join(work, 'nowhere')]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/run --resume DIR takes no preset, config/);
  });

  it('two concurrent runs into one --out: one writes it, the other is refused while it runs; the folder holds one whole run', async () => {
    const out = join(work, 'shared');
    // The first holds the folder until it is stopped (a million steps outlast any machine's second start),
    // then leaves one whole, resumable run there.
    let second: Awaited<ReturnType<typeof gradflowAsync>> | undefined;
    const first = await runAndSignal(['run', configPath, '--out', out, '--steps', '1000000'], out, 'SIGINT', async () => {
      second = await gradflowAsync(['run', configPath, '--out', out, '--steps', '10']);
    });
    expect(second!.code).toBe(2);
    expect(second!.stderr).toMatch(/--out .*shared: another gradflow run \(process \d+\) is writing it/);
    expect(first.code, first.stderr).toBe(130);
    const result = readJson(join(out, 'result.json'));
    expect(result.summary.status).toMatch(/^interrupted at step \d+$/);
    expect(result.stepLosses).toHaveLength(result.summary.stepsTaken);
  });
});

describe('durable sweeps', () => {
  const configPath = writeConfig('sweep-base.json', { ...config, name: 'sweep-base', steps: 600 });
  const sweepPath = writeConfig('sweep.json', { base: configPath, grid: { 'optimizer.learningRate': [0.02, 0.05, 0.1], seed: [1, 2] } });

  it('SIGINT keeps the finished points; a rerun is refused without --resume, and --resume runs only the rest to the uninterrupted table', async () => {
    const whole = join(work, 'sweep-whole');
    expect(gradflow(['sweep', sweepPath, '--out', whole, '--no-batch']).code).toBe(0);
    const out = join(work, 'sweep-interrupted');
    // Signal once point 0 is in place: the batch in progress is dropped, point 0 stays.
    const stopped = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['bin/gradflow.js', 'sweep', sweepPath, '--out', out, '--no-batch'], { env: { ...process.env, CI: 'true' } });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const poll = setInterval(() => {
        if (existsSync(join(out, 'point-0', 'result.json'))) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, 20);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted: \d of 6 points of this shard finished/);
    const finished = readdirSync(out).filter((entry) => /^point-\d+$/.test(entry));
    expect(finished.length).toBeGreaterThan(0);
    expect(finished.length).toBeLessThan(6);
    for (const point of finished) expect(existsSync(join(out, point, 'result.json'))).toBe(true); // only whole points

    const rerun = gradflow(['sweep', sweepPath, '--out', out, '--no-batch']);
    expect(rerun.code).toBe(2);
    expect(rerun.stderr).toMatch(/already holds \d finished points? of this sweep \(this shard's\); add --resume to skip them/);
    const resumed = gradflow(['sweep', sweepPath, '--out', out, '--no-batch', '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`--resume: ${finished.length} finished points? kept`));
    expect(readJson(join(out, 'sweep.json')).rows).toEqual(readJson(join(whole, 'sweep.json')).rows);
    for (let index = 0; index < 6; index++) expect(trajectory(join(out, `point-${index}`))).toEqual(trajectory(join(whole, `point-${index}`)));
  });
});
