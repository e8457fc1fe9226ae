/**
 * Issue 15, the views in the app: they follow the theme picker (the particle view's plot turns dark with the
 * page), and projection "coordinates" brings up the particle view's own picker of the two coordinates.
 * Screenshots at 1440 x 900 and 390 x 844 go to test-results/first-minute/views-*.png.
 */
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { startAppBrowser, type AppBrowser } from '../helpers/app-browser';

const ARTIFACTS = 'test-results/first-minute';
/** A small run, so SwiftShader gets through it in seconds. */
const SMALL = '?preset=default&set=model.width=256&set=steps=400&set=metrics.every=25';

let app: AppBrowser;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  app = await startAppBrowser();
});

afterAll(async () => {
  await app?.close();
});

async function waitForStep(page: Page, step: number): Promise<void> {
  const stepOf = async () => Number(await page.locator('[data-testid="step"]').first().textContent());
  await expect.poll(stepOf, { timeout: 60_000, interval: 250 }).toBeGreaterThanOrEqual(step);
}

/** The colour of pixel (x, y) of a view's plot as the view exports it (toPng: the GPU frame). */
function plotPixel(page: Page, selector: string, x: number, y: number): Promise<number[]> {
  return page.locator(selector).first().evaluate(async (element, [x, y]) => {
    const image = new Image();
    image.src = await (element as HTMLElement & { toPng(): Promise<string> }).toPng();
    await image.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: image.width, height: image.height });
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    return Array.from(context.getImageData(x!, y!, 1, 1).data);
  }, [x, y]);
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
    // On a phone the views may be laid out too small for axes: the picker stays.
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
