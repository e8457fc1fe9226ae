import { afterEach, describe, expect, it } from 'vitest';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import '../../src/ui/gradflow-particle-view';
import type { GradflowParticleView, ParticleSelectDetail } from '../../src/ui/gradflow-particle-view';
import type { ParticleSource } from '../../src/ui/particle-source';
import { ndcToPixel, planeToNdc, type ViewTransformState } from '../../src/ui/particle-projection';
import { createStorageBuffer } from '../../src/gpu/buffers';
import { LABELS_READ_SUFFIX } from '../../src/ui/gpu-view-helpers';
import { getTestGpu } from '../helpers/gpu';
import { particleSource as makeSource } from './view-source-helpers';
import { decodePng, hue, mount, pixelAt } from './view-test-helpers';
import { overlayLabels, overlayTicks, pixelBox, switchToDarkTheme } from './view-overlay-helpers';

const SIZE = 96;


/** offscreen: placed outside the viewport, so the animation loop skips it and only explicit frames draw. */
async function view(source: ParticleSource, attributes: Record<string, string> = {}, offscreen = false): Promise<GradflowParticleView> {
  const element = document.createElement('gradflow-particle-view');
  // Headless Chromium on SwiftShader loses the device when a canvas presents: draw offscreen only.
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.source = source;
  if (offscreen) Object.assign(element.style, { position: 'fixed', left: '-1000px', top: '0px' });
  mount(element, SIZE, SIZE);
  await element.whenReady();
  expect(element.status).toBe('');
  return element;
}

function transform(equalAspect: boolean): ViewTransformState {
  return { zoom: 1, panX: 0, panY: 0, canvasWidth: SIZE, canvasHeight: SIZE, equalAspect };
}

/** Pixel where the plane point lands, from the (GPU-read) bounds box. */
function pixelOf(point: [number, number], bounds: ArrayLike<number>, equalAspect = true): [number, number] {
  return ndcToPixel(planeToNdc(point, bounds, transform(equalAspect)), SIZE, SIZE);
}

let uncaptured: string[] = [];
const listeners: [GPUDevice, (e: Event) => void][] = [];
async function watchErrors(): Promise<void> {
  const { device } = await getTestGpu();
  const listener = (e: Event) => uncaptured.push((e as GPUUncapturedErrorEvent).error.message);
  device.addEventListener('uncapturederror', listener);
  listeners.push([device, listener]);
}

afterEach(() => {
  for (const element of document.querySelectorAll('gradflow-particle-view')) element.remove();
  for (const [device, listener] of listeners.splice(0)) device.removeEventListener('uncapturederror', listener);
  expect(uncaptured).toEqual([]);
  uncaptured = [];
});

describe('<gradflow-particle-view>', () => {
  it('d = 2 plane: each particle colours its pixel with the sign of a; bounds from the GPU equal the CPU min/max', async () => {
    await watchErrors();
    const W = [0, 0, 1, 0, 0, 1];
    const a = [1, -1, 0.5];
    const element = await view(await makeSource(a, W, 2), { 'point-size': '4' });
    const bounds = await element.readAutoFitBounds();
    expect(Array.from(bounds)).toEqual([0, 0, 1, 1, 1]);
    const pixels = await decodePng(await element.toPng());
    expect([pixels.width, pixels.height]).toEqual([SIZE, SIZE]);
    const expected = ['red', 'blue', 'red'];
    for (let j = 0; j < 3; j++) {
      const [x, y] = pixelOf([W[2 * j]!, W[2 * j + 1]!], bounds);
      expect(hue(pixelAt(pixels, x, y)), `particle ${j} at (${x}, ${y})`).toBe(expected[j]);
    }
    // Far from every particle: background.
    expect(pixelAt(pixels, SIZE / 2, SIZE / 2)).toEqual([255, 255, 255, 255]);
  });

  it('m = 70 (not a multiple of the workgroup), d = 5, coords="2,4": GPU bounds equal the CPU min/max of those coordinates', async () => {
    await watchErrors();
    const m = 70;
    const d = 5;
    const W = Array.from({ length: m * d }, (_, k) => Math.sin(1.7 * k + 0.3) * (1 + (k % 7)));
    const a = Array.from({ length: m }, (_, j) => Math.cos(0.9 * j) * (j === 41 ? 9 : 1));
    // bare: the canvas alone (no picker row), so it fills the element as pixelOf assumes.
    const element = await view(await makeSource(a, W, d), { projection: 'coordinates', coords: '2,4', bare: '' });
    const column = (k: number) => Float32Array.from({ length: m }, (_, j) => W[j * d + k]!);
    const [x, y] = [column(2), column(4)];
    const expected = [Math.min(...x), Math.min(...y), Math.max(...x), Math.max(...y), Math.fround(Math.abs(a[41]!))];
    expect(Array.from(await element.readAutoFitBounds())).toEqual(expected);
    // Every particle is drawn in its sign colour at its projected pixel.
    const pixels = await decodePng(await element.toPng());
    const bounds = await element.readAutoFitBounds();
    const hues = Array.from({ length: m }, (_, j) => hue(pixelAt(pixels, ...pixelOf([x[j]!, y[j]!], bounds))));
    // Overlapping discs may hide one another; most must show their own sign.
    const agree = hues.filter((h, j) => h === (a[j]! > 0 ? 'red' : 'blue')).length;
    expect(agree).toBeGreaterThan(0.8 * m);
  });

  it('m = 1: a single particle sits in the centre (degenerate box)', async () => {
    await watchErrors();
    const element = await view(await makeSource([-2], [0.3, -0.7], 2));
    const bounds = await element.readAutoFitBounds();
    expect(Array.from(bounds)).toEqual([0.3, -0.7, 0.3, -0.7, 2].map(Math.fround));
    const pixels = await decodePng(await element.toPng());
    expect(hue(pixelAt(pixels, SIZE / 2, SIZE / 2))).toBe('blue');
  });

  it('d = 1 plots (w, a)', async () => {
    await watchErrors();
    const W = [-1, 1, 0.5];
    const a = [1, -1, 0.25];
    const element = await view(await makeSource(a, W, 1), { 'point-size': '4' });
    const bounds = await element.readAutoFitBounds();
    expect(Array.from(bounds)).toEqual([-1, -1, 1, 1, 1]);
    const pixels = await decodePng(await element.toPng());
    ['red', 'blue', 'red'].forEach((expected, j) => {
      // (w, a) is not an isotropic plane: no equal aspect.
      expect(hue(pixelAt(pixels, ...pixelOf([W[j]!, a[j]!], bounds, false))), `particle ${j}`).toBe(expected);
    });
  });

  it('projection="pca": the basis from the GPU moments matches an ml-matrix eigen-solve of W^T W / m', async () => {
    await watchErrors();
    const m = 65;
    const d = 5;
    // Strongly anisotropic cloud: scales 5, 3, 1, 0.5, 0.2 along the axes, then mixed by a fixed rotation.
    const scales = [5, 3, 1, 0.5, 0.2];
    const raw = Array.from({ length: m * d }, (_, k) => Math.sin(12.9898 * k + 78.233 * (k % d)) * scales[k % d]!);
    const angle = 0.6;
    const W = raw.slice();
    for (let j = 0; j < m; j++) {
      const [u, v] = [raw[j * d]!, raw[j * d + 1]!];
      W[j * d] = Math.cos(angle) * u - Math.sin(angle) * v;
      W[j * d + 1] = Math.sin(angle) * u + Math.cos(angle) * v;
    }
    const element = await view(await makeSource(Array.from({ length: m }, (_, j) => (j % 2 ? 1 : -1)), W, d), { projection: 'pca' });
    const basis = await element.refreshPca();
    const f32 = Float32Array.from(W);
    const S = Matrix.zeros(d, d);
    for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) {
      let sum = 0;
      for (let j = 0; j < m; j++) sum += f32[j * d + k]! * f32[j * d + l]!;
      S.set(k, l, sum / m);
    }
    const eig = new EigenvalueDecomposition(S, { assumeSymmetric: true });
    const order = eig.realEigenvalues.map((v, k) => [v, k] as const).sort((p, q) => q[0] - p[0]);
    for (let r = 0; r < 2; r++) {
      const column = order[r]![1];
      let dot = 0;
      for (let k = 0; k < d; k++) dot += basis[r * d + k]! * eig.eigenvectorMatrix.get(k, column);
      // Eigenvalue gaps here are > 20% of the top value, so float32 moments move the vectors by ~1e-6.
      expect(Math.abs(dot)).toBeGreaterThan(1 - 1e-4);
    }
    expect(element.projectionBasis).toEqual(basis);
  });

  it('projection="teacher": orthonormal teacher basis; teacher neurons drawn as dark rings', async () => {
    await watchErrors();
    const d = 3;
    const teacher = { W: new Float32Array([2, 0, 0, 1, 1, 0]), a: new Float32Array([1, 1]) };
    const W = [1, 0, 0, 0, 1, 0, -1, -1, 0];
    const element = await view(await makeSource([1, -1, 1], W, d, { teacher }), { projection: 'teacher' });
    const basis = element.projectionBasis;
    expect(Array.from(basis)).toEqual([1, 0, 0, 0, 1, 0]);
    const bounds = await element.readAutoFitBounds();
    // The box covers the particles and the teacher markers (teacher 0 at (2, 0)).
    expect(Array.from(bounds.subarray(0, 4))).toEqual([-1, -1, 2, 1]);
    const pixels = await decodePng(await element.toPng());
    const [cx, cy] = pixelOf([2, 0], bounds);
    // A ring of radius ~7 px: its centre is background, its rim dark.
    expect(pixelAt(pixels, cx, cy)).toEqual([255, 255, 255, 255]);
    const rim = [0, 1, 2, 3].map((q) => pixelAt(pixels, cx + 7.2 * Math.cos((q * Math.PI) / 2), cy + 7.2 * Math.sin((q * Math.PI) / 2)));
    expect(rim.some(([r, g, b]) => r + g + b < 200)).toBe(true);
  });

  it('a click on a known particle dispatches particle-select with its a, w and activation count', async () => {
    await watchErrors();
    const W = [0, 0, 1, 0, 0, 1];
    const a = [1, -1, 0.5];
    const X = new Float32Array([1, 0, 0.5, 0.5, -1, 0, 0, 1]);
    const element = await view(await makeSource(a, W, 2, { data: { X } }), { 'point-size': '4' });
    const bounds = await element.readAutoFitBounds();
    const [px, py] = pixelOf([1, 0], bounds);
    const rect = element.shadowRoot!.querySelector('canvas')!.getBoundingClientRect();
    const selected = new Promise<ParticleSelectDetail>((resolve) => element.addEventListener('particle-select', (e) => resolve(e.detail), { once: true }));
    const canvas = element.shadowRoot!.querySelector('canvas')!;
    const at = { clientX: rect.left + px, clientY: rect.top + py, bubbles: true, composed: true, pointerId: 1 };
    canvas.dispatchEvent(new PointerEvent('pointerdown', { ...at, buttons: 1 }));
    // A button-less move (Chromium sends these when the layout shifts) must not turn the click into a drag.
    canvas.dispatchEvent(new PointerEvent('pointermove', { ...at, clientX: 0, clientY: 0, buttons: 0 }));
    canvas.dispatchEvent(new PointerEvent('pointerup', at));
    const detail = await selected;
    // w = (1, 0): active where x_0 > 0, i.e. on (1, 0) and (0.5, 0.5).
    expect(detail).toEqual({ index: 1, a: -1, w: [1, 0], activations: 2 });
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('.tooltip')?.textContent).toContain('neuron 1');
    // Far from every particle: nothing picked.
    expect(await element.selectAt(rect.left + SIZE / 2, rect.top + SIZE / 2)).toBeNull();
  });

  it('trails keep a fading image of where a particle was', async () => {
    await watchErrors();
    const gpu = await getTestGpu();
    const source = await makeSource([1, 1, 1], [0, 0, 1, 1, 0.2, 0.8], 2);
    const element = await view(source, { trails: '', 'trail-fade': '0.2', 'point-size': '4' });
    const before = await element.readAutoFitBounds();
    await element.toPng();
    // Move particle 2 from (0.2, 0.8) to (0.8, 0.2): the box is unchanged.
    gpu.device.queue.writeBuffer(source.W, 16, new Float32Array([0.8, 0.2]));
    const pixels = await decodePng(await element.toPng());
    const old = pixelAt(pixels, ...pixelOf([0.2, 0.8], before));
    const now = pixelAt(pixels, ...pixelOf([0.8, 0.2], before));
    expect(hue(now)).toBe('red');
    // One fade of 0.2 over red: lighter than the particle colour, still reddish.
    expect(old[0]).toBeGreaterThan(200);
    expect(old[1]).toBeGreaterThan(now[1]);
    expect(old[1]).toBeLessThan(200);
  });

  it('stays robust: m = 0, zero size, a new source, destroyed buffers stop drawing without uncaught errors', async () => {
    await watchErrors();
    const gpu = await getTestGpu();
    const empty: ParticleSource = { device: gpu.device, a: createStorageBuffer(gpu, 'test/a0', 4), W: createStorageBuffer(gpu, 'test/W0', 8), width: 0, inputDim: 2 };
    const element = await view(empty);
    const pixels = await decodePng(await element.toPng());
    expect(pixels.data.every((v) => v === 255)).toBe(true);
    // Zero size: nothing drawn, nothing thrown.
    element.style.width = '0px';
    expect(element.renderFrame()).toBe(false);
    element.style.width = `${SIZE}px`;
    // A new source with another d.
    const source = await makeSource([-1, 1], [0, 0, 0, 1, 1, 1], 3);
    element.source = source;
    await element.whenReady();
    expect(element.status).toBe('');
    expect(element.renderFrame()).toBe(true);
    expect(Array.from(await element.readAutoFitBounds())).toEqual([0, 0, 1, 1, 1]);
    // The app destroys the buffers (say, a new run): drawing stops with a status, no uncaught error.
    source.a.destroy();
    source.W.destroy();
    element.renderFrame();
    await gpu.device.queue.onSubmittedWorkDone();
    await expect.poll(() => (element.renderFrame(), element.status), { timeout: 10_000 }).toMatch(/^stopped/);
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('[role=alert]')).not.toBeNull();
  });

  it('projection="polar": (angle, |a||w|) and (angle, |w|) boxes from the GPU match the CPU', async () => {
    await watchErrors();
    const W = [1, 0, 0, 2, -1, -1];
    const a = [0.5, -1, 2];
    const element = await view(await makeSource(a, W, 2), { projection: 'polar' });
    const angles = [0, Math.PI / 2, Math.atan2(-1, -1)].map(Math.fround);
    const aw = [0.5, 2, 2 * Math.SQRT2].map(Math.fround);
    const bounds = await element.readAutoFitBounds();
    const expected = [Math.min(...angles), Math.min(...aw), Math.max(...angles), Math.max(...aw)];
    // atan2 and sqrt in float32 on the GPU: a few ulps.
    bounds.subarray(0, 4).forEach((v, k) => expect(v).toBeCloseTo(expected[k]!, 5));
    element.polarMagnitude = 'w';
    await element.updateComplete;
    const boundsW = await element.readAutoFitBounds();
    expect(boundsW[1]).toBeCloseTo(1, 5);
    expect(boundsW[3]).toBeCloseTo(2, 5);
    const pixels = await decodePng(await element.toPng());
    // Particle 1 (a < 0) at (pi/2, |w| = 2); no equal aspect in polar.
    expect(hue(pixelAt(pixels, ...pixelOf([Math.PI / 2, 2], boundsW, false)))).toBe('blue');
  });

  it('m = 10,000 particles: GPU bounds equal the CPU min/max and picking finds a planted particle', async () => {
    await watchErrors();
    // 100,000 takes ~15 s a frame on SwiftShader; 10,000 still spreads picking over 157 workgroups.
    const m = 10_000;
    const W = new Float32Array(2 * m);
    const a = new Float32Array(m);
    for (let j = 0; j < m; j++) {
      const t = (j * 2.399963) % (2 * Math.PI);
      const r = 0.2 + 0.5 * ((j * 0.618034) % 1);
      [W[2 * j], W[2 * j + 1], a[j]] = [r * Math.cos(t), r * Math.sin(t), j % 3 === 0 ? -1 : 1];
    }
    // Planted particle alone in a corner, far from the ring.
    W.set([3, 3], 2 * 7_777);
    const element = await view(await makeSource(Array.from(a), Array.from(W), 2), {}, true);
    const xs = W.filter((_, k) => k % 2 === 0);
    const ys = W.filter((_, k) => k % 2 === 1);
    const min = (v: Float32Array) => v.reduce((p, q) => Math.min(p, q));
    const max = (v: Float32Array) => v.reduce((p, q) => Math.max(p, q));
    const bounds = await element.readAutoFitBounds();
    expect(Array.from(bounds)).toEqual([min(xs), min(ys), max(xs), max(ys), 1]);
    const started = performance.now();
    expect(element.renderFrame()).toBe(true);
    await getTestGpu().then((gpu) => gpu.device.queue.onSubmittedWorkDone());
    console.info(`particle view, m = ${m} on SwiftShader: one frame in ${(performance.now() - started).toFixed(0)} ms`);
    const rect = element.shadowRoot!.querySelector('canvas')!.getBoundingClientRect();
    const [px, py] = pixelOf([3, 3], bounds);
    const detail = await element.selectAt(rect.left + px, rect.top + py);
    expect(detail?.index).toBe(7_777);
    expect(detail?.w).toEqual([3, 3]);
  });

  it('fitBox: the auto-fit always includes the given box (views given one box share their axes), and drops it when unset', async () => {
    const element = await view(await makeSource([1, -1], [0, 0, 1, 1], 2), {}, true);
    expect(Array.from(await element.readAutoFitBounds())).toEqual([0, 0, 1, 1, 1]);
    element.fitBox = [-2, -1, 0.5, 3];
    await element.updateComplete;
    expect(Array.from(await element.readAutoFitBounds())).toEqual([-2, -1, 1, 3, 1]);
    const pixels = await decodePng(await element.toPng());
    // Particle (1, 1) (a = -1) lies at x = 1 of [-2, 1] and y = 1 of [-1, 3] (equal aspect: the wider side sets the scale).
    const [x, y] = pixelOf([1, 1], [-2, -1, 1, 3]);
    expect(hue(pixelAt(pixels, x, y))).toBe('blue');
    element.fitBox = undefined;
    await element.updateComplete;
    expect(Array.from(await element.readAutoFitBounds())).toEqual([0, 0, 1, 1, 1]);
    element.remove();
  });
});


/** A view large enough for axes, legend and picker (smaller ones are thumbnails: the canvas alone). */
async function framedView(source: ParticleSource, attributes: Record<string, string> = {}, width = 380, height = 320): Promise<GradflowParticleView> {
  const element = document.createElement('gradflow-particle-view');
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.source = source;
  mount(element, width, height);
  await element.updateAxes();
  expect(element.status).toBe('');
  return element;
}

/** m particles on the unit circle, all with a = 1. */
function circle(m: number): { a: number[]; W: number[] } {
  const W = Array.from({ length: m }, (_, j) => [Math.cos((2 * Math.PI * j) / m), Math.sin((2 * Math.PI * j) / m)]).flat();
  return { a: Array.from({ length: m }, () => 1), W };
}

describe('<gradflow-particle-view> around the plot (issue 15)', () => {
  let restoreTheme: (() => void) | undefined;
  afterEach(() => {
    restoreTheme?.();
    restoreTheme = undefined;
  });

  it('dark theme: the plot background, the tooltip and the teacher rings follow the page theme', async () => {
    await watchErrors();
    const teacher = { W: new Float32Array([2, 0]), a: new Float32Array([1]) };
    const element = await view(await makeSource([1, -1], [0, 0, 1, 1], 2, { teacher }), { 'point-size': '4' });
    const light = await decodePng(await element.toPng());
    expect(pixelAt(light, 2, SIZE - 2)).toEqual([255, 255, 255, 255]);
    restoreTheme = switchToDarkTheme();
    // The view hears the theme change (data-theme on the root element) and clears with the page's panel colour #1a1e24.
    await expect.poll(async () => pixelAt(await decodePng(await element.toPng()), 2, SIZE - 2), { timeout: 10_000 }).toEqual([0x1a, 0x1e, 0x24, 255]);
    const pixels = await decodePng(await element.toPng());
    const bounds = await element.readAutoFitBounds();
    // Particles keep their sign colours on the dark background.
    expect(hue(pixelAt(pixels, ...pixelOf([0, 0], bounds)))).toBe('red');
    expect(hue(pixelAt(pixels, ...pixelOf([1, 1], bounds)))).toBe('blue');
    // The teacher ring at (2, 0) is light on dark (it was black on white).
    const [cx, cy] = pixelOf([2, 0], bounds);
    const rim = [0, 1, 2, 3].map((q) => pixelAt(pixels, cx + 7.2 * Math.cos((q * Math.PI) / 2), cy + 7.2 * Math.sin((q * Math.PI) / 2)));
    expect(rim.some(([r, g, b]) => r + g + b > 500)).toBe(true);
    // The tooltip: dark panel, light text (it was white with the page's light text on it).
    const rect = element.shadowRoot!.querySelector('canvas')!.getBoundingClientRect();
    const [px, py] = pixelOf([1, 1], bounds);
    expect((await element.selectAt(rect.left + px, rect.top + py))?.index).toBe(1);
    await element.updateComplete;
    const tooltip = getComputedStyle(element.shadowRoot!.querySelector('.tooltip')!);
    expect(tooltip.backgroundColor).toBe('rgb(26, 30, 36)');
    expect(tooltip.color).toBe('rgb(230, 232, 235)');
  });

  it('keeps 1:1 data units (a circle of particles is drawn round) and has axes in data units, titled w_j1 / w_j2, with a legend', async () => {
    await watchErrors();
    const { a, W } = circle(48);
    const element = await framedView(await makeSource(a, W, 2), {}, 420, 300);
    const pixels = await decodePng(await element.plotPng());
    // The canvas is the plot alone, smaller than the element: the margins hold the axes.
    expect(pixels.width).toBeLessThan(420);
    const box = pixelBox(pixels, (p) => hue(p) === 'red')!;
    const [w, h] = [box[2] - box[0], box[3] - box[1]];
    expect(Math.abs(w - h), `drawn ${w} x ${h} px`).toBeLessThanOrEqual(2);
    expect(overlayLabels(element)).toEqual(['w_j1', 'w_j2']);
    // Ticks in plane units: the tick "0" sits at the circle's centre, "1" at its rim (plus the disc radius 4.5 px).
    const x = overlayTicks(element, 'x-axis');
    const y = overlayTicks(element, 'y-axis');
    expect(x.length).toBeGreaterThanOrEqual(3);
    expect(y.length).toBeGreaterThanOrEqual(3);
    const plot = element.shadowRoot!.querySelector('canvas')!;
    const [left, top] = [plot.offsetLeft, plot.offsetTop];
    const at = (ticks: typeof x, value: number, key: 'x' | 'y') => ticks.find((t) => t.value === value)![key];
    expect(at(x, 0, 'x') - left).toBeCloseTo((box[0] + box[2] + 1) / 2, -0.5);
    expect(at(x, 1, 'x') - left + 4.5).toBeCloseTo(box[2] + 1, -0.5);
    expect(at(y, 0, 'y') - top).toBeCloseTo((box[1] + box[3] + 1) / 2, -0.5);
    const legend = element.shadowRoot!.querySelector('.legend')!.textContent!.replace(/\s+/g, ' ');
    expect(legend).toContain('a_j > 0');
    expect(legend).toContain('a_j < 0');
    expect(legend).toMatch(/disc area ∝ \|a_j\| \(max 1\)/);
  });

  it('its frames read nothing back: only the axes\' numbers, at most every 250 ms', async () => {
    await watchErrors();
    const { a, W } = circle(16);
    const element = await framedView(await makeSource(a, W, 2));
    const mapped: string[] = [];
    const original = GPUBuffer.prototype.mapAsync;
    GPUBuffer.prototype.mapAsync = function (this: GPUBuffer, ...args: Parameters<GPUBuffer['mapAsync']>) {
      mapped.push(this.label);
      return original.apply(this, args);
    };
    try {
      const [frames0, t0] = [element.framesDrawn, performance.now()];
      while (element.framesDrawn < frames0 + 6 || performance.now() - t0 < 1000) await new Promise(requestAnimationFrame);
      const seconds = (performance.now() - t0) / 1000;
      expect(mapped.filter((label) => !label.endsWith(LABELS_READ_SUFFIX))).toEqual([]);
      expect(mapped.length).toBeGreaterThan(0); // the axes follow the particles
      expect(mapped.length).toBeLessThanOrEqual(Math.floor(seconds / 0.25) + 1);
    } finally {
      GPUBuffer.prototype.mapAsync = original;
    }
  });

  it('while its pipelines build, says so quietly over the plot, clear of the legend', async () => {
    const { a, W } = circle(16);
    const element = await framedView(await makeSource(a, W, 2));
    expect(element.shadowRoot!.querySelector('.status')).toBeNull();
    // The status a rebuild shows until its pipelines are compiled (seconds on a software GPU).
    element.status = 'building';
    await element.updateComplete;
    const note = element.shadowRoot!.querySelector('.status')!;
    expect(note.textContent).toBe('preparing the view…');
    expect(note.getAttribute('role')).toBe('status');
    const [noteBox, legendBox] = [note.getBoundingClientRect(), element.shadowRoot!.querySelector('.legend')!.getBoundingClientRect()];
    expect(noteBox.bottom, 'the note ends above the legend').toBeLessThanOrEqual(legendBox.top);
    // A failure stays an alert.
    element.status = 'stopped: the buffers were destroyed';
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('.status')!.getAttribute('role')).toBe('alert');
  });

  it('the tick values follow zoom (wheel) and pan (drag)', async () => {
    await watchErrors();
    const { a, W } = circle(16);
    const element = await framedView(await makeSource(a, W, 2));
    const canvas = element.shadowRoot!.querySelector('canvas')!;
    const rect = canvas.getBoundingClientRect();
    const position = (value: number) => overlayTicks(element, 'x-axis').find((t) => t.value === value)?.x;
    const [zero, one] = [position(0)!, position(1)!];
    const centre = { clientX: rect.left + rect.width / 2, clientY: rect.top + rect.height / 2, bubbles: true, composed: true };
    canvas.dispatchEvent(new WheelEvent('wheel', { ...centre, deltaY: -300, cancelable: true }));
    await element.updateAxes();
    // Zoom about the centre by exp(0.45): the tick "0" stays, the unit grows by that factor.
    const zoomed = overlayTicks(element, 'x-axis');
    const unit = (zoomed.find((t) => t.value === 0.5)!.x - position(0)!) * 2;
    expect(position(0)).toBeCloseTo(zero, 0);
    expect(unit / (one - zero)).toBeCloseTo(Math.exp(0.45), 2);
    // Drag 40 px to the right: every tick moves with the plane.
    canvas.dispatchEvent(new PointerEvent('pointerdown', { ...centre, pointerId: 1, buttons: 1 }));
    canvas.dispatchEvent(new PointerEvent('pointermove', { ...centre, clientX: centre.clientX + 40, pointerId: 1, buttons: 1 }));
    canvas.dispatchEvent(new PointerEvent('pointerup', { ...centre, clientX: centre.clientX + 40, pointerId: 1 }));
    await element.updateAxes();
    expect(position(0)! - zero).toBeCloseTo(40, 0);
  });

  it('titles the axes with what each projection shows', async () => {
    await watchErrors();
    const d = 4;
    const m = 12;
    const W = Array.from({ length: m * d }, (_, k) => Math.sin(1.3 * k) * (1 + (k % d)));
    const teacher = { W: new Float32Array([1, 0, 0, 0, 0, 1, 0, 0]), a: new Float32Array([1, 1]) };
    const element = await framedView(await makeSource(Array.from({ length: m }, () => 1), W, d, { teacher }), { projection: 'coordinates', coords: '2,0' });
    expect(overlayLabels(element)).toEqual(['w_j3', 'w_j1']);
    element.projection = 'teacher';
    await element.updateComplete;
    expect(overlayLabels(element)).toEqual(['w_j · w*_1 / |w*_1|', 'w_j along w*_2 ⊥ w*_1']);
    element.projection = 'polar';
    element.coords = '0,1';
    await element.updateComplete;
    expect(overlayLabels(element)).toEqual(['angle of (w_j1, w_j2) [rad]', 'radius |a_j| |w_j|']);
    element.projection = 'pca';
    await element.refreshPca();
    await element.updateComplete;
    // Shares of tr(W^T W / m) along PC1 and PC2, from a float64 eigen-solve.
    const S = Matrix.zeros(d, d);
    const f32 = Float32Array.from(W);
    for (let k = 0; k < d; k++) for (let l = 0; l < d; l++) {
      let sum = 0;
      for (let j = 0; j < m; j++) sum += f32[j * d + k]! * f32[j * d + l]!;
      S.set(k, l, sum / m);
    }
    const values = new EigenvalueDecomposition(S, { assumeSymmetric: true }).realEigenvalues.sort((p, q) => q - p);
    const trace = values.reduce((p, q) => p + q, 0);
    expect(overlayLabels(element)).toEqual([`PC1 (${Math.round((100 * values[0]!) / trace)}% var)`, `PC2 (${Math.round((100 * values[1]!) / trace)}% var)`]);
    const line = await framedView(await makeSource([1, -1], [0.5, -0.5], 1));
    expect(overlayLabels(line)).toEqual(['w_j', 'a_j']);
  });

  it('projection="coordinates" shows a picker of the two coordinates (0..d-1) that sets the projection', async () => {
    await watchErrors();
    const d = 5;
    const W = Array.from({ length: 3 * d }, (_, k) => k);
    const element = await framedView(await makeSource([1, 1, -1], W, d));
    const picker = () => element.shadowRoot!.querySelectorAll<HTMLSelectElement>('select[data-testid^="coord-"]');
    // Not for the other projections.
    expect(picker()).toHaveLength(0);
    element.projection = 'coordinates';
    await element.updateComplete;
    const [xSelect, ySelect] = picker();
    expect([...xSelect!.options].map((o) => [o.value, o.textContent])).toEqual([0, 1, 2, 3, 4].map((k) => [String(k), `w_j${k + 1}`]));
    expect([xSelect!.value, ySelect!.value]).toEqual(['0', '1']);
    const changes: string[] = [];
    element.addEventListener('gf-coords-change', (e) => changes.push(e.detail.coords));
    xSelect!.value = '3';
    xSelect!.dispatchEvent(new Event('change'));
    await element.updateComplete;
    expect(element.coords).toBe('3,1');
    expect(changes).toEqual(['3,1']);
    expect(Array.from(element.projectionBasis)).toEqual([0, 0, 0, 1, 0, 0, 1, 0, 0, 0]);
    expect(overlayLabels(element)).toEqual(['w_j4', 'w_j2']);
    // Choosing for y the coordinate x shows swaps the two.
    const [, y] = picker();
    y!.value = '3';
    y!.dispatchEvent(new Event('change'));
    await element.updateComplete;
    expect(element.coords).toBe('1,3');
    // The bounds follow: coordinates 1 and 3 of W rows (k = 5j + 1, 5j + 3).
    expect(Array.from(await element.readAutoFitBounds()).slice(0, 4)).toEqual([1, 3, 11, 13]);
  });

  it('a bare view (a run set member) is the canvas alone; a small one keeps only the picker', async () => {
    const element = await view(await makeSource([1], [0, 0, 1], 3), { projection: 'coordinates', bare: '' });
    await element.updateAxes();
    expect(element.shadowRoot!.querySelector('svg.axes, .legend, .coords')).toBeNull();
    const pixels = await decodePng(await element.toPng());
    expect([pixels.width, pixels.height]).toEqual([SIZE, SIZE]);
    element.bare = false;
    await element.updateAxes();
    expect(element.shadowRoot!.querySelector('svg.axes, .legend')).toBeNull();
    expect(element.shadowRoot!.querySelectorAll('.coords select')).toHaveLength(2);
  });
});
