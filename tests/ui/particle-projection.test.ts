import { describe, expect, it } from 'vitest';
import { coordinateBasis, parseCoordinates, pcaBasis, planeToNdc, projectParticle, projectionMode, teacherBasis } from '../../src/ui/particle-projection';
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
});
