/**
 * The function view's heat map follows the page's theme: its diverging map's zero is white in a light theme and
 * the plot's background in a dark one (a white zero left a light square in a dark page), the colour bar likewise.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/ui/gradflow-function-view';
import type { GradflowFunctionView } from '../../src/ui/gradflow-function-view';
import { decodePng, hue, mount, pixelAt, type Pixels } from './view-test-helpers';
import { functionSource, watchGpuErrors } from './view-source-helpers';
import { switchToDarkTheme } from './view-overlay-helpers';

const SIZE = 64;
/** index.html's dark panel colour, #1a1e24, as the overlay helpers' dark theme sets it. */
const DARK_BACKGROUND = [0x1a, 0x1e, 0x24, 255];

let restoreTheme: (() => void) | undefined;
afterEach(() => {
  restoreTheme?.();
  restoreTheme = undefined;
  for (const element of document.querySelectorAll('gradflow-function-view')) element.remove();
});

/**
 * f(x) = relu(x_1) on [-1, 1]^2: exactly 0 on the left half, rising to max |f| = 1 at the right edge. The view
 * is a thumbnail (the plot fills it), so pixel column c shows x_1 = -1 + 2 (c + 0.5) / SIZE.
 */
async function reluView(width = SIZE, height = SIZE): Promise<GradflowFunctionView> {
  const element = document.createElement('gradflow-function-view');
  element.setAttribute('extent', '-1,1,-1,1');
  element.setAttribute('grid-size', '65');
  element.source = await functionSource({ d: 2, a: [1], W: [1, 0], scale: 1 });
  mount(element, width, height);
  await element.whenReady();
  expect(element.status).toBe('');
  return element;
}

const plot = async (element: GradflowFunctionView): Promise<Pixels> => decodePng(await element.plotPng());
const brightness = ([r, g, b]: readonly number[]) => r! + g! + b!;

describe('the function view\'s heat map and the theme', () => {
  it('light theme: f = 0 is white, f > 0 red (as before)', async () => {
    const stop = await watchGpuErrors();
    const pixels = await plot(await reluView());
    for (const row of [4, SIZE / 2, SIZE - 4]) {
      expect(pixelAt(pixels, 8, row)).toEqual([255, 255, 255, 255]);
      expect(pixelAt(pixels, SIZE / 2 - 4, row)).toEqual([255, 255, 255, 255]);
    }
    // f = 1 = max |f| at the right edge: full red; f = 1/2 half-way to it from white, so light.
    expect(hue(pixelAt(pixels, SIZE - 1, SIZE / 2))).toBe('red');
    expect(brightness(pixelAt(pixels, (3 * SIZE) / 4, SIZE / 2))).toBeGreaterThan(400);
    expect(stop()).toEqual([]);
  });

  it('dark theme: f = 0 is the dark background, small |f| stays dark, f > 0 turns red; the colour bar\'s middle is the background', async () => {
    const stop = await watchGpuErrors();
    const element = await reluView();
    restoreTheme = switchToDarkTheme();
    await expect.poll(async () => pixelAt(await plot(element), 8, SIZE / 2), { timeout: 10_000 }).toEqual(DARK_BACKGROUND);
    const pixels = await plot(element);
    for (const row of [4, SIZE / 2, SIZE - 4]) {
      expect(pixelAt(pixels, 8, row)).toEqual(DARK_BACKGROUND);
      expect(pixelAt(pixels, SIZE / 2 - 4, row)).toEqual(DARK_BACKGROUND);
    }
    // f about 0.06 (3.5 % of the way to max |f| = 1): near the background, nowhere near white.
    expect(brightness(pixelAt(pixels, SIZE / 2 + 1, SIZE / 2))).toBeLessThan(brightness(DARK_BACKGROUND) + 60);
    expect(hue(pixelAt(pixels, SIZE - 1, SIZE / 2))).toBe('red');
    expect(hue(pixelAt(pixels, (3 * SIZE) / 4, SIZE / 2))).toBe('red');
    expect(brightness(pixelAt(pixels, (3 * SIZE) / 4, SIZE / 2))).toBeLessThan(400);

    // A framed view: the colour bar's zero stop is the background too.
    const framed = await reluView(440, 300);
    await framed.updateAxes();
    await expect.poll(() => framed.shadowRoot!.querySelector('#f-scale stop[offset="0.5"]')?.getAttribute('stop-color'), { timeout: 10_000 }).toBe('#1a1e24');
    restoreTheme();
    restoreTheme = undefined;
    await expect.poll(() => framed.shadowRoot!.querySelector('#f-scale stop[offset="0.5"]')?.getAttribute('stop-color'), { timeout: 10_000 }).toBe('#ffffff');
    await expect.poll(async () => pixelAt(await plot(element), 8, SIZE / 2), { timeout: 10_000 }).toEqual([255, 255, 255, 255]);
    expect(stop()).toEqual([]);
  });
});
