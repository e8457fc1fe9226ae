/**
 * The app's first minute (issue 15): switching preset, the energy chart of mean-field-circle, drawing points,
 * links that carry the drawn points, links to an upload of another tab, and playing on after the end. One
 * browser for the file; small runs, generous polls (SwiftShader on a shared machine), no timed assertions.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { startAppBrowser, type AppBrowser } from '../helpers/app-browser';

/** A small run, so SwiftShader gets through it in seconds. */
const SMALL = '?preset=default&set=model.width=256&set=steps=400&set=metrics.every=20';
const POLL = { timeout: 90_000, interval: 250 };

let app: AppBrowser;
/** The pages a test opened: closed after it, passed or failed, so no run of a failed test slows the next. */
const opened: Page[] = [];

beforeAll(async () => {
  app = await startAppBrowser();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((page) => page.close()));
});

afterAll(async () => {
  await app?.close();
});

async function open(search: string) {
  const opening = await app.open(search);
  opened.push(opening.page);
  return opening;
}

const testId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).first();

async function waitForStep(page: Page, step: number): Promise<void> {
  await expect.poll(async () => Number(await testId(page, 'step').textContent()), POLL).toBeGreaterThanOrEqual(step);
}

async function downloaded(page: Page, id: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), testId(page, id).click()]);
  return readFile((await file.path())!, 'utf8');
}

/** Every metric chart on the page: its metric, its series' labels and how many finite values each holds. */
function chartsOf(page: Page) {
  return page.locator('gradflow-app').evaluate((element) => {
    const charts = [...element.shadowRoot!.querySelectorAll('gradflow-metric-chart')] as unknown as { metric: string; series: { label: string; values: number[] }[] }[];
    return charts.map((chart) => ({ metric: chart.metric, series: chart.series.map((s) => ({ label: s.label, finite: s.values.filter(Number.isFinite).length })) }));
  });
}

/** The training data of the run on screen (the views' problem). */
function trainedData(page: Page) {
  return page.locator('gradflow-app').evaluate((element) => {
    const live = (element as unknown as { session?: { live?: { problem: { train: { X: Float32Array; y: Float32Array } } } } }).session?.live;
    return live ? { X: Array.from(live.problem.train.X), y: Array.from(live.problem.train.y) } : undefined;
  });
}

/** Picks a preset as a user does: in the Essentials panel, or the config editor's picker where the page has no Essentials. */
async function choosePreset(page: Page, name: string): Promise<void> {
  const essentials = page.locator('[data-testid="essential-preset"]');
  if ((await essentials.count()) > 0) await essentials.first().selectOption(name);
  else await page.locator('gradflow-config-editor select#preset').selectOption(name);
}

/** The Run panel's Play (the panel may be folded: opened first). */
async function runPanelPlay(page: Page) {
  const fold = page.locator('details[data-section="run-panel"]');
  if ((await fold.count()) > 0 && !(await fold.evaluate((details) => (details as HTMLDetailsElement).open))) await fold.locator('summary').click();
  return page.locator('gradflow-run-controls [data-testid="play"]').first();
}

/** Whether the function view is on the page (the views stay while a run restarts). */
const functionViewShown = (page: Page) => page.locator('gradflow-app').evaluate((element) => element.shadowRoot!.querySelector('gradflow-function-view') !== null);

describe('the first minute in the app', () => {
  it("a new preset's charts hold only its own run, and mean-field-circle charts energyResidual", async () => {
    const { page, errors } = await open(SMALL);
    await waitForStep(page, 10);
    await choosePreset(page, 'mean-field-circle');
    await expect.poll(() => page.url()).toContain('preset=mean-field-circle');
    // The new preset's run has drawn its first losses: its charts hold it, and only it.
    await expect.poll(async () => (await chartsOf(page)).find((chart) => chart.metric === 'loss')?.series[0]?.finite ?? 0, POLL).toBeGreaterThan(0);
    const charts = await chartsOf(page);
    expect(charts.map((chart) => chart.metric)).toContain('w2ToTarget');
    for (const chart of charts) expect(chart.series.map((s) => s.label), chart.metric).not.toContainEqual(expect.stringMatching(/run \d/));
    expect(charts.find((chart) => chart.metric === 'loss')!.series.map((s) => s.label).filter((label) => label.startsWith('train loss'))).toEqual(['train loss']);
    // The energy residual at step t needs the loss after step t: points come once step 11 is back.
    await expect.poll(async () => (await chartsOf(page)).find((chart) => chart.metric === 'energyResidual')?.series[0]?.finite ?? 0, POLL).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
  });

  let drawnLink = '';
  let drawnX: number[] = [];

  it('keeps every one of 8 clicks 300 ms apart, with the views on screen while the run restarts', async () => {
    const { page, errors } = await open(SMALL);
    await waitForStep(page, 5);
    await testId(page, 'draw-mode').check();
    const view = page.locator('gradflow-function-view').first();
    // Page positions of points of the plane, taken once: the view must still be there to take the clicks.
    const positions = await view.evaluate((element) => {
      const plot = element as HTMLElement & { clientPointOf(x: number, y: number): [number, number] };
      return Array.from({ length: 8 }, (_, i) => plot.clientPointOf(-1.2 + 0.3 * i, 1 - 0.2 * i));
    });
    const shown: boolean[] = [];
    for (let i = 0; i < 8; i++) {
      if (i % 2 === 1) await page.keyboard.down('Shift');
      await page.mouse.click(positions[i]![0], positions[i]![1]);
      if (i % 2 === 1) await page.keyboard.up('Shift');
      await page.waitForTimeout(150);
      shown.push(await functionViewShown(page));
      await page.waitForTimeout(150);
    }
    await expect.poll(async () => (await trainedData(page))?.y.length, POLL).toBe(8);
    expect(shown).toEqual(Array(8).fill(true));
    const data = (await trainedData(page))!;
    expect(data.y).toEqual([1, -1, 1, -1, 1, -1, 1, -1]);
    drawnLink = page.url();
    drawnX = data.X;
    expect(errors).toEqual([]);
  });

  it('a link copied after drawing trains on the same points in a fresh tab', async () => {
    expect(drawnLink).not.toBe('');
    const { page, errors } = await open(drawnLink.slice(app.baseUrl.length + 1));
    await waitForStep(page, 5);
    const data = (await trainedData(page))!;
    expect(data.y).toEqual([1, -1, 1, -1, 1, -1, 1, -1]);
    data.X.forEach((x, i) => expect(x).toBeCloseTo(drawnX[i]!, 4));
    expect(errors).toEqual([]);
  });

  it("a link to another tab's upload says plainly at the top that uploads do not travel in links, offers a re-upload, and leaves no 'Starting WebGPU…'", async () => {
    const data = encodeURIComponent(JSON.stringify({ kind: 'csv', path: 'upload:points.csv', loss: 'square' }));
    const { page } = await open(`${SMALL}&set=data=${data}`);
    await expect.poll(() => testId(page, 'status').textContent(), POLL).toBe('failed');
    const banner = (await testId(page, 'run-failed').textContent())!;
    expect(banner).toMatch(/points\.csv/);
    expect(banner).toMatch(/do not travel in links/);
    expect(banner).not.toMatch(/Error:/);
    expect(await testId(page, 'reupload').isVisible()).toBe(true);
    expect(await page.locator('gradflow-app').evaluate((element) => element.shadowRoot!.textContent!.includes('Starting WebGPU'))).toBe(false);
    // The button opens the file chooser; choosing the file there trains on it.
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), testId(page, 'reupload').click()]);
    await chooser.setFiles({ name: 'points.csv', mimeType: 'text/csv', buffer: Buffer.from('x0,x1,y\n0.5,0.25,1\n-0.5,0.75,-1\n0.1,-0.3,1\n') });
    await waitForStep(page, 5);
    expect((await trainedData(page))?.y).toEqual([1, -1, 1]);
  });

  it('plays on after the end: another `steps` steps appended, with every step loss in the download', async () => {
    const { page, errors } = await open('?preset=default&set=model.width=256&set=steps=40&set=metrics.every=20');
    await expect.poll(() => testId(page, 'status').textContent(), POLL).toBe('completed');
    const play = await runPanelPlay(page);
    expect(await play.isEnabled()).toBe(true);
    await play.click();
    await expect.poll(async () => Number(await testId(page, 'step').textContent()), POLL).toBe(80);
    await expect.poll(() => testId(page, 'status').textContent(), POLL).toBe('completed');
    const result = JSON.parse(await downloaded(page, 'download-result'));
    expect(result.summary.stepsTaken).toBe(80);
    expect(result.stepLosses).toHaveLength(80);
    expect(result.stepLosses.every(Number.isFinite)).toBe(true);
    expect(result.metrics.map((row: { step: number }) => row.step)).toEqual([0, 20, 40, 60, 80]);
    expect(result.summary.finalLoss).toBe(result.metrics.at(-1).loss);
    // The loss chart goes on where it stopped: one series, every step.
    const loss = (await chartsOf(page)).find((chart) => chart.metric === 'loss')!;
    expect(loss.series[0]).toEqual({ label: 'train loss', finite: 80 });
    const stepLosses = (await downloaded(page, 'download-step-losses')).trim().split('\n');
    expect(stepLosses[0]).toBe('step,loss');
    expect(stepLosses.slice(1).map((line) => line.split(',').map(Number))).toEqual(result.stepLosses.map((value: number, step: number) => [step, value]));
    expect(errors).toEqual([]);
  });
});
