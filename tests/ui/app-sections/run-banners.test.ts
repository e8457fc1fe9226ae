import { describe, expect, it } from 'vitest';
import type { TrainingSession } from '../../../src/app/training-session';
import { parseConfig } from '../../../src/config/schema';
import { stabilityWarning } from '../../../src/ui/app-sections/run-banners';

describe('stability warning', () => {
  const config = parseConfig({ steps: 100, model: { width: 8 }, optimizer: { learningRate: 0.1 } });
  const session = (stepLosses: number[], status: TrainingSession['status'] = 'running') => ({ config, status, rows: [], stepLosses });

  it('warns when the loss grew fourfold over the last 20 steps after rising before', () => {
    const rising = Array.from({ length: 41 }, (_, t) => Math.exp(t / 10));
    expect(stabilityWarning(session(rising))).toMatch(/^The loss is rising \(x7\.\d+ over 20 steps\)/);
  });

  it('says nothing without a run, for a falling loss, or once the run diverged', () => {
    expect(stabilityWarning(undefined)).toBe('');
    expect(stabilityWarning(session(Array.from({ length: 41 }, (_, t) => 1 / (t + 1))))).toBe('');
    expect(stabilityWarning(session(Array.from({ length: 41 }, (_, t) => Math.exp(t / 10)), 'diverged'))).toBe('');
  });
});
