import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfigInput } from '../../src/config/schema';
import { prepareRun, runExperiment } from '../../src/run/run-experiment';
import { losableGpu } from '../helpers/losable-gpu';
import { Scheduler } from '../../src/run/scheduler';
import { getTestGpu } from '../helpers/gpu';

const small: ExperimentConfigInput = {
  name: 'small',
  steps: 40,
  stepsPerSubmit: 7,
  checkpointEvery: 10,
  model: { width: 16, scaling: 'ntk' },
  data: { kind: 'teacher-student', sampleCount: 24, testCount: 8, inputDim: 3, teacher: { kind: 'random', width: 2 } },
  optimizer: { learningRate: 0.2, batchSize: 6 },
  metrics: { every: 10, names: ['loss', 'testLoss', 'gradNorm'] },
};

describe.each(['gpu', 'float64'] as const)('scheduler on the %s backend', (backend) => {
  const config = parseConfig({ ...small, backend });

  async function simulation() {
    return (await prepareRun(config)).createSimulation(getTestGpu);
  }

  it('logs metrics at every boundary and every step loss once', async () => {
    const result = await runExperiment(config, { requestGpu: getTestGpu });
    expect(result.metrics.map((row) => row.step)).toEqual([0, 10, 20, 30, 40]);
    expect(result.stepLosses).toHaveLength(40);
    expect(result.stepLosses.every(Number.isFinite)).toBe(true);
    for (const row of result.metrics) for (const name of ['loss', 'testLoss', 'gradNorm']) expect(Number.isFinite(row[name])).toBe(true);
    expect(result.metrics.at(-1)!.loss).toBeLessThan(result.metrics[0]!.loss!);
    expect(result.summary.status).toBe('completed');
  });

  it.each([
    ['plain GD', {}],
    ['Adam (moments in the checkpoint)', { rule: 'adam', learningRate: 0.01 }],
    ['SGD with momentum and a cosine schedule', { rule: { kind: 'momentum', beta: 0.9 }, learningRate: 0.05, schedule: { kind: 'cosine', decaySteps: 20 } }],
  ])('restores a checkpoint to the same trajectory bit for bit: %s', async (_name, optimizer) => {
    const withRule = parseConfig({ ...small, backend, optimizer: { ...small.optimizer, ...optimizer } });
    const simulation = async () => (await prepareRun(withRule)).createSimulation(getTestGpu);
    const first = await simulation();
    await Promise.all([first.submitSteps(7), first.submitSteps(6)]);
    const checkpoint = await first.checkpoint();
    const continued = Array.from(await first.submitSteps(7));
    const second = await simulation();
    await second.submitSteps(3); // another state, replaced by the restore
    await second.restore(checkpoint);
    expect(second.stepsTaken).toBe(13);
    expect(Array.from(await second.submitSteps(7))).toEqual(continued);
    first.destroy();
    second.destroy();
  });

  it('hands a live rate down to the simulation, which holds it, checkpoints it and continues at it', async () => {
    const changed = await simulation();
    const scheduler = new Scheduler(changed, { totalSteps: 100, stepsPerSubmit: 5, metricsEvery: 50, metricNames: ['loss'], checkpointEvery: 0 });
    expect(changed.learningRate).toBe(0.2);
    await changed.submitSteps(5);
    const before = await changed.checkpoint();
    expect(before.learningRate).toBe(0.2);
    scheduler.setLearningRate(0.05);
    expect(changed.learningRate).toBe(0.05);
    expect(() => scheduler.setLearningRate(-1)).toThrow(RangeError);
    expect(changed.learningRate).toBe(0.05);
    const after = Array.from(await changed.submitSteps(5));
    expect((await changed.checkpoint()).learningRate).toBe(0.05);
    // A restore at the new rate takes the same steps; one at the old rate does not.
    const replayed = await simulation();
    await replayed.restore({ ...before, learningRate: 0.05 });
    expect(Array.from(await replayed.submitSteps(5))).toEqual(after);
    await replayed.restore(before);
    expect(replayed.learningRate).toBe(0.2);
    expect(Array.from(await replayed.submitSteps(5))).not.toEqual(after);
    changed.destroy();
    replayed.destroy();
  });

  it('pauses, steps once, resumes and stops between chunks', async () => {
    const sim = await simulation();
    const scheduler = new Scheduler(sim, { totalSteps: 100_000, stepsPerSubmit: 5, metricsEvery: 50, metricNames: ['loss'], checkpointEvery: 0 });
    scheduler.pause();
    const outcome = scheduler.run();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sim.stepsTaken).toBe(0);
    scheduler.stepOnce();
    await expect.poll(() => sim.stepsTaken).toBe(1);
    scheduler.stepOnce();
    await expect.poll(() => sim.stepsTaken).toBe(2);
    scheduler.resume();
    await expect.poll(() => sim.stepsTaken, { timeout: 20_000 }).toBeGreaterThan(12);
    scheduler.stop();
    const result = await outcome;
    expect(result.stopped).toBe(true);
    expect(result.stepsTaken).toBeLessThan(100_000);
    expect(result.members).toHaveLength(1);
    expect(result.members[0]!.stepLosses).toHaveLength(result.stepsTaken);
    expect(result.members[0]!.rows.at(-1)!.step).toBe(result.stepsTaken);
    sim.destroy();
  });

  it('ends on a stop and resume that arrive while a paused run still drains its chunks (no lost wake-up)', async () => {
    const sim = await simulation();
    // Each chunk's losses arrive only when the test opens that chunk's gate.
    const gates: (() => void)[] = [];
    const submit = sim.submitSteps.bind(sim);
    sim.submitSteps = (stepCount) => {
      const losses = submit(stepCount);
      return new Promise<void>((open) => gates.push(open)).then(() => losses);
    };
    const scheduler = new Scheduler(sim, { totalSteps: 100_000, stepsPerSubmit: 5, metricsEvery: 50_000, metricNames: ['loss'], checkpointEvery: 0 });
    const outcome = scheduler.run();
    await expect.poll(() => gates.length).toBe(2); // two chunks in flight: the loop waits on the first
    scheduler.pause();
    gates[0]!();
    await new Promise((resolve) => setTimeout(resolve, 50)); // the paused loop now drains the second chunk
    scheduler.stop();
    scheduler.resume();
    gates[1]!();
    const ended = await Promise.race([outcome.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 10_000))]);
    expect(ended).toBe(true);
    const result = await outcome;
    expect(result.stopped).toBe(true);
    expect(result.stepsTaken).toBe(10);
    sim.destroy();
  });

  it('paces one chunk per pace() call and changes the chunk size between chunks', async () => {
    const sim = await simulation();
    const chunkSizes: number[] = [];
    let paced = 0;
    let scheduler: Scheduler | undefined;
    let previous = 0;
    const pace = async () => {
      paced++;
      if (paced === 3) scheduler!.setStepsPerSubmit(2);
    };
    scheduler = new Scheduler(sim, { totalSteps: 20, stepsPerSubmit: 5, metricsEvery: 20, metricNames: ['loss'], checkpointEvery: 0, pace });
    scheduler.onProgress((event) => {
      chunkSizes.push(event.step - previous);
      previous = event.step;
    });
    expect(() => scheduler!.setStepsPerSubmit(6)).toThrow(/\[1, 5\]/);
    const result = await scheduler.run();
    expect(result.members[0]!.stepLosses).toHaveLength(20);
    expect(chunkSizes).toEqual([5, 5, 2, 2, 2, 2, 2]);
    expect(paced).toBe(chunkSizes.length);
    sim.destroy();
  });

  it('runs stepsPerSubmit steps per pace() even when logged steps cut the chunks short', async () => {
    const sim = await simulation();
    const chunkSizes: number[] = [];
    const pacedAt: number[] = [];
    let previous = 0;
    const pace = async () => pacedAt.push(sim.stepsTaken);
    const scheduler = new Scheduler(sim, { totalSteps: 20, stepsPerSubmit: 4, metricsEvery: 5, metricNames: ['loss'], checkpointEvery: 0, pace });
    scheduler.onProgress((event) => {
      chunkSizes.push(event.step - previous);
      previous = event.step;
    });
    const result = await scheduler.run();
    expect(result.members[0]!.rows.map((row) => row.step)).toEqual([0, 5, 10, 15, 20]);
    // A frame's 4 steps are split at the logged steps 5, 10 and 15, not shortened: 5 frames, not 8.
    expect(chunkSizes).toEqual([4, 1, 3, 2, 2, 3, 1, 4]);
    expect(pacedAt).toEqual([0, 4, 8, 12, 16]);
    sim.destroy();
  });

  it('reports divergence as a result, keeping the metrics up to the divergent step', async () => {
    // Far beyond 2/sharpness: the iterates blow up within a few dozen steps.
    const diverging = parseConfig({ ...small, backend, steps: 400, optimizer: { learningRate: 50 }, model: { width: 16, scaling: 'standard' } });
    const result = await runExperiment(diverging, { requestGpu: getTestGpu });
    expect(result.summary.diverged).toBe(true);
    const k = result.summary.divergedAt!;
    expect(result.summary.status).toBe(`diverged at step ${k}`);
    expect(k).toBeLessThan(400);
    expect(result.stepLosses).toHaveLength(k + 1);
    expect(Number.isFinite(result.stepLosses[k]!)).toBe(false);
    // The summary's final loss is the one that ended the run (issue 14: it printed the step-0 loss).
    expect(Number.isFinite(result.summary.finalLoss)).toBe(false);
    expect(result.stepLosses.slice(0, k).every(Number.isFinite)).toBe(true);
    expect(result.metrics.every((row) => row.step <= k)).toBe(true);
  });
});

describe('device loss', () => {
  it('resumes from the last checkpoint on a new device and says so, with the same losses', async () => {
    const config = parseConfig({ ...small, steps: 60, stepsPerSubmit: 5 });
    const reference = await runExperiment(config, { requestGpu: getTestGpu });
    const gpu = losableGpu();
    const live: string[] = [];
    const result = await runExperiment(config, {
      onEvent: (event) => live.push(event),
      requestGpu: gpu.requestGpu,
      onProgress: (event) => event.step >= 25 && gpu.loseFirst(),
    });
    expect(gpu.devices.length).toBe(2);
    expect(result.summary.events.join('\n')).toMatch(/device lost .*resumed from the checkpoint at step 20/);
    expect(live).toEqual(result.summary.events);
    expect(result.summary.status).toBe('completed');
    expect(result.stepLosses).toEqual(reference.stepLosses);
    expect(result.metrics.map((row) => row.step)).toEqual(reference.metrics.map((row) => row.step));
    gpu.destroyRest();
  });

  it('keeps a rate changed after the last checkpoint when it resumes on a new device', async () => {
    const config = parseConfig({ ...small, steps: 60, stepsPerSubmit: 5 });
    const gpu = losableGpu();
    let scheduler: Scheduler | undefined;
    const result = await runExperiment(config, {
      requestGpu: gpu.requestGpu,
      onScheduler: (created) => (scheduler = created),
      onProgress: (event) => {
        // The rate changes after the checkpoint at step 20, just before the device is lost.
        if (event.step >= 25 && gpu.devices.length === 1) {
          scheduler!.setLearningRate(0.05);
          gpu.loseFirst();
        }
      },
    });
    expect(gpu.devices.length).toBe(2);
    expect(result.summary.events.join('\n')).toMatch(/resumed from the checkpoint at step 20/);
    // The checkpoint at step 20 holds 0.2; the run goes on at the rate asked for last.
    expect(scheduler!.currentSimulation.learningRate).toBe(0.05);
    expect(result.summary.status).toBe('completed');
    gpu.destroyRest();
  });
});
