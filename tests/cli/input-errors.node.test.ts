import { describe, expect, it } from 'vitest';
import { isParseArgsError } from '../../src/cli/main';

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
