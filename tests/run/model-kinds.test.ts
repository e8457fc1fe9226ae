/**
 * Every model kind runs through the one run loop (src/run/run-experiment.ts): the linear model and the
 * landscape particles log at their own steps, resume from a checkpoint bit for bit on either backend,
 * take a new learning rate from the next step on, and survive a lost GPU device like the network does.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfigInput } from '../../src/config/schema';
import { losableGpu } from '../helpers/losable-gpu';
import { prepareRun, runExperiment } from '../../src/run/run-experiment';
import { getTestGpu } from '../helpers/gpu';

const linear: ExperimentConfigInput = {
  seed: 3,
  steps: 120,
  loss: 'logistic',
  model: { kind: 'linear', logging: 'every', stepsPerDispatch: 15 },
  data: { kind: 'linear-separable', sampleCount: 20, inputDim: 3, inputs: 'gaussian', margin: 0.2 },
  optimizer: { rule: { kind: 'momentum', beta: 0.5 }, learningRate: 0.5 },
  checkpointEvery: 30,
  metrics: { every: 30, names: ['loss', 'margin', 'weightNorm'] },
};

const landscape: ExperimentConfigInput = {
  steps: 120,
  model: {
    kind: 'landscape',
    // AdaGrad keeps an accumulator per particle, and B = 1 draws a random component per step: both must survive a checkpoint.
    spec: { kind: 'escape', particleCount: 64, learningRate: 0.5, optimizer: 'adagrad', batchSize: 1, exitAnchor: [1], exitRadius: 0.5, seed: 5 },
    start: { low: [0.5], high: [1.5] },
  },
  metrics: { every: 30, names: ['meanValue', 'meanSquaredNorm', 'escapedFraction', 'lyapunovEstimate'] },
};

const KINDS = [['linear', linear], ['landscape', landscape]] as const;

describe.each(KINDS)('the %s kind', (_kind, base) => {
  describe.each(['gpu', 'float64'] as const)('on the %s backend', (backend) => {
    const config = parseConfig({ ...base, backend });
    const simulation = async () => (await prepareRun(config)).createSimulation(getTestGpu);

    it('logs every metric at 0, every 30 steps and the end, with no per-step loss', async () => {
      const result = await runExperiment(config, { requestGpu: getTestGpu });
      expect(result.metrics.map((row) => row.step)).toEqual([0, 30, 60, 90, 120]);
      for (const row of result.metrics) expect(Object.keys(row)).toEqual(['step', ...config.metrics.names]);
      expect(result.stepLosses).toEqual([]);
      expect(result.summary).toMatchObject({ stepsTaken: 120, status: 'completed', backend });
    });

    it('restores a checkpoint to the same trajectory bit for bit', async () => {
      const first = await simulation();
      await first.submitSteps(7);
      await first.submitSteps(6);
      const checkpoint = await first.checkpoint();
      const atCheckpoint = await first.evaluate(config.metrics.names);
      await first.submitSteps(11);
      const continued = await first.evaluate(config.metrics.names);
      const second = await simulation();
      await second.submitSteps(3); // another state, replaced by the restore
      await second.restore(checkpoint);
      expect(second.stepsTaken).toBe(13);
      expect(await second.evaluate(config.metrics.names)).toEqual(atCheckpoint);
      // The same chunk after the restore: the GPU landscape adds each particle's log-growth once per chunk in float32.
      await second.submitSteps(11);
      expect(await second.evaluate(config.metrics.names)).toEqual(continued);
      expect(await second.readWeights()).toEqual(await first.readWeights());
      first.destroy();
      second.destroy();
    });

    it('takes a new learning rate from the next step on, and keeps it in its checkpoints', async () => {
      const changed = await simulation();
      await changed.submitSteps(10);
      const before = await changed.checkpoint();
      changed.setLearningRate(0.25);
      await changed.submitSteps(10);
      const after = await changed.checkpoint();
      expect(after.learningRate).toBe(0.25);
      const unchanged = await simulation();
      await unchanged.restore(before);
      await unchanged.submitSteps(10);
      expect(await unchanged.readWeights()).not.toEqual(await changed.readWeights());
      const replayed = await simulation();
      await replayed.restore({ ...before, learningRate: 0.25 });
      await replayed.submitSteps(10);
      expect(await replayed.readWeights()).toEqual(await changed.readWeights());
      for (const s of [changed, unchanged, replayed]) s.destroy();
    });
  });

  it('resumes from the last checkpoint on a new device, with the same metrics', async () => {
    const config = parseConfig({ ...base, checkpointEvery: 30 });
    const reference = await runExperiment(config, { requestGpu: getTestGpu });
    const gpu = losableGpu();
    const result = await runExperiment(config, { requestGpu: gpu.requestGpu, onMetrics: (row) => row.step >= 60 && gpu.loseFirst() });
    expect(gpu.devices.length).toBe(2);
    // The loss at step 60's metrics fails that step's checkpoint: the run resumes from step 30's.
    expect(result.summary.events.join('\n')).toMatch(/device lost near step 60 .*resumed from the checkpoint at step 30/);
    expect(result.metrics).toEqual(reference.metrics);
    gpu.destroyRest();
  });
});
