/** The sweep folder's check of what is already in it, against a folder other shards are writing into this moment. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimSweepFolder } from '../../src/cli/sweep-folder';

const sweep = { id: 'sweep-a', pointCount: 6, points: [0, 3].map((index) => ({ index, overrides: {} })) };
const shard = { index: 0, count: 3 };

function folderWith(names: readonly string[]): string {
  const out = mkdtempSync(join(tmpdir(), 'gradflow-sweep-folder-'));
  for (const name of names) writeFileSync(join(out, name), '{}');
  return out;
}

describe('claimSweepFolder', () => {
  it('takes a folder in which another shard is writing its table (the atomic writer\'s temporary)', async () => {
    const out = folderWith(['shard-1-of-3.json.17063-51578525aaf0.partial', 'shard-2-of-3.csv.9-0123456789ab.partial', 'sweep.json.4-abcdefabcdef.partial']);
    mkdirSync(join(out, '.point-1.partial-x1Y2z3'));
    const folder = await claimSweepFolder(out, sweep, shard, 'new');
    expect(folder.finished.size).toBe(0);
    await folder.release();
  });

  it('still refuses a file gradflow did not write, naming it', async () => {
    const out = folderWith(['notes.txt', 'shard-1-of-3.json.oops.partial']);
    await expect(claimSweepFolder(out, sweep, shard, 'new')).rejects.toThrow(/notes\.txt was not written by gradflow sweep; shard-1-of-3\.json\.oops\.partial was not written by gradflow sweep; add --force/);
  });
});
