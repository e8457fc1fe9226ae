import { describe, expect, it } from 'vitest';
import { DASHES, dashOf, formatSweptValue, labelledTicks, memberStyles, scaleColor, scalePosition, sequentialColor, sweepScales } from '../../src/ui/sweep-style';
import { LIGHT_PALETTE } from '../../src/ui/chart-theme';
import { expandSweep } from '../../src/config/run-set';
import { findPreset } from '../../src/experiments/presets';

describe('the colour scale of a run set', () => {
  it('colours by the first numeric path, log-spaced for widths, and dashes by the other path', () => {
    const scales = sweepScales({ 'model.scaling': ['ntk', 'mean-field'], 'model.width': [64, 256, 1024, 4096] })!;
    expect(scales.colour).toEqual({ path: 'model.width', kind: 'log', values: [64, 256, 1024, 4096] });
    expect(scales.dash).toEqual({ path: 'model.scaling', values: ['ntk', 'mean-field'] });
    // Powers of 4 sit evenly on a log scale.
    expect([64, 256, 1024, 4096].map((m) => scalePosition(scales.colour, m))).toEqual([0, 1 / 3, 2 / 3, 1].map((t) => expect.closeTo(t, 12)));
    expect(dashOf(scales.dash, 'ntk')).toEqual([]);
    expect(dashOf(scales.dash, 'mean-field')).toEqual(DASHES[1]);
  });

  it('is linear for numbers that span little and are not widths or rates, and categorical for strings', () => {
    const linear = sweepScales({ seed: [1, 2, 3] })!;
    expect(linear.colour.kind).toBe('linear');
    expect(scalePosition(linear.colour, 2)).toBeCloseTo(0.5, 12);
    expect(sweepScales({ 'optimizer.learningRate': [1, 1.5, 2, 2.5, 3] })!.colour.kind).toBe('log');
    expect(sweepScales({ 'model.alpha': [-1, 1] })!.colour.kind).toBe('linear'); // not all positive
    const categorical = sweepScales({ 'optimizer.rule': ['gd', 'adam'] })!;
    expect(categorical.colour.kind).toBe('categorical');
    expect(categorical.dash).toBeUndefined();
    expect(scaleColor(categorical.colour, 'adam', false)).toBe(LIGHT_PALETTE[1]);
    expect(sweepScales({})).toBeUndefined();
    expect(scalePosition(sweepScales({ 'model.width': [64] })!.colour, 64)).toBe(0.5);
  });

  it('runs from dark to light on a light background and stays off the darkest end on a dark one', () => {
    const luminance = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i]!, 0) / 255;
    expect(sequentialColor(0, false)).toBe('#0d0887');
    expect(luminance(sequentialColor(1, false))).toBeGreaterThan(luminance(sequentialColor(0.5, false)));
    expect(luminance(sequentialColor(0.5, false))).toBeGreaterThan(luminance(sequentialColor(0, false)));
    expect(luminance(sequentialColor(0, true))).toBeGreaterThan(0.15);
    expect(sequentialColor(1, true)).toBe('#f0f921');
    expect(sequentialColor(-1, false)).toBe(sequentialColor(0, false));
  });

  it("gives each member its value's colour and dash, the same in both orders of the grid", () => {
    const raw = { ...(findPreset('default')!.config as Record<string, unknown>), sweep: { 'model.width': [64, 1024], 'model.scaling': ['ntk', 'mean-field'] } };
    const members = expandSweep(raw);
    const scales = sweepScales(raw.sweep)!;
    const styles = memberStyles(scales, members, false);
    expect(styles).toHaveLength(4);
    expect(styles[0]!.color).toBe(styles[1]!.color); // same width
    expect(styles[0]!.color).not.toBe(styles[2]!.color);
    expect(styles[0]!.dash).toEqual([]);
    expect(styles[1]!.dash).toEqual(DASHES[1]);
    expect(memberStyles(undefined, [{ overrides: {} }], false)).toEqual([{ color: LIGHT_PALETTE[0], dash: [] }]);
  });

  it("labels the legend's ticks where they fit, always the scale's ends", () => {
    const rates = sweepScales({ 'optimizer.learningRate': [1, 1.5, 2, 2.5, 3, 0.1] })!.colour;
    const ticks = labelledTicks(rates);
    expect(ticks.map((tick) => tick.value)).toEqual([0.1, 1, 1.5, 2, 2.5, 3]);
    expect(ticks[0]!.labelled).toBe(true);
    expect(ticks.at(-1)!.labelled).toBe(true);
    const shown = ticks.filter((tick) => tick.labelled).map((tick) => tick.t);
    shown.slice(1).forEach((t, i) => expect(t - shown[i]!).toBeGreaterThanOrEqual(0.14 - 1e-12));
    expect(labelledTicks(sweepScales({ 'model.width': [64, 256, 1024, 4096] })!.colour).every((tick) => tick.labelled)).toBe(true);
    expect([formatSweptValue(4096), formatSweptValue(0.001), formatSweptValue(1e-5), formatSweptValue('ntk'), formatSweptValue([1, 2])]).toEqual(['4096', '0.001', '1.00e-5', 'ntk', '[1,2]']);
  });
});
