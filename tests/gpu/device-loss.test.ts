/**
 * Device loss on real devices (each test destroys a device of its own, never the shared test device) and
 * the reuse policy with fake devices, whose loss the test settles by hand.
 */
import { describe, expect, it } from 'vitest';
import { DeviceLostError as SimulationDeviceLostError } from '../../src/core/simulation';
import { DeviceLossWatch, UncapturedGpuError, describeDeviceLoss, onDeviceLost, reuseUntilLost } from '../../src/gpu/device-loss';
import { DeviceLostError } from '../../src/core/simulation';
import { requestGpu } from '../../src/gpu/device';

/** A stand-in GPUDevice whose `lost` settles when the test calls `lose`. */
function fakeDevice(): { device: GPUDevice; lose(): void } {
  let lose = () => {};
  const lost = new Promise<GPUDeviceLostInfo>((resolve) => {
    lose = () => resolve({ reason: 'unknown', message: 'fake loss' } as GPUDeviceLostInfo);
  });
  return { device: { lost } as GPUDevice, lose };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('device loss', () => {
  it('tells every listener of a destroyed device the reason once, and nothing to one that stopped listening', async () => {
    const { device } = await requestGpu();
    const heard: string[] = [];
    onDeviceLost(device, (loss) => heard.push(`first ${loss.reason}`));
    const forget = onDeviceLost(device, (loss) => heard.push(`forgotten ${loss.reason}`));
    onDeviceLost(device, (loss) => heard.push(`last ${loss.reason}`));
    forget();
    device.destroy();
    await device.lost;
    await settled();
    expect(heard).toEqual(['first destroyed', 'last destroyed']);
  });

  it('turns a failure on a lost device into DeviceLostError, the class the scheduler resumes on', async () => {
    const { device } = await requestGpu();
    const watch = new DeviceLossWatch(device);
    expect(watch.loss).toBeUndefined();
    await expect(watch.guard(async () => 7)).resolves.toBe(7);
    device.destroy();
    // The call that reveals the loss may fail before device.lost settles: guard waits for it.
    const failed = watch.guard(() => Promise.reject(new Error('mapAsync aborted')));
    await expect(failed).rejects.toBeInstanceOf(SimulationDeviceLostError);
    await expect(failed).rejects.toThrow(/^GPU device lost \(destroyed: /);
    expect(watch.loss?.reason).toBe('destroyed');
    expect(() => watch.throwIfLost()).toThrow(DeviceLostError);
    await expect(watch.guard(async () => 7)).rejects.toBeInstanceOf(DeviceLostError);
  });

  it('fails the work, and all work after it, once the device reports an error no scope caught (issue 14, defect 9)', async () => {
    const { device } = await requestGpu();
    const watch = new DeviceLossWatch(device);
    await expect(watch.guard(async () => 7)).resolves.toBe(7);
    // A buffer with no usage is invalid: WebGPU reports it as an uncaptured validation error, not an exception.
    const work = watch.guard(async () => {
      device.createBuffer({ size: 16, usage: 0 });
      await device.queue.onSubmittedWorkDone();
      await settled();
      return 7;
    });
    await expect(work).rejects.toBeInstanceOf(UncapturedGpuError);
    await expect(work).rejects.toThrow(/^GPU error during the run \(GPUValidationError\): .*results after it cannot be trusted/s);
    await expect(watch.guard(async () => 7)).rejects.toBeInstanceOf(UncapturedGpuError);
    device.destroy();
  });

  it('lets a failure on a live device through once the settle time passed', async () => {
    const { device } = fakeDevice();
    const watch = new DeviceLossWatch(device);
    const started = performance.now();
    await expect(watch.guard(() => Promise.reject(new RangeError('bad size')), 30)).rejects.toBeInstanceOf(RangeError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(watch.loss).toBeUndefined();
  });

  it('describes a loss in the one line runs report', () => {
    expect(describeDeviceLoss({ reason: 'unknown', message: 'driver reset' })).toBe('GPU device lost (unknown: driver reset)');
  });
});

describe('one device reused until it is lost', () => {
  it('hands every request the same device, a new one after a loss, and does not keep a failed request', async () => {
    const devices = [fakeDevice(), fakeDevice()];
    let requests = 0;
    const acquire = reuseUntilLost(async () => {
      requests++;
      if (requests === 1) throw new Error('no adapter');
      return { device: devices[requests - 2]!.device };
    });
    await expect(acquire()).rejects.toThrow('no adapter');
    const first = await acquire();
    expect(await acquire()).toBe(first);
    expect(requests).toBe(2);
    devices[0]!.lose();
    await settled();
    const second = await acquire();
    expect(second.device).toBe(devices[1]!.device);
    expect(requests).toBe(3);
  });

  it('shares one pending request between callers that ask at once', async () => {
    let requests = 0;
    const acquire = reuseUntilLost(async () => ({ device: fakeDevice().device, request: ++requests }));
    const [a, b] = await Promise.all([acquire(), acquire()]);
    expect(a).toBe(b);
    expect(requests).toBe(1);
  });
});
