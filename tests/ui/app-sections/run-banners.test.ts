import { describe, expect, it } from 'vitest';
import type { TrainingSession } from '../../../src/app/training-session';
import { parseConfig } from '../../../src/config/schema';
import { setStabilityWarning, stabilityWarning } from '../../../src/ui/app-sections/run-banners';

describe('stability warning', () => {
  const config = parseConfig({ steps: 100, model: { width: 8 }, optimizer: { learningRate: 0.1 } });
  const session = (stepLosses: number[], status: TrainingSession['status'] = 'running') => ({ config, status, rows: [], stepLosses });

  it('warns when the loss grew fourfold over the last 20 steps after rising before', () => {
    const rising = Array.from({ length: 41 }, (_, t) => Math.exp(t / 10));
    expect(stabilityWarning(session(rising))).toMatch(/^The loss is rising \(x7\.\d+ over 20 steps\)/);
  });

  it("weighs the run's own rate, set while it trains, against 2 / sharpness (not the rate it started with)", () => {
    const logged = parseConfig({ steps: 100, model: { width: 8 }, optimizer: { learningRate: 0.1 }, metrics: { names: ['loss', 'sharpnessParticleTime'] } });
    const rows = [{ step: 10, sharpnessParticleTime: 4 }];
    const run = (learningRate: number) => ({ config: logged, status: 'paused' as const, rows, stepLosses: [1], learningRate });
    expect(stabilityWarning(run(0.1))).toBe('');
    expect(stabilityWarning(run(25))).toMatch(/^Learning rate 25 exceeds 2 \/ sharpness = 0\.5000 /);
  });

  it('says nothing without a run, for a falling loss, or once the run diverged', () => {
    expect(stabilityWarning(undefined)).toBe('');
    expect(stabilityWarning(session(Array.from({ length: 41 }, (_, t) => 1 / (t + 1))))).toBe('');
    expect(stabilityWarning(session(Array.from({ length: 41 }, (_, t) => Math.exp(t / 10)), 'diverged'))).toBe('');
  });
});

describe('stability warning of a run set', () => {
  const member = (label: string, learningRate: number, sharpness: number, stepLosses = [1]) => ({
    label, config: parseConfig({ steps: 100, model: { width: 8, scaling: 'ntk' }, optimizer: { learningRate }, metrics: { names: ['loss', 'sharpnessParticleTime'] } }),
    rows: [{ step: 10, sharpnessParticleTime: sharpness }], stepLosses,
  }) as unknown as TrainingSession['members'][number];

  it('names the first member past 2 / sharpness and counts the others; diverged members and a set within bounds say nothing', () => {
    const members = [member('lr=0.1', 0.1, 4), member('lr=1', 1, 4), member('lr=2', 2, 4), member('lr=3', 3, 4, [1, NaN])];
    expect(setStabilityWarning({ members, status: 'running' })).toMatch(/^lr=1: Learning rate 1 exceeds 2 \/ sharpness = 0\.5000 .* \(1 more member past 2 \/ sharpness\)$/);
    expect(setStabilityWarning({ members: members.slice(0, 1), status: 'running' })).toBe('');
    expect(setStabilityWarning({ members, status: 'diverged' })).toBe('');
  });
});

