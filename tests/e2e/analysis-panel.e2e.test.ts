/**
 * The "Analyze the current parameters" panel in the app at a desktop size: a small two-layer run trains, the
 * panel analyzes it at a step boundary and shows the step, the NTK and Hessian tables and both spectrum charts,
 * with no console error; a landscape run says the analysis does not apply. A screenshot of the desktop goes
 * to test-results/first-minute/.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { STEP_TIMEOUT_MS, stepOf, testId, useAppBrowser, waitForStep } from '../helpers/app-browser';

const ARTIFACTS = 'test-results/first-minute';
/** A small run, so SwiftShader analyzes it in seconds: m = 64, n = 128 (p = 192). */
const SMALL = '?preset=default&set=model.width=64&set=steps=100000&set=metrics.every=50';
const DESKTOP = { width: 1440, height: 900 };
const POLL = { timeout: STEP_TIMEOUT_MS, interval: 250 };

const app = useAppBrowser({ artifacts: ARTIFACTS });

async function openAnalysisPanel(page: Page): Promise<void> {
  const fold = page.locator('details[data-section="analysis-panel"]');
  if (!(await fold.evaluate((details) => (details as HTMLDetailsElement).open))) await fold.locator('summary').click();
}

/** Whether a spectrum chart has drawn its plot. */
const drawn = (page: Page, id: string) => testId(page, id).evaluate((chart) => (chart as unknown as { uplot?: unknown }).uplot !== undefined);

describe('the analysis panel in the app', () => {
  it('analyzes the running two-layer net at a step boundary: step, tables and spectra, no console error', async () => {
    const { page, errors } = await app.open(SMALL, { viewport: DESKTOP, untilStep: 5 });
    await openAnalysisPanel(page);
    const button = testId(page, 'analyze');
    expect(await button.isEnabled()).toBe(true);
    const before = await stepOf(page);
    await button.click();
    await expect.poll(async () => (await testId(page, 'analysis-result').count()) + (await testId(page, 'analysis-error').count()), POLL).toBeGreaterThan(0);
    expect(await testId(page, 'analysis-error').count()).toBe(0);
    const analyzed = Number(await testId(page, 'analysis-step').textContent());
    expect(analyzed).toBeGreaterThanOrEqual(before);
    // The run went on after the parameters were read.
    await waitForStep(page, analyzed + 4);
    expect(await page.locator('[data-testid="ntk-eigenvalue"][data-part="K"]').count()).toBe(6);
    expect(await page.locator('[data-testid="hessian-eigenvalue"]').count()).toBe(5);
    const sharpness = Number(await page.locator('[data-testid="hessian-eigenvalue"][data-index="1"]').textContent());
    expect(sharpness).toBeGreaterThan(0);
    await expect.poll(() => drawn(page, 'ntk-spectrum'), POLL).toBe(true);
    await expect.poll(() => drawn(page, 'hessian-spectrum'), POLL).toBe(true);
    await testId(page, 'analysis-result').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}/analysis-panel-desktop.png` });
    expect(errors).toEqual([]);
  });

  it('says the analysis does not apply to a landscape run', async () => {
    const { page, errors } = await app.open('?preset=saddle-avoidance&sweep=none&set=model.spec.particleCount=256', { viewport: DESKTOP });
    await openAnalysisPanel(page);
    await expect.poll(() => testId(page, 'analysis-refusal').count(), POLL).toBe(1);
    expect(await testId(page, 'analysis-refusal').textContent()).toMatch(/Does not apply to a landscape run/);
    expect(await testId(page, 'analyze').isDisabled()).toBe(true);
    expect(errors).toEqual([]);
  });
});
