/** The run controller on the real GPU (SwiftShader here): small runs, paced by timers instead of frames. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../../src/config/schema';
import { requestGpu, type GpuContext } from '../../../src/gpu/device';
import { hasWebGpuApi, RunController, WEBGPU_HELP } from '../../../src/ui/controllers/run-controller';
import { getTestGpu } from '../../helpers/gpu';
import { detachedHost } from './test-host';

const config = parseConfig({
  steps: 60,
  stepsPerSubmit: 4,
  model: { width: 24 },
  data: { kind: 'teacher-student', sampleCount: 32, inputDim: 2, teacher: { kind: 'random', width: 2 } },
  optimizer: { learningRate: 0.5 },
  metrics: { every: 10, names: ['loss'] },
});
const pace = () => new Promise((resolve) => setTimeout(resolve, 0));
const readText = () => Promise.reject(new Error('no files in this test'));

function mountRun(options: { requestGpu?: () => Promise<GpuContext>; current?: typeof config } = {}) {
  const host = detachedHost();
  document.body.append(host);
  const updates = vi.spyOn(host, 'requestUpdate');
  const run = new RunController(host, { readText, currentConfig: () => options.current ?? config, requestGpu: options.requestGpu ?? getTestGpu, pace });
  return { host, run, updates };
}

describe('RunController', () => {
  afterEach(() => document.querySelectorAll('controller-test-host').forEach((host) => host.remove()));

  it('runs a config on the GPU, names the adapter and re-renders the host as the run reports', async () => {
    const { run, updates } = mountRun();
    run.start(config);
    const session = run.session!;
    await session.done;
    expect(session.status).toBe('completed');
    expect(session.stepLosses).toHaveLength(60);
    expect(run.adapter).toBe((await getTestGpu()).adapterDescription);
    expect(run.stepsPerFrame).toBe(4); // 8 by default, clipped to stepsPerSubmit
    await expect.poll(() => updates.mock.calls.length).toBeGreaterThan(2);
    expect(run.unavailable).toBe('');
  });

  it('rewinds to the same initialization, overlaying the previous run; a new preset forgets them', async () => {
    const { run } = mountRun();
    run.start(config);
    await run.session!.done;
    const first = run.session!;
    run.command('rewind');
    expect(run.session).not.toBe(first);
    await run.session!.done;
    expect(run.session!.stepLosses).toEqual(first.stepLosses);
    expect(run.pastRuns).toEqual([{ label: 'run 1', stepLosses: first.stepLosses, rows: first.rows }]);
    await expect.poll(() => first.live).toBeUndefined(); // the replaced run freed its buffers once the new one drew
    run.forgetPastRuns();
    expect(run.pastRuns).toEqual([]);
  });

  it("does not overlay the run of the previous preset on the new preset's first run", async () => {
    const { run } = mountRun();
    run.start(config);
    await run.session!.done;
    run.forgetPastRuns(); // a new preset: the app then starts its config
    run.start(config);
    expect(run.pastRuns).toEqual([]);
    await run.session!.done;
    run.command('rewind'); // the new preset's own runs overlay again
    expect(run.pastRuns.map((past) => past.label)).toEqual(['run 2']);
    run.session!.stop();
    await run.session!.done;
  });

  it('keeps the replaced run on screen until the new one draws, then frees it', async () => {
    const { run } = mountRun();
    run.start({ ...config, steps: 100_000 });
    const first = run.session!;
    await expect.poll(() => first.stepLosses.length).toBeGreaterThan(4);
    const shown = first.live!;
    run.command('rewind');
    const second = run.session!;
    expect(second.status).toBe('starting');
    expect(second.live?.W).toBe(shown.W); // no blank views while the new run is built
    await expect.poll(() => second.status).toBe('running');
    expect(second.live!.W).not.toBe(shown.W);
    await expect.poll(() => first.live).toBeUndefined();
    second.stop();
    await second.done;
  });

  it('builds one simulation, for the last config, when new configs come faster than runs are set up', async () => {
    const { run } = mountRun();
    const configs = [0.1, 0.2, 0.3].map((learningRate) => ({ ...config, optimizer: { ...config.optimizer, learningRate } }));
    const { device } = await getTestGpu();
    const createBuffer = device.createBuffer;
    let created = 0;
    device.createBuffer = (descriptor: GPUBufferDescriptor) => (created++, createBuffer.call(device, descriptor));
    try {
      // What one run of the last config builds (its pipelines compiled by the earlier tests).
      run.start(configs[2]);
      await run.session!.done;
      const oneRun = created;
      created = 0;
      const replaced = configs.map((next) => (run.start(next), run.session!));
      const last = replaced.pop()!;
      await last.done;
      expect(last.status).toBe('completed');
      expect(created).toBe(oneRun);
      for (const session of replaced) {
        expect(session.status).toBe('starting');
        expect(session.stepLosses).toEqual([]);
      }
    } finally {
      device.createBuffer = createBuffer;
    }
  });

  it('plays on after the end: Play continues the same run for another run length', async () => {
    const { run } = mountRun();
    run.start(config);
    const session = run.session!;
    await session.done;
    expect(session.canContinue).toBe(true);
    run.command('play');
    expect(run.session).toBe(session);
    await expect.poll(() => session.status).toBe('running');
    await session.done;
    expect(session.status).toBe('completed');
    expect(session.stepLosses).toHaveLength(120);
    expect(session.rows.map((row) => row.step)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
  });

  it('pauses, steps once, resumes and stops on command, and ends the run when the host goes', async () => {
    const { host, run } = mountRun();
    run.start({ ...config, steps: 100_000 });
    const session = run.session!;
    await expect.poll(() => session.status).toBe('running');
    run.command('pause');
    await expect.poll(() => session.status).toBe('paused');
    await new Promise((resolve) => setTimeout(resolve, 200)); // chunks in flight finish
    const paused = session.stepLosses.length;
    run.command('step');
    await expect.poll(() => session.stepLosses.length).toBe(paused + 1);
    run.command('play');
    expect(session.status).toBe('running');
    run.command('stop');
    await session.done;
    expect(session.status).toBe('stopped');
    run.start({ ...config, steps: 100_000 });
    const next = run.session!;
    await expect.poll(() => next.live).toBeDefined();
    host.remove();
    await next.done;
    await expect.poll(() => next.live).toBeUndefined();
  });

  it('keeps a steps-per-frame setting for the next runs even when the current run refuses it', async () => {
    const { run } = mountRun();
    run.start({ ...config, steps: 100_000 });
    await expect.poll(() => run.session!.status).toBe('running');
    expect(() => run.setStepsPerFrame(9)).toThrow(RangeError);
    expect(run.stepsPerFrame).toBe(9);
    run.setStepsPerFrame(2);
    expect(() => run.setLearningRate(-1)).toThrow(RangeError);
    await run.setBatchSize(8);
    expect(run.session!.config.optimizer.batchSize).toBe(8);
    // The run goes on from a checkpoint; a stop before its scheduler is back would not reach it.
    const switchedAt = run.session!.stepLosses.length;
    await expect.poll(() => run.session!.stepLosses.length).toBeGreaterThan(switchedAt + 4);
    run.command('stop');
    await run.session!.done;
  });

  it('asks for a new device only after the last one was lost', async () => {
    const devices: GpuContext[] = [];
    const { run } = mountRun({ requestGpu: () => requestGpu().then((gpu) => (devices.push(gpu), gpu)) });
    run.start(config);
    await run.session!.done;
    run.command('rewind');
    await run.session!.done;
    expect(devices).toHaveLength(1);
    devices[0]!.device.destroy();
    await devices[0]!.device.lost;
    run.command('rewind');
    await run.session!.done;
    expect(run.session!.status).toBe('completed');
    expect(devices).toHaveLength(2);
    expect(run.session!.live!.gpu).toBe(devices[1]);
    devices[1]!.device.destroy();
  });

  it('says on the page why it cannot run: no adapter, or no WebGPU at all', async () => {
    const { run } = mountRun({ requestGpu: () => Promise.reject(new Error('no adapter for you')) });
    run.start(config);
    await run.session!.done;
    expect(run.session!.status).toBe('failed');
    expect(run.unavailable).toBe(`${WEBGPU_HELP} The browser said: no adapter for you`);

    Object.defineProperty(navigator, 'gpu', { value: undefined, configurable: true });
    try {
      expect(hasWebGpuApi()).toBe(false);
      expect(mountRun().run.unavailable).toBe(WEBGPU_HELP);
    } finally {
      delete (navigator as { gpu?: GPU }).gpu;
    }
    expect(hasWebGpuApi()).toBe(true);
  });

  it('restarts a run set for a new batch size, and keeps no run set as a past run', async () => {
    const set = parseConfig({ ...config, steps: 400, sweep: { 'model.width': [8, 16] } });
    const batched = parseConfig({ ...set, optimizer: { ...set.optimizer, batchSize: 8 } });
    const { run } = mountRun({ current: batched });
    run.start(set);
    const first = run.session!;
    await expect.poll(() => first.stepsTaken).toBeGreaterThan(4);
    await run.setBatchSize(8);
    const second = run.session!;
    expect(second).not.toBe(first);
    expect(second.isSet).toBe(true);
    expect(second.members.map((member) => member.config.optimizer.batchSize)).toEqual([8, 8]);
    expect(second.events).toEqual(['batch size changed to 8: the run set restarted from its initialization']);
    expect(run.pastRuns).toEqual([]);
    second.stop();
    await second.done;
  });
});

