/**
 * The command line's first minute (issue 15, item 13): no driver noise, no absurd ETA, rounded numbers, a bare
 * `gradflow` that says what to do, run folders ignored by git, and `npm start` that says where to point a
 * browser when there is no display.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { duration, progressReporter } from '../../src/cli/progress';
import type { ProgressEvent } from '../../src/run/scheduler';
import { gradflow } from './cli-process';

const work = mkdtempSync(join(tmpdir(), 'gradflow-first-minute-'));

/** A stream that keeps what is written (the progress bar's terminal). */
function terminal() {
  let text = '';
  return { stream: { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WriteStream, text: () => text };
}

const event = (step: number, etaSeconds: number): ProgressEvent => ({ step, totalSteps: 100, stepsPerSecond: 1e-9, etaSeconds, loss: 0.5, memberCount: 1 });

describe('the command line for a newcomer', () => {
  it('a run prints no Vulkan driver warning or stack line, and rounds the final loss', () => {
    const run = gradflow(['run', 'default', '--steps', '5', '--set', 'model.width=16', '--out', join(work, 'run')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/vkCreateInstance|Found no drivers/);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/^\s+at /m);
    const shown = /^final loss (\S+)$/m.exec(run.stdout)![1]!;
    expect(Number(shown)).toBe(Number(Number(shown).toPrecision(4))); // four significant digits at most
  });

  it('a bare gradflow names the commands and exits 2; gradflow help exits 0', () => {
    const bare = gradflow([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/name a command: run, list, metrics, check, sweep, merge or analyze/);
    expect(bare.stderr).toMatch(/usage:/);
    expect(gradflow(['help']).code).toBe(0);
  });

  it('the progress bar shows no ETA until the rate means something, and labels a preset\'s second run', () => {
    const { stream, text } = terminal();
    const progress = progressReporter(stream, true);
    progress.update(event(1, 5e11));
    expect(text()).toMatch(/ETA \.\.\./);
    expect(text()).not.toMatch(/500000000000/);
    progress.update(event(0, 10)); // the next run starts
    expect(text()).toMatch(/\n\rrun 2 \[/);
    expect([duration(42), duration(185), duration(7800)]).toEqual(['42 s', '3 min 5 s', '2 h 10 min']);
  });

  it('git ignores the folders runs are written to', () => {
    for (const path of ['runs/first/result.json', 'gradflow-out/default/result.json', 'gradflow-sweep/sweep.json']) {
      expect(spawnSync('git', ['check-ignore', '-q', path]).status, path).toBe(0);
    }
  });

  it('npm start without a display says where to point a browser', async () => {
    const env = { ...process.env };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const child = spawn(process.execPath, ['bin/start.js'], { env });
    const said = await new Promise<string>((resolve) => {
      let text = '';
      const listen = (chunk: Buffer) => {
        text += chunk.toString();
        if (/No display/.test(text)) resolve(text);
      };
      child.stdout.on('data', listen);
      child.stderr.on('data', listen);
      child.on('close', () => resolve(text));
    });
    child.kill();
    expect(said).toMatch(/No display to open a browser on: open http:\/\/127\.0\.0\.1:\d+\/ in Chrome or Edge/);
    expect(said).not.toMatch(/configLoader/);
  });
});
