/**
 * The app's first minute (issue 15): each control once on the page, switching preset from the Essentials panel,
 * the energy chart of mean-field-circle, the learning-rate warning, drawing points, links that carry the drawn
 * points, links to an upload of another tab, and playing on after the end. One browser for the file; small runs,
 * generous polls (SwiftShader on a shared machine), no timed assertions.
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright';
import { findPreset } from '../../src/experiments/presets';
import { downloaded, STEP_TIMEOUT_MS, stepOf, testId, useAppBrowser, waitForStep } from '../helpers/app-browser';

/** A small run, so SwiftShader gets through it in seconds. */
const SMALL = '?preset=default&set=model.width=256&set=steps=400&set=metrics.every=20';
const POLL = { timeout: STEP_TIMEOUT_MS, interval: 250 };

const app = useAppBrowser();
const open = (search: string) => app.open(search);

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

/** Opens the folded Run panel. */
async function openRunPanel(page: Page): Promise<void> {
  const fold = page.locator('details[data-section="run-panel"]');
  if (!(await fold.evaluate((details) => (details as HTMLDetailsElement).open))) await fold.locator('summary').click();
}

/** How many of the elements `locator` finds are visible. */
async function visibleCount(locator: Locator): Promise<number> {
  const shown = await Promise.all((await locator.all()).map((element) => element.isVisible()));
  return shown.filter(Boolean).length;
}

/** Whether the function view is on the page (the views stay while a run restarts). */
const functionViewShown = (page: Page) => page.locator('gradflow-app').evaluate((element) => element.shadowRoot!.querySelector('gradflow-function-view') !== null);

describe('the first minute in the app', () => {
  it('shows each control once: one play/pause, Step, Rewind and learning rate; the Run panel keeps Stop, the speed and the stop rule, and they work', async () => {
    const { page, errors } = await open('?preset=default&set=model.width=64&set=steps=100000&set=metrics.every=50');
    await waitForStep(page, 5);
    await openRunPanel(page);
    // Every visible one on the page, the Run panel open (the full config form stays folded: its fields are the config's, every one).
    expect(await visibleCount(page.locator('[data-testid="play"]'))).toBe(1);
    expect(await visibleCount(page.getByRole('button', { name: /^(play|pause|play on)$/i }))).toBe(1);
    expect(await visibleCount(page.getByRole('button', { name: 'Step', exact: true }))).toBe(1);
    expect(await visibleCount(page.getByRole('button', { name: 'Rewind', exact: true }))).toBe(1);
    expect(await visibleCount(page.getByLabel(/learning ?rate/i))).toBe(1);
    expect(await visibleCount(page.getByLabel(/batch ?size/i))).toBe(1);
    // What the Run panel keeps works: the speed reaches the run, Stop ends it, and the transport's Play plays on.
    const runControls = page.locator('gradflow-run-controls');
    await runControls.locator('#stepsPerFrame').fill('2');
    await runControls.locator('#stepsPerFrame').press('Tab');
    await expect.poll(() => page.locator('gradflow-app').evaluate((element) => (element as unknown as { session: { stepsPerFrame: number } }).session.stepsPerFrame)).toBe(2);
    await runControls.locator('[data-testid="stop"]').click();
    await expect.poll(() => testId(page, 'status').textContent(), POLL).toBe('stopped');
    const stoppedAt = await stepOf(page);
    expect(await testId(page, 'play').getAttribute('aria-label')).toBe('Play on');
    await testId(page, 'play').click();
    await waitForStep(page, stoppedAt + 4);
    expect(await testId(page, 'status').textContent()).toBe('running');
    expect(errors).toEqual([]);
  });

  it("choosing a preset in the Essentials panel: the header, the link and the charts follow it, it trains, and mean-field-circle charts energyResidual", async () => {
    const { page, errors } = await open(SMALL);
    await waitForStep(page, 10);
    const preset = findPreset('mean-field-circle')!;
    // The header says what the page trains: the link's width, not the default preset's 2048.
    expect(await testId(page, 'run-summary').textContent()).toMatch(/^A mean-field two-layer network of 256 neurons .*the default preset with model\.width changed\.$/);
    await choosePreset(page, 'mean-field-circle');
    await expect.poll(() => page.url()).toContain('preset=mean-field-circle');
    // The link is the preset's own: the old page's changes went with its preset.
    expect(new URL(page.url()).searchParams.getAll('set')).toEqual([]);
    await expect.poll(() => testId(page, 'run-summary').textContent()).toBe(preset.summary);
    // It trains: its own run, past its first steps.
    const runOnScreen = () => page.locator('gradflow-app').evaluate((element) => {
      const session = (element as unknown as { session: { config: { name?: string }; status: string; stepsTaken: number } }).session;
      return { name: session.config.name, status: session.status, stepsTaken: session.stepsTaken };
    });
    await expect.poll(async () => (await runOnScreen()).name, POLL).toBe('mean-field-circle');
    await expect.poll(async () => (await runOnScreen()).stepsTaken, POLL).toBeGreaterThan(0);
    expect((await runOnScreen()).status).not.toBe('failed');
    // The new preset's run has drawn its first losses: its charts hold it, and only it.
    await expect.poll(async () => (await chartsOf(page)).find((chart) => chart.metric === 'loss')?.series[0]?.finite ?? 0, POLL).toBeGreaterThan(0);
    const charts = await chartsOf(page);
    // The preset's charts, in place of the default preset's (whose gradNorm mean-field-circle does not log).
    expect(charts.map((chart) => chart.metric)).toEqual(expect.arrayContaining(['loss', 'w2ToTarget', 'energyResidual']));
    expect(charts.map((chart) => chart.metric)).not.toContain('gradNorm');
    for (const chart of charts) expect(chart.series.map((s) => s.label), chart.metric).not.toContainEqual(expect.stringMatching(/run \d/));
    expect(charts.find((chart) => chart.metric === 'loss')!.series.map((s) => s.label).filter((label) => label.startsWith('train loss'))).toEqual(['train loss']);
    // The energy residual at step t needs the loss after step t: points come once step 11 is back.
    await expect.poll(async () => (await chartsOf(page)).find((chart) => chart.metric === 'energyResidual')?.series[0]?.finite ?? 0, POLL).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
  });

  it('a learning rate far above 2 / sharpness set in the Essentials panel brings up the warning, which stays up', async () => {
    const names = encodeURIComponent(JSON.stringify(['loss', 'sharpnessParticleTime']));
    // The sharpness at step 0 only (Lanczos is slow on SwiftShader); the run is paused once it has it, so it cannot diverge under the test's hands.
    const { page, errors } = await open(`?preset=default&set=model.width=64&set=steps=100000&set=metrics.every=10000&set=metrics.names=${names}`);
    const sharpness = () => page.locator('gradflow-app').evaluate((element) => {
      const rows = (element as unknown as { session?: { rows: { sharpnessParticleTime?: number }[] } }).session?.rows ?? [];
      return rows.map((row) => row.sharpnessParticleTime).filter((value): value is number => Number.isFinite(value)).at(-1) ?? 0;
    });
    await expect.poll(sharpness, POLL).toBeGreaterThan(0);
    await testId(page, 'play').click();
    await expect.poll(() => testId(page, 'status').textContent(), POLL).toBe('paused');
    const warning = testId(page, 'stability-warning');
    expect(await warning.count()).toBe(0);
    const learningRate = Number((50 * (2 / (await sharpness()))).toPrecision(3));
    const field = testId(page, 'essential-optimizer-learningRate');
    await field.fill(String(learningRate));
    await field.press('Tab');
    await expect.poll(() => new URL(page.url()).searchParams.getAll('set')).toContain(`optimizer.learningRate=${learningRate}`);
    await expect.poll(() => warning.isVisible(), POLL).toBe(true);
    expect(await warning.textContent()).toMatch(new RegExp(`^Learning rate ${learningRate} exceeds 2 / sharpness`));
    // Still up 3 s on, looked at every quarter second (its hold is 4 s after its condition goes; here it stays).
    const seen: boolean[] = [];
    for (let look = 0; look < 12; look++) {
      await page.waitForTimeout(250);
      seen.push(await warning.isVisible());
    }
    expect(seen).toEqual(Array(12).fill(true));
    // Played on, the run at this rate blows up, and the diverged banner takes the warning's place.
    await testId(page, 'play').click();
    await expect.poll(() => testId(page, 'status').textContent(), POLL).toBe('diverged');
    expect(await testId(page, 'diverged').isVisible()).toBe(true);
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
    const play = testId(page, 'play');
    expect(await play.getAttribute('aria-label')).toBe('Play on');
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
