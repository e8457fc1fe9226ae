import { afterEach, describe, expect, it } from 'vitest';
import '../../src/ui/gradflow-function-view';
import type { GradflowFunctionView } from '../../src/ui/gradflow-function-view';
import type { FunctionSource } from '../../src/ui/particle-source';
import { forward } from '../../src/float64/two-layer';
import { createStorageBuffer } from '../../src/gpu/buffers';
import { getTestGpu } from '../helpers/gpu';
import { decodePng, hue, mount, pixelAt, type Pixels } from './view-test-helpers';

const SIZE = 64;

interface Net {
  readonly a: number[];
  readonly W: number[];
  readonly b?: number[];
  readonly d: number;
  readonly scale: number;
}

async function makeSource(net: Net, data?: { X: number[]; y: number[] }): Promise<FunctionSource> {
  const gpu = await getTestGpu();
  return {
    device: gpu.device,
    a: createStorageBuffer(gpu, 'test/a', new Float32Array(net.a)),
    W: createStorageBuffer(gpu, 'test/W', new Float32Array(net.W)),
    ...(net.b ? { b: createStorageBuffer(gpu, 'test/b', new Float32Array(net.b)) } : {}),
    width: net.a.length,
    inputDim: net.d,
    scale: net.scale,
    ...(data ? { data: { X: new Float32Array(data.X), y: new Float32Array(data.y) } } : {}),
  };
}

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
    // Data point (1, -1) with label -1: a blue disc with a dark rim, at its pixel.
    const column = ((1 - extent.x0) / (extent.x1 - extent.x0)) * SIZE;
    const row = ((extent.y1 - -1) / (extent.y1 - extent.y0)) * SIZE;
    const centre = pixelAt(pixels, column, row);
    expect(hue(centre)).toBe('blue');
    expect(centre[0] + centre[1]).toBeLessThan(200);
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
});
