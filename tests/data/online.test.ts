import { describe, expect, it } from 'vitest';
import { createDataset } from '../../src/data/create';
import { onlineBatch, onlineSpecFor } from '../../src/data/online';
import { DataSpecError } from '../../src/data/errors';
import { teacherOutputs } from '../../src/data/sampling';

describe('online batches (CPU)', () => {
  const spec = onlineSpecFor({ kind: 'teacher-student', seed: 4, inputDim: 3, teacher: { kind: 'random', width: 2 } }, 16);

  it('draw the same batch for the same step and fresh ones for other steps', () => {
    const first = onlineBatch(spec, 5);
    expect(onlineBatch(spec, 5).X).toEqual(first.X);
    expect(onlineBatch(spec, 6).X).not.toEqual(first.X);
    expect(first.sampleCount).toBe(16);
  });

  it('use the teacher of the offline set with the same spec, so test sets measure the same target', () => {
    const offline = createDataset({ kind: 'teacher-student', seed: 4, inputDim: 3, teacher: { kind: 'random', width: 2 } }).train;
    expect(offline.target).toEqual(spec.target);
    const batch = onlineBatch(spec, 0);
    const teacher = spec.target.kind === 'teacher' ? spec.target.teacher : undefined;
    const expected = teacherOutputs(batch.X, 3, teacher!.a, teacher!.W);
    // Labels come from the float64 inputs, the check from their float32 copies: a few float32 ulps.
    for (let i = 0; i < 16; i++) expect(Math.abs(batch.y[i]! - expected[i]!)).toBeLessThan(1e-6 * (1 + Math.abs(expected[i]!)));
  });

  it('sphere inputs have unit norm; circle targets are |(x1, x2)| / pi', () => {
    const circle = onlineSpecFor({ kind: 'teacher-student', inputDim: 4, inputs: 'sphere', teacher: { kind: 'circle' } }, 32);
    const batch = onlineBatch(circle, 3);
    for (let i = 0; i < 32; i++) {
      const x = batch.X.subarray(i * 4, i * 4 + 4);
      expect(Math.hypot(...x)).toBeCloseTo(1, 6);
      expect(batch.y[i]).toBeCloseTo(Math.hypot(x[0]!, x[1]!) / Math.PI, 6);
    }
  });

  it('reject specs that are not teacher-student and bad batch sizes', () => {
    expect(() => onlineSpecFor({ kind: 'xor' }, 4)).toThrow(DataSpecError);
    expect(() => onlineSpecFor({ kind: 'teacher-student' }, 0)).toThrow(/batchSize must be a positive integer/);
  });
});
