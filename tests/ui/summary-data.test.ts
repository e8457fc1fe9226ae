import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfigInput } from '../../src/config/schema';
import { expandSweep } from '../../src/config/run-set';
import { formatSlope, LAZY_SLOPE, latestValue, powerLawThrough, summaryPanels, twoOverLrCurve, type HeatmapPanel, type SummaryMember, type XYPanel } from '../../src/ui/summary-data';

const teacher = { kind: 'teacher-student', seed: 5, sampleCount: 20, testCount: 10, inputDim: 4, teacher: { kind: 'random', width: 2 } } as const;

/** The members of `base` + `sweep`, each with rows from `rows(overrides)`. */
function members(base: ExperimentConfigInput, sweep: Record<string, unknown[]>, rows: (overrides: Record<string, unknown>) => Record<string, number>[]): SummaryMember[] {
  return expandSweep({ ...(base as Record<string, unknown>), sweep }).map(({ overrides, config }) => ({ overrides, config, rows: rows(overrides) }));
}

describe('summary charts of a run set', () => {
  it('fits log-log slopes per scaling (distance and kernel change against m) with the -1/2 line through the ntk points', () => {
    const base: ExperimentConfigInput = { steps: 10, model: { width: 8 }, data: teacher, metrics: { every: 10, names: ['loss', 'distanceFromInitRms', 'kernelChange'] } };
    const sweep = { 'model.scaling': ['ntk', 'mean-field'], 'model.width': [64, 256, 1024, 4096] };
    // ntk: distance = 2 m^-1/2, kernel change = 5 m^-0.7; mean-field flat; step 0 rows are 0 (left out on log axes).
    const set = members(base, sweep, ({ 'model.scaling': scaling, 'model.width': m }) => {
      const w = m as number;
      const ntk = scaling === 'ntk';
      return [{ step: 0, loss: 1, distanceFromInitRms: 0, kernelChange: 0 }, { step: 10, loss: 0.5, distanceFromInitRms: ntk ? 2 / Math.sqrt(w) : 0.8, kernelChange: ntk ? 5 * w ** -0.7 : 1.2 }];
    });
    const panels = summaryPanels('lazy-vs-rich', sweep, set) as XYPanel[];
    expect(panels.map((panel) => panel.id)).toEqual(['distanceFromInitRms', 'kernelChange']);
    const [distance, kernel] = panels;
    expect(distance!.logX && distance!.logY).toBe(true);
    const fits = distance!.series.filter((s) => s.kind === 'fit');
    expect(fits.map((s) => s.label)).toEqual(['scaling=ntk: slope −0.50', 'scaling=mean-field: slope 0.00']);
    expect(fits[0]!.slope).toBeCloseTo(-0.5, 10);
    expect(kernel!.series.find((s) => s.kind === 'fit' && s.group === 0)!.slope).toBeCloseTo(-0.7, 10);
    expect(distance!.series.find((s) => s.kind === 'points' && s.group === 0)!.points).toHaveLength(4);
    // The reference runs through the ntk points' geometric mean with slope -1/2: here exactly on them.
    const [reference] = distance!.references;
    expect(reference!.label).toMatch(/−1\/2/);
    expect(reference!.points.map((p) => p.x)).toEqual([64, 4096]);
    reference!.points.forEach((p) => expect(p.y).toBeCloseTo(2 / Math.sqrt(p.x), 10));
    expect(distance!.note).toBe('');

    // Before any row after step 0 there is nothing to draw on log axes, and the panel says when points come.
    const early = summaryPanels('lazy-vs-rich', sweep, set.map((member) => ({ ...member, rows: member.rows.slice(0, 1) }))) as XYPanel[];
    expect(early[0]!.series.every((s) => s.points.length === 0)).toBe(true);
    expect(early[0]!.note).toMatch(/every 10 steps/);
  });

  it('draws the final sharpness against lr with the 2/lr curve across the swept rates', () => {
    const base: ExperimentConfigInput = { steps: 20, model: { width: 8, scaling: 'ntk' }, data: teacher, metrics: { every: 10, names: ['loss', 'sharpnessParticleTime'] } };
    const sweep = { 'optimizer.learningRate': [1, 2, 0.1] };
    const set = members(base, sweep, ({ 'optimizer.learningRate': lr }): Record<string, number>[] => [
      { step: 0, loss: 1, sharpnessParticleTime: 5 },
      { step: 10, loss: 0.5, sharpnessParticleTime: Math.min(5, 1.6 / (lr as number)) },
      { step: 20, loss: 0.4 }, // a row without the metric: the latest value is the one before
    ]);
    const [panel] = summaryPanels('sharpness-vs-lr', sweep, set) as XYPanel[];
    expect(panel!.id).toBe('sharpnessParticleTime');
    expect(panel!.series).toHaveLength(1);
    expect(panel!.series[0]!.points).toEqual([{ x: 0.1, y: 5 }, { x: 1, y: 1.6 }, { x: 2, y: 0.8 }]);
    const [curve] = panel!.references;
    expect(curve!.label).toMatch(/2\/lr/);
    expect(curve!.points[0]!.x).toBeCloseTo(0.1 / 1.25, 12);
    expect(curve!.points.at(-1)!.x).toBeCloseTo(2 * 1.25, 12);
    curve!.points.forEach((p) => expect(p.y).toBeCloseTo(2 / p.x, 12));
  });

  it('marks m = n on the test loss and path norm against m, averaging swept seeds', () => {
    const base: ExperimentConfigInput = { steps: 10, model: { width: 8 }, data: teacher, metrics: { every: 10, names: ['loss', 'testLoss', 'pathNorm'] } };
    const sweep = { 'model.width': [10, 20, 40], seed: [1, 2] };
    const set = members(base, sweep, ({ 'model.width': m, seed }) => [{ step: 10, loss: 0.1, testLoss: (m === 20 ? 4 : 1) + (seed as number), pathNorm: m as number }]);
    const panels = summaryPanels('width-transition', sweep, set) as XYPanel[];
    expect(panels.map((panel) => panel.id)).toEqual(['testLoss', 'pathNorm']);
    expect(panels[0]!.markers).toEqual([{ label: 'm = n = 20', x: 20 }]);
    expect(panels[0]!.series).toHaveLength(1); // seeds are averaged, not a group each
    expect(panels[0]!.series[0]!.points).toEqual([{ x: 10, y: 2.5 }, { x: 20, y: 5.5 }, { x: 40, y: 2.5 }]);
  });

  it('fills the (m, n) heat map of a double-descent preset from the final test losses', () => {
    const base: ExperimentConfigInput = { steps: 10, model: { width: 8 }, data: teacher, metrics: { every: 10, names: ['loss', 'testLoss'] } };
    const sweep = { 'model.width': [40, 10, 20] };
    const set = members(base, sweep, ({ 'model.width': m }) => (m === 40 ? [] : [{ step: 10, loss: 0.1, testLoss: m as number }]));
    const [panel] = summaryPanels('double-descent-heatmap', sweep, set) as HeatmapPanel[];
    expect(panel!.kind).toBe('heatmap');
    expect(panel!.xs).toEqual([10, 20, 40]);
    expect(panel!.ys).toEqual([20]);
    expect(panel!.cells).toEqual([[10, 20, null]]);
    expect(panel!.markDiagonal).toBe(true);
  });

  it('plots the final loss against any other numeric sweep, and nothing for a sweep of words alone', () => {
    const base: ExperimentConfigInput = { steps: 10, model: { width: 8 }, data: teacher, metrics: { every: 10, names: ['loss'] } };
    const sweep = { 'model.alpha': [0.5, 1, 2] };
    const [panel] = summaryPanels(undefined, sweep, members(base, sweep, ({ 'model.alpha': alpha }) => [{ step: 10, loss: alpha as number }])) as XYPanel[];
    expect(panel!.xLabel).toBe('model.alpha');
    expect(panel!.logX).toBe(true);
    expect(panel!.series[0]!.points.map((p) => p.y)).toEqual([0.5, 1, 2]);
    const words = { 'optimizer.rule': ['gd', 'momentum'] };
    expect(summaryPanels(undefined, words, members(base, words, () => []))).toEqual([]);
    expect(summaryPanels(undefined, {}, [])).toEqual([]);
  });

  it('has the helpers the panels are made of', () => {
    expect(latestValue([{ step: 0, a: 1 }, { step: 1, a: NaN }, { step: 2 }], 'a')).toBe(1);
    expect(latestValue([], 'a')).toBeUndefined();
    expect(powerLawThrough([{ x: 1, y: 4 }, { x: 16, y: 1 }], LAZY_SLOPE, [1, 4, 16]).map((p) => p.y)).toEqual([expect.closeTo(4, 12), expect.closeTo(2, 12), expect.closeTo(1, 12)]);
    expect(twoOverLrCurve(1, 1)).toEqual([{ x: 1, y: 2 }]);
    expect(twoOverLrCurve(0, 1)).toEqual([]);
    expect(formatSlope(-0.5234)).toBe('−0.52');
    expect(parseConfig({ data: teacher }).data).toMatchObject({ sampleCount: 20 });
  });
});
