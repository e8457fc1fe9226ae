import { afterEach, describe, expect, it } from 'vitest';
import '../../src/ui/gradflow-function-view';
import type { GradflowFunctionView } from '../../src/ui/gradflow-function-view';
import type { FunctionSource } from '../../src/ui/particle-source';
import { forward } from '../../src/float64/two-layer';
import { createStorageBuffer } from '../../src/gpu/buffers';
import { getTestGpu } from '../helpers/gpu';
import { functionSource as makeSource, type TestNet as Net } from './view-source-helpers';
import { decodePng, hue, mount, pixelAt, type Pixels } from './view-test-helpers';
import { overlayLabels, overlayTicks, pixelBox, switchToDarkTheme } from './view-overlay-helpers';

const SIZE = 64;

async function view(source: FunctionSource, attributes: Record<string, string> = {}): Promise<GradflowFunctionView> {
  const element = document.createElement('gradflow-function-view');
  // Headless Chromium on SwiftShader loses the device when a canvas presents: draw offscreen only.
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.source = source;
  mount(element, SIZE, SIZE);
  await element.whenReady();
  expect(element.status).toBe('');
  return element;
}

/** f at the given inputs by the float64 reference (scale = alpha with 'standard' scaling s_m = 1). */
function reference(net: Net, X: number[]): Float64Array {
  const params = { width: net.a.length, inputDim: net.d, a: Float64Array.from(net.a), W: Float64Array.from(net.W), ...(net.b ? { b: Float64Array.from(net.b) } : {}) };
  return forward(params, X, X.length / net.d, { scaling: 'standard', loss: 'square', alpha: net.scale }).output;
}

let uncaptured: string[] = [];
afterEach(async () => {
  for (const element of document.querySelectorAll('gradflow-function-view')) element.remove();
  expect(uncaptured).toEqual([]);
  uncaptured = [];
});
async function watchErrors(): Promise<() => void> {
  const { device } = await getTestGpu();
  const listener = (e: Event) => uncaptured.push((e as GPUUncapturedErrorEvent).error.message);
  device.addEventListener('uncapturederror', listener);
  return () => device.removeEventListener('uncapturederror', listener);
}

/** Checks that every pixel centre where |f| is clearly non-zero shows the colour of the sign of f. */
function expectHeatmapSigns(pixels: Pixels, net: Net, extent: { x0: number; x1: number; y0: number; y1: number }, avoid: number[][] = []): number {
  const samples: [number, number, number, number][] = [];
  for (let row = 2; row < SIZE; row += 5) {
    for (let column = 2; column < SIZE; column += 5) {
      const x = extent.x0 + ((column + 0.5) / SIZE) * (extent.x1 - extent.x0);
      const y = extent.y1 - ((row + 0.5) / SIZE) * (extent.y1 - extent.y0);
      samples.push([column, row, x, y]);
    }
  }
  const f = reference(net, samples.flatMap(([, , x, y]) => [x, y]));
  const maxAbs = Math.max(...f.map(Math.abs));
  let checked = 0;
  samples.forEach(([column, row, x, y], s) => {
    // Skip near-zero values (colour near white) and the data-point discs drawn on top.
    const nearPoint = avoid.some(([px, py]) => Math.hypot(((px! - x) / (extent.x1 - extent.x0)) * SIZE, ((py! - y) / (extent.y1 - extent.y0)) * SIZE) < 8);
    if (Math.abs(f[s]!) < 0.25 * maxAbs || nearPoint) return;
    expect(hue(pixelAt(pixels, column, row)), `pixel (${column}, ${row}) x = (${x}, ${y}) f = ${f[s]}`).toBe(f[s]! > 0 ? 'red' : 'blue');
    checked += 1;
  });
  return checked;
}

describe('<gradflow-function-view>', () => {
  it('d = 2: the heat map colour at each pixel has the sign of f there (reference forward); points coloured by label', async () => {
    const unwatch = await watchErrors();
    const net: Net = { d: 2, a: [1, -1.5, 0.7], W: [1, 0.2, -0.3, 1, -1, -1], scale: 0.8 };
    const data = { X: [-1, -1, 1, 1, -1, 1, 1, -1], y: [1, -1, 1, -1] };
    const element = await view(await makeSource(net, data), { 'grid-size': '37' });
    const extent = element.plotExtent;
    expect(extent.x0).toBeCloseTo(-1.1, 6);
    expect(extent.y1).toBeCloseTo(1.1, 6);
    const pixels = await decodePng(await element.toPng());
    expect(expectHeatmapSigns(pixels, net, extent, [[-1, -1], [1, 1], [-1, 1], [1, -1]])).toBeGreaterThan(20);
    // Data point (-1, 1) with label +1: a red disc with a dark rim, at its pixel (4 points: radius 7 px).
    const pixel = (x: number, y: number): [number, number] => [((x - extent.x0) / (extent.x1 - extent.x0)) * SIZE, ((extent.y1 - y) / (extent.y1 - extent.y0)) * SIZE];
    const [column, row] = pixel(-1, 1);
    expect(hue(pixelAt(pixels, column, row))).toBe('red');
    expect(pixelAt(pixels, column + 6, row).slice(0, 3).reduce((p, q) => p + q)).toBeLessThan(60);
    unwatch();
  });

  it('d = 2 with bias b and an extent attribute', async () => {
    const unwatch = await watchErrors();
    const net: Net = { d: 2, a: [2, -1], W: [1, 0, 0, 1], b: [-0.5, 0.3], scale: 1 };
    const element = await view(await makeSource(net), { extent: '-2,2,-2,2', 'grid-size': '65' });
    expect(element.plotExtent).toEqual({ x0: -2, x1: 2, y0: -2, y1: 2 });
    const pixels = await decodePng(await element.toPng());
    expect(expectHeatmapSigns(pixels, net, element.plotExtent)).toBeGreaterThan(20);
    unwatch();
  });

  it('d = 1: the curve passes through (x, f(x)) and the points are drawn', async () => {
    const unwatch = await watchErrors();
    const net: Net = { d: 1, a: [1, 1, -2], W: [1, -1, 1], b: [0, 0, -0.5], scale: 0.5 };
    const data = { X: [-1, 0, 1], y: [0.5, 0, 0.5] };
    const element = await view(await makeSource(net, data), { 'grid-size': '50', 'point-size': '2' });
    const { x0, x1 } = element.plotExtent;
    const pixels = await decodePng(await element.toPng());
    // Vertical range: curve range and targets, padded 8%: grid values at the 50 grid x.
    const gridX = Array.from({ length: 50 }, (_, i) => x0 + ((x1 - x0) * i) / 49);
    const fGrid = reference(net, gridX);
    const lo0 = Math.min(...fGrid, ...data.y);
    const hi0 = Math.max(...fGrid, ...data.y);
    const [lo, hi] = [lo0 - 0.08 * (hi0 - lo0), hi0 + 0.08 * (hi0 - lo0)];
    let hits = 0;
    for (let column = 3; column < SIZE - 3; column += 4) {
      const x = x0 + ((column + 0.5) / SIZE) * (x1 - x0);
      const f = reference(net, [x])[0]!;
      const row = ((hi - f) / (hi - lo)) * SIZE;
      // The 1-pixel line is within 2 rows of f (the grid is piecewise linear between 50 samples).
      const dark = [-2, -1, 0, 1, 2].some((dr) => pixelAt(pixels, column, row + dr)[0] < 100);
      expect(dark, `column ${column}: f(${x}) = ${f}, row ${row}`).toBe(true);
      hits += 1;
    }
    expect(hits).toBeGreaterThan(10);
    // Far above the curve: background.
    expect(pixelAt(pixels, 1, 1)).toEqual([255, 255, 255, 255]);
    unwatch();
  });

  it('stays robust: d = 5 is refused with a status, m = 0 draws f = 0, destroyed buffers stop drawing', async () => {
    const unwatch = await watchErrors();
    const gpu = await getTestGpu();
    const wide = document.createElement('gradflow-function-view');
    wide.source = await makeSource({ d: 5, a: [1], W: [1, 0, 0, 0, 0], scale: 1 });
    mount(wide, SIZE, SIZE);
    await wide.whenReady();
    expect(wide.status).toMatch(/d = 1 or d = 2/);
    expect(wide.renderFrame()).toBe(false);
    const empty: FunctionSource = { device: gpu.device, a: createStorageBuffer(gpu, 'a0', 4), W: createStorageBuffer(gpu, 'W0', 8), width: 0, inputDim: 2, scale: 1 };
    const element = await view(empty);
    const pixels = await decodePng(await element.toPng());
    expect(pixels.data.every((v) => v === 255)).toBe(true);
    const source = await makeSource({ d: 2, a: [1], W: [1, 0], scale: 1 });
    element.source = source;
    await element.whenReady();
    expect(element.renderFrame()).toBe(true);
    source.a.destroy();
    await expect.poll(() => (element.renderFrame(), element.status), { timeout: 10_000 }).toMatch(/^stopped/);
    unwatch();
  });

  it('draws the labels as distinct shapes, larger when there are few points: y = +1 a filled red disc, y = -1 a blue ring', async () => {
    const unwatch = await watchErrors();
    // f > 0 near (0.5, 0) and f < 0 near (-0.5, 0): each point sits on the heat map of the other sign,
    // so the ring's centre (the heat map seen through it) and the disc's centre differ from their own colour.
    const net: Net = { d: 2, a: [1, -1], W: [1, 0, -1, 0], scale: 1 };
    const data = { X: [-0.5, 0, 0.5, 0], y: [1, -1] };
    const element = await view(await makeSource(net, data), { extent: '-1,1,-1,1', 'grid-size': '33' });
    const pixels = await decodePng(await element.toPng());
    const pixel = (x: number, y: number): [number, number] => [((x + 1) / 2) * SIZE, ((1 - y) / 2) * SIZE];
    const dark = (p: readonly number[]) => p[0]! + p[1]! + p[2]! < 60;
    // y = +1 at (-0.5, 0), on blue: red to its centre, a dark rim 6 px out (radius 7 px for a handful of points).
    const [px, py] = pixel(-0.5, 0);
    expect(hue(pixelAt(pixels, px, py))).toBe('red');
    expect(hue(pixelAt(pixels, px + 3, py))).toBe('red');
    expect(dark(pixelAt(pixels, px + 6, py))).toBe(true);
    // y = -1 at (0.5, 0), on red: a ring, its hole showing the red heat map, its band blue, its edges dark.
    const [qx, qy] = pixel(0.5, 0);
    expect(hue(pixelAt(pixels, qx, qy))).toBe('red');
    expect(hue(pixelAt(pixels, qx + 4.5, qy))).toBe('blue');
    expect(dark(pixelAt(pixels, qx + 6.3, qy))).toBe(true);
    expect(dark(pixelAt(pixels, qx + 3.5, qy))).toBe(true);
    unwatch();
  });
});

/** A view large enough for axes, colour bar and key (smaller ones are thumbnails: the canvas alone). */
async function framedView(source: FunctionSource, attributes: Record<string, string> = {}, width = 440, height = 300): Promise<GradflowFunctionView> {
  const element = document.createElement('gradflow-function-view');
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.source = source;
  mount(element, width, height);
  await element.updateAxes();
  expect(element.status).toBe('');
  return element;
}

describe('<gradflow-function-view> around the plot (issue 15)', () => {
  it('keeps 1:1 data units: data on a circle are drawn on a circle in a wide view', async () => {
    const unwatch = await watchErrors();
    const n = 24;
    const X = Array.from({ length: n }, (_, i) => [Math.cos((2 * Math.PI * i) / n), Math.sin((2 * Math.PI * i) / n)]).flat();
    const net: Net = { d: 2, a: [0.01], W: [1, 0], scale: 1 };
    const element = await framedView(await makeSource(net, { X, y: Array.from({ length: n }, () => 1) }), { 'grid-size': '17' });
    const pixels = await decodePng(await element.plotPng());
    // The plot is wider than tall; the marks' dark rims show where the points are.
    expect(pixels.width).toBeGreaterThan(1.2 * pixels.height);
    const box = pixelBox(pixels, ([r, g, b]) => r + g + b < 60)!;
    const [w, h] = [box[2] - box[0], box[3] - box[1]];
    expect(Math.abs(w - h), `drawn ${w} x ${h} px`).toBeLessThanOrEqual(2);
    // The data's box is kept whole (the short side), the other side widened about the centre.
    const { x0, x1, y0, y1 } = element.viewExtent;
    expect(y0).toBeCloseTo(-1.1, 5);
    expect(y1).toBeCloseTo(1.1, 5);
    expect((x1 - x0) / (y1 - y0)).toBeCloseTo(pixels.width / pixels.height, 5);
    expect(x0 + x1).toBeCloseTo(0, 5);
    // A click maps back to the input point under it.
    const [cx, cy] = element.clientPointOf(0.5, -0.25);
    const [bx, by] = element.planePointAt(cx, cy)!;
    expect(bx).toBeCloseTo(0.5, 5);
    expect(by).toBeCloseTo(-0.25, 5);
    expect(element.planePointAt(cx, element.getBoundingClientRect().bottom - 1)).toBeNull();
    unwatch();
  });

  it('has axes x_1 / x_2 in input units, a colour bar for f with its values, and a key to the marks', async () => {
    const unwatch = await watchErrors();
    const net: Net = { d: 2, a: [2, -1], W: [1, 0, 0, 1], b: [-0.5, 0.3], scale: 1 };
    const data = { X: [-1, -1, 1, 1], y: [1, -1] };
    const element = await framedView(await makeSource(net, data), { extent: '-2,2,-2,2', 'grid-size': '65' });
    expect(overlayLabels(element)).toEqual(['x_1', 'x_2']);
    const canvas = element.shadowRoot!.querySelector('canvas')!;
    const { x0, x1, y0, y1 } = element.viewExtent;
    expect([y0, y1]).toEqual([-2, 2]);
    // Each x tick sits where its value is drawn; y ticks likewise (value grows upwards).
    const x = overlayTicks(element, 'x-axis');
    const y = overlayTicks(element, 'y-axis');
    expect(x.map((t) => t.value)).toContain(0);
    expect(y.map((t) => t.value)).toEqual(expect.arrayContaining([-2, 0, 2]));
    for (const t of x) expect(t.x - canvas.offsetLeft).toBeCloseTo(((t.value - x0) / (x1 - x0)) * canvas.clientWidth, 3);
    for (const t of y) expect(t.y - canvas.offsetTop).toBeCloseTo(((y1 - t.value) / (y1 - y0)) * canvas.clientHeight, 3);
    // The colour bar: from -max|f| to +max|f| over the grid, its ticks within that range and 0 among them.
    const [lo, hi] = element.valueRange!;
    const maxAbs = Math.max(-lo, hi);
    const gridX = Array.from({ length: 65 }, (_, i) => x0 + ((x1 - x0) * i) / 64);
    const gridY = Array.from({ length: 65 }, (_, k) => y0 + ((y1 - y0) * k) / 64);
    const f = reference(net, gridY.flatMap((v) => gridX.flatMap((u) => [u, v])));
    expect(maxAbs).toBeCloseTo(Math.max(...f.map(Math.abs)), 4);
    const bar = overlayTicks(element, 'colour-bar');
    expect(bar.map((t) => t.value)).toContain(0);
    expect(bar.length).toBeGreaterThanOrEqual(3);
    for (const t of bar) expect(Math.abs(t.value)).toBeLessThanOrEqual(maxAbs);
    expect(element.shadowRoot!.querySelector('svg.axes .colour-bar rect')).not.toBeNull();
    expect(element.shadowRoot!.querySelector('.colour-bar-label')!.textContent).toBe('f(x)');
    const key = element.shadowRoot!.querySelector('.legend')!.textContent!.replace(/\s+/g, ' ');
    expect(key).toContain('y = +1');
    expect(key).toContain('y = −1');
    unwatch();
  });

  it('d = 1: axes x and f(x), the vertical ticks on the curve\'s range', async () => {
    const unwatch = await watchErrors();
    const net: Net = { d: 1, a: [1, -1], W: [1, 1], b: [0, -1], scale: 1 };
    const element = await framedView(await makeSource(net, { X: [-1, 0, 2], y: [0, 0.5, 1] }), { 'grid-size': '40' });
    expect(overlayLabels(element)).toEqual(['x', 'f(x)']);
    expect(overlayTicks(element, 'y-axis').length).toBeGreaterThanOrEqual(2);
    expect(element.shadowRoot!.querySelector('.colour-bar')).toBeNull();
    unwatch();
  });

  it('dark theme: the axes, colour bar and key take the page text colour', async () => {
    const unwatch = await watchErrors();
    const element = await framedView(await makeSource({ d: 2, a: [1], W: [1, 0], scale: 1 }, { X: [0, 0, 1, 1], y: [1, -1] }));
    const restore = switchToDarkTheme();
    try {
      await expect.poll(() => element.shadowRoot!.querySelector('svg.axes .x-axis')?.getAttribute('fill'), { timeout: 10_000 }).toBe('rgb(230, 232, 235)');
      expect(getComputedStyle(element.shadowRoot!.querySelector('.legend')!).color).toBe('rgb(230, 232, 235)');
    } finally {
      restore();
    }
    unwatch();
  });
});
