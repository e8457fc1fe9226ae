/**
 * Checks of a two-layer run that span config sections or need the built data (the schema validates each
 * field alone): the labels suit the loss, and every metric asked for can have a value in this run. A
 * failure is a ConfigError naming the fields, their values and what is allowed, raised while the problem
 * is built, before anything trains; otherwise the run would complete with NaN columns or a loss computed
 * on labels it is not defined for.
 */
import type { ExperimentConfig } from '../../config/schema';
import { ConfigError } from '../../config/errors';
import type { TrainingSet } from '../../core/network';
import { firstNonSignLabel, needsSignLabels } from '../../data/labels';
import { energyIdentityProblem } from '../../metrics/energy-dissipation';
import { unmetRequirementProblems } from '../../metrics/registry';

/**
 * Before the file is read: a CSV whose declared loss (data.loss) checks its labels more loosely than the
 * run's loss needs. Written out, data.loss wins over the inherited one, so data.loss 'square' under loss
 * 'logistic' would let labels 0/1 through to a loss defined on -1 and +1 only.
 */
export function checkDeclaredLabels(config: ExperimentConfig): void {
  const data = config.data;
  if (data.kind !== 'csv' || !needsSignLabels(config.loss) || needsSignLabels(data.loss)) return;
  throw new ConfigError([
    `data.loss: got '${data.loss}', but the run trains the ${config.loss} loss (loss: '${config.loss}'), which needs labels -1 or +1; ` +
      `set data.loss to '${config.loss}' (or leave it out: it follows loss) so that ${data.testPath === undefined ? `${data.path}'s labels` : `the labels of ${data.path} and ${data.testPath}`} are checked, or train loss 'square'`,
  ]);
}

/** Every label of the train and test sets is -1 or +1 when the run's loss needs it. */
export function checkLabels(config: ExperimentConfig, sets: { readonly train: TrainingSet; readonly test?: TrainingSet | undefined }): void {
  if (!needsSignLabels(config.loss)) return;
  for (const part of ['train', 'test'] as const) {
    const y = sets[part]?.y;
    const i = y ? firstNonSignLabel(y) : -1;
    if (!y || i < 0) continue;
    throw new ConfigError([
      `loss: got '${config.loss}', which needs labels -1 or +1, but the ${part} set of the ${config.data.kind} data has y = ${y[i]} at sample ${i}; ` +
        `train loss 'square', or use -1/+1 labels (linear-separable, orthogonal-separable, xor, two-cluster, digits with two classes, a csv of -1/+1 labels)`,
    ]);
  }
}

/** Why the run has no test set, naming the field that decides it; undefined when it has one. */
function missingTestSet(config: ExperimentConfig, hasTestSet: boolean): string | undefined {
  if (hasTestSet) return undefined;
  const data = config.data;
  if (data.kind === 'csv' || data.kind === 'digits') {
    const noFile = data.kind === 'csv' ? ' and there is no data.testPath' : '';
    return data.testFraction === 0 ? `data.testFraction is 0${noFile}` : `data.testFraction is ${data.testFraction}, which rounds to no test rows of this file${noFile}`;
  }
  return `data.testCount is ${data.testCount}`;
}

/** The metrics asked for have what they need (their registry requirements): a test set, plain full-batch GD, a fixed train set. */
export function checkMetricRequirements(config: ExperimentConfig, hasTestSet: boolean): void {
  const problems = unmetRequirementProblems(config.metrics.names, {
    testSet: missingTestSet(config, hasTestSet),
    fullBatchGd: energyIdentityProblem(config),
    fixedTrainSet: config.online ? 'online is true: every step trains on fresh samples, not on batches of the train set' : undefined,
  });
  if (problems.length > 0) throw new ConfigError(problems);
}
