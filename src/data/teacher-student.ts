/**
 * Teacher-student data (SCIENCE.md section 3): x ~ N(0, I_d), y = f*(x) = (1/M) sum_k a*_k relu(w*_k . x)
 * with a* = 1 and w*_k ~ N(0, I_d), drawn from the counter-based generator so every backend sees the same set.
 */
import { RANDOM_STREAMS } from '../model/conventions';
import { normalArray } from '../reference/random';

export interface TeacherStudentSpec {
  readonly seed: number;
  readonly sampleCount: number;
  readonly inputDim: number;
  /** Teacher neurons M. */
  readonly teacherWidth: number;
}

export interface TeacherStudentData {
  /** X [n x d]. */
  readonly X: Float32Array;
  /** y [n]. */
  readonly y: Float32Array;
  /** Teacher first layer W* [M x d]. */
  readonly teacherW: Float32Array;
}

export function teacherStudentData({ seed, sampleCount: n, inputDim: d, teacherWidth: M }: TeacherStudentSpec): TeacherStudentData {
  const X = new Float32Array(normalArray(seed, RANDOM_STREAMS.data, 0, n * d));
  const teacherW = new Float32Array(normalArray(seed, RANDOM_STREAMS.teacher, 0, M * d));
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = 0; k < M; k++) {
      let z = 0;
      for (let c = 0; c < d; c++) z += teacherW[k * d + c]! * X[i * d + c]!;
      sum += Math.max(z, 0);
    }
    y[i] = sum / M;
  }
  return { X, y, teacherW };
}
