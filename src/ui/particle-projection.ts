/**
 * CPU side of the particle view's projections: the 2 x d basis (u1, u2) the shaders project w onto,
 * the mode code, and project() for the small CPU arrays drawn as overlays (teacher, target points),
 * written to match project() in shaders/particle-view-common.wgsl.ts.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { BOUNDS_PADDING, PROJECTION_MODES, type ProjectionModeCode } from '../../shaders/particle-view-common.wgsl';

export type ParticleProjection = 'plane' | 'coordinates' | 'teacher' | 'pca' | 'polar';
export const PARTICLE_PROJECTIONS: readonly ParticleProjection[] = ['plane', 'coordinates', 'teacher', 'pca', 'polar'];

/** What the polar view plots against the angle: |a||w| (the particle's mass times reach) or |w|. */
export type PolarMagnitude = 'aw' | 'w';

/** The shader mode for a projection; d = 1 always plots (w, a). */
export function projectionMode(projection: ParticleProjection, inputDim: number, polarMagnitude: PolarMagnitude): ProjectionModeCode {
  if (inputDim === 1) return PROJECTION_MODES.weightVsA;
  if (projection === 'polar') return polarMagnitude === 'w' ? PROJECTION_MODES.polarW : PROJECTION_MODES.polarAW;
  return PROJECTION_MODES.linear;
}

/** Parses coords="i,j" into two distinct in-range coordinates, falling back to (0, 1). */
export function parseCoordinates(coords: string | undefined, inputDim: number): [number, number] {
  const parts = (coords ?? '').split(',').map((s) => Number.parseInt(s.trim(), 10));
  const [i, j] = parts;
  const valid = (k: number | undefined): k is number => k !== undefined && Number.isInteger(k) && k >= 0 && k < inputDim;
  if (valid(i) && valid(j) && i !== j) return [i, j];
  return [0, Math.min(1, inputDim - 1)];
}

/** u1 = e_i, u2 = e_j (u2 = 0 when d = 1). */
export function coordinateBasis(inputDim: number, i: number, j: number): Float32Array {
  const basis = new Float32Array(2 * inputDim);
  basis[i] = 1;
  if (j !== i) basis[inputDim + j] = 1;
  return basis;
}

/** Gram-Schmidt on the first two teacher directions; falls back to coordinate axes where they are degenerate. */
export function teacherBasis(teacherW: ArrayLike<number>, inputDim: number): Float32Array {
  const d = inputDim;
  const count = Math.floor(teacherW.length / d);
  const rows: number[][] = [];
  for (let r = 0; r < count && rows.length < 2; r++) rows.push(Array.from({ length: d }, (_, k) => teacherW[r * d + k]!));
  for (let k = 0; k < d && rows.length < 4; k++) rows.push(Array.from({ length: d }, (_, l) => (l === k ? 1 : 0)));
  const chosen: number[][] = [];
  for (const row of rows) {
    const v = [...row];
    for (const u of chosen) {
      const dot = v.reduce((s, x, k) => s + x * u[k]!, 0);
      for (let k = 0; k < d; k++) v[k]! -= dot * u[k]!;
    }
    const norm = Math.hypot(...v);
    if (norm > 1e-6 * Math.max(1, Math.hypot(...row))) chosen.push(v.map((x) => x / norm));
    if (chosen.length === 2) break;
  }
  const basis = new Float32Array(2 * d);
  chosen.forEach((u, r) => u.forEach((x, k) => (basis[r * d + k] = x)));
  return basis;
}

/** Top two eigenvectors of the symmetric d x d second-moment matrix S (row-major), largest eigenvalue first. */
export function pcaBasis(moments: ArrayLike<number>, inputDim: number): Float32Array {
  return pcaDecomposition(moments, inputDim).basis;
}

/** The PCA basis (as pcaBasis) and the shares lambda_1 / tr S, lambda_2 / tr S of the second moment along it (0 for S = 0). */
export function pcaDecomposition(moments: ArrayLike<number>, inputDim: number): { basis: Float32Array; shares: [number, number] } {
  const d = inputDim;
  const rows = Array.from({ length: d }, (_, k) => Array.from({ length: d }, (_, l) => 0.5 * (moments[k * d + l]! + moments[l * d + k]!)));
  const decomposition = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const values = decomposition.realEigenvalues;
  const vectors = decomposition.eigenvectorMatrix;
  const order = values.map((v, k) => [v, k] as const).sort((x, y) => y[0] - x[0]);
  const basis = new Float32Array(2 * d);
  for (let r = 0; r < Math.min(2, d); r++) {
    const column = order[r]![1];
    // Fix the sign (largest-magnitude entry positive) so the view does not flip between refreshes.
    let pivot = 0;
    for (let k = 0; k < d; k++) if (Math.abs(vectors.get(k, column)) > Math.abs(vectors.get(pivot, column))) pivot = k;
    const sign = vectors.get(pivot, column) < 0 ? -1 : 1;
    for (let k = 0; k < d; k++) basis[r * d + k] = sign * vectors.get(k, column);
  }
  // S is positive semi-definite: its trace is the sum of its eigenvalues (tiny negative ones are rounding).
  const trace = rows.reduce((sum, row, k) => sum + row[k]!, 0);
  const share = (r: number) => (trace > 0 && order[r] ? Math.max(0, order[r]![0]) / trace : 0);
  return { basis, shares: [share(0), share(1)] };
}

/** A particle (a, w) in the view's plane, as project() in WGSL computes it. */
export function projectParticle(a: number, w: ArrayLike<number>, basis: ArrayLike<number>, mode: ProjectionModeCode): [number, number] {
  const d = w.length;
  if (mode === PROJECTION_MODES.weightVsA) return [w[0]!, a];
  let x = 0;
  let y = 0;
  let norm2 = 0;
  for (let k = 0; k < d; k++) {
    x += w[k]! * basis[k]!;
    y += w[k]! * basis[d + k]!;
    norm2 += w[k]! * w[k]!;
  }
  if (mode === PROJECTION_MODES.linear) return [x, y];
  const angle = Math.atan2(y, x);
  return [angle, mode === PROJECTION_MODES.polarAW ? Math.abs(a) * Math.sqrt(norm2) : Math.sqrt(norm2)];
}

/** The view's zoom, pan and canvas, as the shaders' to_ndc uses them. */
export interface ViewTransformState {
  readonly zoom: number;
  readonly panX: number;
  readonly panY: number;
  readonly canvasWidth: number;
  readonly canvasHeight: number;
  readonly equalAspect: boolean;
}

/** CPU twin of view_center_half in shaders/particle-view-common.wgsl.ts: the centre and half-extents of the plane box shown at zoom 1. */
function viewCenterHalf(bounds: ArrayLike<number>, view: ViewTransformState): { centerX: number; centerY: number; halfX: number; halfY: number } {
  let [loX, loY, hiX, hiY] = [bounds[0]!, bounds[1]!, bounds[2]!, bounds[3]!];
  if (!(loX <= hiX) || !(loY <= hiY)) [loX, loY, hiX, hiY] = [-1, -1, 1, 1];
  const pad = 1 + BOUNDS_PADDING;
  let halfX = Math.max(0.5 * (hiX - loX) * pad, 1e-6);
  let halfY = Math.max(0.5 * (hiY - loY) * pad, 1e-6);
  if (view.equalAspect) {
    const aspect = view.canvasWidth / Math.max(view.canvasHeight, 1);
    const s = Math.max(halfX / aspect, halfY);
    [halfX, halfY] = [s * aspect, s];
  }
  return { centerX: 0.5 * (loX + hiX), centerY: 0.5 * (loY + hiY), halfX, halfY };
}

/** CPU twin of to_ndc in shaders/particle-view-common.wgsl.ts: plane point -> clip space, from the bounds box. */
export function planeToNdc(point: readonly [number, number], bounds: ArrayLike<number>, view: ViewTransformState): [number, number] {
  const { centerX, centerY, halfX, halfY } = viewCenterHalf(bounds, view);
  return [((point[0] - centerX) / halfX) * view.zoom + view.panX, ((point[1] - centerY) / halfY) * view.zoom + view.panY];
}

/**
 * The inverse of planeToNdc: the plane point drawn at clip-space point `ndc` (for the axes' tick values). Inverted
 * directly, not recovered from two mapped points, so a box far from 0 or of extent 1e20 keeps its precision.
 */
export function ndcToPlane(ndc: readonly [number, number], bounds: ArrayLike<number>, view: ViewTransformState): [number, number] {
  const { centerX, centerY, halfX, halfY } = viewCenterHalf(bounds, view);
  return [((ndc[0] - view.panX) / view.zoom) * halfX + centerX, ((ndc[1] - view.panY) / view.zoom) * halfY + centerY];
}

/** Clip space -> pixel (column, row from the top) of a canvas of the given size. */
export function ndcToPixel([x, y]: readonly [number, number], width: number, height: number): [number, number] {
  return [((x + 1) / 2) * width, ((1 - y) / 2) * height];
}
