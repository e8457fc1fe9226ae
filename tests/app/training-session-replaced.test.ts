/**
 * A run replaced while it is still being set up (the app starts a new run on every new setting): it gives its
 * set-up up at the next stage, frees what it had built, and never takes a step.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TrainingSession } from '../../src/app/training-session';
import { parseConfig } from '../../src/config/schema';
import type { GpuContext } from '../../src/gpu/device';
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

/** The test device's buffers from now on: how many were made, which are not destroyed yet; `onCreate` sees each. */
async function watchBuffers(onCreate: () => void = () => {}) {
  const { device } = await getTestGpu();
  const createBuffer = device.createBuffer;
  const live = new Set<GPUBuffer>();
  let created = 0;
  // On the instance itself, so every buffer is a real one of the test device (as tests/helpers/fault-gpu.ts does).
  device.createBuffer = (descriptor: GPUBufferDescriptor) => {
    const buffer = createBuffer.call(device, descriptor);
    created++;
    live.add(buffer);
    const destroy = buffer.destroy;
    buffer.destroy = () => {
      live.delete(buffer);
      destroy.call(buffer);
    };
    onCreate();
    return buffer;
  };
  restore = () => void (device.createBuffer = createBuffer);
  return {
    get created() {
      return created;
    },
    live,
  };
}
let restore = () => {};

/** What a session reported: every event type it dispatched, in order. */
function eventsOf(session: TrainingSession): string[] {
  const seen: string[] = [];
  for (const type of ['progress', 'metrics', 'source', 'end']) session.addEventListener(type, () => seen.push(type));
  return seen;
}

describe('a run replaced while it is set up', () => {
  afterEach(() => restore());

  it('builds nothing when it is replaced while it waits for its device, and the run that replaced it trains', async () => {
    await getTestGpu();
    const buffers = await watchBuffers();
    let release!: () => void;
    const deviceReady = new Promise<void>((resolve) => (release = resolve));
    const slowGpu = async (): Promise<GpuContext> => {
      await deviceReady;
      return getTestGpu();
    };
    const replaced = new TrainingSession(config, { requestGpu: slowGpu, stepsPerFrame: 8, pace });
    const seen = eventsOf(replaced);
    const done = replaced.start();
    replaced.halt(); // the app's RunHandover.replace, on a new setting
    release();
    await done;
    expect(buffers.created).toBe(0);
    expect(replaced.status).toBe('starting');
    expect(replaced.stepLosses).toEqual([]);
    expect(seen).toEqual([]);
    await replaced.destroy();

    // The run that replaced it builds one simulation and trains as if alone.
    const final = new TrainingSession(config, { requestGpu: getTestGpu, stepsPerFrame: 8, pace });
    await final.start();
    expect(final.status).toBe('completed');
    const oneBuild = buffers.created;
    expect(oneBuild).toBeGreaterThan(0);
    await final.destroy();
    expect(buffers.live.size).toBe(0);
  });

  it('frees a simulation it was building when replaced, and never takes a step', async () => {
    await getTestGpu();
    let replaced: TrainingSession | undefined;
    // Replaced as its first buffer is made: the simulation's build is under way.
    const buffers = await watchBuffers(() => replaced?.halt());
    replaced = new TrainingSession(config, { requestGpu: getTestGpu, stepsPerFrame: 8, pace });
    const seen = eventsOf(replaced);
    await replaced.start();
    expect(buffers.created).toBeGreaterThan(0);
    expect(replaced.status).toBe('starting');
    expect(replaced.stepLosses).toEqual([]);
    expect(seen).toEqual([]);
    // Freed by the set-up itself: no scheduler ever held the simulation for destroy() to find.
    expect(buffers.live.size).toBe(0);
    await replaced.destroy();
    expect(buffers.live.size).toBe(0);
  });
});
