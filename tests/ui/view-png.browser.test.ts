/**
 * toPng() (the views' PNG buttons) exports what is on screen: the plot with its axes, tick labels, titles, colour
 * bar and key around it, where plotPng() is the plot alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/ui/gradflow-particle-view';
import '../../src/ui/gradflow-function-view';
import type { GradflowParticleView } from '../../src/ui/gradflow-particle-view';
import type { GradflowFunctionView } from '../../src/ui/gradflow-function-view';
import { decodePng, mount, pixelAt, type Pixels } from './view-test-helpers';
import { functionSource, particleSource, watchGpuErrors } from './view-source-helpers';
import { switchToDarkTheme } from './view-overlay-helpers';

/** The margins the axes take (view-layout.ts): left for the y ticks and title, bottom for the x ones. */
const LEFT_MARGIN_PX = 52;
const BOTTOM_MARGIN_PX = 38;
/** A channel this far from the background's is drawn on (anti-aliased text edges included). */
const INK_DISTANCE = 60;

let restoreTheme: (() => void) | undefined;
afterEach(() => {
  restoreTheme?.();
  restoreTheme = undefined;
  for (const element of document.querySelectorAll('gradflow-particle-view, gradflow-function-view')) element.remove();
});

async function framed<T extends GradflowParticleView | GradflowFunctionView>(element: T, width: number, height: number): Promise<T> {
  mount(element, width, height);
  await element.updateAxes();
  for (let frame = 0; frame < 3; frame++) {
    await new Promise(requestAnimationFrame);
    await element.updateComplete;
  }
  await element.updateAxes();
  expect(element.status).toBe('');
  return element;
}

/** Pixels of `pixels` inside the client rect `box` (the PNG's origin at client point `origin`) that differ from `background`. */
function inkIn(pixels: Pixels, box: DOMRect, origin: DOMRect, background: readonly number[]): number {
  let ink = 0;
  for (let y = Math.floor(box.top - origin.top); y < Math.ceil(box.bottom - origin.top); y++) {
    for (let x = Math.floor(box.left - origin.left); x < Math.ceil(box.right - origin.left); x++) {
      const p = pixelAt(pixels, x, y);
      if ([0, 1, 2].some((c) => Math.abs(p[c]! - background[c]!) > INK_DISTANCE)) ink += 1;
    }
  }
  return ink;
}

/** Every tick label, title and key text of `element` has ink under it in the exported PNG; returns how many were checked. */
function expectTextInk(element: Element, pixels: Pixels, background: readonly number[]): number {
  const root = element.shadowRoot!;
  const origin = root.querySelector('.figure')!.getBoundingClientRect();
  const texts: { text: string; box: DOMRect }[] = [...root.querySelectorAll('svg.axes text')].map((text) => ({ text: text.textContent ?? '', box: text.getBoundingClientRect() }));
  // The key's labels, beside (not counting) their icons.
  const walker = document.createTreeWalker(root.querySelector('.legend')!, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    texts.push({ text: node.textContent ?? '', box: range.getBoundingClientRect() });
  }
  let checked = 0;
  for (const { text, box } of texts) {
    if (!text.trim() || box.width === 0) continue;
    expect(inkIn(pixels, box, origin, background), `"${text.trim()}" at (${box.left - origin.left}, ${box.top - origin.top})`).toBeGreaterThan(3);
    checked += 1;
  }
  return checked;
}

describe('toPng(): the view as on screen', () => {
  it('the function view: the PNG holds the plot, its axes, tick labels, titles, colour bar and key', async () => {
    const stop = await watchGpuErrors();
    const element = document.createElement('gradflow-function-view');
    element.setAttribute('grid-size', '33');
    element.source = await functionSource({ d: 2, a: [2, -1], W: [1, 0, 0, 1], b: [-0.5, 0.3], scale: 1 }, { X: [-1, -1, 1, 1], y: [1, -1] });
    await framed(element, 440, 300);
    const [whole, plot] = [await decodePng(await element.toPng()), await decodePng(await element.plotPng())];
    // The host's size: the figure with the key below it, larger than the plot by the margins and the colour bar.
    expect([whole.width, whole.height]).toEqual([440, 300]);
    expect(whole.width).toBeGreaterThanOrEqual(plot.width + LEFT_MARGIN_PX + 62);
    expect(whole.height).toBeGreaterThanOrEqual(plot.height + BOTTOM_MARGIN_PX);
    // The plot is in it where the canvas is, pixel for pixel.
    const canvas = element.shadowRoot!.querySelector('canvas')!;
    for (const [x, y] of [[5, 5], [plot.width / 2, plot.height / 2], [plot.width - 3, plot.height - 3]] as const) {
      expect(pixelAt(whole, canvas.offsetLeft + x, canvas.offsetTop + y)).toEqual(pixelAt(plot, x, y));
    }
    // Outside the plot, the page's background (white here) where nothing is drawn...
    expect(pixelAt(whole, 2, 2)).toEqual([255, 255, 255, 255]);
    // ...and ink under every tick label (x, y, colour bar), title and key entry.
    expect(expectTextInk(element, whole, [255, 255, 255])).toBeGreaterThanOrEqual(8);
    // The colour bar's gradient: red at its top, blue at its bottom.
    const bar = element.shadowRoot!.querySelector('svg.axes .colour-bar rect')!.getBoundingClientRect();
    const origin = element.getBoundingClientRect();
    const [top, bottom] = [pixelAt(whole, bar.left - origin.left + bar.width / 2, bar.top - origin.top + 3), pixelAt(whole, bar.left - origin.left + bar.width / 2, bar.bottom - origin.top - 3)];
    expect(top[0]).toBeGreaterThan(top[2] + 60);
    expect(bottom[2]).toBeGreaterThan(bottom[0] + 60);
    expect(stop()).toEqual([]);
  });

  it('the particle view: axes and key on the theme\'s background, light and dark', async () => {
    const stop = await watchGpuErrors();
    const element = document.createElement('gradflow-particle-view');
    const teacher = { W: new Float32Array([1, 0]), a: new Float32Array([1]) };
    element.source = await particleSource([1, -1, 0.5], [0, 0, 1, 1, -1, 0.5], 2, { teacher });
    await framed(element, 380, 320);
    const light = await decodePng(await element.toPng());
    const plot = await decodePng(await element.plotPng());
    expect([light.width, light.height]).toEqual([380, 320]);
    expect(light.width - plot.width).toBeGreaterThanOrEqual(LEFT_MARGIN_PX);
    expect(light.height - plot.height).toBeGreaterThanOrEqual(BOTTOM_MARGIN_PX);
    expect(expectTextInk(element, light, [255, 255, 255])).toBeGreaterThanOrEqual(6);

    restoreTheme = switchToDarkTheme();
    // The margins take the page's dark panel colour, and the text its light colour.
    await expect.poll(async () => pixelAt(await decodePng(await element.toPng()), 2, 2), { timeout: 10_000 }).toEqual([0x1a, 0x1e, 0x24, 255]);
    const dark = await decodePng(await element.toPng());
    expect(expectTextInk(element, dark, [0x1a, 0x1e, 0x24])).toBeGreaterThanOrEqual(6);
    expect(stop()).toEqual([]);
  });
});
