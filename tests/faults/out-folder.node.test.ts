/**
 * The output folder's guarantees in-process: nothing half-written survives a failure (a full disk included),
 * a lock whose process is gone is taken over, checkpoints keep every bit, and paths that cannot be a folder
 * are refused at once (the /proc case used to hang in Node's recursive mkdir).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors';
import { decode, encode, readCheckpoint, writeCheckpoint } from '../../src/cli/checkpoint-file';
import { durably } from '../../src/cli/durable-run';
import { claimOutFolder, finalFolderOf } from '../../src/cli/out-folder';

const work = mkdtempSync(join(tmpdir(), 'gradflow-out-folder-'));
const noSpace = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

describe('output folder', () => {
  it('leaves an earlier run untouched when a write fails part way (ENOSPC), and leaves no staging folder or lock', async () => {
    const out = join(work, 'earlier');
    mkdirSync(out);
    writeFileSync(join(out, 'result.json'), '{"earlier": true}');
    const failing = durably(out, 'force', async (run) => {
      await run.finish(async (folder) => {
        writeFileSync(join(folder, 'metrics.csv'), 'step,loss\n0,1\n');
        throw noSpace();
      });
      return 0;
    });
    await expect(failing).rejects.toThrow(/ENOSPC/);
    expect(readdirSync(out)).toEqual(['result.json']);
    expect(readFileSync(join(out, 'result.json'), 'utf8')).toBe('{"earlier": true}');
    expect(readdirSync(work).filter((entry) => entry.startsWith('.earlier'))).toEqual([]);
  });

  it('replaces a folder whole on commit (--force) and takes over a lock whose process is gone', async () => {
    const out = join(work, 'replaced');
    mkdirSync(out);
    writeFileSync(join(out, 'old.txt'), 'old');
    writeFileSync(join(work, '.replaced.lock'), '999999999\n'); // no such process
    const claim = await claimOutFolder(out, 'force');
    writeFileSync(join(claim.staging, 'new.txt'), 'new');
    await claim.commit();
    expect(readdirSync(out)).toEqual(['new.txt']);
    expect(readdirSync(work).filter((entry) => entry.startsWith('.replaced'))).toEqual([]);
  });

  it('refuses paths that cannot be a folder, at once, naming what is in the way', async () => {
    writeFileSync(join(work, 'a-file'), 'x');
    const cases: [string, RegExp][] = [
      ['', /--out '': is empty/],
      [join(work, 'a-file'), /is a plain file/],
      [join(work, 'a-file', 'under', 'it'), /lies under .*a-file, which is a file, not a folder/],
      ['/proc/gradflow-nowhere/run', /cannot create \/proc\/gradflow-nowhere \(ENOENT\)/],
      ['/', /names no folder of its own/],
    ];
    for (const [out, message] of cases) {
      const claim = claimOutFolder(out, 'new');
      await expect(claim, out).rejects.toBeInstanceOf(ConfigError);
      await expect(claim, out).rejects.toThrow(message);
    }
  });

  it('knows a staging folder stands for its output folder', () => {
    expect(finalFolderOf('/runs/.first.partial-Ab12cd')).toBe('/runs/first');
    expect(finalFolderOf('/runs/first')).toBe('/runs/first');
  });
});

describe('checkpoint files', () => {
  it('keep every bit: float32 and float64 arrays, NaN, the infinities and -0', () => {
    const value = { a: Float32Array.of(1.5, -0, 3e-45), W: Float64Array.of(Math.PI, -Infinity), x: [NaN, -0, Infinity, 1e-310], n: { m: 'text' } };
    const back = decode(JSON.parse(JSON.stringify(encode(value)))) as typeof value;
    expect(back.a).toBeInstanceOf(Float32Array);
    expect(Array.from(back.a)).toEqual(Array.from(value.a));
    expect(Object.is(back.a[1], -0)).toBe(true);
    expect(back.W).toBeInstanceOf(Float64Array);
    expect(Array.from(back.W)).toEqual([Math.PI, -Infinity]);
    expect(back.x).toEqual([NaN, -0, Infinity, 1e-310]);
    expect(Object.is(back.x[1], -0)).toBe(true);
    expect(back.n).toEqual({ m: 'text' });
  });

  it('round-trip a run: the checkpoint, the rows and each member\'s losses up to its divergence', async () => {
    const folder = join(work, 'checkpoint');
    mkdirSync(folder);
    const checkpoint = { backend: 'gpu' as const, stepsTaken: 3, learningRate: 0.1, weights: { a: Float32Array.of(1, 2) }, optimizerState: [] };
    const log = {
      members: [
        { rows: [{ step: 0, loss: 1 }], stepLosses: [1, 0.5, 0.25], lossLimit: Infinity },
        { rows: [{ step: 0, loss: 2 }], stepLosses: [2, Infinity, 7], divergedAt: 1, lossLimit: 2 },
      ],
      events: ['a device loss'],
    };
    await writeCheckpoint(folder, { configs: [], target: 'test', saveParams: false }, checkpoint, log);
    const saved = await readCheckpoint(folder);
    expect(saved.checkpoint).toEqual(checkpoint);
    expect(saved.log.members[0]).toEqual(log.members[0]);
    expect(saved.log.members[1]).toEqual({ ...log.members[1], stepLosses: [2, Infinity] });
    expect(saved.log.events).toEqual(['a device loss']);
    expect(readdirSync(folder).sort()).toEqual(['checkpoint.json', 'step-losses.f64']); // no temporary files left
  });

  it('refuses a folder whose checkpoint is missing, not JSON, not ours, or short of losses', async () => {
    const folder = join(work, 'bad-checkpoint');
    mkdirSync(folder);
    await expect(readCheckpoint(folder)).rejects.toThrow(/no checkpoint\.json to resume from/);
    writeFileSync(join(folder, 'checkpoint.json'), '{ truncated');
    await expect(readCheckpoint(folder)).rejects.toThrow(/checkpoint\.json is not valid JSON/);
    writeFileSync(join(folder, 'checkpoint.json'), '{"format": "other"}');
    await expect(readCheckpoint(folder)).rejects.toThrow(/is not a gradflow checkpoint \(format "other"; expected gradflow-checkpoint\/1\)/);
    writeFileSync(join(folder, 'checkpoint.json'), JSON.stringify({ format: 'gradflow-checkpoint/1', members: [{ rows: [], lossLimit: null, lossCount: 4 }], events: [] }));
    await expect(readCheckpoint(folder)).rejects.toThrow(/step-losses\.f64 holds 0 losses; the checkpoint needs 4/);
    expect(existsSync(join(folder, 'step-losses.f64'))).toBe(false);
  });
});
