/**
 * Issue 15, the views in the app: they follow the theme picker (the particle view's plot turns dark with the
 * page), they stack with their axes on a phone, and projection "coordinates" brings up the particle view's own
 * picker of the two coordinates. Screenshots at 1440 x 900 and 390 x 844 go to test-results/first-minute/views-*.png.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { useAppBrowser, waitForStep } from '../helpers/app-browser';

const ARTIFACTS = 'test-results/first-minute';
/** A small run, so SwiftShader gets through it in seconds. */
const SMALL = '?preset=default&set=model.width=256&set=steps=400&set=metrics.every=25';
const PHONE = { width: 390, height: 844 };

const app = useAppBrowser({ artifacts: ARTIFACTS });

/** The colour of pixel (x, y) of a view's plot as the view exports it (plotPng: the GPU frame alone). */
function plotPixel(page: Page, selector: string, x: number, y: number): Promise<number[]> {
  return page.locator(selector).first().evaluate(async (element, [x, y]) => {
    const image = new Image();
    image.src = await (element as HTMLElement & { plotPng(): Promise<string> }).plotPng();
    await image.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: image.width, height: image.height });
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    return Array.from(context.getImageData(x!, y!, 1, 1).data);
  }, [x, y]);
}

/** What a view's figure shows and where, in client px: its box, its ticks, the key, and the overlay's texts that run into the key. */
interface FigureReport {
  readonly box: { top: number; bottom: number; left: number; right: number };
  /** Tick labels drawn with a size and inside the view's box, per axis. */
  readonly ticks: { x: number; y: number; bar: number };
  readonly keyHeight: number;
  /** Texts of the overlay (tick labels, titles, colour bar) whose box meets the key's. */
  readonly intoKey: string[];
}

/** Reads the figure of the app's view `tag` in one go (the layout cannot change between the reads). */
function figureReport(page: Page, tag: 'gradflow-particle-view' | 'gradflow-function-view'): Promise<FigureReport> {
  return page.evaluate((tag) => {
    const view = document.querySelector('gradflow-app')!.shadowRoot!.querySelector(tag)!;
    const root = view.shadowRoot!;
    const box = view.getBoundingClientRect();
    const key = root.querySelector('.legend')?.getBoundingClientRect();
    const shown = (text: Element) => {
      const r = text.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5;
    };
    const count = (axis: string) => [...root.querySelectorAll(`svg.axes .${axis} text.tick`)].filter(shown).length;
    const meets = (r: DOMRect, q: DOMRect) => r.left < q.right && q.left < r.right && r.top < q.bottom && q.top < r.bottom;
    return {
      box: { top: box.top, bottom: box.bottom, left: box.left, right: box.right },
      ticks: { x: count('x-axis'), y: count('y-axis'), bar: count('colour-bar') },
      keyHeight: key?.height ?? 0,
      intoKey: key ? [...root.querySelectorAll('svg.axes text')].filter((text) => meets(text.getBoundingClientRect(), key)).map((text) => text.textContent ?? '') : [],
    };
  }, tag);
}

/** The axis titles in a view's overlay. */
function axisTitles(page: Page, selector: string): Promise<string[]> {
  return page.locator(`${selector} svg.axes .axis-label`).allTextContents();
}

describe('issue 15: the views in the app', () => {
  it('follow the theme picker: the particle plot is white in the light theme and dark in the dark one', async () => {
    const { page, errors } = await app.open(SMALL, { viewport: { width: 1440, height: 900 } });
    // Past the second test-loss log (every 25 steps), for the loss chart's screenshot.
    await waitForStep(page, 26);
    await page.getByLabel('theme').selectOption('light');
    await expect.poll(() => plotPixel(page, 'gradflow-particle-view', 2, 2)).toEqual([255, 255, 255, 255]);
    expect(await axisTitles(page, 'gradflow-particle-view')).toEqual(['w_j1', 'w_j2']);
    expect(await axisTitles(page, 'gradflow-function-view')).toEqual(['x_1', 'x_2', 'f(x)']);
    await page.screenshot({ path: `${ARTIFACTS}/views-1440x900-light.png` });
    await page.getByLabel('theme').selectOption('dark');
    // index.html's dark panel colour, #1a1e24.
    await expect.poll(() => plotPixel(page, 'gradflow-particle-view', 2, 2)).toEqual([0x1a, 0x1e, 0x24, 255]);
    await page.screenshot({ path: `${ARTIFACTS}/views-1440x900-dark.png` });
    await page.locator('gradflow-metric-chart[data-testid="loss-chart"]').screenshot({ path: `${ARTIFACTS}/views-loss-chart-dark.png` });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('gradflow-particle-view').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}/views-390x844-dark.png` });
    await page.getByLabel('theme').selectOption('auto');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('at 390 x 844 (a phone), the default preset stacks the views: both with ticked axes, keys clear of them, both and the play control on the first screen', async () => {
    const { page, errors } = await app.open('', { viewport: PHONE });
    await waitForStep(page, 1);
    await page.getByLabel('theme').selectOption('light');
    const views = ['gradflow-particle-view', 'gradflow-function-view'] as const;
    // The x and y ticks (and the function's colour bar), at least two each, drawn inside the view; no overlay text in the key.
    for (const tag of views) {
      await expect.poll(async () => {
        const { ticks, intoKey, keyHeight } = await figureReport(page, tag);
        return { x: ticks.x >= 2, y: ticks.y >= 2, bar: tag === 'gradflow-particle-view' || ticks.bar >= 2, key: keyHeight > 0, intoKey };
      }, { timeout: 30_000, message: `${tag}: ticks and key` }).toEqual({ x: true, y: true, bar: true, key: true, intoKey: [] });
    }
    for (const tag of views) {
      for (const axis of ['x-axis', 'y-axis']) expect(await page.locator(`${tag} svg.axes .${axis} text.tick`).first().isVisible(), `${tag} ${axis}`).toBe(true);
    }
    // One per row, both (and the play control) within the first viewport.
    await page.evaluate(() => window.scrollTo(0, 0));
    const [particles, functions] = await Promise.all(views.map((tag) => figureReport(page, tag)));
    expect(particles!.box.bottom).toBeLessThanOrEqual(functions!.box.top);
    for (const { box } of [particles!, functions!]) {
      expect(box.top).toBeGreaterThanOrEqual(0);
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(PHONE.width);
      expect(box.bottom).toBeLessThanOrEqual(PHONE.height);
    }
    const play = (await page.locator('[data-testid="play"]').first().boundingBox())!;
    expect(play.y + play.height).toBeLessThanOrEqual(PHONE.height);
    console.info(`phone: particle view ${Math.round(particles!.box.right - particles!.box.left)} px wide, y ${Math.round(particles!.box.top)}..${Math.round(particles!.box.bottom)} (key ${Math.round(particles!.keyHeight)} px); function view y ${Math.round(functions!.box.top)}..${Math.round(functions!.box.bottom)}; viewport ${PHONE.height}`);
    await page.screenshot({ path: `${ARTIFACTS}/views-phone-stacked-390x844.png` });
    await page.getByLabel('theme').selectOption('dark');
    await expect.poll(() => plotPixel(page, 'gradflow-particle-view', 2, 2)).toEqual([0x1a, 0x1e, 0x24, 255]);
    await page.screenshot({ path: `${ARTIFACTS}/views-phone-stacked-390x844-dark.png` });
    await page.getByLabel('theme').selectOption('auto');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('projection "coordinates" shows the picker of the two coordinates; picking one changes the axes', async () => {
    const { page, errors } = await app.open(`${SMALL}&set=data.inputDim=5`, { viewport: { width: 1440, height: 900 } });
    await waitForStep(page, 10);
    const view = 'gradflow-particle-view[data-testid="particle-view"]';
    expect(await page.locator(`${view} [data-testid="coord-x"]`).count()).toBe(0);
    await page.locator('select#projection').selectOption('coordinates');
    const x = page.locator(`${view} [data-testid="coord-x"]`);
    await expect.poll(() => x.count()).toBe(1);
    expect(await x.locator('option').allTextContents()).toEqual(['w_j1', 'w_j2', 'w_j3', 'w_j4', 'w_j5']);
    await x.selectOption('3');
    await expect.poll(() => axisTitles(page, view)).toEqual(['w_j4', 'w_j2']);
    // u1 = e_4, u2 = e_2 (once the view has its renderer: a run may still be starting).
    const basis = () => page.locator(view).evaluate((element) => Array.from((element as HTMLElement & { projectionBasis: Float32Array }).projectionBasis));
    await expect.poll(basis, { timeout: 20_000 }).toEqual([0, 0, 0, 1, 0, 0, 1, 0, 0, 0]);
    await page.screenshot({ path: `${ARTIFACTS}/views-1440x900-coordinates.png` });
    // On a phone (the views stacked, one per row) the picker stays.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator(view).scrollIntoViewIfNeeded();
    await expect.poll(() => x.count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}/views-390x844-coordinates.png` });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.locator('select#projection').selectOption('pca');
    await expect.poll(() => axisTitles(page, view), { timeout: 20_000 }).toEqual([expect.stringMatching(/^PC1 \(\d+% var\)$/), expect.stringMatching(/^PC2 \(\d+% var\)$/)]);
    expect(await page.locator(`${view} [data-testid="coord-x"]`).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
