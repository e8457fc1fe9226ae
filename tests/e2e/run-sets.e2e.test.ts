import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { downloaded, testId, useAppBrowser } from '../helpers/app-browser';

/** Screenshots of the comparison mode, kept as test artifacts. */
const ARTIFACTS = 'test-results/screenshots';
/** A run set runs every member's kernels on SwiftShader: a few minutes at most under load. */
const RUN_TIMEOUT_MS = 240_000;

const app = useAppBrowser({ artifacts: ARTIFACTS });

async function waitForEnd(page: Page): Promise<string> {
  await expect.poll(() => testId(page, 'status').textContent(), { timeout: RUN_TIMEOUT_MS, interval: 500 }).toMatch(/completed|stopped|diverged|failed/);
  return (await testId(page, 'status').textContent())!;
}

/** What the page shows of a run set: its members, the series of every metric chart, the summary panels and the small multiples. */
function comparisonOf(page: Page) {
  return page.locator('gradflow-app').evaluate(async (element) => {
    const root = element.shadowRoot!;
    const session = (element as unknown as { session: { members: { label: string }[] } }).session;
    const charts = [...root.querySelectorAll('gradflow-metric-chart')] as unknown as (HTMLElement & { metric: string; series: { label: string; color?: string }[]; uplot?: { series: unknown[] } })[];
    const summaries = [...root.querySelectorAll('gradflow-summary-chart')] as unknown as (HTMLElement & { panel: { id: string; references: { label: string }[] }; uplot?: { series: { label?: string }[] } })[];
    const views = [...root.querySelectorAll('gradflow-particle-view.mini')] as unknown as (HTMLElement & { whenReady(): Promise<void>; status: string; fitBox?: number[] })[];
    await Promise.all(views.map((view) => view.whenReady()));
    return {
      members: session.members.map((member) => member.label),
      charts: charts.map((chart) => ({ metric: chart.metric, series: chart.series.map((s) => s.label), colours: new Set(chart.series.map((s) => s.color)).size, drawn: (chart.uplot?.series.length ?? 0) - 1 })),
      summaries: summaries.map((summary) => ({
        id: summary.panel.id,
        references: summary.panel.references.map((r) => r.label),
        drawn: (summary.uplot?.series ?? []).map((s) => s.label ?? ''),
        slopes: [...summary.shadowRoot!.querySelectorAll('[data-testid="summary-slope"]')].map((e) => Number(e.textContent!.replace('−', '-'))),
        legend: summary.shadowRoot!.querySelector('.legend')?.textContent?.replace(/\s+/g, ' ').trim() ?? '',
      })),
      multiples: views.map((view) => ({ status: view.status, fitBox: view.fitBox ? [...view.fitBox] : undefined })),
      legend: root.querySelector('[data-testid="sweep-legend"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '',
    };
  });
}

/** A summary chart draws on the animation frame after its last panel arrives: wait for that frame's plots. */
async function summariesDrawn(page: Page): Promise<void> {
  await expect.poll(async () => (await comparisonOf(page)).summaries.every((summary) => summary.drawn.length > 0), { timeout: 10_000 }).toBe(true);
}

describe('comparison mode: a preset with a sweep block trains every member live', () => {
  it('lazy-vs-rich: 8 series per chart, the log-log summary with fitted slopes and the -1/2 line, small multiples that focus the big view', async () => {
    // The preset's whole sweep (2 scalings x 4 widths), 20 steps instead of 200.
    const { page, errors } = await app.open('?preset=lazy-vs-rich&set=steps=20&set=metrics.every=20');
    expect(await waitForEnd(page)).toBe('completed');
    expect(await testId(page, 'members').textContent()).toBe('8');
    await summariesDrawn(page);
    const shown = await comparisonOf(page);
    expect(shown.members).toHaveLength(8);
    expect(shown.members).toContain('scaling=ntk, width=4096');
    expect(shown.legend).toMatch(/colour: model\.width \(log scale\).*64.*4096.*line: model\.scaling.*ntk.*mean-field/);
    expect(shown.charts.length).toBeGreaterThanOrEqual(4);
    for (const chart of shown.charts) {
      expect(chart.series, chart.metric).toHaveLength(8);
      expect(chart.drawn, chart.metric).toBe(8);
      expect(chart.colours, chart.metric).toBe(4); // one colour per width; the scaling is the dash
    }
    // Distance from init and kernel change against m: per scaling a slope, ntk near the lazy -1/2, mean-field flat.
    expect(shown.summaries.map((s) => s.id)).toEqual(['distanceFromInitRms', 'kernelChange']);
    for (const summary of shown.summaries) {
      expect(summary.references).toEqual(['slope −1/2 (lazy theory)']);
      expect(summary.drawn).toContain('slope −1/2 (lazy theory)');
      expect(summary.legend).toMatch(/scaling=ntk: slope −?\d\.\d\d.*scaling=mean-field: slope −?\d\.\d\d.*slope −1\/2/);
      const [ntk, meanField] = summary.slopes;
      expect(ntk).toBeGreaterThan(-0.9);
      expect(ntk).toBeLessThan(-0.25);
      expect(Math.abs(meanField!)).toBeLessThan(0.25);
    }
    // One small view per member, drawn on one shared box.
    expect(shown.multiples).toHaveLength(8);
    expect(shown.multiples.every((view) => view.status === '')).toBe(true);
    await expect.poll(async () => new Set((await comparisonOf(page)).multiples.map((view) => JSON.stringify(view.fitBox ?? null))).size, { timeout: 10_000 }).toBe(1);
    expect((await comparisonOf(page)).multiples[0]!.fitBox).toHaveLength(4);
    // The big view starts on the preset config's own member (ntk, m = 1024); a click focuses another.
    await expect.poll(() => testId(page, 'focused-member').textContent()).toMatch(/scaling=ntk, width=1024/);
    await page.locator('[data-testid="member-multiple"][data-member="7"]').click();
    await expect.poll(() => testId(page, 'focused-member').textContent()).toMatch(/scaling=mean-field, width=4096/);
    expect(await page.locator('[data-testid="member-multiple"][data-member="7"]').getAttribute('aria-pressed')).toBe('true');

    // result.json carries the sweep and each member's metrics.
    const result = JSON.parse(await downloaded(page, 'download-result'));
    expect(result.config.sweep).toEqual({ 'model.scaling': ['ntk', 'mean-field'], 'model.width': [64, 256, 1024, 4096] });
    expect(result.members).toHaveLength(8);
    expect(result.members[7]).toMatchObject({ index: 7, overrides: { 'model.scaling': 'mean-field', 'model.width': 4096 }, config: { model: { width: 4096, scaling: 'mean-field' } } });
    expect(result.members[7].metrics.at(-1).step).toBe(20);
    expect(result.members[7].stepLosses).toHaveLength(20);
    const csv = (await downloaded(page, 'download-metrics')).trim().split('\n');
    expect(csv[0]!.startsWith('step,member,model.scaling,model.width,')).toBe(true);
    expect(csv).toHaveLength(1 + 8 * 2);

    await page.screenshot({ path: `${ARTIFACTS}/run-set-lazy-vs-rich.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('sharpness-vs-lr: 6 series, final sharpness against lr with the 2/lr curve, one small view per lr', async () => {
    // The preset's six rates on fewer steps and training samples (testFraction 0.8: 72 digits), Lanczos at steps 0 and 20.
    const { page, errors } = await app.open('?preset=sharpness-vs-lr&set=steps=20&set=metrics.every=20&set=data.testFraction=0.8');
    expect(await waitForEnd(page)).toBe('completed');
    await summariesDrawn(page);
    const shown = await comparisonOf(page);
    expect(shown.members).toEqual(['learningRate=1', 'learningRate=1.5', 'learningRate=2', 'learningRate=2.5', 'learningRate=3', 'learningRate=0.1']);
    expect(shown.legend).toMatch(/colour: model|colour: optimizer\.learningRate \(log scale\)/);
    const sharpness = shown.charts.find((chart) => chart.metric === 'sharpnessParticleTime')!;
    expect(sharpness.series).toHaveLength(6);
    expect(shown.charts.every((chart) => chart.series.length === 6)).toBe(true);
    expect(shown.summaries).toHaveLength(1);
    const [summary] = shown.summaries;
    expect(summary!.id).toBe('sharpnessParticleTime');
    expect(summary!.references).toEqual(['2/lr (GD stability limit)']);
    expect(summary!.drawn).toEqual(['learning rate lr', 'final sharpness (particle time)', '2/lr (GD stability limit)']);
    expect(shown.multiples).toHaveLength(6);
    // The transport acts on every member, a new learning rate or batch size on the set as the Essentials panel says.
    expect(await testId(page, 'set-note').textContent()).toMatch(/play, pause, step, rewind and stop act on every member/);
    expect(await testId(page, 'essentials-set-note').textContent()).toMatch(/new batch size restarts the set/);
    await page.screenshot({ path: `${ARTIFACTS}/run-set-sharpness-vs-lr.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('takes a sweep from the link, writes an edited one back, and says what is wrong with a malformed one', async () => {
    const { page, errors } = await app.open('?preset=default&set=model.width=64&set=steps=30&set=metrics.every=10&sweep=model.scaling=ntk,mean-field');
    expect(await waitForEnd(page)).toBe('completed');
    const shown = await comparisonOf(page);
    expect(shown.members).toEqual(['scaling=ntk', 'scaling=mean-field']);
    expect(shown.charts.every((chart) => chart.series.length === 2)).toBe(true);
    expect(shown.legend).toMatch(/colour: model\.scaling ntk ?mean-field/);
    const params = () => new URL(page.url()).searchParams;
    expect(params().getAll('sweep')).toEqual(['model.scaling=ntk,mean-field']);
    // The learning rate is a live setting of the set: the link is written again with it, and the sweep stays in it.
    await page.locator('[data-testid="essential-optimizer-learningRate"]').fill('0.25');
    await page.locator('[data-testid="essential-optimizer-learningRate"]').press('Tab');
    await expect.poll(() => params().getAll('set')).toContain('optimizer.learningRate=0.25');
    expect(params().getAll('sweep')).toEqual(['model.scaling=ntk,mean-field']);

    await page.goto(`${app.baseUrl}/?preset=default&set=steps=10&sweep=model.width`);
    await expect.poll(() => testId(page, 'config-problem').textContent()).toMatch(/sweep=model\.width in the link has no path=values: write it as sweep=path=value1,value2/);
    await page.goto(`${app.baseUrl}/?preset=default&set=steps=10&sweep=data.sampleCount=16,32`);
    await expect.poll(() => testId(page, 'config-problem').textContent()).toMatch(/data must be the same for every member of a run set/);
    expect(errors).toEqual([]);
  });
});
