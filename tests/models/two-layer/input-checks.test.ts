/**
 * Issue 14 on the two-layer network: configs that used to complete with NaN columns (a test metric without
 * a test set, energyResidual off plain GD) or train a margin loss on labels it is not defined for (a CSV
 * declared for the square loss) are refused with a ConfigError naming the fields, before anything trains.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/errors';
import { parseConfig, type ExperimentConfigInput } from '../../../src/config/schema';
import { runExperiment } from '../../../src/run/run-experiment';

const noGpu = () => Promise.reject(new Error('the device was requested: the config should have been refused first'));

/** 0/1 labels, as a CSV exported for a square-loss or scikit-learn workflow has them. */
const ZERO_ONE_CSV = 'x0,x1,y\n1,0,1\n0,1,0\n1,1,1\n-1,0,0\n';

async function refusal(input: ExperimentConfigInput, files: Record<string, string> = {}): Promise<ConfigError> {
  const readText = async (path: string) => files[path] ?? Promise.reject(new Error(`no file ${path}`));
  const error = await runExperiment(parseConfig(input), { requestGpu: noGpu, readText }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

const tiny: ExperimentConfigInput = { steps: 4, backend: 'gpu', model: { width: 4 }, data: { kind: 'teacher-student', sampleCount: 8 } };

describe('two-layer metrics that would have no value', () => {
  it('testLoss and testAccuracy with data.testCount 0 name metrics.names and data.testCount', async () => {
    const error = await refusal({ ...tiny, data: { kind: 'teacher-student', sampleCount: 8, testCount: 0 }, metrics: { names: ['loss', 'testLoss', 'testAccuracy'] } });
    expect(error.problems).toEqual([
      'metrics.names: testLoss, testAccuracy need a test set: data.testCount > 0 (synthetic data), a data.testFraction that leaves test rows (digits, csv) or a test file data.testPath (csv), but data.testCount is 0; remove them from metrics.names or change the run',
    ]);
  });

  it('a file test fraction that leaves no test rows names data.testFraction', async () => {
    const csv = 'x0,y\n1,1\n2,-1\n3,1\n';
    const error = await refusal({ ...tiny, data: { kind: 'csv', path: 'a.csv', testFraction: 0.1 }, metrics: { names: ['testLoss'] } }, { 'a.csv': csv });
    expect(error.problems[0]).toMatch(/testLoss needs a test set.*but data\.testFraction is 0\.1, which rounds to no test rows/);
  });

  it('energyResidual under SGD names metrics.names and optimizer.batchSize, and says it needs plain full-batch GD', async () => {
    const error = await refusal({ ...tiny, optimizer: { batchSize: 4 }, metrics: { names: ['loss', 'energyResidual'] } });
    expect(error.problems).toEqual([expect.stringMatching(/^metrics\.names: energyResidual needs plain full-batch GD at a constant rate .*but optimizer\.batchSize is 4 \(minibatch SGD/)]);
  });

  it('energyResidual under momentum, a schedule or online training is refused the same way', async () => {
    const momentum = await refusal({ ...tiny, optimizer: { rule: 'momentum' }, metrics: { names: ['energyResidual'] } });
    expect(momentum.problems[0]).toMatch(/but optimizer\.rule is 'momentum'/);
    const schedule = await refusal({ ...tiny, optimizer: { schedule: { kind: 'cosine', learningRate: 0.1, decaySteps: 4 } }, metrics: { names: ['energyResidual'] } });
    expect(schedule.problems[0]).toMatch(/but optimizer\.schedule is set/);
    const online = await refusal({ ...tiny, online: true, metrics: { names: ['energyResidual'] } });
    expect(online.problems[0]).toMatch(/but online is true/);
  });

  it('still runs energyResidual under plain full-batch GD and test metrics with a test set', async () => {
    const result = await runExperiment(
      parseConfig({ ...tiny, backend: 'float64', data: { kind: 'teacher-student', sampleCount: 8, testCount: 4 }, metrics: { every: 2, names: ['loss', 'testLoss', 'energyResidual'] } }),
    );
    expect(result.metrics.every((row) => Number.isFinite(row.testLoss))).toBe(true);
    expect(Number.isFinite(result.metrics[0]!.energyResidual)).toBe(true);
  });
});

describe('labels that do not suit the loss', () => {
  it('a CSV declared for the square loss under a logistic run names data.loss and loss instead of training on 0/1 labels', async () => {
    const error = await refusal({ ...tiny, loss: 'logistic', data: { kind: 'csv', path: 'labels.csv', loss: 'square' } }, { 'labels.csv': ZERO_ONE_CSV });
    expect(error.problems).toEqual([
      "data.loss: got 'square', but the run trains the logistic loss (loss: 'logistic'), which needs labels -1 or +1; set data.loss to 'logistic' (or leave it out: it follows loss) so that labels.csv's labels are checked, or train loss 'square'",
    ]);
  });

  it('real-valued labels under a margin loss name loss and the first bad label', async () => {
    const error = await refusal({ ...tiny, loss: 'exponential' });
    expect(error.problems).toEqual([expect.stringMatching(/^loss: got 'exponential', which needs labels -1 or \+1, but the train set of the teacher-student data has y = \S+ at sample 0; train loss 'square'/)]);
  });

  it('keeps a stricter declaration: a square run on a CSV checked for the logistic loss trains', async () => {
    const result = await runExperiment(parseConfig({ ...tiny, backend: 'float64', data: { kind: 'csv', path: 'pm.csv', loss: 'logistic' } }), {
      readText: async () => 'x0,y\n1,1\n-1,-1\n',
    });
    expect(result.summary.status).toMatch(/completed/);
  });
});
