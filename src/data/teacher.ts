/**
 * Teachers of the teacher-student sets (docs/science.md section 3): f*(x) = (1/M) sum_k a*_k relu(w*_k . x).
 * Random teachers draw W* from the `teacher` stream at step 0 (w*_k ~ N(0, I_d), or those rows scaled
 * to the unit sphere), so the train set, the test set and the online stream all see the same teacher.
 */
import { RANDOM_STREAMS } from '../core/conventions';
import { projectRowsToSphere } from './sampling';
import { normalArray } from '../core/random';
import type { TargetFunction, Teacher } from '../core/dataset';
import type { TeacherSpec } from './spec';

/** The target function a teacher spec names, for inputs of dimension `inputDim`. */
export function resolveTarget(spec: TeacherSpec, seed: number, inputDim: number): TargetFunction {
  const d = inputDim;
  switch (spec.kind) {
    case 'circle':
      return { kind: 'circle' };
    case 'explicit':
      return teacherTarget(Float32Array.from(spec.a), Float32Array.from(spec.W.flat()));
    case 'single-neuron': {
      const W = new Float32Array(d);
      if (spec.direction) W.set(spec.direction);
      else W[0] = 1;
      return teacherTarget(Float32Array.of(1), W);
    }
    case 'random': {
      const M = spec.width;
      const W = normalArray(seed, RANDOM_STREAMS.teacher, 0, M * d);
      if (spec.neurons === 'sphere') projectRowsToSphere(W, M, d);
      const a = spec.outputWeights ? Float32Array.from(spec.outputWeights) : new Float32Array(M).fill(1);
      return teacherTarget(a, new Float32Array(W));
    }
  }
}

function teacherTarget(a: Float32Array, W: Float32Array): TargetFunction {
  const teacher: Teacher = { width: a.length, a, W };
  return { kind: 'teacher', teacher };
}

/** One line naming the target, for descriptions. */
export function describeTarget(spec: TeacherSpec): string {
  switch (spec.kind) {
    case 'circle':
      return 'the circle-neuron target |(x1, x2)| / pi';
    case 'explicit':
      return `a given ${spec.a.length}-neuron teacher`;
    case 'single-neuron':
      return 'a single-neuron teacher';
    case 'random':
      return `a ${spec.width}-neuron teacher (${spec.neurons} neurons)`;
  }
}
