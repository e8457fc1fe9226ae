import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { parseConfig } from '../../src/config/schema';
import { runExperiment } from '../../src/run/run-experiment';
import { findPreset } from '../../src/experiments/presets';
import { applyOverrides } from '../../src/config/schema';
import { downloaded, startAppBrowser, stepOf, testId, useAppBrowser, waitForStep } from '../helpers/app-browser';
import { getTestGpu } from '../helpers/gpu';

/** Screenshots of the main views, kept as test artifacts. */
const ARTIFACTS = 'test-results/screenshots';
/** A small run, so SwiftShader gets through it in seconds. */
const SMALL = '?preset=default&set=model.width=256&set=steps=400&set=metrics.every=20';

const app = useAppBrowser({ artifacts: ARTIFACTS });

/** Distinct colours in a view's PNG (drawn by the page itself, from the element's toPng()). */
async function distinctColours(page: Page, selector: string): Promise<number> {
  return page.locator(selector).first().evaluate(async (element) => {
    const url = await (element as HTMLElement & { toPng(): Promise<string> }).toPng();
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: image.width, height: image.height });
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < pixels.length; i += 4) colours.add((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!);
    return colours.size;
  });
}

describe('the app in headless Chromium', () => {
  it('loads without console errors, trains the default preset (the loss shown falls) and draws the particles', async () => {
    const { page, errors } = await app.open('', { untilStep: 60 });
    const lossAt = async () => Number(await testId(page, 'loss').textContent());
    const early = await lossAt();
    // The views keep one renderer while training: the app re-renders every frame, which must not rebuild them.
    const keepsRenderers = (mark: boolean) => page.evaluate(async (mark) => {
      const views = [...document.querySelectorAll('gradflow-app')].flatMap((app) => [...app.shadowRoot!.querySelectorAll('gradflow-particle-view, gradflow-function-view')]) as (HTMLElement & { whenReady(): Promise<void>; renderer?: object })[];
      const marked = globalThis as unknown as { renderers?: (object | undefined)[] };
      await Promise.all(views.map((view) => view.whenReady()));
      if (mark) marked.renderers = views.map((view) => view.renderer);
      return views.length === 2 && views.every((view, i) => view.renderer !== undefined && view.renderer === marked.renderers![i]);
    }, mark);
    expect(await keepsRenderers(true)).toBe(true);
    await waitForStep(page, 200);
    expect(await lossAt()).toBeLessThan(early);
    expect(await keepsRenderers(false)).toBe(true);
    expect(await testId(page, 'neurons').textContent()).toBe('2,048');
    expect(Number(await testId(page, 'steps-per-second').textContent())).toBeGreaterThan(0);
    // Particles and the function are drawn from the GPU buffers: many colours, not a blank canvas.
    expect(await distinctColours(page, 'gradflow-particle-view')).toBeGreaterThan(3);
    expect(await distinctColours(page, 'gradflow-function-view')).toBeGreaterThan(20);
    await page.screenshot({ path: `${ARTIFACTS}/app.png`, fullPage: true });
    await page.locator('gradflow-particle-view').first().screenshot({ path: `${ARTIFACTS}/particle-view.png` });
    await page.locator('gradflow-function-view').first().screenshot({ path: `${ARTIFACTS}/function-view.png` });
    await page.locator('gradflow-metric-chart').first().screenshot({ path: `${ARTIFACTS}/loss-chart.png` });
    expect(errors).toEqual([]);
  });

  it('reproduces a run from its URL: the same first 20 losses on every load, and as the CLI computes them', async () => {
    const search = `${SMALL}&set=seed=7&set=model.scaling=ntk&set=optimizer.learningRate=0.2`;
    const losses: number[][] = [];
    for (let load = 0; load < 2; load++) {
      const { page, errors } = await app.open(search, { untilStep: 40 });
      const result = JSON.parse(await downloaded(page, 'download-result'));
      expect(result.config.seed).toBe(7);
      expect(result.config.model.scaling).toBe('ntk');
      losses.push(result.stepLosses.slice(0, 20));
      expect(errors).toEqual([]);
      await page.close(); // the next load trains alone
    }
    expect(losses[1]).toEqual(losses[0]);
    const config = parseConfig(applyOverrides(findPreset('default')!.config as Record<string, unknown>, ['model.width=256', 'steps=20', 'metrics.every=20', 'seed=7', 'model.scaling=ntk', 'optimizer.learningRate=0.2']));
    const cli = await runExperiment(config, { requestGpu: getTestGpu });
    // Chromium's and Dawn's SwiftShader may round differently: float32 reductions agree to ~1e-6 relative.
    cli.stepLosses.forEach((loss, t) => expect(Math.abs(losses[0]![t]! - loss)).toBeLessThanOrEqual(1e-5 * loss));
  });

  it('trains on an uploaded CSV, and shows a bad CSV as an inline error naming the line', async () => {
    const { page, errors } = await app.open(SMALL, { untilStep: 5 });
    const rows = Array.from({ length: 40 }, (_, i) => {
      const x0 = Math.cos(i), x1 = Math.sin(2 * i);
      return `${x0.toFixed(4)},${x1.toFixed(4)},${(x0 * x1).toFixed(4)}`;
    });
    await page.locator('[data-testid="csv-upload"]').setInputFiles({ name: 'points.csv', mimeType: 'text/csv', buffer: Buffer.from(`x0,x1,y\n${rows.join('\n')}\n`) });
    await expect.poll(() => page.url()).toContain('upload%3Apoints.csv');
    await waitForStep(page, 30);
    const result = JSON.parse(await downloaded(page, 'download-result'));
    expect(result.config.data).toMatchObject({ kind: 'csv', path: 'upload:points.csv' });
    expect(result.stepLosses.slice(0, 30).every(Number.isFinite)).toBe(true);

    await page.locator('[data-testid="csv-upload"]').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('x0,x1,y\n0.5,0.25,1\n0.5,oops,1\n') });
    await expect(testId(page, 'csv-error').textContent()).resolves.toMatch(/bad\.csv.*line 3/);
    expect(errors).toEqual([]);
  });

  it('downloads parseable metrics.csv, result.json and parameters.json', async () => {
    const { page } = await app.open(SMALL, { untilStep: 60 });
    const csv = (await downloaded(page, 'download-metrics')).trim().split('\n');
    expect(csv[0]!.split(',').sort()).toEqual(['gradNorm', 'loss', 'step', 'testLoss']);
    expect(csv[0]!.startsWith('step,')).toBe(true);
    expect(csv.length).toBeGreaterThanOrEqual(3);
    for (const line of csv.slice(1)) expect(line.split(',').map(Number).every(Number.isFinite)).toBe(true);
    const result = JSON.parse(await downloaded(page, 'download-result'));
    expect(result.metrics[0].step).toBe(0);
    expect(result.summary.stepsTaken).toBeGreaterThanOrEqual(60);
    const params = JSON.parse(await downloaded(page, 'download-params'));
    expect(params.a).toHaveLength(256);
    expect(params.W).toHaveLength(256);
    expect(params.W[0]).toHaveLength(2);
  });

  it('pauses, steps once and resumes from the controls, and rewinds to the same initialization', async () => {
    const { page, errors } = await app.open(SMALL, { untilStep: 10 });
    await testId(page, 'play').click(); // pause
    await expect.poll(() => testId(page, 'status').textContent()).toBe('paused');
    // The chunks already in flight finish (at most two); after them the step stands still.
    await page.waitForTimeout(1500);
    const paused = await stepOf(page);
    await page.waitForTimeout(1000);
    expect(await stepOf(page)).toBe(paused);
    const first = JSON.parse(await downloaded(page, 'download-result')).stepLosses.slice(0, 10);
    await page.getByRole('button', { name: 'Rewind' }).click();
    await waitForStep(page, 12);
    const rewound = JSON.parse(await downloaded(page, 'download-result')).stepLosses.slice(0, 10);
    expect(rewound).toEqual(first);
    expect(errors).toEqual([]);
  });

  it('trains on points drawn on the input plane (left click +1, shift-click -1)', async () => {
    const { page, errors } = await app.open(SMALL, { untilStep: 5 });
    await testId(page, 'draw-mode').check();
    const view = page.locator('gradflow-function-view').first();
    // Where points of the plane are on the page: the view maps clicks inside its plot, beside its axes and colour bar.
    const at = (x: number, y: number) => view.evaluate((element, point) => (element as HTMLElement & { clientPointOf(x: number, y: number): [number, number] }).clientPointOf(point[0]!, point[1]!), [x, y]);
    const click = async (x: number, y: number, modifiers: ('Shift')[] = []) => {
      const [px, py] = await at(x, y);
      for (const key of modifiers) await page.keyboard.down(key);
      await page.mouse.click(px, py);
      for (const key of modifiers) await page.keyboard.up(key);
    };
    await click(-0.75, 0.75);
    await click(0.75, -0.75, ['Shift']);
    await click(0, 0.9);
    await expect.poll(() => page.url()).toContain('drawn.csv');
    await waitForStep(page, 20);
    const trained = await page.locator('gradflow-app').evaluate((element) => {
      const problem = (element as unknown as { session: { live: { problem: { train: { X: Float32Array; y: Float32Array } } } } }).session.live.problem;
      return { X: Array.from(problem.train.X), y: Array.from(problem.train.y) };
    });
    expect(trained.y).toEqual([1, -1, 1]);
    // The first click lands where (-0.75, 0.75) is drawn.
    expect(trained.X[0]).toBeCloseTo(-0.75, 1);
    expect(trained.X[1]).toBeCloseTo(0.75, 1);
    expect(errors).toEqual([]);
  });

  it('recovers from a lost GPU device: a new device, the run resumed from its checkpoint, the event shown', async () => {
    const { page } = await app.open(`${SMALL}&set=checkpointEvery=20`, { untilStep: 50 });
    await page.locator('gradflow-app').evaluate((element) => {
      (element as unknown as { session: { live: { gpu: { device: GPUDevice } } } }).session.live.gpu.device.destroy();
    });
    // Status and message come along, so a failure says what the run did instead.
    const report = () => page.locator('gradflow-app').evaluate((element) => {
      const { session } = element as unknown as { session: { events: string[]; status: string; message: string } };
      return `${session.events.join('\n')} [status ${session.status}: ${session.message}]`;
    });
    await expect.poll(report, { timeout: 60_000 }).toMatch(/GPU device lost.*resumed from the checkpoint/);
    await waitForStep(page, 120);
    expect(await testId(page, 'status').textContent()).not.toBe('failed');
  });

  it('says clearly when WebGPU is unavailable', async () => {
    const plain = await startAppBrowser({ webgpu: false });
    try {
      const { page } = await plain.open('');
      await expect.poll(async () => (await page.locator('[data-testid="no-webgpu"]').count()) > 0, { timeout: 30_000 }).toBe(true);
      expect(await testId(page, 'no-webgpu').textContent()).toMatch(/WebGPU.*enable-unsafe-webgpu/s);
    } finally {
      await plain.close();
    }
  });
});
