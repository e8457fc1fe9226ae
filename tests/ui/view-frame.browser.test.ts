/**
 * The figure a view measures for its axes leaves out the key below it, however many rows the key wraps onto
 * (issue 15: a phone-width particle view's three-row key overlapped the x-axis ticks and title).
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/ui/gradflow-particle-view';
import '../../src/ui/gradflow-function-view';
import type { GradflowParticleView } from '../../src/ui/gradflow-particle-view';
import type { GradflowFunctionView } from '../../src/ui/gradflow-function-view';
import { mount } from './view-test-helpers';
import { functionSource, particleSource, watchGpuErrors } from './view-source-helpers';

/** One row of the key: 12 px text at line height 1.4 plus the row's padding, rounded up. */
const KEY_ROW_PX = 22;

afterEach(() => {
  for (const element of document.querySelectorAll('gradflow-particle-view, gradflow-function-view')) element.remove();
});

/** Particles with every entry of the key: both signs, disc areas, teacher rings and target points. */
async function keyedParticles(): Promise<GradflowParticleView> {
  const teacher = { W: new Float32Array([1, 0, 0, 1, -1, -1]), a: new Float32Array([1, 1, 1]) };
  const target = { kind: 'points', points: [[0.5, 0.5]] } as const;
  const element = document.createElement('gradflow-particle-view');
  element.source = await particleSource([1, -2, 0.5], [1, 0, 0, 1, -1, 0.5], 2, { teacher, target });
  return element;
}

async function keyedFunction(): Promise<GradflowFunctionView> {
  const element = document.createElement('gradflow-function-view');
  element.setAttribute('grid-size', '17');
  element.source = await functionSource({ d: 2, a: [1, -1], W: [1, 0, 0, 1], scale: 1 }, { X: [-1, -1, 1, 1], y: [1, -1] });
  return element;
}

/** Draws, reads the axes' data back and lets the layout settle (the key may change rows once its values are known). */
async function settle(element: GradflowParticleView | GradflowFunctionView): Promise<void> {
  await element.updateAxes();
  for (let frame = 0; frame < 4; frame++) {
    await new Promise(requestAnimationFrame);
    await element.updateComplete;
  }
}

const rectOf = (selector: string, element: Element) => element.shadowRoot!.querySelector(selector)!.getBoundingClientRect();
const intersects = (p: DOMRect, q: DOMRect) => p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom;

/** Every text of the SVG overlay (tick labels, titles, colour bar) lies in the figure, clear of the key. */
function expectAxesClearOfKey(element: Element, where: string): number {
  const key = rectOf('.legend', element);
  const figure = rectOf('.figure', element);
  const texts = [...element.shadowRoot!.querySelectorAll('svg.axes text')];
  for (const text of texts) {
    const box = text.getBoundingClientRect();
    expect(intersects(box, key), `${where}: "${text.textContent}" at y ${box.top}..${box.bottom} runs into the key at y ${key.top}..${key.bottom}`).toBe(false);
    expect(box.bottom, `${where}: "${text.textContent}" below the figure`).toBeLessThanOrEqual(figure.bottom + 0.5);
  }
  return texts.length;
}

describe('a view\'s figure and its wrapped key', () => {
  it('an element of fixed height: a key wrapped onto several rows takes its real height, and the axes stay above it', async () => {
    const stop = await watchGpuErrors();
    // 332 x 208 is a 390 px phone's view at 16:10 (the three-row key leaves a figure too short for axes);
    // 332 x 280 and 240 x 300 leave room for them above a key of three and four rows.
    for (const [width, height] of [[332, 208], [332, 280], [240, 300]] as const) {
      const element = mount(await keyedParticles(), width, height);
      await settle(element);
      const where = `${width} x ${height}`;
      expect(rectOf('.legend', element).height, `${where}: the key wraps`).toBeGreaterThan(2 * KEY_ROW_PX);
      const figure = rectOf('.figure', element);
      expect(figure.height + rectOf('.legend', element).height).toBeCloseTo(height, 0);
      expectAxesClearOfKey(element, where);
      // The plot fills what the axes leave of the figure, or the whole figure when they do not fit.
      const plot = rectOf('canvas', element);
      expect(plot.bottom).toBeLessThanOrEqual(figure.bottom + 0.5);
      element.remove();
    }
    expect(stop()).toEqual([]);
  });

  it('an element of height auto with --gf-figure-aspect: the figure keeps its shape with axes, and the key adds its rows below', async () => {
    const stop = await watchGpuErrors();
    for (const make of [keyedParticles, keyedFunction]) {
      for (const width of [260, 332, 520]) {
        const element = mount(await make(), width, 100);
        element.style.height = 'auto';
        element.style.setProperty('--gf-figure-aspect', '16 / 10');
        await settle(element);
        const where = `${element.localName} ${width} px wide`;
        const [host, figure, key] = [element.getBoundingClientRect(), rectOf('.figure', element), rectOf('.legend', element)];
        expect(figure.height, where).toBeCloseTo(width / 1.6, 0);
        expect(key.top, where).toBeCloseTo(figure.bottom, 0);
        expect(host.height, where).toBeCloseTo(figure.height + key.height, 0);
        expect(expectAxesClearOfKey(element, where), `${where}: axes drawn`).toBeGreaterThan(4);
        expect(element.shadowRoot!.querySelectorAll('svg.axes .x-axis text.tick').length, where).toBeGreaterThanOrEqual(2);
        expect(element.shadowRoot!.querySelectorAll('svg.axes .y-axis text.tick').length, where).toBeGreaterThanOrEqual(2);
        element.remove();
      }
    }
    expect(stop()).toEqual([]);
  });
});
