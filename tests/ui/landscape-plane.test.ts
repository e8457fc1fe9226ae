import { describe, expect, it } from 'vitest';
import { landscapeModelSchema, type LandscapeModel } from '../../src/config/model-kinds';
import { autoParticleSize, fieldCellMeans, landscapeAxisLabels, landscapeHomeBox } from '../../src/ui/landscape-plane';

const model = (input: unknown) => landscapeModelSchema.parse(input) as LandscapeModel;

describe('the landscape view\'s plane', () => {
  it('titles the axes x and f(x) for k = 1, else by the chosen coordinates (numbered from 1)', () => {
    expect(landscapeAxisLabels(1, [0, 0])).toEqual(['x', 'f(x)']);
    expect(landscapeAxisLabels(3, [0, 2])).toEqual(['x_1', 'x_3']);
  });

  it('always includes the start region and the target: a box in the chosen coordinates, the x range alone for k = 1', () => {
    const escape = model({ kind: 'landscape', spec: { kind: 'escape', particleCount: 4, learningRate: 0.7 }, start: { point: [0.99] }, target: [0] });
    expect(landscapeHomeBox(escape, [0, 0])).toEqual([0, Infinity, 0.99, -Infinity]);
    const saddle = model({ kind: 'landscape', spec: { kind: 'strict-saddle', particleCount: 4, learningRate: 0.1 }, start: { low: [-1, 0], high: [1, 0] }, target: [0, 0.5] });
    expect(landscapeHomeBox(saddle, [0, 1])).toEqual([-1, 0, 1, 0.5]);
    const perko = model({ kind: 'landscape', spec: { kind: 'perko', particleCount: 2, learningRate: 0.01 }, start: { points: [[1, 2, -3], [-1, 0, 0.5]] } });
    expect(landscapeHomeBox(perko, [2, 1])).toEqual([-3, 0, 0.5, 2]);
  });

  it('gives each quadratic-sum cell its mean curvature (one curve each), and the other kinds one f', () => {
    const cells = model({ kind: 'landscape', spec: { kind: 'quadratic-sum', particleCount: 4, learningRate: 1, curvatures: [[0.5, 1.5], [2, 4]] }, start: { point: [1] } });
    expect(fieldCellMeans(cells.spec)).toEqual([1, 3]);
    const shared = model({ kind: 'landscape', spec: { kind: 'quadratic-sum', particleCount: 4, learningRate: 1, curvatures: [1.7, -0.7] }, start: { point: [1] } });
    expect(fieldCellMeans(shared.spec)[0]).toBeCloseTo(0.5, 15);
    expect(fieldCellMeans(model({ kind: 'landscape', spec: { kind: 'strict-saddle', particleCount: 1, learningRate: 0.1 }, start: { point: [0, 0] } }).spec)).toEqual([0]);
  });

  it('draws a few runs large and tens of thousands small', () => {
    expect(autoParticleSize(64)).toBeGreaterThan(autoParticleSize(16384));
  });
});
