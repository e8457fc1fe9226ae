/** gradflow merge refuses what is not one sweep's complete output, with exit code 2 and a message naming the path and what it expected. */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradflow } from './cli-process';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const tiny = {
  name: 'tiny',
  steps: 3,
  backend: 'float64',
  model: { width: 6, scaling: 'ntk' },
  data: { kind: 'teacher-student', sampleCount: 10, testCount: 5, inputDim: 2, teacher: { kind: 'random', width: 2 } },
  optimizer: { learningRate: 0.1 },
  metrics: { every: 3, names: ['loss'] },
};

describe('gradflow merge', () => {
  const work = mkdtempSync(join(tmpdir(), 'gradflow-merge-'));
  const shard = (k: number) => join(work, `shard-${k}`);
  const other = join(work, 'other-1');
  const merged = join(work, 'merged');
  let sweepPath = '';
  let id = '';
  let otherId = '';

  beforeAll(() => {
    const basePath = join(work, 'base.json');
    writeFileSync(basePath, JSON.stringify(tiny));
    sweepPath = join(work, 'sweep.json');
    writeFileSync(sweepPath, JSON.stringify({ base: basePath, grid: { 'model.width': [4, 8], 'optimizer.learningRate': [0.05, 0.1] } }));
    for (const k of [0, 1]) expect(gradflow(['sweep', sweepPath, '--shard', `${k}/2`, '--out', shard(k)]).code).toBe(0);
    // The same grid with another length: another sweep.
    expect(gradflow(['sweep', sweepPath, '--shard', '1/2', '--steps', '4', '--out', other]).code).toBe(0);
    id = readJson(join(shard(0), 'shard-0-of-2.json')).summary.sweepId;
    otherId = readJson(join(other, 'shard-1-of-2.json')).summary.sweepId;
    expect(readJson(join(shard(1), 'shard-1-of-2.json')).summary.sweepId).toBe(id);
    expect(otherId).not.toBe(id);
  });

  it('merges the shards of one sweep', () => {
    const ok = gradflow(['merge', shard(0), shard(1), '--out', merged]);
    expect(ok.code, ok.stderr).toBe(0);
    const table = readJson(join(merged, 'sweep.json'));
    expect(table.rows.map((row: { index: number }) => row.index)).toEqual([0, 1, 2, 3]);
    expect(table.rows[3]).toMatchObject({ 'model.width': 8, 'optimizer.learningRate': 0.1, status: 'completed', step: 3 });
    expect(table.summary).toMatchObject({ sweepId: id, pointCount: 4, missing: [], points: [0, 1, 2, 3] });
  });

  it('refuses shards of different sweeps, naming both ids and folders', () => {
    const mixed = gradflow(['merge', shard(0), other, '--out', join(work, 'never')]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(new RegExp(`shards of different sweeps: ${escape(shard(0))} has sweep ${id} .* ${escape(other)} has sweep ${otherId}`));
    expect(existsSync(join(work, 'never'))).toBe(false);
    // The same in one shared folder: the two summaries are named.
    const shared = join(work, 'shared-mixed');
    cpSync(shard(0), shared, { recursive: true });
    cpSync(join(other, 'shard-1-of-2.json'), join(shared, 'shard-1-of-2.json'));
    const inOne = gradflow(['merge', shared, '--out', join(work, 'never')]);
    expect(inOne.code).toBe(2);
    expect(inOne.stderr).toMatch(/shards of different sweeps: .*shard-0-of-2\.json.*has sweep [0-9a-f]{64} .*shard-1-of-2\.json/);
  });

  it('lists missing points (exit 2), or merges what there is with --allow-partial and warns with the list', () => {
    const partial = gradflow(['merge', shard(0), '--out', join(work, 'never')]);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toMatch(new RegExp(`missing 2 of 4 points of sweep ${id}: 1, 3`));
    expect(partial.stderr).toMatch(/shards found: 0\/2 \(done, .*shard-0\)/);
    expect(partial.stderr).toMatch(/--allow-partial/);
    const allowed = gradflow(['merge', shard(0), '--out', join(work, 'partial'), '--allow-partial']);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toMatch(/^warning: missing 2 of 4 points of sweep [0-9a-f]{64}: 1, 3$/m);
    expect(allowed.stdout).toMatch(/merged 2 of 4 points/);
    const table = readJson(join(work, 'partial', 'sweep.json'));
    expect(table.rows.map((row: { index: number }) => row.index)).toEqual([0, 2]);
    expect(table.summary.missing).toEqual([1, 3]);
    // A point whose run was interrupted (no result.json) is missing too, and said so.
    const interrupted = join(work, 'interrupted');
    cpSync(shard(1), interrupted, { recursive: true });
    rmSync(join(interrupted, 'point-3', 'result.json'));
    const cut = gradflow(['merge', shard(0), interrupted, '--out', join(work, 'never')]);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/missing 1 of 4 points of sweep [0-9a-f]{64}: 3/);
    expect(cut.stderr).toMatch(/point-3 has no result\.json \(interrupted\)/);
  });

  it('refuses a stale point whose sweep-point.json names another sweep', () => {
    const stale = join(work, 'stale');
    cpSync(shard(1), stale, { recursive: true });
    rmSync(join(stale, 'point-3'), { recursive: true });
    cpSync(join(other, 'point-3'), join(stale, 'point-3'), { recursive: true });
    const refused = gradflow(['merge', shard(0), stale, '--out', join(work, 'never')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`${escape(join(stale, 'point-3'))}: stale point of another sweep: its sweep-point\\.json names sweep ${otherId}, the shard summaries sweep ${id}`));
    // Rerunning the shard into that folder is refused (it holds another sweep's point) unless --force, which replaces it.
    const again = gradflow(['sweep', sweepPath, '--shard', '1/2', '--out', stale]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/point-3 belongs to another sweep/);
    expect(gradflow(['sweep', sweepPath, '--shard', '1/2', '--out', stale, '--force']).code).toBe(0);
    expect(gradflow(['merge', shard(0), stale, '--out', join(work, 'rerun')]).code).toBe(0);
    expect(readJson(join(work, 'rerun', 'sweep.json')).rows).toEqual(readJson(join(merged, 'sweep.json')).rows);
  });

  it('refuses a missing folder, a plain file, an empty folder, a folder without a shard summary, and a result.json that is not a result', () => {
    const expectRefusal = (folder: string, message: RegExp) => {
      const outcome = gradflow(['merge', shard(0), folder, '--out', join(work, 'never')]);
      expect(outcome.code, outcome.stderr).toBe(2);
      expect(outcome.stderr).toMatch(message);
    };
    expectRefusal(join(work, 'no-such'), new RegExp(`${escape(join(work, 'no-such'))}: no such folder; expected a folder written by gradflow sweep --out`));
    writeFileSync(join(work, 'plain'), 'not a folder');
    expectRefusal(join(work, 'plain'), new RegExp(`${escape(join(work, 'plain'))}: is a plain file, not a folder; expected a folder written by gradflow sweep`));
    mkdirSync(join(work, 'empty'));
    expectRefusal(join(work, 'empty'), new RegExp(`${escape(join(work, 'empty'))}: is empty; expected a folder written by gradflow sweep --out \\(point-<index> folders and shard-<k>-of-<N>\\.json summaries\\)`));
    mkdirSync(join(work, 'unrelated'));
    writeFileSync(join(work, 'unrelated', 'notes.txt'), 'hello');
    expectRefusal(join(work, 'unrelated'), /unrelated: holds no shard summary \(shard-<k>-of-<N>\.json\)/);

    const invalid = join(work, 'invalid');
    cpSync(shard(1), invalid, { recursive: true });
    writeFileSync(join(invalid, 'point-1', 'result.json'), JSON.stringify({ hello: 'world' }));
    expectRefusal(invalid, new RegExp(`${escape(join(invalid, 'point-1', 'result.json'))}: not a gradflow result; expected the result\\.json of a run`));
    writeFileSync(join(invalid, 'point-1', 'result.json'), '{ truncated');
    expectRefusal(invalid, /point-1\/result\.json: not valid JSON/);

    const badSummary = join(work, 'bad-summary');
    cpSync(shard(1), badSummary, { recursive: true });
    writeFileSync(join(badSummary, 'shard-1-of-2.json'), JSON.stringify({ rows: [] }));
    expectRefusal(badSummary, /shard-1-of-2\.json: not a shard summary of gradflow sweep; expected \{"summary": \{"sweepId"/);

    const twice = join(work, 'twice');
    cpSync(shard(1), twice, { recursive: true });
    const duplicate = gradflow(['merge', shard(1), twice, shard(0), '--out', join(work, 'never')]);
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toMatch(/point 1 appears in more than one folder/);
    const fileOut = gradflow(['merge', shard(0), shard(1), '--out', join(work, 'plain')]);
    expect(fileOut.code).toBe(2);
    expect(fileOut.stderr).toMatch(/--out .*plain: is a plain file/);
    expect(gradflow(['merge', shard(0)]).code).toBe(2);
    expect(existsSync(join(work, 'never'))).toBe(false);
  });
});
