import { afterEach, describe, expect, it } from 'vitest';
import '../../src/ui/gradflow-landscape-view';
import type { GradflowLandscapeView } from '../../src/ui/gradflow-landscape-view';
import type { LandscapeSource } from '../../src/ui/landscape-source';
import { CURVE_SAMPLES, HEATMAP_RANGE_GRID } from '../../src/ui/landscape-renderer';
import { ndcToPixel, planeToNdc } from '../../src/ui/particle-projection';
import { landscapeModelSchema, type LandscapeModel } from '../../src/config/model-kinds';
import { LANDSCAPE_STAT_COUNT } from '../../src/core/landscape';
import { escapeComponent, strictSaddleValue } from '../../src/float64/landscape-functions';
import { createStorageBuffer } from '../../src/gpu/buffers';
import { BOUNDS_PADDING } from '../../shaders/particle-view-common.wgsl';
import { getTestGpu } from '../helpers/gpu';
import { decodePng, hue, mount, pixelAt, type Pixels } from './view-test-helpers';
import { overlayLabels, overlayTicks, switchToDarkTheme } from './view-overlay-helpers';

/** A landscape source whose buffers hold the given positions [P x k] and values f(x_p) (the rest of the stats 0). */
async function makeSource(model: unknown, positions: number[], values: number[]): Promise<LandscapeSource> {
  const gpu = await getTestGpu();
  const stats = new Float32Array(values.length * LANDSCAPE_STAT_COUNT);
  values.forEach((value, p) => (stats[p * LANDSCAPE_STAT_COUNT] = value));
  return {
    device: gpu.device,
    positions: createStorageBuffer(gpu, 'test/positions', new Float32Array(positions)),
    stats: createStorageBuffer(gpu, 'test/stats', stats),
    model: landscapeModelSchema.parse(model) as LandscapeModel,
  };
}

async function view(source: LandscapeSource, attributes: Record<string, string>, width: number, height: number): Promise<GradflowLandscapeView> {
  const element = document.createElement('gradflow-landscape-view');
  // Headless Chromium on SwiftShader loses the device when a canvas presents: draw offscreen only.
  element.headless = true;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.source = source;
  mount(element, width, height);
  await element.whenReady();
  expect(element.status).toBe('');
  // A framed view draws its plot beside the axes once its figure is measured: wait for that layout.
  if (!('bare' in attributes)) await expect.poll(() => element.shadowRoot!.querySelector('svg.axes')).not.toBeNull();
  await element.updateAxes();
  return element;
}

/** Where the plane point lands on the canvas (column, row), from the fitted box the view read back. */
function pixelOf(element: GradflowLandscapeView, point: [number, number], pixels: Pixels): [number, number] {
  const transform = { zoom: 1, panX: 0, panY: 0, canvasWidth: pixels.width, canvasHeight: pixels.height, equalAspect: element.dim >= 2 };
  return ndcToPixel(planeToNdc(point, element.fittedBox!, transform), pixels.width, pixels.height);
}

/** The particles' amber fill (shaders/landscape-marks.wgsl.ts): strong red and green, little blue. */
const isParticle = ([r, g, b]: readonly number[]) => r > 200 && g > 140 && g < 230 && b < 90;
/** Dark ink (the light theme's curve and rims). */
const isInk = ([r, g, b]: readonly number[]) => r + g + b < 150;

/** Some pixel within `radius` of (x, y) passes `test`. */
function near(pixels: Pixels, x: number, y: number, radius: number, test: (rgba: readonly number[]) => boolean): boolean {
  for (let dy = -radius; dy <= radius; dy++) for (let dx = -radius; dx <= radius; dx++) if (test(pixelAt(pixels, x + dx, y + dy))) return true;
  return false;
}

/** (min, max) of f over the heat map's range grid of the square [-half, half]^2, sampled as the view samples it (float32 points). */
function gridRange(f: (x: number[]) => number, half: number): [number, number] {
  const n = HEATMAP_RANGE_GRID;
  const at = (i: number) => Math.fround(half * (-1 + (2 * i) / (n - 1)));
  const values = Array.from({ length: n * n }, (_, g) => f([at(g % n), at(Math.floor(g / n))]));
  return [Math.min(...values), Math.max(...values)];
}

const escapeValue = (x: number) => (escapeComponent(x, 0.1).value + escapeComponent(x, 1.9).value) / 2;

let uncaptured: string[] = [];
const listeners: [GPUDevice, (e: Event) => void][] = [];
async function watchErrors(): Promise<void> {
  const { device } = await getTestGpu();
  const listener = (e: Event) => uncaptured.push((e as GPUUncapturedErrorEvent).error.message);
  device.addEventListener('uncapturederror', listener);
  listeners.push([device, listener]);
}

let restoreTheme: (() => void) | undefined;
afterEach(() => {
  restoreTheme?.();
  restoreTheme = undefined;
  for (const element of document.querySelectorAll('gradflow-landscape-view')) element.remove();
  for (const [device, listener] of listeners.splice(0)) device.removeEventListener('uncapturederror', listener);
  expect(uncaptured).toEqual([]);
  uncaptured = [];
});

const ESCAPE = { kind: 'landscape', spec: { kind: 'escape', particleCount: 3, learningRate: 0.1 }, start: { point: [1] }, target: [0] };
const SADDLE = { kind: 'landscape', spec: { kind: 'strict-saddle', particleCount: 2, learningRate: 0.1 }, start: { low: [-1, -1], high: [1, 1] }, target: [0, 0] };

describe('<gradflow-landscape-view>', () => {
  it('k = 1 (escape): each particle is drawn at (x_p, f(x_p)) on the curve f(x), whose range the GPU computes as the float64 twin does', async () => {
    await watchErrors();
    const x = [0, 0.5, 1];
    const element = await view(await makeSource(ESCAPE, x, x.map(escapeValue)), { bare: '', 'point-size': '4' }, 240, 160);
    // The fit: the particles' x (and the start 1, the target 0) padded 8%; f sampled across that x range.
    const half = 0.5 * (1 + BOUNDS_PADDING);
    const samples = Array.from({ length: CURVE_SAMPLES }, (_, i) => escapeValue(Math.fround(0.5 + half * (-1 + (2 * i) / (CURVE_SAMPLES - 1)))));
    const [lo, hi] = element.valueRange!;
    expect(lo).toBeCloseTo(Math.min(...samples), 5);
    expect(hi).toBeCloseTo(Math.max(...samples), 5);
    const box = element.fittedBox!;
    expect([box[0], box[2]]).toEqual([0, 1]);
    // The y range holds every particle's f and the whole curve.
    expect(box[1]).toBeCloseTo(Math.min(0, lo), 6);
    expect(box[3]).toBeCloseTo(Math.max(...x.map(escapeValue), hi), 6);
    const pixels = await decodePng(await element.plotPng());
    for (let p = 0; p < x.length; p++) {
      const [column, row] = pixelOf(element, [x[p]!, escapeValue(x[p]!)], pixels);
      expect(isParticle(pixelAt(pixels, column, row)), `particle ${p} at (${column}, ${row})`).toBe(true);
    }
    // The curve passes through (x, f(x)) where no particle is, in the dark ink of the light theme; far from it, background.
    for (const at of [0.2, 0.75, 0.9]) {
      const [column, row] = pixelOf(element, [at, escapeValue(at)], pixels);
      expect(near(pixels, column, row, 1, isInk), `curve at x = ${at}`).toBe(true);
    }
    const [column, row] = pixelOf(element, [0.75, escapeValue(0.75) + 0.4 * (box[3]! - box[1]!)], pixels);
    expect(pixelAt(pixels, column, row)).toEqual([255, 255, 255, 255]);
  });

  it('k = 2 (strict saddle): a heat map of f (blue at the minima, red where f > 0) under the particles, and the target ring', async () => {
    await watchErrors();
    const positions = [-0.5, 0.5, 0.5, -0.5];
    const values = [[-0.5, 0.5], [0.5, -0.5]].map(strictSaddleValue);
    const element = await view(await makeSource(SADDLE, positions, values), { bare: '', 'point-size': '4' }, 160, 160);
    // The box of the start square and target (the particles lie inside it).
    expect(Array.from(element.fittedBox!)).toEqual([-1, -1, 1, 1]);
    const pixels = await decodePng(await element.plotPng());
    for (let p = 0; p < 2; p++) {
      const [column, row] = pixelOf(element, [positions[2 * p]!, positions[2 * p + 1]!], pixels);
      expect(isParticle(pixelAt(pixels, column, row)), `particle ${p}`).toBe(true);
    }
    // f(0, +-1) = -1/4 (the minima): blue; f(+-1, 0) = 1/2: red.
    expect(hue(pixelAt(pixels, ...pixelOf(element, [0, 1], pixels)))).toBe('blue');
    expect(hue(pixelAt(pixels, ...pixelOf(element, [0, -1], pixels)))).toBe('blue');
    expect(hue(pixelAt(pixels, ...pixelOf(element, [1, 0], pixels)))).toBe('red');
    // The range of f over the shown square [-1.08, 1.08]^2 (the box padded 8%): about -1/4 (the minima) to 0.58 (x = +-1.08, y = 0).
    const [lo, hi] = element.valueRange!;
    const [expectedLo, expectedHi] = gridRange(strictSaddleValue, 1 + BOUNDS_PADDING);
    expect(lo).toBeCloseTo(expectedLo, 5);
    expect(hi).toBeCloseTo(expectedHi, 5);
    // The target (0, 0) is a green ring of radius ~7 px: its centre shows the heat map, its rim green.
    const [cx, cy] = pixelOf(element, [0, 0], pixels);
    const rim = [0, 1, 2, 3].map((q) => pixelAt(pixels, cx + 7 * Math.cos((q * Math.PI) / 2), cy + 7 * Math.sin((q * Math.PI) / 2)));
    expect(rim.some(([r, g, b]) => g > r + 40 && g > b + 40)).toBe(true);
  });

  it('k = 2 (user expression): the heat map is the user\'s own f, compiled from its WGSL text', async () => {
    await watchErrors();
    const model = { kind: 'landscape', spec: { kind: 'expression', particleCount: 1, learningRate: 0.1, dim: 2, value: 'x[0] * x[0] - x[1] * x[1]', gradient: ['2.0 * x[0]', '-2.0 * x[1]'] }, start: { low: [-1, -1], high: [1, 1] } };
    const element = await view(await makeSource(model, [0, 0], [0]), { bare: '' }, 128, 128);
    const pixels = await decodePng(await element.plotPng());
    expect(hue(pixelAt(pixels, ...pixelOf(element, [0.9, 0], pixels)))).toBe('red');
    expect(hue(pixelAt(pixels, ...pixelOf(element, [0, 0.9], pixels)))).toBe('blue');
    const [lo, hi] = element.valueRange!;
    const [expectedLo, expectedHi] = gridRange(([a, b]) => a! * a! - b! * b!, 1 + BOUNDS_PADDING);
    expect(lo).toBeCloseTo(expectedLo, 5);
    expect(hi).toBeCloseTo(expectedHi, 5);
  });

  it('k = 3 (perko): two chosen coordinates with the particles, f not drawn; the picker switches them', async () => {
    await watchErrors();
    const points = [[1, 2, -3], [-1, 0, 0.5]];
    const model = { kind: 'landscape', spec: { kind: 'perko', particleCount: 2, learningRate: 0.01 }, start: { points }, target: [0, 0, 0] };
    const element = await view(await makeSource(model, points.flat(), [0, 0]), { coords: '0,2', 'point-size': '4' }, 360, 300);
    expect(element.axisLabels).toEqual(['x_1', 'x_3']);
    expect(overlayLabels(element)).toEqual(['x_1', 'x_3']);
    expect(Array.from(element.fittedBox!)).toEqual([-1, -3, 1, 0.5]);
    expect(element.valueRange).toBeUndefined();
    expect(element.shadowRoot!.querySelector('.colour-bar')).toBeNull();
    expect(element.shadowRoot!.querySelector('.legend')!.textContent).toContain('no f to draw');
    let pixels = await decodePng(await element.plotPng());
    for (const point of points) expect(isParticle(pixelAt(pixels, ...pixelOf(element, [point[0]!, point[2]!], pixels)))).toBe(true);
    // The picker: y -> x_2 tells the page and redraws in (x_1, x_2).
    const events: string[] = [];
    element.addEventListener('gf-coords-change', (e) => events.push(e.detail.coords));
    const select = element.shadowRoot!.querySelector<HTMLSelectElement>('[data-testid="coord-y"]')!;
    expect([...select.options].map((o) => o.textContent)).toEqual(['x_1', 'x_2', 'x_3']);
    select.value = '1';
    select.dispatchEvent(new Event('change'));
    expect(events).toEqual(['0,1']);
    await element.updateAxes();
    expect(overlayLabels(element)).toEqual(['x_1', 'x_2']);
    expect(Array.from(element.fittedBox!)).toEqual([-1, 0, 1, 2]);
    pixels = await decodePng(await element.plotPng());
    for (const point of points) expect(isParticle(pixelAt(pixels, ...pixelOf(element, [point[0]!, point[1]!], pixels)))).toBe(true);
  });

  it('has axes with ticks in the plane\'s units titled x and f(x), a key, and follows the dark theme', async () => {
    await watchErrors();
    const x = [0, 0.5, 1];
    const element = await view(await makeSource(ESCAPE, x, x.map(escapeValue)), {}, 420, 300);
    expect(overlayLabels(element)).toEqual(['x', 'f(x)']);
    const xTicks = overlayTicks(element, 'x-axis').map((t) => t.value);
    expect(xTicks).toContain(0);
    expect(xTicks).toContain(1);
    expect(overlayTicks(element, 'y-axis').length).toBeGreaterThanOrEqual(2);
    const legend = element.shadowRoot!.querySelector('.legend')!.textContent!;
    expect(legend).toContain('one run each (3)');
    expect(legend).toContain('f(x)');
    // The canvas is the plot alone: the margins hold the axes.
    const light = await decodePng(await element.plotPng());
    expect(light.width).toBeLessThan(420);
    expect(pixelAt(light, 2, light.height - 2)).toEqual([255, 255, 255, 255]);
    restoreTheme = switchToDarkTheme();
    await expect.poll(async () => pixelAt(await decodePng(await element.plotPng()), 2, light.height - 2), { timeout: 10_000 }).toEqual([0x1a, 0x1e, 0x24, 255]);
    // The curve takes the theme's light text colour.
    const pixels = await decodePng(await element.plotPng());
    const [column, row] = pixelOf(element, [0.75, escapeValue(0.75)], pixels);
    expect(near(pixels, column, row, 1, ([r, g, b]) => r + g + b > 500)).toBe(true);
  });

  it('a quadratic-sum with two cells draws one curve per cell, each particle on its own', async () => {
    await watchErrors();
    // Cells a = 1 and a = 3 (means of [0.5, 1.5] and [2, 4]); particles 0 and 1 in cell 0, 2 and 3 in cell 1.
    const model = { kind: 'landscape', spec: { kind: 'quadratic-sum', particleCount: 4, learningRate: 0.1, curvatures: [[0.5, 1.5], [2, 4]] }, start: { point: [1] } };
    const x = [-1, 0.5, 0.5, 1];
    const element = await view(await makeSource(model, x, x.map((v, p) => 0.5 * (p < 2 ? 1 : 3) * v * v)), { bare: '', 'point-size': '3' }, 240, 200);
    const pixels = await decodePng(await element.plotPng());
    // The y range is f of the steeper cell at the padded edge x = -1.08.
    expect(element.fittedBox![3]).toBeCloseTo(0.5 * 3 * 1.08 ** 2, 4);
    for (const [at, a] of [[-0.6, 1], [-0.6, 3], [0.8, 1], [0.8, 3]] as const) {
      const [column, row] = pixelOf(element, [at, 0.5 * a * at * at], pixels);
      expect(near(pixels, column, row, 1, isInk), `curve a = ${a} at x = ${at}`).toBe(true);
    }
    x.forEach((v, p) => expect(isParticle(pixelAt(pixels, ...pixelOf(element, [v, 0.5 * (p < 2 ? 1 : 3) * v * v], pixels))), `particle ${p}`).toBe(true));
  });
});
