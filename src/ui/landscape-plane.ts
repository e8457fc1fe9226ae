/**
 * The plane <gradflow-landscape-view> draws its particles in, worked out on the host: k = 1 plots (x, f(x)),
 * k >= 2 two chosen coordinates (x_i, x_j); what its axes are called; the box it always includes (the start
 * region and the target, so a run that has not moved yet is shown in its setting); and what f needs from the
 * spec (quadratic-sum's cells' mean curvatures).
 */
import type { LandscapeModel } from '../config/model-kinds';
import { curvatureCells, landscapeDimOf, type LandscapeSpec } from '../core/landscape';

/** A box [min_x, min_y, max_x, max_y] in the view's plane; an empty axis is (Infinity, -Infinity). */
export type PlaneBox = [number, number, number, number];

/** "x_3": coordinate k (0-based) of a particle, numbered from 1 as docs/science.md numbers them. */
export const landscapeCoordinateName = (k: number) => `x_${k + 1}`;

/** [x title, y title]: (x, f(x)) for k = 1, the chosen coordinates otherwise. */
export function landscapeAxisLabels(dim: number, coords: readonly [number, number]): [string, string] {
  if (dim === 1) return ['x', 'f(x)'];
  return [landscapeCoordinateName(coords[0]), landscapeCoordinateName(coords[1])];
}

/**
 * The box of the start region and the target in the plane: for k >= 2 their coordinates (i, j); for k = 1
 * the x range alone (f's range over the shown x range is the GPU's to add, src/ui/landscape-renderer.ts).
 */
export function landscapeHomeBox(model: LandscapeModel, coords: readonly [number, number]): PlaneBox {
  const k = landscapeDimOf(model.spec);
  const start = model.start;
  const points: (readonly number[])[] = 'points' in start ? [...start.points] : 'point' in start ? [start.point] : [start.low, start.high];
  if (model.target) points.push(model.target);
  const box: PlaneBox = [Infinity, Infinity, -Infinity, -Infinity];
  const [i, j] = k === 1 ? [0, -1] : coords;
  for (const point of points) {
    const x = point[i];
    const y = j >= 0 ? point[j] : undefined;
    if (x !== undefined && Number.isFinite(x)) [box[0], box[2]] = [Math.min(box[0], x), Math.max(box[2], x)];
    if (y !== undefined && Number.isFinite(y)) [box[1], box[3]] = [Math.min(box[1], y), Math.max(box[3], y)];
  }
  return box;
}

/** The mean curvature a_c = (1/n) sum_i a_ic of each quadratic-sum cell (f = a_c x^2 / 2 in cell c); [0] for other kinds. */
export function fieldCellMeans(spec: LandscapeSpec): number[] {
  if (spec.kind !== 'quadratic-sum') return [0];
  return curvatureCells(spec.curvatures).map((cell) => cell.reduce((sum, a) => sum + a, 0) / cell.length);
}

/** Particle radius (CSS px) when `point-size` is not set: large for a few runs, small for tens of thousands. */
export function autoParticleSize(particleCount: number): number {
  if (particleCount <= 64) return 5;
  if (particleCount <= 1024) return 3.5;
  if (particleCount <= 8192) return 2.5;
  return 1.8;
}
