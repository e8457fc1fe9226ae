/**
 * What the particle view's two axes are, for each projection of w_j (the titles of its axes): the
 * coordinates themselves, the teacher's directions, the principal components with the share of the
 * second moment they carry, or the polar view's angle and radius. Coordinates are numbered from 1.
 */
import type { ParticleProjection, PolarMagnitude } from './particle-projection';

export interface ProjectionLabelInput {
  readonly projection: ParticleProjection;
  readonly inputDim: number;
  /** The coordinates (0-based) of projection "coordinates" and of the polar view's angle plane. */
  readonly coords: readonly [number, number];
  readonly polarMagnitude: PolarMagnitude;
  /** Teacher neurons available (the teacher projection falls back to the first two coordinates without them). */
  readonly teacherCount: number;
  /** Shares of tr(S) carried by PC1 and PC2 (S = W^T W / m), once the PCA basis is computed; undefined before. */
  readonly pcaShares: readonly [number, number] | undefined;
}

/** "w_j3": coordinate k (0-based) of neuron j. */
export const coordinateName = (k: number) => `w_j${k + 1}`;

const percent = (share: number) => `${Math.round(100 * share)}% var`;

/** [x title, y title] of the particle view. */
export function projectionAxisLabels(input: ProjectionLabelInput): [string, string] {
  const { projection, inputDim: d, coords } = input;
  if (d === 1) return ['w_j', 'a_j'];
  if (projection === 'polar') {
    const plane = `(${coordinateName(coords[0])}, ${coordinateName(coords[1])})`;
    return [`angle of ${plane} [rad]`, input.polarMagnitude === 'w' ? 'radius |w_j|' : 'radius |a_j| |w_j|'];
  }
  if (projection === 'coordinates') return [coordinateName(coords[0]), coordinateName(coords[1])];
  if (projection === 'teacher' && input.teacherCount > 0) {
    // teacherBasis: u1 along w*_1, u2 along the part of w*_2 orthogonal to u1 (a coordinate axis when there is no second teacher neuron).
    return ['w_j · w*_1 / |w*_1|', input.teacherCount > 1 ? 'w_j along w*_2 ⊥ w*_1' : 'w_j along an axis ⊥ w*_1'];
  }
  if (projection === 'pca' && input.pcaShares) return [`PC1 (${percent(input.pcaShares[0])})`, `PC2 (${percent(input.pcaShares[1])})`];
  return [coordinateName(0), coordinateName(1)];
}
