import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isParseArgsError } from '../../src/cli/main';
import { loadRawConfig, readText } from '../../src/cli/inputs';
import { DataFileError } from '../../src/data/errors';
import { gradflow } from './cli-process';
import { existsSync } from 'node:fs';
import { ConfigError } from '../../src/config/errors';

describe('the CLI error handler', () => {
  it('tells parseArgs errors by their string code, and takes a DOMException (numeric code) without throwing itself', () => {
    expect(isParseArgsError(Object.assign(new TypeError('Unknown option'), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' }))).toBe(true);
    // A lost device's DOMException has code 0 (a number): before, `code?.startsWith` threw inside the handler.
    expect(isParseArgsError(new DOMException('device lost', 'OperationError'))).toBe(false);
    expect(isParseArgsError(Object.assign(new Error('x'), { code: 20 }))).toBe(false);
    expect(isParseArgsError(undefined)).toBe(false);
    expect(isParseArgsError('text')).toBe(false);
  });
});

describe('what the CLI reads', () => {
  it('reads a config file that starts with a UTF-8 byte-order mark', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradflow-bom-'));
    const path = join(dir, 'config.json');
    writeFileSync(path, '\uFEFF{"steps": 3}');
    expect((await loadRawConfig(path)).raw).toEqual({ steps: 3 });
  });

  it('names the presets when a target is neither a preset nor a file', async () => {
    await expect(loadRawConfig('lazy-vs-ritch')).rejects.toThrow(/lazy-vs-ritch: no preset of that name and no such file; presets: .*lazy-vs-rich/);
    await expect(loadRawConfig('lazy-vs-ritch')).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('what the CLI reads: files over the size limit', () => {
  it('refuses a 600 MB data file with exit code 2, naming the file, its size and the limit (was "Invalid string length")', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradflow-huge-'));
    try {
      const csv = join(dir, 'huge.csv');
      writeFileSync(csv, 'x0,y\n1,1\n');
      // Sparse: only the size is read, so the test uses no disk.
      truncateSync(csv, 600 * 2 ** 20);
      await expect(readText(csv)).rejects.toBeInstanceOf(DataFileError);
      const config = join(dir, 'config.json');
      writeFileSync(config, JSON.stringify({ backend: 'float64', model: { width: 4 }, data: { kind: 'csv', path: csv } }));
      const outcome = gradflow(['run', config, '--steps', '2', '--out', join(dir, 'out')]);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toContain(`${csv}: line 1, column 1: the file is 600.0 MiB (629145600 bytes), over the 256 MiB limit on files read whole`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('what the CLI refuses before allocating: sizes past the host or the device', () => {
  it('exits 2 within seconds on model.width 1e9, naming model.width, and writes nothing (was 4.7 GB of host memory, then a crash)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gradflow-preflight-'));
    try {
      const out = join(dir, 'out');
      const started = performance.now();
      const outcome = gradflow(['run', 'default', '--set', 'model.width=1000000000', '--out', out]);
      // tsx's start-up is most of it; drawing the weights alone would take minutes.
      expect(performance.now() - started).toBeLessThan(20_000);
      expect(outcome.code).toBe(2);
      expect(outcome.stderr).toContain('model.width 1000000000 x');
      expect(outcome.stderr).not.toMatch(/RangeError|KernelArgumentError/);
      expect(existsSync(out)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
