/** The Node cache file: location ($GRADFLOW_AUTOTUNE_CACHE, $XDG_CACHE_HOME, ~/.cache) and failure tolerance. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { autotune, autotuneCachePath, autotuneKey, fileAutotuneStore } from '../../src/gpu/autotune';
import { fakeCandidates } from '../helpers/fake-candidates';

const dir = mkdtempSync(join(tmpdir(), 'gradflow-autotune-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const request = (adapter: string, store = fileAutotuneStore(join(dir, 'nested', 'autotune.json'))) => ({
  kernel: 'test/kernel', adapter, candidates: ['a', 'b'] as const, shape: '1x1x1', prepare: fakeCandidates({ a: 2, b: 1 }), store,
});

describe('fileAutotuneStore', () => {
  it('resolves the cache path from the environment', async () => {
    expect(await autotuneCachePath({ GRADFLOW_AUTOTUNE_CACHE: '/x/y.json', XDG_CACHE_HOME: '/c' })).toBe('/x/y.json');
    expect(await autotuneCachePath({ XDG_CACHE_HOME: '/c' })).toBe('/c/gradflow/autotune.json');
    expect(await autotuneCachePath({})).toBe(join(homedir(), '.cache', 'gradflow', 'autotune.json'));
  });

  it('writes the file (creating its folder) and a fresh store reads the decision back', async () => {
    expect(await autotune(request('file gpu'))).toMatchObject({ winner: 'b', source: 'measured', persisted: true });
    const file = JSON.parse(readFileSync(join(dir, 'nested', 'autotune.json'), 'utf8'));
    expect(file[autotuneKey('test/kernel', 'file gpu')].winner).toBe('b');
    // A new store object has no memory of this process's decision: the hit comes from the file.
    expect(await autotune(request('file gpu'))).toMatchObject({ winner: 'b', source: 'store' });
  });

  it('never fails when the file cannot be written', async () => {
    // Its folder would have to be created under a plain file: mkdir fails with ENOTDIR.
    writeFileSync(join(dir, 'plain-file'), '');
    const store = fileAutotuneStore(join(dir, 'plain-file', 'gradflow', 'autotune.json'));
    expect(await autotune(request('file gpu 2', store))).toMatchObject({ winner: 'b', source: 'measured', persisted: false });
  });
});
