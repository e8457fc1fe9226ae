/** The bench's interleaver and report helpers with fake contenders (no GPU, no timing outcomes asserted beyond order and skips). */
import { describe, expect, it } from 'vitest';
import { interleave, type Contender } from '../../bench/interleave';
import { judgeTargets, viewReadbackTarget } from '../../bench/report';
import { logLogSlope } from '../../src/metrics/log-log-slope';

const SIZE = { width: 8, sampleCount: 8, inputDim: 2 };

function fake(name: string, log: string[], stepMs = 0): Contender {
  return {
    name,
    create: async () => ({
      train: async (k: number) => {
        log.push(`${name}:${k}`);
        if (stepMs) await new Promise((resolve) => setTimeout(resolve, stepMs * k));
      },
      dispose: () => log.push(`${name}:dispose`),
    }),
  };
}

describe('interleave', () => {
  it('warms up, probes, then runs the rounds round-robin and disposes every model', async () => {
    const log: string[] = [];
    const rows = await interleave(SIZE, [fake('a', log), fake('b', log)], { rounds: 2, maxStepsPerRound: 4 });
    expect(log).toEqual(['a:1', 'a:1', 'b:1', 'b:1', 'a:4', 'b:4', 'a:4', 'b:4', 'a:dispose', 'b:dispose']);
    expect(rows.map((r) => [r.backend, r.stepsTimed, r.skipped])).toEqual([['a', 8, undefined], ['b', 8, undefined]]);
  });

  it('skips a peer over the budget (measured here, or at a smaller size) but never an alwaysRun one', async () => {
    const log: string[] = [];
    const rows = await interleave(SIZE, [fake('gradflow', log, 30), fake('slow', log, 30), fake('known-slow', log)], {
      budgetMs: 10, rounds: 1, alwaysRun: ['gradflow'], previousMs: new Map([['known-slow', 50]]),
    });
    expect(rows[0]!.skipped).toBeUndefined();
    expect(rows[0]!.msPerStep).toBeGreaterThan(0);
    expect(rows[1]!.skipped).toMatch(/measured .* budget/);
    expect(rows[2]!.skipped).toMatch(/smaller size/);
    expect(log).not.toContain('known-slow:1');
  });
});

describe('report', () => {
  it('fits log-log slopes', () => {
    expect(logLogSlope([1, 2, 4, 8], [3, 6, 12, 24])).toBeCloseTo(1, 12);
    expect(logLogSlope([1, 10, 100], [5, 5, 5])).toBeCloseTo(0, 12);
  });

  it('judges the targets from interleaved rows only, and leaves unmeasured ones open', () => {
    const row = (backend: string, msPerStep: number) => ({ ...SIZE, backend, msPerStep, gflops: 1 / msPerStep });
    const targets = judgeTargets({
      browserRows: [row('gradflow-gpu', 1), row('tfjs-webgpu', 12)],
      nodeRows: [row('gradflow-gpu', 1)],
      productRows: [],
      bestMatmulGflops: 2,
      readbacks: ['two-layer-trainer/losses-staging-0', 'other/read'],
    });
    expect(targets.map((t) => t.holds)).toEqual([true, false, false, undefined]);
    expect(judgeTargets({ browserRows: [], nodeRows: [], productRows: [], bestMatmulGflops: 0, readbacks: [] }).map((t) => t.holds)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('lets the views read only their labels, a few times a second, and nothing on the frames\' path', () => {
    const labels = (count: number) => Array.from({ length: count }, (_, k) => (k % 2 ? 'particle-view/bounds/labels-read' : 'function-view/range/labels-read'));
    // 15 s with two views drawing: 30 view-seconds.
    expect(viewReadbackTarget([{ labels: labels(60), seconds: 15, views: 2 }]).holds).toBe(true);
    expect(viewReadbackTarget([{ labels: labels(121), seconds: 15, views: 2 }]).holds).toBe(false);
    // One view drawing for 15 s allows half as many.
    expect(viewReadbackTarget([{ labels: labels(61), seconds: 15, views: 1 }]).holds).toBe(false);
    const framePath = viewReadbackTarget([{ labels: [...labels(4), 'particle-view/bounds/read'], seconds: 15, views: 2 }]);
    expect(framePath.holds).toBe(false);
    expect(framePath.detail).toContain('1 read-backs on the frames\' path (particle-view/bounds/read)');
    expect(viewReadbackTarget([{ labels: [], seconds: 15, views: 2 }]).holds).toBe(true);
    expect(viewReadbackTarget(undefined).holds).toBeUndefined();
  });
});
