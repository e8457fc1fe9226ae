/**
 * The overlay markers of <gradflow-particle-view>: the teacher neurons and the target measure,
 * projected into the view's plane on the host (the ParticleRenderer draws them).
 */
import { MARKER_STYLES } from '../../shaders/overlay-draw.wgsl';
import type { ProjectionModeCode } from '../../shaders/particle-view-common.wgsl';
import type { ParticleSource } from './particle-source';
import { projectParticle } from './particle-projection';

/** One overlay marker in the view's plane: radius in pixels (pixelRing) or plane units (worldRing). */
export interface Marker {
  readonly x: number;
  readonly y: number;
  readonly radius: number;
  readonly style: (typeof MARKER_STYLES)[keyof typeof MARKER_STYLES];
  readonly color: readonly [number, number, number, number];
}

/** Colour of the teacher rings on the light theme's white; a dark theme passes its light text colour. */
export const TEACHER_RING_COLOR = [0, 0, 0, 1] as const;

/** Markers for the teacher neurons (rings in `teacherColor`) and the target measure, in the view's plane. */
export function overlayMarkers(
  source: ParticleSource,
  basis: Float32Array,
  mode: ProjectionModeCode,
  drawCircle: boolean,
  teacherColor: readonly [number, number, number, number] = TEACHER_RING_COLOR,
): Marker[] {
  const d = source.inputDim;
  const markers: Marker[] = [];
  const target = source.target;
  if (target?.kind === 'uniform-circle' && drawCircle) markers.push({ x: 0, y: 0, radius: 1, style: MARKER_STYLES.worldRing, color: [0.2, 0.6, 0.2, 0.9] });
  if (target?.kind === 'points') {
    for (const point of target.points) {
      const [x, y] = projectParticle(1, point.slice(0, d), basis, mode);
      markers.push({ x, y, radius: 3, style: MARKER_STYLES.pixelRing, color: [0.2, 0.6, 0.2, 0.9] });
    }
  }
  const teacher = source.teacher;
  if (teacher) {
    for (let r = 0; r < teacher.a.length; r++) {
      const [x, y] = projectParticle(teacher.a[r]!, teacher.W.subarray(r * d, (r + 1) * d), basis, mode);
      markers.push({ x, y, radius: 7, style: MARKER_STYLES.pixelRing, color: teacherColor });
    }
  }
  return markers;
}
