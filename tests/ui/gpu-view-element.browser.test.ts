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

describe('GPU view at rest', () => {
  afterEach(() => document.querySelectorAll('gradflow-particle-view').forEach((element) => element.remove()));

  type View = HTMLElement & { framesDrawn: number };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Frames finished during `ms` milliseconds. */
  async function framesDuring(view: View, ms: number): Promise<number> {
    const before = view.framesDrawn;
    await sleep(ms);
    return view.framesDrawn - before;
  }

  /** Whether a 500 ms window without a finished frame comes within 10 s (a frame in flight may still finish first). */
  async function comesToRest(view: View): Promise<boolean> {
    for (let window = 0; window < 20; window++) if ((await framesDuring(view, 500)) === 0) return true;
    return false;
  }

  /** Whether a frame finishes within 10 s. */
  async function drawsAgain(view: View): Promise<boolean> {
    const before = view.framesDrawn;
    for (let waited = 0; waited < 10_000 && view.framesDrawn === before; waited += 50) await sleep(50);
    return view.framesDrawn > before;
  }

  async function restingView(source: ParticleSource) {
    const view = document.createElement('gradflow-particle-view');
    view.headless = true;
    view.idleAfterMs = 300;
    view.source = source;
    mount(view);
    await view.whenReady();
    expect(view.status).toBe('');
    return view;
  }

  it('stops drawing once its source, properties and input stand still, and draws again when one changes', async () => {
    let steps = 0;
    const view = await restingView({ ...sourceOn(await getTestGpu()), version: () => steps });
    expect(await drawsAgain(view)).toBe(true);
    expect(await comesToRest(view)).toBe(true);
    // Resting: nothing is drawn however long it waits.
    expect(await framesDuring(view, 1000)).toBe(0);
    // The buffers' contents changed (a chunk of steps).
    steps += 8;
    expect(await drawsAgain(view)).toBe(true);
    expect(await comesToRest(view)).toBe(true);
    // A property.
    view.pointSize = 5;
    expect(await drawsAgain(view)).toBe(true);
    expect(await comesToRest(view)).toBe(true);
    // Input on the view (a wheel zoom).
    view.dispatchEvent(new WheelEvent('wheel', { deltaY: -50, bubbles: true, composed: true }));
    expect(await drawsAgain(view)).toBe(true);
    // Fading trails change every frame by themselves.
    view.trails = true;
    await sleep(600);
    expect(await framesDuring(view, 1000)).toBeGreaterThan(0);
  });

  it('draws every frame from a source without a version', async () => {
    const view = await restingView(sourceOn(await getTestGpu()));
    await sleep(600);
    expect(await framesDuring(view, 1000)).toBeGreaterThan(0);
  });
});
