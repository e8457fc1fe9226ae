import { describe, expect, it } from 'vitest';
import { coordinateBasis, ndcToPlane, parseCoordinates, pcaBasis, pcaDecomposition, planeToNdc, projectParticle, projectionMode, teacherBasis } from '../../src/ui/particle-projection';
import { projectionAxisLabels, type ProjectionLabelInput } from '../../src/ui/projection-labels';
import { chooseCoordinate } from '../../src/ui/coordinate-picker';
import { PROJECTION_MODES } from '../../shaders/particle-view-common.wgsl';
import { activationCount } from '../../src/ui/particle-activations';

describe('particle-projection (CPU side of the particle view)', () => {
  it('parses coords and falls back to (0, 1) when invalid', () => {
    expect(parseCoordinates('2, 4', 5)).toEqual([2, 4]);
    expect(parseCoordinates('4,4', 5)).toEqual([0, 1]);
    expect(parseCoordinates('0,9', 5)).toEqual([0, 1]);
    expect(parseCoordinates('x', 1)).toEqual([0, 0]);
  });

  it('teacher basis is orthonormal and spans the first two teacher rows; degenerate rows fall back to axes', () => {
    const basis = teacherBasis([3, 0, 0, 1, 1, 0], 3);
    expect(Array.from(basis)).toEqual([1, 0, 0, 0, 1, 0]);
    const parallel = teacherBasis([1, 1, 0, 2, 2, 0], 3);
    const u = parallel.subarray(0, 3);
    const v = parallel.subarray(3, 6);
    expect(u[0]! * v[0]! + u[1]! * v[1]! + u[2]! * v[2]!).toBeCloseTo(0, 6);
    expect(Math.hypot(...v)).toBeCloseTo(1, 6);
  });

  it('pca basis: top eigenvectors of a diagonal moment matrix are the axes, largest first, sign fixed', () => {
    const S = [1, 0, 0, 0, 9, 0, 0, 0, 4];
    expect(Array.from(pcaBasis(S, 3))).toEqual([0, 1, 0, 0, 0, 1]);
  });

  it('projects like the shader and maps the box to clip space', () => {
    const basis = coordinateBasis(2, 0, 1);
    expect(projectParticle(2, [3, 4], basis, PROJECTION_MODES.linear)).toEqual([3, 4]);
    expect(projectParticle(-2, [0, 4], basis, PROJECTION_MODES.polarAW)).toEqual([Math.PI / 2, 8]);
    expect(projectParticle(-2, [0.5], coordinateBasis(1, 0, 0), PROJECTION_MODES.weightVsA)).toEqual([0.5, -2]);
    expect(projectionMode('pca', 1, 'aw')).toBe(PROJECTION_MODES.weightVsA);
    const view = { zoom: 1, panX: 0, panY: 0, canvasWidth: 100, canvasHeight: 100, equalAspect: true };
    const [x, y] = planeToNdc([1, 1], [0, 0, 1, 1], view);
    expect(x).toBeCloseTo(1 / 1.08, 12);
    expect(y).toBeCloseTo(1 / 1.08, 12);
  });

  it('counts the samples that activate a neuron', () => {
    expect(activationCount([1, 0], new Float32Array([1, 0, -1, 0, 0.5, 9]))).toBe(2);
    expect(activationCount([1, 0], undefined)).toBeNull();
  });

  it('pca shares: each top eigenvalue over the trace of S', () => {
    const { shares } = pcaDecomposition([1, 0, 0, 0, 9, 0, 0, 0, 4], 3);
    expect(shares[0]).toBeCloseTo(9 / 14, 12);
    expect(shares[1]).toBeCloseTo(4 / 14, 12);
    expect(pcaDecomposition([0, 0, 0, 0], 2).shares).toEqual([0, 0]);
  });

  it('ndcToPlane inverts planeToNdc, with zoom, pan and equal aspect', () => {
    const view = { zoom: 2.5, panX: 0.3, panY: -0.1, canvasWidth: 300, canvasHeight: 200, equalAspect: true };
    const bounds = [-1, -2, 3, 1];
    const point: [number, number] = [0.7, -1.3];
    const [x, y] = ndcToPlane(planeToNdc(point, bounds, view), bounds, view);
    expect(x).toBeCloseTo(point[0], 12);
    expect(y).toBeCloseTo(point[1], 12);
  });

  it('ndcToPlane keeps its precision for a box of extent 1e27 (a diverging landscape run): the corners of clip space are the padded box', () => {
    const view = { zoom: 1, panX: 0, panY: 0, canvasWidth: 300, canvasHeight: 200, equalAspect: false };
    const bounds = [-1.3e14, 0.02, 5.3e13, 4.5e27];
    const [x0, y0] = ndcToPlane([-1, -1], bounds, view);
    const [x1, y1] = ndcToPlane([1, 1], bounds, view);
    const [halfX, halfY] = [0.54 * (bounds[2]! - bounds[0]!), 0.54 * (bounds[3]! - bounds[1]!)];
    const [centerX, centerY] = [0.5 * (bounds[0]! + bounds[2]!), 0.5 * (bounds[1]! + bounds[3]!)];
    for (const [value, expected] of [[x0, centerX - halfX], [x1, centerX + halfX], [y0, centerY - halfY], [y1, centerY + halfY]] as const) {
      expect(Number.isFinite(value)).toBe(true);
      expect(Math.abs(value - expected)).toBeLessThanOrEqual(1e-12 * Math.abs(expected));
    }
  });

  it('axis titles name what each projection shows', () => {
    const base: ProjectionLabelInput = { projection: 'plane', inputDim: 2, coords: [0, 1], polarMagnitude: 'aw', teacherCount: 0, pcaShares: undefined };
    expect(projectionAxisLabels(base)).toEqual(['w_j1', 'w_j2']);
    expect(projectionAxisLabels({ ...base, projection: 'coordinates', inputDim: 6, coords: [4, 2] })).toEqual(['w_j5', 'w_j3']);
    expect(projectionAxisLabels({ ...base, projection: 'pca', inputDim: 6, pcaShares: [0.634, 0.2] })).toEqual(['PC1 (63% var)', 'PC2 (20% var)']);
    // Before the first moments the PCA view shows the first two coordinates, and says so.
    expect(projectionAxisLabels({ ...base, projection: 'pca', inputDim: 6 })).toEqual(['w_j1', 'w_j2']);
    expect(projectionAxisLabels({ ...base, projection: 'teacher', inputDim: 3, teacherCount: 1 })).toEqual(['w_j · w*_1 / |w*_1|', 'w_j along an axis ⊥ w*_1']);
    expect(projectionAxisLabels({ ...base, projection: 'teacher', inputDim: 3 })).toEqual(['w_j1', 'w_j2']);
    expect(projectionAxisLabels({ ...base, projection: 'polar', polarMagnitude: 'w' })).toEqual(['angle of (w_j1, w_j2) [rad]', 'radius |w_j|']);
    expect(projectionAxisLabels({ ...base, inputDim: 1 })).toEqual(['w_j', 'a_j']);
  });

  it('the coordinate picker keeps the two coordinates distinct by swapping', () => {
    expect(chooseCoordinate([0, 1], 0, 3)).toEqual([3, 1]);
    expect(chooseCoordinate([0, 1], 0, 1)).toEqual([1, 0]);
    expect(chooseCoordinate([2, 4], 1, 2)).toEqual([4, 2]);
  });
});
