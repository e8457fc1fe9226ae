/**
 * Linearly separable data with a margin (docs/science.md sections 5 and 6): a hidden unit direction u (from the
 * `teacher` stream), labels y = sign(u . x) (sign 0 := +1), and no sample closer than gamma to the
 * hyperplane u . x = 0, i.e. y_i u . x_i >= gamma. Samples inside the margin are either dropped (the next
 * candidate of the `data` stream replaces them) or pushed along u onto the margin; on the sphere the push
 * rescales the orthogonal part so |x| stays 1.
 */
import { RANDOM_STREAMS } from '../core/conventions';
import { projectRowsToSphere, sampleInputs } from './sampling';
import { normalArray } from '../core/random';
import { partStep, type DataPart, type Dataset } from '../core/dataset';
import { DataSpecError } from './errors';
import { signDataset } from './labels';
import type { LinearSeparableDataSpec } from './spec';

/** Candidates the 'drop' mode may draw per requested sample before it gives up (acceptance under 1%: use 'push'). */
const MAX_CANDIDATES_PER_SAMPLE = 100;
/** Candidates drawn per batch in 'drop' mode. */
const CANDIDATE_CHUNK = 256;

/** The separating unit direction u [d], float32 (every margin is measured with these exact values). */
export function separatingDirection(seed: number, inputDim: number): Float32Array {
  return new Float32Array(projectRowsToSphere(normalArray(seed, RANDOM_STREAMS.teacher, 0, inputDim), 1, inputDim));
}

function dot(u: ArrayLike<number>, X: ArrayLike<number>, row: number): number {
  let sum = 0;
  for (let c = 0; c < u.length; c++) sum += u[c]! * X[row * u.length + c]!;
  return sum;
}

export function linearSeparableDataset(spec: LinearSeparableDataSpec, part: DataPart = 'train'): Dataset {
  const { seed, inputDim: d, margin } = spec;
  const n = part === 'train' ? spec.sampleCount : spec.testCount;
  const step = partStep(part);
  const u = separatingDirection(seed, d);
  const X = spec.marginMode === 'drop' ? dropInsideMargin(spec, u, n, step) : pushOntoMargin(spec, u, n, step);
  const clean = new Float32Array(n);
  for (let i = 0; i < n; i++) clean[i] = dot(u, X, i) >= 0 ? 1 : -1;
  return signDataset(spec, step, { X, clean, description: `Linearly separable ${part} set: ${n} ${spec.inputs} inputs in d = ${d}, margin ${margin} (${spec.marginMode})`, direction: u });
}

/** Keeps the candidates with |u . x| >= gamma in stream order; the float32 values are tested, so the margin holds exactly. */
function dropInsideMargin(spec: LinearSeparableDataSpec, u: Float32Array, n: number, step: number): Float32Array {
  const d = spec.inputDim;
  const X = new Float32Array(n * d);
  const maxCandidates = Math.min(MAX_CANDIDATES_PER_SAMPLE * n, Math.floor(2 ** 32 / d));
  let kept = 0;
  for (let start = 0; kept < n && start < maxCandidates; start += CANDIDATE_CHUNK) {
    const count = Math.min(CANDIDATE_CHUNK, maxCandidates - start);
    const candidates = new Float32Array(sampleInputs(spec.seed, RANDOM_STREAMS.data, step, { start, count }, d, spec.inputs));
    for (let j = 0; j < count && kept < n; j++) {
      if (Math.abs(dot(u, candidates, j)) >= spec.margin) X.set(candidates.subarray(j * d, (j + 1) * d), d * kept++);
    }
  }
  if (kept < n) {
    throw new DataSpecError(
      `linear-separable: only ${kept} of ${n} samples cleared margin ${spec.margin} in ${maxCandidates} draws of ${spec.inputs} inputs in d = ${d}; lower the margin or use marginMode 'push'`,
    );
  }
  return X;
}

/**
 * Moves u . x = s with |s| < gamma to t = sign(s) gamma: Gaussian x += (t - s) u; on the sphere
 * x = t u + sqrt((1 - t^2) / (1 - s^2)) (x - s u), which keeps |x| = 1. The margin then holds up to the
 * float32 rounding of the stored x (about 1e-7 |x|).
 */
function pushOntoMargin(spec: LinearSeparableDataSpec, u: Float32Array, n: number, step: number): Float32Array {
  const d = spec.inputDim;
  const X = sampleInputs(spec.seed, RANDOM_STREAMS.data, step, { count: n }, d, spec.inputs);
  for (let i = 0; i < n; i++) {
    const s = dot(u, X, i);
    if (Math.abs(s) >= spec.margin) continue;
    const t = s >= 0 ? spec.margin : -spec.margin;
    const orthogonalScale = spec.inputs === 'sphere' ? Math.sqrt((1 - t * t) / (1 - s * s)) : 1;
    for (let c = 0; c < d; c++) {
      const orthogonal = X[i * d + c]! - s * u[c]!;
      X[i * d + c] = t * u[c]! + orthogonalScale * orthogonal;
    }
  }
  return new Float32Array(X);
}
