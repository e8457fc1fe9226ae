/**
 * Online mode (population risk, docs/science.md section 0): every step trains on B fresh samples. On the GPU
 * the sample_online kernel (src/kernels/data.ts) draws them; `onlineBatch` is the same batch on the
 * CPU (float32 copy of the float64 twin in src/data/sampling.ts), for the float64 trainer and tests.
 */
import { sampleOnline } from './sampling';
import { makeDataset, type Dataset, type OnlineSpec } from '../core/dataset';
import { DataSpecError } from './errors';
import { resolveDataSpec, type DataSpecInput, type TeacherStudentDataSpec } from './spec';
import { resolveTarget } from './teacher';

/**
 * The online source of a teacher-student spec: same seed, inputs, teacher (so test sets built from
 * the spec measure the population risk of the same target) and label noise; B samples per step.
 */
export function onlineSpecFor(input: DataSpecInput | TeacherStudentDataSpec, batchSize: number): OnlineSpec {
  const spec = resolveDataSpec(input);
  if (spec.kind !== 'teacher-student') throw new DataSpecError(`online sampling needs a teacher-student spec, got kind '${spec.kind}'`);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize * spec.inputDim >= 2 ** 32) {
    throw new DataSpecError(`online batchSize must be a positive integer with batchSize x inputDim < 2^32, got ${batchSize}`);
  }
  return {
    seed: spec.seed,
    batchSize,
    inputDim: spec.inputDim,
    inputs: spec.inputs,
    target: resolveTarget(spec.teacher, spec.seed, spec.inputDim),
    labelNoiseStd: spec.labelNoiseStd,
  };
}

/** The batch of online step `step` as a float32 Dataset. */
export function onlineBatch(spec: OnlineSpec, step: number): Dataset {
  const { X, y } = sampleOnline(spec, step);
  return makeDataset({
    X: new Float32Array(X),
    y: new Float32Array(y),
    inputDim: spec.inputDim,
    labelKind: 'regression',
    description: `Online batch of step ${step}: ${spec.batchSize} fresh ${spec.inputs} inputs in d = ${spec.inputDim}.`,
    target: spec.target,
  });
}
