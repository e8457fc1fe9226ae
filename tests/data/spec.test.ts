import { describe, expect, it } from 'vitest';
import { createDataset } from '../../src/data/create';
import { DataSpecError } from '../../src/data/errors';
import { dataSpecSchema, resolveDataSpec } from '../../src/data/spec';

describe('data specs', () => {
  it('fill defaults for every kind', () => {
    expect(resolveDataSpec({ kind: 'teacher-student' })).toEqual({
      kind: 'teacher-student',
      seed: 0,
      sampleCount: 256,
      testCount: 0,
      inputDim: 2,
      inputs: 'gaussian',
      teacher: { kind: 'random', width: 1, neurons: 'gaussian' },
      labelNoiseStd: 0,
    });
    expect(resolveDataSpec({ kind: 'linear-separable' })).toMatchObject({ margin: 0.1, marginMode: 'drop', flipFraction: 0 });
    expect(resolveDataSpec({ kind: 'orthogonal-separable' })).toMatchObject({ basis: 'random', flipFraction: 0 });
    expect(resolveDataSpec({ kind: 'xor' })).toMatchObject({ clusterMean: 1, noiseStd: 0.25, flipFraction: 0 });
    expect(resolveDataSpec({ kind: 'digits' })).toMatchObject({
      path: 'data/digits.csv', classes: { positive: [1], negative: [0] }, labels: 'sign', scalePixels: true, normalization: 'none', testFraction: 0.2, seed: 0,
    });
    expect(resolveDataSpec({ kind: 'csv', path: 'a.csv' })).toMatchObject({ loss: 'square', testFraction: 0, normalization: 'none' });
    expect(resolveDataSpec({ kind: 'csv', path: 'a.csv' })).not.toHaveProperty('testPath');
    expect(resolveDataSpec({ kind: 'csv', path: 'a.csv', testPath: 'b.csv', testFraction: 0 })).toMatchObject({ path: 'a.csv', testPath: 'b.csv', testFraction: 0 });
    expect(dataSpecSchema.parse({ kind: 'teacher-student', teacher: { kind: 'random', width: 4 } })).toMatchObject({ teacher: { width: 4, neurons: 'gaussian' } });
  });

  const bad: [string, unknown, RegExp][] = [
    ['an unknown kind', { kind: 'mnist' }, /kind must be one of/],
    ['a negative seed', { kind: 'xor', seed: -1 }, /seed must be an integer in \[0, 2\^32\)[\s\S]*at seed/],
    ['a fractional sample count', { kind: 'xor', sampleCount: 2.5 }, /sampleCount must be a positive integer/],
    ['an unknown input distribution', { kind: 'xor', inputs: 'uniform' }, /inputs must be 'gaussian'/],
    ['a flip fraction above 1', { kind: 'xor', flipFraction: 1.5 }, /flipFraction must lie in \[0, 1\]/],
    ['XOR in one dimension', { kind: 'xor', inputDim: 1 }, /XOR clusters need inputDim >= 2/],
    ['a negative margin', { kind: 'linear-separable', margin: -1 }, /margin must be >= 0/],
    ['teacher rows of the wrong length', { kind: 'teacher-student', inputDim: 3, teacher: { kind: 'explicit', a: [1], W: [[1, 2]] } }, /teacher.W row 0 has 2 entries, inputDim is 3[\s\S]*at teacher.W\[0\]/],
    ['teacher a and W that disagree', { kind: 'teacher-student', inputDim: 1, teacher: { kind: 'explicit', a: [1, 2], W: [[1]] } }, /teacher.W has 1 rows, teacher.a has 2/],
    ['output weights of the wrong length', { kind: 'teacher-student', teacher: { kind: 'random', width: 2, outputWeights: [1] } }, /outputWeights has 1 entries, teacher.width is 2/],
    ['a zero single-neuron direction', { kind: 'teacher-student', teacher: { kind: 'single-neuron', direction: [0, 0] } }, /must not be zero/],
    ['a circle target in one dimension', { kind: 'teacher-student', inputDim: 1, teacher: { kind: 'circle' } }, /circle-neuron target needs inputDim >= 2/],
    ['NaN in a teacher', { kind: 'teacher-student', inputDim: 1, teacher: { kind: 'explicit', a: [Number.NaN], W: [[1]] } }, /must be a finite number/],
    ['a test fraction of 1', { kind: 'digits', testFraction: 1 }, /testFraction must lie in \[0, 1\)/],
    ['a csv spec without a path', { kind: 'csv' }, /path must name the CSV file/],
    ['a csv spec with an unknown loss', { kind: 'csv', path: 'a.csv', loss: 'hinge' }, /loss must be one of square, logistic, exponential/],
    ['a csv spec with an empty testPath', { kind: 'csv', path: 'a.csv', testPath: '' }, /testPath must name the test CSV file[\s\S]*at testPath/],
    ['a csv spec with a testPath that is not a string', { kind: 'csv', path: 'a.csv', testPath: 3 }, /testPath must name the test CSV file/],
    [
      'a csv spec with a testPath and a testFraction > 0',
      { kind: 'csv', path: 'a.csv', testPath: 'b.csv', testFraction: 0.25 },
      /testFraction 0\.25 holds rows of path out as a test set, but testPath 'b\.csv' is the test set; set testFraction to 0[\s\S]*at testFraction/,
    ],
    ['counters past 2^32', { kind: 'xor', sampleCount: 2 ** 31, inputDim: 2 }, /exceeds the generator's 2\^32 counters/],
  ];

  it.each(bad)('reject %s with a DataSpecError naming the field', (_what, spec, message) => {
    expect(() => resolveDataSpec(spec)).toThrow(DataSpecError);
    expect(() => resolveDataSpec(spec)).toThrow(message);
    expect(() => createDataset(spec as never)).toThrow(message);
  });
});
