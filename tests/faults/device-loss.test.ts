/**
 * Issue 14, defect 1: a lost GPU device is recovered at every moment of a run, for every model kind. Each
 * case loses the run's first device at one moment (while the simulation is built, during the first
 * checkpoint's read-back, then also the device that replaces it while the run is rebuilt, with chunks in
 * flight, during a later checkpoint's read-back) and asserts the run ends exactly as the uninterrupted one did
 * (step losses, metric rows, final loss, steps taken, status), with each loss in its events. Tiny shapes:
 * SwiftShader runs it; the uninterrupted runs are shared per kind. Last, DeviceLossWatch.build on stand-ins.
 */
import { describe, expect, it } from 'vitest';
import { DeviceLostError } from '../../src/core/simulation';
import { DeviceLossWatch } from '../../src/gpu/device-loss';
import { parseConfig, type ExperimentConfig, type ExperimentConfigInput } from '../../src/config/schema';
import { runRunSet, type ExperimentResult, type RunOptions } from '../../src/run/run-experiment';
import { faultyGpu, type FaultyGpu } from '../helpers/fault-gpu';
import { getTestGpu } from '../helpers/gpu';

/** Checkpoints and metrics every 10 steps: the later checkpoint lost is step 20's, the run resumes from step 10's. */
const EVERY = 10;

const network: ExperimentConfigInput = {
  seed: 5,
  steps: 30,
  stepsPerSubmit: 2,
  checkpointEvery: EVERY,
  kernels: { matmul: 'register' },
  model: { width: 8, scaling: 'ntk' },
  data: { kind: 'teacher-student', sampleCount: 16, testCount: 4, inputDim: 3, seed: 2, teacher: { kind: 'random', width: 2 } },
  optimizer: { learningRate: 0.2 },
  metrics: { every: EVERY, names: ['loss', 'testLoss', 'gradNorm'] },
};

/** SGD with momentum: a minibatch stream and optimizer state, both in the checkpoint. */
const sgd = { learningRate: 0.05, batchSize: 4, rule: { kind: 'momentum', beta: 0.9 } };

const linear: ExperimentConfigInput = {
  seed: 3,
  steps: 30,
  loss: 'logistic',
  checkpointEvery: EVERY,
  model: { kind: 'linear', logging: 'every', stepsPerDispatch: 2 },
  data: { kind: 'linear-separable', sampleCount: 16, inputDim: 3, inputs: 'gaussian', margin: 0.2 },
  optimizer: { rule: { kind: 'momentum', beta: 0.5 }, learningRate: 0.5 },
  metrics: { every: EVERY, names: ['loss', 'margin', 'weightNorm'] },
};

/** An expression landscape: its gradient check reads back during set-up; AdaGrad's accumulators and the noise stream must survive. */
const landscape: ExperimentConfigInput = {
  steps: 30,
  model: {
    kind: 'landscape',
    spec: {
      kind: 'expression', dim: 2, particleCount: 16, learningRate: 0.1, optimizer: 'adagrad', noiseStd: 0.1, seed: 7,
      value: '0.5 * x[0] * x[0] + 0.25 * x[1] * x[1] * x[1] * x[1] - 0.5 * x[1] * x[1]',
      gradient: ['x[0]', 'x[1] * x[1] * x[1] - x[1]'],
    },
    start: { low: [-1, -1], high: [1, 1] },
  },
  metrics: { every: EVERY, names: ['meanValue', 'meanSquaredNorm'] },
};

const config = (input: ExperimentConfigInput, override: object = {}) => parseConfig({ ...input, ...override } as ExperimentConfigInput);

/** Each kind as the configs of one run set (a single run: a set of one) and how its members step. */
const KINDS: readonly { name: string; configs: readonly ExperimentConfig[]; groups: number[][] }[] = [
  { name: 'two-layer GD', configs: [config(network)], groups: [[0]] },
  { name: 'two-layer SGD', configs: [config(network, { optimizer: sgd })], groups: [[0]] },
  { name: 'linear', configs: [config(linear)], groups: [[0]] },
  { name: 'landscape', configs: [config(landscape)], groups: [[0]] },
  {
    // Members 0 and 1 (equal widths: a lane pads to the widest) share a batched lane, the set's first part and so
    // the one on the lost device; member 2 steps alone.
    name: 'two-layer run set',
    configs: [config(network), config(network, { seed: 6, model: { width: 8, scaling: 'standard' }, optimizer: { learningRate: 0.1 } }), config(network, { optimizer: sgd })],
    groups: [[0, 1], [2]],
  },
];

/** Where the first device is lost, what the run's events must say (one line each, in order), and the RunOptions that arm the loss. */
interface Moment {
  readonly name: string;
  readonly events: readonly RegExp[];
  arm(gpu: FaultyGpu): RunOptions;
}

const MOMENTS: readonly Moment[] = [
  {
    name: 'during set-up',
    // Set-up fails on the lost device (the next buffer cannot be mapped) and is built again on a new one.
    events: [/^GPU device lost while the run was set up \(GPU device lost \(destroyed: /],
    arm: (gpu) => {
      gpu.loseAfter('buffer', 2);
      return {};
    },
  },
  {
    name: 'at the first checkpoint',
    events: [/^GPU device lost near step 0 .*resumed from step 0, where the run started/],
    // The simulation is built and nothing has run: the next read-back is step 0's checkpoint.
    arm: (gpu) => ({ onScheduler: () => gpu.loseAfter('read-back') }),
  },
  {
    name: 'again while the run is set up on the new device',
    events: [/^GPU device lost while the run was set up on a new device after a device loss \(GPU device lost \(destroyed: /, /^GPU device lost near step 0 .*resumed from step 0, where the run started/],
    // Lost at the first checkpoint, and the device that replaces it is lost while the run is built on it.
    arm: (gpu) => ({
      onScheduler: () => {
        gpu.loseAfter('read-back');
        gpu.thenLoseNextAfter('buffer', 2);
      },
    }),
  },
  {
    name: 'with two chunks in flight',
    // Two 2-step chunks after the checkpoint at step 10 (the landscape submits one chunk per 10 steps: one in flight).
    events: [/^GPU device lost near step (14|20) .*resumed from the checkpoint at step 10/],
    arm: (gpu) => ({
      onCheckpoint: async (checkpoint) => {
        if (checkpoint.stepsTaken === EVERY && gpu.losses === 0) gpu.loseAfter('submit', 2);
      },
    }),
  },
  {
    name: 'during a later checkpoint',
    events: [/^GPU device lost near step 20 .*resumed from the checkpoint at step 10/],
    // Step 20's rows are logged and nothing is in flight: the next read-back is step 20's checkpoint.
    arm: (gpu) => ({ onMetrics: (row, member) => row.step === 2 * EVERY && member === 0 && gpu.losses === 0 && gpu.loseAfter('read-back') }),
  },
];

/** What must not change when the device is lost: everything the run reports, bit for bit. */
function outcome(results: readonly ExperimentResult[]) {
  return results.map(({ stepLosses, metrics, summary }) => ({ stepLosses, metrics, finalLoss: summary.finalLoss, stepsTaken: summary.stepsTaken, status: summary.status }));
}

describe.each(KINDS)('device loss: $name', ({ configs, groups }) => {
  let uninterrupted: Promise<ExperimentResult[]> | undefined;
  const baseline = () => (uninterrupted ??= runRunSet(configs, { requestGpu: getTestGpu }));

  it.each(MOMENTS)('recovers from a loss $name to the uninterrupted result', async (moment) => {
    const expected = outcome(await baseline());
    const gpu = faultyGpu(getTestGpu);
    let stepped: readonly (readonly number[])[] = [];
    // The test device stands in for every new device; the first (lost) device is the set's first part's.
    const results = await runRunSet(configs, { requestGpu: gpu.requestGpu, onGroups: (g) => (stepped = g), ...moment.arm(gpu) });
    expect(stepped).toEqual(groups);
    expect(gpu.losses).toBe(moment.events.length);
    for (const result of results) {
      expect(result.summary.events).toHaveLength(moment.events.length);
      moment.events.forEach((event, i) => expect(result.summary.events[i]).toMatch(event));
    }
    expect(outcome(results)).toEqual(expected);
    expect(expected[0]!.stepsTaken).toBe(30);
  });
});

describe('set-up under a device-loss watch', () => {
  /** A stand-in device whose loss the test settles, counting its uncaptured-error listeners. */
  function fakeDevice() {
    let lose = () => {};
    const lost = new Promise<GPUDeviceLostInfo>((resolve) => (lose = () => resolve({ reason: 'destroyed', message: 'gone' } as GPUDeviceLostInfo)));
    const listeners = new Set<unknown>();
    const device = { lost, addEventListener: (_: string, l: unknown) => listeners.add(l), removeEventListener: (_: string, l: unknown) => listeners.delete(l) };
    return { device: device as unknown as GPUDevice, lose, listeners };
  }

  it('fails as DeviceLostError when the device is lost under it, and destroys what it built on the lost device', async () => {
    const failing = fakeDevice();
    const failed = new DeviceLossWatch(failing.device).build(async () => {
      failing.lose();
      throw new DOMException('', 'OperationError'); // what Dawn's getMappedRange throws on a destroyed device
    });
    await expect(failed).rejects.toBeInstanceOf(DeviceLostError);
    const completing = fakeDevice();
    let destroyed = false;
    const completed = new DeviceLossWatch(completing.device).build(async () => {
      completing.lose();
      await completing.device.lost;
      return { destroy: () => (destroyed = true) };
    });
    await expect(completed).rejects.toBeInstanceOf(DeviceLostError);
    expect(destroyed).toBe(true);
    expect(completing.listeners.size).toBe(0);
  });

  it('passes an input error at once, without waiting for a loss that will not come', async () => {
    const { device } = fakeDevice();
    const started = performance.now();
    const refused = new DeviceLossWatch(device).build(() => Promise.reject(new RangeError('bad text')), (error) => error instanceof RangeError);
    await expect(refused).rejects.toBeInstanceOf(RangeError);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('stops listening to the device once released (a reused device keeps no listener per finished run)', () => {
    const { device, listeners } = fakeDevice();
    const watch = new DeviceLossWatch(device);
    expect(listeners.size).toBe(1);
    watch.release();
    expect(listeners.size).toBe(0);
  });

  it('hears a device with one listener however many watches share it, and tells each watch its errors', () => {
    const { device, listeners } = fakeDevice();
    const watches = Array.from({ length: 12 }, () => new DeviceLossWatch(device));
    expect(listeners.size).toBe(1);
    const error = Object.assign(new Error('bad binding'), { name: 'GPUValidationError' }) as unknown as GPUError;
    for (const listener of listeners) (listener as (event: Event) => void)({ error } as unknown as Event);
    for (const watch of watches) expect(() => watch.throwIfLost()).toThrow(/bad binding/);
    for (const watch of watches.slice(1)) watch.release();
    expect(listeners.size).toBe(1);
    watches[0]!.release();
    watches[0]!.release(); // twice: nothing more to remove
    expect(listeners.size).toBe(0);
    expect(new DeviceLossWatch(device).uncaptured).toBeUndefined();
    expect(listeners.size).toBe(1);
  });
});
