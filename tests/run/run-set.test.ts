import { describe, expect, it } from 'vitest';
import { parseConfig, type ExperimentConfigInput } from '../../src/config/schema';
import { expandSweep, runSetGroups, runSetProblem } from '../../src/config/run-set';
import { ConfigError } from '../../src/config/errors';
import { runExperiment, runRunSet } from '../../src/run/run-experiment';
import { prepareRunSet } from '../../src/models/run-set/prepare';
import { Scheduler } from '../../src/run/scheduler';
import { getTestGpu } from '../helpers/gpu';
import { losableGpu } from '../helpers/losable-gpu';
import { readFloat32 } from '../../src/gpu/buffers';
import type { RunSetSimulation } from '../../src/models/run-set/run-set-simulation';
import { DeviceLostError, type Simulation, type Weights } from '../../src/core/simulation';

const base: ExperimentConfigInput = {
  name: 'set',
  steps: 24,
  stepsPerSubmit: 5,
  checkpointEvery: 10,
  model: { width: 7, scaling: 'ntk' },
  data: { kind: 'teacher-student', sampleCount: 20, testCount: 6, inputDim: 3, seed: 4, teacher: { kind: 'random', width: 2 } },
  optimizer: { learningRate: 0.2 },
  metrics: { every: 8, names: ['loss', 'testLoss', 'gradNorm'] },
};

/** Members that differ in width, rate, seed, scaling, batch size and optimizer: every kind of part. */
const sweep = {
  'model.width': [1, 7],
  'optimizer.learningRate': [0.05, 0.2],
  seed: [3],
  'optimizer.batchSize': [20, 6],
};

describe.each(['gpu', 'float64'] as const)('run sets on the %s backend', (backend) => {
  const members = expandSweep({ ...base, backend, sweep } as Record<string, unknown>);
  const configs = members.map((member) => member.config);

  it('trains every member exactly as it runs alone: step losses and metric rows bit for bit', async () => {
    const together = await runRunSet(configs, { requestGpu: getTestGpu });
    expect(together).toHaveLength(8);
    for (const [k, config] of configs.entries()) {
      const alone = await runExperiment(config, { requestGpu: getTestGpu });
      expect(together[k]!.stepLosses, `member ${k} step losses`).toEqual(alone.stepLosses);
      expect(together[k]!.metrics, `member ${k} metrics`).toEqual(alone.metrics);
      expect(together[k]!.config).toBe(config);
      expect(together[k]!.summary.status).toBe('completed');
    }
  });

  it('keeps training the other members when one diverges, and cuts the diverged one at its step', async () => {
    const mixed = expandSweep({ ...base, backend, steps: 300, model: { width: 8, scaling: 'standard' }, sweep: { 'optimizer.learningRate': [0.01, 60] } } as Record<string, unknown>);
    const [calm, wild] = await runRunSet(mixed.map((m) => m.config), { requestGpu: getTestGpu });
    expect(calm!.summary.status).toBe('completed');
    expect(calm!.stepLosses).toHaveLength(300);
    expect(wild!.summary.diverged).toBe(true);
    const k = wild!.summary.divergedAt!;
    expect(wild!.stepLosses).toHaveLength(k + 1);
    expect(wild!.metrics.every((row) => row.step <= k)).toBe(true);
    const alone = await runExperiment(mixed[1]!.config, { requestGpu: getTestGpu });
    expect(wild!.stepLosses).toEqual(alone.stepLosses);
    expect(wild!.metrics).toEqual(alone.metrics);
  });

  it('batches the full-batch GD members into lanes on the GPU, and runs every member alone in float64', async () => {
    const set = await prepareRunSet(configs);
    // Widths 1 and 7 pad too much to share a lane; the SGD members (batch size 6) step alone.
    expect(set.groups).toEqual(backend === 'gpu' ? [[0, 2], [1], [3], [4, 6], [5], [7]] : configs.map((_, k) => [k]));
  });

  it('keeps every member\'s live parameter buffers current for views, lanes included', async () => {
    const set = await prepareRunSet(configs);
    const simulation = await set.createSimulation(getTestGpu) as RunSetSimulation;
    const live = configs.map((_, k) => simulation.memberLiveParameters(k));
    await Promise.all([simulation.submitSteps(5), simulation.submitSteps(3)]);
    const weights = (await simulation.readWeights()) as readonly Weights[];
    for (const [k, buffers] of live.entries()) {
      if (backend === 'float64') {
        expect(buffers).toBeUndefined();
        continue;
      }
      const { gpu, a, W } = buffers!;
      expect(Array.from(await readFloat32(gpu, a, weights[k]!.a.length)), `member ${k} a`).toEqual(Array.from(weights[k]!.a));
      expect(Array.from(await readFloat32(gpu, W, weights[k]!.W.length)), `member ${k} W`).toEqual(Array.from(weights[k]!.W));
    }
    simulation.destroy();
  });

  it('restores a checkpoint of the whole set to the same trajectories', async () => {
    const set = await prepareRunSet(configs);
    const first = await set.createSimulation(getTestGpu);
    expect(first.memberCount).toBe(8);
    await Promise.all([first.submitSteps(5), first.submitSteps(4)]);
    const checkpoint = await first.checkpoint();
    const continued = Array.from(await first.submitSteps(5));
    expect(continued).toHaveLength(5 * 8);
    const second = await set.createSimulation(getTestGpu);
    await second.submitSteps(2);
    await second.restore(checkpoint);
    expect(second.stepsTaken).toBe(9);
    expect(Array.from(await second.submitSteps(5))).toEqual(continued);
    first.destroy();
    second.destroy();
  });

  it('changes member 0 to a live rate and keeps every other member at its ratio to it', async () => {
    const set = await prepareRunSet(configs);
    const simulation = await set.createSimulation(getTestGpu);
    const scheduler = new Scheduler(simulation, { totalSteps: 10, stepsPerSubmit: 5, metricsEvery: 10, metricNames: ['loss'], checkpointEvery: 0 });
    expect(simulation.learningRate).toBe(0.05);
    scheduler.setLearningRate(0.1);
    expect(simulation.learningRate).toBe(0.1);
    const rates = ((await simulation.checkpoint()).parts ?? []).map((part) => part.learningRate);
    expect(rates.length).toBeGreaterThan(0);
    for (const rate of rates) expect([0.1, 0.4]).toContain(rate);
    expect(() => scheduler.setLearningRate(-1)).toThrow(RangeError);
    expect(simulation.learningRate).toBe(0.1);
    simulation.destroy();
  });
});

describe('run sets: grouping and validation', () => {
  it('groups configs that share data, length and logging; names the shared field that differs', () => {
    const configs = [
      parseConfig({ ...base, model: { width: 4 } }),
      parseConfig({ ...base, model: { width: 9 }, optimizer: { learningRate: 0.3, batchSize: 5 } }),
      parseConfig({ ...base, steps: 30 }),
      parseConfig({ ...base, data: { ...base.data, sampleCount: 21 } } as ExperimentConfigInput),
      parseConfig({ ...base, seed: 11 }),
    ];
    expect(runSetGroups(configs)).toEqual([[0, 1, 4], [2], [3]]);
    expect(runSetProblem([configs[0]!, configs[2]!])).toMatch(/^steps must be the same for every member of a run set: member 0 has 24, member 1 has 30/);
    expect(runSetProblem([])).toMatch(/at least one member/);
  });

  it('expands a sweep block into validated members, naming the point of a bad value', () => {
    const members = expandSweep({ ...base, sweep: { 'model.width': [2, 3], 'model.scaling': ['ntk', 'mean-field'] } } as Record<string, unknown>);
    expect(members.map((m) => [m.config.model.kind === 'two-layer' && m.config.model.width, m.config.model.kind === 'two-layer' && m.config.model.scaling])).toEqual([[2, 'ntk'], [2, 'mean-field'], [3, 'ntk'], [3, 'mean-field']]);
    expect(members[1]!.overrides).toEqual({ 'model.width': 2, 'model.scaling': 'mean-field' });
    expect(members.every((m) => m.config.sweep === undefined)).toBe(true);
    expect(() => expandSweep({ ...base, sweep: { 'model.width': [2, -1] } } as Record<string, unknown>)).toThrow(/sweep point model.width=-1.*model.width: got -1/s);
    expect(() => expandSweep({ ...base, sweep: { steps: [10, 20] } } as Record<string, unknown>)).toThrow(ConfigError);
    expect(() => expandSweep({ ...base, sweep: { 'model.width': [] } } as Record<string, unknown>)).toThrow(/sweep.model.width/);
  });
});

describe('run sets: device loss', () => {
  it('resumes the whole set from its last checkpoint on a new device with the same losses', async () => {
    const configs = expandSweep({ ...base, steps: 40, sweep: { 'model.width': [3, 7], 'optimizer.batchSize': [20, 6] } } as Record<string, unknown>).map((m) => m.config);
    const reference = await runRunSet(configs, { requestGpu: getTestGpu });
    const gpu = losableGpu();
    const results = await runRunSet(configs, { requestGpu: gpu.requestGpu, onProgress: (event) => event.step >= 25 && gpu.loseFirst() });
    expect(gpu.devices.length).toBeGreaterThanOrEqual(2);
    results.forEach((result, k) => {
      expect(result.summary.events.join('\n')).toMatch(/device lost .*resumed from the checkpoint at step 20/);
      expect(result.stepLosses).toEqual(reference[k]!.stepLosses);
      expect(result.metrics).toEqual(reference[k]!.metrics);
    });
    gpu.destroyRest();
  });
});

describe('run sets: divergence found at a logged step', () => {
  /** Two members whose step losses stay finite; member 1's loss is NaN at every logged step from step 4 on. */
  function stub(): Simulation<unknown> {
    let stepsTaken = 0;
    return {
      backend: 'float64', device: 'stub', memberCount: 2, reportsStepLoss: true, learningRate: 1,
      get stepsTaken() {
        return stepsTaken;
      },
      async submitSteps(stepCount) {
        const losses = Array.from({ length: stepCount * 2 }, (_, i) => stepsTaken + Math.floor(i / 2));
        stepsTaken += stepCount;
        return losses;
      },
      async evaluate() {
        return [{ loss: stepsTaken }, { loss: stepsTaken >= 4 ? NaN : stepsTaken }];
      },
      setLearningRate() {},
      async checkpoint() {
        return { backend: 'float64', stepsTaken, learningRate: 1, weights: [], optimizerState: [] };
      },
      async restore() {},
      async readWeights() {
        return [];
      },
      destroy() {},
    } as Simulation<unknown>;
  }

  it('keeps what the member alone would have: the steps before the logged one, no loss of that step', async () => {
    const outcome = await new Scheduler(stub(), { totalSteps: 12, stepsPerSubmit: 2, metricsEvery: 4, metricNames: ['loss'], checkpointEvery: 0 }).run();
    const [calm, wild] = outcome.members;
    expect(calm!.stepLosses).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(calm!.rows.map((row) => row.step)).toEqual([0, 4, 8, 12]);
    expect(wild!.divergedAt).toBe(4);
    expect(wild!.stepLosses).toEqual([0, 1, 2, 3]);
    expect(wild!.rows.map((row) => row.step)).toEqual([0, 4]);
    expect(wild!.stepsTaken).toBe(4);
  });
});

describe('scheduler: a device lost with two chunks in flight', () => {
  /** One member; every chunk submitted from step `lostFrom` on rejects a tick later, as on a destroyed device. */
  function losing(lostFrom: number): Simulation<unknown> {
    let stepsTaken = 0;
    return {
      backend: 'gpu', device: 'stub', memberCount: 1, reportsStepLoss: true, learningRate: 1,
      get stepsTaken() {
        return stepsTaken;
      },
      submitSteps(stepCount) {
        const first = stepsTaken;
        stepsTaken += stepCount;
        const losses = Array.from({ length: stepCount }, (_, t) => first + t);
        return new Promise((resolve, reject) => setTimeout(() => (first >= lostFrom ? reject(new DeviceLostError('stub device destroyed')) : resolve(losses)), 1));
      },
      async evaluate() {
        return [{ loss: stepsTaken }];
      },
      setLearningRate() {},
      async checkpoint() {
        return { backend: 'gpu', stepsTaken, learningRate: 1, weights: [], optimizerState: [] };
      },
      async restore(checkpoint) {
        stepsTaken = checkpoint.stepsTaken;
      },
      async readWeights() {
        return [];
      },
      destroy() {},
    } as Simulation<unknown>;
  }

  it('handles the second chunk\'s rejection too and resumes from the checkpoint (no unhandled rejection ends the process)', async () => {
    // Chunks [4, 6) and [6, 8) are both in flight when [4, 6) fails: the next boundary is the checkpoint at 10.
    const scheduler = new Scheduler(losing(4), {
      totalSteps: 12, stepsPerSubmit: 2, metricsEvery: 100, metricNames: ['loss'], checkpointEvery: 10,
      recover: async (checkpoint) => {
        const fresh = losing(Infinity);
        await fresh.restore(checkpoint!);
        return fresh;
      },
    });
    const outcome = await scheduler.run();
    // Let any rejection left unhandled surface before the test ends (vitest fails the run on one).
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(outcome.events.join('\n')).toMatch(/device lost .*resumed from the checkpoint at step 0/);
    expect(outcome.members[0]!.stepLosses).toEqual(Array.from({ length: 12 }, (_, t) => t));
    expect(outcome.stepsTaken).toBe(12);
  });
});
