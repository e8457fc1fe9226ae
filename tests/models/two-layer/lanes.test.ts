/** Which runs of a run set share a lane (lanes.ts): host-only, no GPU. */
import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfigInput } from '../../../src/config/schema';
import { buildProblem, type Problem } from '../../../src/models/two-layer/problem';
import { laneKey, laneProblem, laneWidthLimit, planLanes } from '../../../src/models/two-layer/lanes';

/** Full-batch GD on one fixed data set (data.seed set, so the run's seed moves only the initial weights). */
const base = {
  seed: 1,
  model: { width: 8 },
  data: { kind: 'teacher-student', seed: 11, sampleCount: 16, inputDim: 3, testCount: 4 },
  optimizer: { learningRate: 0.1 },
  kernels: { matmul: 'register' },
} satisfies ExperimentConfigInput;

type Change = { seed?: number; loss?: 'square' | 'logistic'; stepsPerSubmit?: number; online?: boolean; kernels?: object; model?: object; data?: object; optimizer?: object };

function problemOf(change: Change = {}): Promise<Problem> {
  return buildProblem(parseConfig({
    ...base,
    ...change,
    model: { ...base.model, ...change.model },
    data: { ...base.data, ...change.data },
    optimizer: { ...base.optimizer, ...change.optimizer },
  } as ExperimentConfigInput));
}

const widthsOf = (changes: readonly Change[]) => Promise.all(changes.map(problemOf));

describe('laneKey', () => {
  it.each<[string, Change]>([
    ['another optimizer rule', { optimizer: { rule: { kind: 'momentum', beta: 0.5 } } }],
    ['a schedule', { optimizer: { schedule: { kind: 'constant', learningRate: 0.1 } } }],
    ['JKO steps', { optimizer: { jko: { tau: 0.1, innerSteps: 2, innerLearningRate: 0.05 } } }],
    ['minibatches', { optimizer: { batchSize: 8 } }],
    ['sampling with replacement', { optimizer: { batchSize: 16, withReplacement: true } }],
    ['online samples', { online: true }],
    ['a centered model', { model: { centered: true } }],
    ['the sphere retraction', { model: { sphere: true } }],
    ['a first layer trained at d = 2 by the unfused step (first_layer_grad)', { data: { inputDim: 2 }, kernels: { matmul: 'register', step: 'unfused' } }],
    ['a first layer alone trained at d = 2 by the unfused step', { data: { inputDim: 2 }, model: { trainable: 'first' }, kernels: { matmul: 'register', step: 'unfused' } }],
    ['a bias at d = 64 for the multi-step kernel (a lane needs d + 1 columns)', { data: { inputDim: 64 }, model: { bias: true }, kernels: { matmul: 'register', step: 'multi-step' } }],
  ])('is undefined for %s', async (_name, change) => {
    const problem = await problemOf(change);
    expect(laneKey(problem)).toBeUndefined();
    expect(laneProblem(problem)).toBeTypeOf('string');
  });

  it('is defined for plain full-batch GD, also at d = 2 when only the second layer trains, and for batchSize = n', async () => {
    for (const change of [{}, { data: { inputDim: 2 }, model: { trainable: 'second' } }, { optimizer: { batchSize: 16 } }]) {
      expect(laneKey(await problemOf(change))).toBeTypeOf('string');
    }
  });

  it("is defined at d = 2 when the step is 'multi-step': single runs and lanes both sum in train_steps", async () => {
    expect(laneKey(await problemOf({ data: { inputDim: 2 }, kernels: { matmul: 'register', step: 'multi-step' } }))).toBeTypeOf('string');
  });

  it("is undefined at d = 2 under 'auto': the adapter may pick the unfused step, whose single run takes first_layer_grad", async () => {
    expect(laneProblem(await problemOf({ data: { inputDim: 2 } }))).toMatch(/first_layer_grad/);
  });

  it('is equal across what a lane varies per member: width, lr, seed, init, scaling, alpha, trainable, metric settings', async () => {
    const reference = laneKey(await problemOf());
    const members: Change[] = [
      { model: { width: 3 } },
      { optimizer: { learningRate: 0.7 } },
      { seed: 9 },
      { model: { init: { aStd: 0.5, wScale: 0.2 } } },
      { model: { scaling: 'ntk', alpha: 3 } },
      { model: { trainable: 'second' } },
    ];
    for (const change of members) expect(laneKey(await problemOf(change)), JSON.stringify(change)).toBe(reference);
  });

  it('differs when the lane could not be shared: loss, bias, sizes, data, matmul, step kernel, steps per submit', async () => {
    const reference = laneKey(await problemOf());
    const others: Change[] = [
      { loss: 'logistic', data: { kind: 'linear-separable' } },
      { model: { bias: true } },
      { data: { inputDim: 4 } },
      { data: { sampleCount: 17 } },
      { data: { seed: 12 } },
      { data: { testCount: 5 } },
      { data: { labelNoiseStd: 0.1 } },
      { kernels: { matmul: 'tiled' } },
      { kernels: { matmul: 'register', step: 'unfused' } },
      // 'auto' on a step past MULTI_STEP_MAX_WORK (16 samples x 50000 x 4) is unfused, whatever the adapter.
      { model: { width: 50_000 } },
      { stepsPerSubmit: 32 },
    ];
    const keys = await Promise.all(others.map(async (change) => laneKey(await problemOf(change))));
    for (const [i, key] of keys.entries()) {
      expect(key, JSON.stringify(others[i])).toBeTypeOf('string');
      expect(key, JSON.stringify(others[i])).not.toBe(reference);
    }
  });
});

describe('planLanes', () => {
  it('gives a width sweep one lane per width, and 16 seeds at one width one lane', async () => {
    const widths = [64, 128, 256, 512, 1024, 2048, 4096, 8192];
    const sweep = await widthsOf(widths.map((width) => ({ model: { width } })));
    expect(planLanes(sweep)).toEqual(widths.map((_, i) => [i]));
    const seeds = await widthsOf(Array.from({ length: 16 }, (_, seed) => ({ seed, model: { width: 64 } })));
    expect(planLanes(seeds)).toEqual([Array.from({ length: 16 }, (_, i) => i)]);
  });

  it('keeps every lane within the widest one the device can bind (issue 14: an oversized lane failed to build)', async () => {
    // 16 train samples, inputs of d = 3: hidden activations [16 x N M] in float32 are 64 N M bytes.
    const seeds = await widthsOf(Array.from({ length: 16 }, (_, seed) => ({ seed, model: { width: 64 } })));
    const limit = laneWidthLimit(seeds, { maxStorageBufferBindingSize: 64 * 64 * 5, maxBufferSize: 1 << 30 });
    expect(limit).toBe(320); // five members of 64 neurons
    const lanes = planLanes(seeds, undefined, limit);
    expect(lanes.map((lane) => lane.length)).toEqual([5, 5, 5, 1]);
    expect(lanes.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    // The smaller of the two limits binds.
    expect(laneWidthLimit(seeds, { maxStorageBufferBindingSize: 1 << 30, maxBufferSize: 64 * 64 * 2 })).toBe(128);
  });

  it('packs close widths within the padding budget, narrowest first', async () => {
    // Sorted: 30, 31, 32 share (3 x 32 = 96 <= 1.1 x 93); 40 would make 4 x 40 = 160 > 1.1 x 133.
    const problems = await widthsOf([40, 32, 30, 31, 44].map((width) => ({ model: { width } })));
    expect(planLanes(problems)).toEqual([[0, 4], [1, 2, 3]]);
    // A generous budget takes them all; the tightest (1) only equal widths.
    expect(planLanes(problems, 2)).toEqual([[0, 1, 2, 3, 4]]);
    expect(planLanes(problems, 1)).toEqual([[0], [1], [2], [3], [4]]);
    expect(() => planLanes(problems, 0.5)).toThrow(RangeError);
  });

  it('keeps members of different keys apart and members without a key alone, in a deterministic order', async () => {
    const problems = await widthsOf([
      { seed: 1 },
      { optimizer: { rule: { kind: 'adam' } } },
      { seed: 2, loss: 'logistic', data: { kind: 'linear-separable' } },
      { seed: 3 },
      { seed: 4, loss: 'logistic', data: { kind: 'linear-separable' } },
      { optimizer: { rule: { kind: 'adam' } } },
      { seed: 5, model: { width: 9 } },
    ]);
    const lanes = planLanes(problems);
    expect(lanes).toEqual([[0, 3, 6], [1], [2, 4], [5]]);
    expect(planLanes(problems)).toEqual(lanes);
    expect(planLanes([])).toEqual([]);
  });

  it('joins only bit-identical data sets', async () => {
    const [first, second] = await widthsOf([{ seed: 1 }, { seed: 2 }]);
    const y = first!.train.y.slice();
    y[3] = Math.fround(y[3]! + 1e-6);
    const nudged: Problem = { ...second!, train: { X: second!.train.X, y } };
    expect(planLanes([first!, second!])).toEqual([[0, 1]]);
    expect(planLanes([first!, nudged])).toEqual([[0], [1]]);
  });
});
