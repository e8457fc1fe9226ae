import { describe, expect, it } from 'vitest';
import { BrowserFiles, UploadNotInTabError } from '../../src/app/browser-files';
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

  it('charts energyResidual as the rows come (each once the next step loss is back), the same rows as the CLI', async () => {
    const energy = parseConfig({ ...config, metrics: { every: 10, names: ['loss', 'energyResidual'] } });
    const session = new TrainingSession(energy, { requestGpu: getTestGpu, stepsPerFrame: 4, pace });
    const live: { step: number; energyResidual?: number; stepLossesThen: number }[] = [];
    session.addEventListener('metrics', (event) => {
      const row = (event as CustomEvent).detail;
      live.push({ step: row.step, energyResidual: row.energyResidual, stepLossesThen: session.stepLosses.length });
    });
    await session.start();
    const cli = await runExperiment(energy, { requestGpu: getTestGpu });
    expect(session.rows).toEqual(cli.metrics);
    // Every row but the last was charted while the run trained, with its residual, once L_{t+1} was back.
    const during = live.filter((row) => row.step < 60);
    expect(during.map((row) => row.step)).toEqual([0, 10, 20, 30, 40, 50]);
    for (const row of during) {
      expect(Number.isFinite(row.energyResidual), `step ${row.step}`).toBe(true);
      expect(row.stepLossesThen).toBeGreaterThan(row.step + 1);
    }
    expect(session.rows.at(-1)!.energyResidual).toBeNaN(); // no loss after the last step, as in the CLI
    await session.destroy();
  });

  it('plays on after the end: the same run for another run length, as the uninterrupted run of twice the steps', async () => {
    const energy = parseConfig({ ...config, metrics: { every: 10, names: ['loss', 'energyResidual'] } });
    const session = new TrainingSession(energy, { requestGpu: getTestGpu, stepsPerFrame: 8, pace });
    await session.start();
    expect(session.canContinue).toBe(true);
    let sources = 0;
    session.addEventListener('source', () => sources++);
    await session.continueRun();
    expect(session.live).toBeDefined(); // the ended state stays on screen until the new simulation draws
    await session.done;
    expect(session.status).toBe('completed');
    expect(sources).toBe(1);
    const twice = await runExperiment(parseConfig({ ...energy, steps: 120 }), { requestGpu: getTestGpu });
    expect(session.stepLosses).toEqual(twice.stepLosses);
    expect(session.rows).toEqual(twice.metrics); // the row at step 60 completed with L_61 this time
    expect(session.config.steps).toBe(120);
    const result = session.snapshot();
    expect(result.summary).toMatchObject({ stepsTaken: 120, finalLoss: twice.summary.finalLoss, status: 'completed' });
    expect(session.events).toContain('played on from step 60 to step 120');
    await session.destroy();
  });

  it('taken mid-run, result.json ends at its latest known loss: finalLoss is the loss at stepsTaken', async () => {
    // Rows every 50 steps, chunks of 4: the run pauses between rows, its step losses past the last row.
    const session = new TrainingSession(parseConfig({ ...config, steps: 10_000, metrics: { every: 50, names: ['loss'] } }), { requestGpu: getTestGpu, stepsPerFrame: 4, pace });
    const done = session.start();
    await expect.poll(() => session.stepLosses.length).toBeGreaterThan(12);
    session.pause();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the chunks in flight land
    // The case under test is a pause between rows: a pause that landed on a row step plays on and pauses again.
    while (session.stepLosses.length % 50 === 0) {
      const before = session.stepLosses.length;
      session.resume();
      await expect.poll(() => session.stepLosses.length).toBeGreaterThan(before);
      session.pause();
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const n = session.stepLosses.length;
    expect(n % 50).not.toBe(0);
    const { summary, stepLosses, metrics } = session.snapshot();
    expect(summary.stepsTaken).toBe(n - 1);
    expect(stepLosses).toEqual(session.stepLosses.slice(0, n - 1));
    expect(summary.finalLoss).toBe(session.stepLosses[n - 1]);
    expect(metrics.every((row) => row.step <= summary.stepsTaken)).toBe(true);
    await session.destroy();
    await done;
  });

  it('halts at once when replaced, even before its run started: no end reported, its buffers kept until destroyed', async () => {
    const long = parseConfig({ ...config, steps: 100_000 });
    const early = new TrainingSession(long, { requestGpu: getTestGpu, stepsPerFrame: 4, pace });
    let ends = 0;
    early.addEventListener('end', () => ends++);
    const started = early.start();
    early.halt();
    await started;
    expect(early.stepLosses.length).toBeLessThan(100);
    expect(ends).toBe(0);
    await early.destroy();

    const shown = new TrainingSession(long, { requestGpu: getTestGpu, stepsPerFrame: 4, pace });
    void shown.start();
    await expect.poll(() => shown.stepLosses.length).toBeGreaterThan(4);
    shown.halt();
    await shown.done;
    const standIn = shown.live!;
    expect(standIn).toBeDefined();
    const next = new TrainingSession(config, { requestGpu: getTestGpu, stepsPerFrame: 4, pace, standIn });
    expect(next.live).toBe(standIn); // while it starts, the replaced run's last state is what it shows
    let ownAtSource: unknown;
    next.addEventListener('source', () => (ownAtSource = next.live));
    await next.start();
    expect(ownAtSource).not.toBe(standIn);
    expect(next.live!.W).not.toBe(standIn.W);
    await shown.destroy();
    expect(shown.live).toBeUndefined();
    await next.destroy();
  });

  it('fails with a plain message when the link names an upload of another tab', async () => {
    const csv = parseConfig({ ...config, data: { kind: 'csv', path: 'upload:points.csv' } });
    const session = new TrainingSession(csv, { requestGpu: getTestGpu, readText: new BrowserFiles().readText, stepsPerFrame: 4, pace });
    await session.start();
    expect(session.status).toBe('failed');
    expect(session.error).toBeInstanceOf(UploadNotInTabError);
    expect(session.message).toMatch(/^This link trains on points\.csv, a file uploaded in another tab: uploaded files do not travel in links/);
  });
});
