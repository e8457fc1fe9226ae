/** The trainer tests' data: a 2-neuron teacher's samples, labels +-1 (the sign of the centred output) for the margin losses. */
import { teacherStudentData } from '../../src/data/teacher-student';
import type { LossKind } from '../../src/core/conventions';
import type { TrainingSet } from '../../src/core/network';

export function teacherTrainingSet(options: { readonly seed: number; readonly sampleCount: number; readonly inputDim: number; readonly loss: LossKind }): TrainingSet {
  const raw = teacherStudentData({ seed: options.seed, sampleCount: options.sampleCount, inputDim: options.inputDim, teacherWidth: 2 });
  // Logistic and exponential losses take labels +-1: the sign of the centred teacher output.
  const mean = raw.y.reduce((s, v) => s + v, 0) / raw.y.length;
  return { X: raw.X, y: options.loss === 'square' ? raw.y : raw.y.map((v) => (v > mean ? 1 : -1)) };
}
