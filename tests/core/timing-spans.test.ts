/** Set-up spans: a User Timing measure named gradflow/<span> over the work, recorded whether it succeeds or throws. */
import { describe, expect, it } from 'vitest';
import { TIMING_SPAN_PREFIX, timedSpan } from '../../src/core/timing-spans';

const measures = (name: string) => performance.getEntriesByName(`${TIMING_SPAN_PREFIX}${name}`, 'measure');

describe('timedSpan', () => {
  it('returns the work\'s value and records a measure that covers it', async () => {
    const before = performance.now();
    expect(await timedSpan('test/ok', async () => 42)).toBe(42);
    const [entry] = measures('test/ok');
    expect(entry!.startTime).toBeGreaterThanOrEqual(before);
    expect(entry!.duration).toBeGreaterThanOrEqual(0);
  });

  it('records the span of work that throws, and passes its error on', async () => {
    await expect(timedSpan('test/fails', async () => Promise.reject(new RangeError('bad')))).rejects.toThrow(RangeError);
    expect(measures('test/fails')).toHaveLength(1);
  });
});
