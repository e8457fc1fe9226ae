/** What every GPU view does when its device is lost: stop drawing, say so, and draw again from a new source. */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/ui/gradflow-particle-view';
import type { ParticleSource } from '../../src/ui/particle-source';
import { createStorageBuffer } from '../../src/gpu/buffers';
import { requestGpu, type GpuContext } from '../../src/gpu/device';
import { getTestGpu } from '../helpers/gpu';
import { mount } from './view-test-helpers';

function sourceOn(gpu: GpuContext): ParticleSource {
  return {
    device: gpu.device,
    a: createStorageBuffer(gpu, 'test/a', new Float32Array([1, -1])),
    W: createStorageBuffer(gpu, 'test/W', new Float32Array([0.5, 0.5, -0.5, 0.25])),
    width: 2,
    inputDim: 2,
  };
}

describe('GPU view on device loss', () => {
  afterEach(() => document.querySelectorAll('gradflow-particle-view').forEach((element) => element.remove()));

  it('drops its renderer and waits for a new source, then draws from one on another device', async () => {
    const doomed = await requestGpu(); // a device of its own: the shared test device must live on
    const view = document.createElement('gradflow-particle-view');
    view.headless = true; // SwiftShader's compositor cannot present a WebGPU canvas
    view.source = sourceOn(doomed);
    mount(view);
    await view.whenReady();
    expect(view.status).toBe('');
    doomed.device.destroy();
    await expect.poll(() => view.status).toBe('GPU device lost (destroyed); waiting for a new source');
    expect(view.renderFrame()).toBe(false);

    view.source = sourceOn(await getTestGpu());
    await view.whenReady();
    expect(view.status).toBe('');
    expect(view.renderFrame()).toBe(true);
  });
});
