import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isParseArgsError } from '../../src/cli/main';
import { loadRawConfig } from '../../src/cli/inputs';
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
