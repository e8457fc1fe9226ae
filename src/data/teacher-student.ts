/**
 * Teacher-student data (docs/science.md section 3): x ~ N(0, I_d) or uniform on the sphere, from the `data`
 * stream (train at step 0, test at step 1), y = f*(x) (+ optional Gaussian label noise from the
 * `labelNoise` stream), f* a teacher network or the circle-neuron target. Labels are computed from the
 * float32 inputs the set stores, so they are exactly the target of what a trainer sees.
 */
import { RANDOM_STREAMS } from '../core/conventions';
import { sampleInputs, targetOutputs } from './sampling';
import { normalArray } from '../core/random';
import { makeDataset, partStep, type DataPart, type Dataset } from '../core/dataset';
import { resolveDataSpec, type TeacherStudentDataSpec } from './spec';
import { describeTarget, resolveTarget } from './teacher';

/** The train or test part of a teacher-student set. */
export function teacherStudentDataset(spec: TeacherStudentDataSpec, part: DataPart = 'train'): Dataset {
  const { seed, inputDim: d } = spec;
  const n = part === 'train' ? spec.sampleCount : spec.testCount;
  const step = partStep(part);
  const X = new Float32Array(sampleInputs(seed, RANDOM_STREAMS.data, step, { count: n }, d, spec.inputs));
  const target = resolveTarget(spec.teacher, seed, d);
  const y = targetOutputs(target, X, d);
  if (spec.labelNoiseStd > 0) {
    const noise = normalArray(seed, RANDOM_STREAMS.labelNoise, step, n);
    for (let i = 0; i < n; i++) y[i]! += spec.labelNoiseStd * noise[i]!;
  }
  const noiseText = spec.labelNoiseStd > 0 ? `, label noise std ${spec.labelNoiseStd}` : '';
  return makeDataset({
    X,
    y: new Float32Array(y),
    inputDim: d,
    labelKind: 'regression',
    description: `Teacher-student ${part} set: ${n} ${spec.inputs} inputs in d = ${d} labelled by ${describeTarget(spec.teacher)}${noiseText}.`,
    target,
  });
}

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

/** The default teacher-student set: Gaussian inputs, M random Gaussian teacher neurons with a* = 1. */
export function teacherStudentData({ seed, sampleCount, inputDim, teacherWidth }: TeacherStudentSpec): TeacherStudentData {
  const spec = resolveDataSpec({ kind: 'teacher-student', seed, sampleCount, inputDim, teacher: { kind: 'random', width: teacherWidth } });
  const data = teacherStudentDataset(spec as TeacherStudentDataSpec);
  const target = data.target as Extract<Dataset['target'], { kind: 'teacher' }>;
  return { X: data.X, y: data.y, teacherW: target.teacher.W };
}
