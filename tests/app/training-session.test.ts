import { describe, expect, it } from 'vitest';
import { TrainingSession } from '../../src/app/training-session';
import { parseConfig } from '../../src/config/schema';
import { runExperiment } from '../../src/run/run-experiment';
import type { JsonWeights } from '../../src/models/two-layer/init-file';
import { getTestGpu } from '../helpers/gpu';

const config = parseConfig({
  steps: 60,
  stepsPerSubmit: 8,
  model: { width: 24 },
  data: { kind: 'teacher-student', sampleCount: 32, inputDim: 2, teacher: { kind: 'random', width: 2 } },
  optimizer: { learningRate: 0.5 },
  metrics: { every: 10, names: ['loss'] },
});
const pace = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('training session (the app run)', () => {
  it('trains like the CLI run of the same config, keeping its buffers to draw after the end', async () => {
    const session = new TrainingSession(config, { requestGpu: getTestGpu, stepsPerFrame: 5, pace });
    let sources = 0;
    session.addEventListener('source', () => sources++);
    await session.start();
    const cli = await runExperiment(config, { requestGpu: getTestGpu });
    expect(session.status).toBe('completed');
    expect(session.stepLosses).toEqual(cli.stepLosses);
    expect(session.rows).toEqual(cli.metrics);
    expect(sources).toBe(1);
    const live = session.live!;
    expect(live.W.size).toBe(24 * 2 * 4);
    expect(live.problem.target?.kind).toBe('teacher');
    const params = (await session.parameters()) as JsonWeights;
    expect(params.a).toHaveLength(24);
    expect(session.snapshot().summary.stepsTaken).toBe(60);
    await session.destroy();
  });

  it('pauses, steps once, changes the learning rate and the speed, and stops on a loss threshold', async () => {
    const session = new TrainingSession({ ...config, steps: 10_000 }, { requestGpu: getTestGpu, stepsPerFrame: 4, pace, startPaused: true, stopBelowLoss: 1e-3 });
    const done = session.start();
    await expect.poll(() => session.status).toBe('paused');
    session.stepOnce();
    await expect.poll(() => session.stepLosses.length).toBe(1);
    expect(() => session.setStepsPerFrame(9)).toThrow(/\[1, 8\]/);
    session.setStepsPerFrame(8);
    session.setLearningRate(1);
    session.resume();
    await done;
    expect(session.status).toBe('stopped');
    expect(session.message).toMatch(/fell below 0.001/);
    expect(session.stepLosses.at(-1)).toBeLessThan(1e-3);
    expect(session.stepLosses.length).toBeLessThan(10_000);
    await session.destroy();
  });

  it('hands a rate asked for before the start to the run, and carries a live rate across a batch-size switch', async () => {
    const session = new TrainingSession({ ...config, steps: 10_000 }, { requestGpu: getTestGpu, stepsPerFrame: 4, pace, startPaused: true });
    let sources = 0;
    session.addEventListener('source', () => sources++);
    expect(() => session.setLearningRate(-1)).toThrow(RangeError);
    session.setLearningRate(0.25);
    expect(session.learningRate).toBe(0.25);
    const done = session.start();
    await expect.poll(() => sources).toBe(1);
    // Attached: the simulation holds the rate now.
    expect(session.learningRate).toBe(0.25);
    session.stepOnce();
    await expect.poll(() => session.stepLosses.length).toBe(1);
    session.setLearningRate(0.35);
    expect(() => session.setLearningRate(NaN)).toThrow(RangeError);
    await session.setBatchSize(8);
    await expect.poll(() => sources).toBe(2);
    expect(session.learningRate).toBe(0.35);
    expect(session.config.optimizer.learningRate).toBe(0.5);
    await expect(session.setBatchSize(0)).rejects.toThrow(/batch size must be a positive integer/);
    await session.destroy();
    await done;
  });

  it('changes the batch size without a reset: the run continues from the same step and weights', async () => {
    const session = new TrainingSession({ ...config, steps: 400 }, { requestGpu: getTestGpu, stepsPerFrame: 4, pace });
    const done = session.start();
    await expect.poll(() => session.stepLosses.length).toBeGreaterThan(20);
    await session.setBatchSize(8);
    const switchedAt = session.stepLosses.length;
    await expect.poll(() => session.status, { timeout: 60_000 }).toBe('completed');
    await done;
    await session.done;
    expect(session.config.optimizer.batchSize).toBe(8);
    expect(session.stepLosses).toHaveLength(400);
    expect(session.stepLosses.every(Number.isFinite)).toBe(true);
    // Continuity: the first minibatch loss after the switch is on the same weights, so close to the full-batch loss there.
    expect(session.stepLosses[switchedAt]!).toBeLessThan(10 * session.stepLosses[switchedAt - 1]!);
    expect(session.events.some((event) => event.includes(`batch size changed to 8 at step ${switchedAt}`))).toBe(true);
    expect(session.rows.map((row) => row.step)).toEqual([...new Set(session.rows.map((row) => row.step))]);
    await session.destroy();
  });
});
