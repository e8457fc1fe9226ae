/**
 * The arrays a two-layer run allocates to train (the weights, their gradients and update state, the data on the
 * device, the activations of each pass) on either backend, as the trainer (trainer.ts, passes.ts), the evaluators
 * (gpu-evaluator.ts) and the float64 twin (src/float64/two-layer*.ts) size them.
 */
import type { NetworkExperimentConfig } from '../../config/schema';
import { field, sized, type BufferEstimate } from '../footprint';
import type { NetworkSizes } from './footprint-sizes';

/** The initial weights, drawn in float64 and kept as float32 (12 bytes each; the sphere's projection 12 more). */
export function initialWeightBuffers(s: NetworkSizes, config: NetworkExperimentConfig): BufferEstimate[] {
  const bytesPerElement = config.model.sphere ? 24 : 12;
  return [
    sized('the initial first-layer weights W', 'host', [s.width, s.inputs], { bytesPerElement }),
    sized('the initial output weights a', 'host', [s.width], { bytesPerElement: 12, copies: s.hasBias ? 2 : 1 }),
  ];
}

/**
 * On the GPU: X uploaded by the trainer and by the train evaluator; W, a (and b) with the trainer's gradient, one
 * gradient per evaluator, and the rule's state; H [B x m] for the step and [n x m] per evaluated set.
 */
export function gpuTrainingBuffers(s: NetworkSizes, config: NetworkExperimentConfig): BufferEstimate[] {
  const evaluatedSets = s.testSamples ? 2 : 1;
  const parameterCopies = 2 + evaluatedSets + s.stateCopies;
  const minibatch = s.gathersBatch && !config.online;
  const steps = field('stepsPerSubmit', config.stepsPerSubmit);
  return [
    sized('the train inputs X', 'gpu', [s.samples, s.inputs], { copies: 2 }),
    ...(s.testSamples ? [sized('the test inputs', 'gpu', [s.testSamples, s.inputs])] : []),
    sized('the first-layer weights W', 'gpu', [s.width, s.inputs], { copies: parameterCopies }),
    sized('the output weights a', 'gpu', [s.width], { copies: parameterCopies * (s.hasBias ? 2 : 1) }),
    ...(s.gathersBatch
      ? [
          sized('the hidden activations H of a step', 'gpu', [s.batch, s.width]),
          sized('the hidden activations H on the train set', 'gpu', [s.samples, s.width]),
          sized('the inputs of a step', 'gpu', [s.batch, s.inputs]),
        ]
      : [sized('the hidden activations H', 'gpu', [s.samples, s.width], { copies: 2 })]),
    ...(s.testSamples ? [sized('the hidden activations H on the test set', 'gpu', [s.testSamples, s.width])] : []),
    ...(minibatch && !config.optimizer.withReplacement ? [sized('the batch sampler\'s shuffle', 'gpu', [s.samples])] : []),
    // y, f, the per-sample losses and dL/df, per set (the centered offsets f0 beside them).
    sized('the per-sample labels, outputs and losses', 'gpu', [s.samples], { copies: 5 * evaluatedSets }),
    // The loss log and its two staging buffers.
    sized('the per-submit loss log', 'gpu', [steps], { copies: 3 }),
  ];
}

/** On the host beside a GPU run: the parameters read back (checkpoints, metrics), with the rule's state, twice over. */
export function gpuHostBuffers(s: NetworkSizes): BufferEstimate[] {
  const copies = 2 * (1 + s.stateCopies);
  return [
    sized('the parameters read back (checkpoints, metrics)', 'host', [s.width, s.perNeuron], { copies }),
  ];
}

/**
 * The float64 backend: the parameters with their gradient, the update's result, the rule's state and a checkpoint's
 * copy; per step the pre-activations, activations and ReLU-gated gradient [B x m]; per evaluated set two [n x m].
 */
export function float64TrainingBuffers(s: NetworkSizes): BufferEstimate[] {
  const bytesPerElement = 8;
  return [
    sized('the float64 parameters', 'host', [s.width, s.perNeuron], { bytesPerElement, copies: 4 + s.stateCopies }),
    sized('the float64 activations of a step', 'host', [s.batch, s.width], { bytesPerElement, copies: 3 }),
    sized('the float64 activations on the train set', 'host', [s.samples, s.width], { bytesPerElement, copies: 2 }),
    ...(s.testSamples ? [sized('the float64 activations on the test set', 'host', [s.testSamples, s.width], { bytesPerElement, copies: 2 })] : []),
    ...(s.gathersBatch ? [sized('the float64 inputs of a step', 'host', [s.batch, s.inputs], { bytesPerElement })] : []),
  ];
}
