/**
 * Issue 15, the app's first minute (layout): what a newcomer sees on opening the app, at a desktop and at a
 * phone size. The views and the play control on the first screen, a short essentials panel with the full
 * form folded below it, problems in a banner at the top, the views in sight while the form is edited, and a
 * header that says what is trained after an upload. Screenshots go to test-results/first-minute/.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { stepOf, testId, useAppBrowser } from '../helpers/app-browser';

const ARTIFACTS = 'test-results/first-minute';
/** A small run, so SwiftShader gets through it while the page is looked at. */
const SMALL = 'preset=default&set=model.width=64&set=steps=2000&set=metrics.every=50';
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
/** Where the first viewport's banner must start: below the compact header, above the views. */
const BANNER_MAX_Y = 200;
/** A newcomer's panel: preset, learning rate, width, batch size, data, scaling, steps, and a little room. */
const MAX_ESSENTIAL_CONTROLS = 10;

const app = useAppBrowser({ artifacts: ARTIFACTS });
/** One page per viewport, shared by the tests that follow one another on it (each page load costs a GPU start-up). */
const pages = new Map<string, { page: Page; errors: string[] }>();

async function pageAt(viewport: { width: number; height: number }) {
  let opened = pages.get(sizeName(viewport));
  if (!opened) {
    // The browser's own open: the fixture would close the page after the test, and these pages outlive it.
    opened = await app.app.open(`?${SMALL}`, { viewport });
    pages.set(sizeName(viewport), opened);
    await expect.poll(() => stepOf(opened!.page), { timeout: 90_000, interval: 250 }).toBeGreaterThan(0);
  }
  return opened;
}

async function closePageAt(viewport: { width: number; height: number }): Promise<void> {
  await pages.get(sizeName(viewport))?.page.close();
  pages.delete(sizeName(viewport));
}

afterAll(async () => {
  for (const { page } of pages.values()) await page.close();
});

const sizeName = ({ width, height }: { width: number; height: number }) => `${width}x${height}`;

/** The element's box lies wholly within the viewport as the page is scrolled now. */
async function inViewport(page: Page, id: string): Promise<boolean> {
  const box = await testId(page, id).boundingBox();
  const { width, height } = page.viewportSize()!;
  return box !== null && box.width > 0 && box.height > 0 && box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height;
}

async function bannerAtTop(page: Page): Promise<{ y: number; text: string }> {
  await page.evaluate(() => window.scrollTo(0, 0));
  const banner = testId(page, 'config-problem');
  await banner.waitFor({ state: 'visible', timeout: 30_000 });
  return { y: (await banner.boundingBox())!.y, text: (await banner.textContent())!.replace(/\s+/g, ' ') };
}

/** The first screen at `viewport`: the run in sight, the essentials, the folded form. */
function firstScreen(viewport: { width: number; height: number }): void {
  it(`shows both views and the play control in the first viewport, the essentials and the folded form at ${sizeName(viewport)}`, async () => {
    const { page, errors } = await pageAt(viewport);
    for (const id of ['particle-view', 'function-view', 'play']) {
      await expect.poll(() => inViewport(page, id), { timeout: 30_000, message: `${id} within the first ${sizeName(viewport)} viewport` }).toBe(true);
    }
    // One big control, as in Playground: a finger-sized target.
    const play = (await testId(page, 'play').boundingBox())!;
    expect(Math.min(play.width, play.height)).toBeGreaterThanOrEqual(44);

    const essentials = testId(page, 'essentials');
    const controls = essentials.locator('input, select, button, textarea, summary');
    expect(await controls.count()).toBeLessThanOrEqual(MAX_ESSENTIAL_CONTROLS);
    for (const id of ['essential-preset', 'essential-optimizer-learningRate', 'essential-model-width', 'essential-optimizer-batchSize', 'essential-data', 'essential-model-scaling', 'essential-steps']) {
      expect(await essentials.locator(`[data-testid="${id}"]`).count(), id).toBe(1);
    }
    expect(await testId(page, 'essential-model-width').inputValue()).toBe('64');
    // The full form is there, folded: a section per group of the schema, all closed, their fields out of sight.
    const sections = page.locator('gradflow-config-editor details[data-section]');
    expect(await sections.evaluateAll((all) => all.map((section) => `${section.getAttribute('data-section')}:${(section as HTMLDetailsElement).open}`)))
      .toEqual(expect.arrayContaining(['run:false', 'model:false', 'data:false', 'optimizer:false', 'metrics:false']));
    expect(await page.locator('gradflow-config-editor #field-seed').isVisible()).toBe(false);

    await page.screenshot({ path: `${ARTIFACTS}/after-${sizeName(viewport)}.png` });
    expect(errors).toEqual([]);
  });
}

/** A bad value and an unknown preset in the link, each on a page of its own. */
function linkErrors(viewport: { width: number; height: number }): void {
  it(`shows a bad link value and an unknown preset in a banner at the top, at ${sizeName(viewport)}`, async () => {
    const bad = await app.open(`?${SMALL}&set=model.width=abc`, { viewport });
    const badBanner = await bannerAtTop(bad.page);
    expect(badBanner.y).toBeLessThan(BANNER_MAX_Y);
    expect(badBanner.text).toMatch(/Nothing runs until this is fixed.*model\.width: got "abc"; .*expected number/);
    // Not the "Starting WebGPU…" that used to stay on screen.
    expect(await testId(bad.page, 'views-note').textContent()).toMatch(/Nothing runs: the config has a problem/);
    expect(await testId(bad.page, 'essential-model-width').inputValue()).toBe('abc');
    expect(await testId(bad.page, 'essential-model-width').getAttribute('aria-invalid')).toBe('true');
    await bad.page.screenshot({ path: `${ARTIFACTS}/bad-width-link-${sizeName(viewport)}.png` });
    await bad.page.close();

    const unknown = await app.open(`?${SMALL.replace('preset=default', 'preset=nope')}`, { viewport });
    const unknownBanner = await bannerAtTop(unknown.page);
    expect(unknownBanner.y).toBeLessThan(BANNER_MAX_Y);
    expect(unknownBanner.text).toMatch(/Unknown preset 'nope' in the link; presets: default, .*Running 'default' instead/);
    // ...and the default runs.
    await expect.poll(() => stepOf(unknown.page), { timeout: 90_000, interval: 250 }).toBeGreaterThan(0);
    expect(await testId(unknown.page, 'essential-preset').inputValue()).toBe('default');
    await unknown.page.close();
  });
}

/** A bad width typed into the folded form of the shared page, then fixed. */
function typedWidth(viewport: { width: number; height: number }): void {
  it(`keeps a width of -5 typed into the form, names it in the banner at the top, and runs again once it is fixed, at ${sizeName(viewport)}`, async () => {
    const { page, errors } = await pageAt(viewport);
    await page.locator('gradflow-config-editor details[data-section="model"] > summary').click();
    const width = page.locator('gradflow-config-editor #field-model-width');
    await width.fill('-5');
    await width.press('Tab');
    // The field keeps what was typed (also while the last valid run goes on re-rendering the page), marked, with its message beside it.
    await page.waitForTimeout(1000);
    expect(await width.inputValue()).toBe('-5');
    expect(await width.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('gradflow-config-editor [data-error-for="model.width"]').textContent()).toMatch(/got -5; Too small: expected number to be >=1/);
    expect(await testId(page, 'essential-model-width').inputValue()).toBe('-5');
    const banner = await bannerAtTop(page);
    expect(banner.y).toBeLessThan(BANNER_MAX_Y);
    expect(banner.text).toMatch(/model\.width: got -5; Too small: expected number to be >=1/);
    await page.screenshot({ path: `${ARTIFACTS}/typed-width-${sizeName(viewport)}.png` });

    await width.fill('32');
    await width.press('Tab');
    await expect.poll(() => testId(page, 'config-problem').count()).toBe(0);
    await expect.poll(() => testId(page, 'neurons').textContent(), { timeout: 30_000 }).toBe('32');
    expect(errors).toEqual([]);
    // The desktop page goes on to the sticky and upload tests.
    if (viewport === PHONE) await closePageAt(PHONE);
  });
}

describe('the first minute: layout', () => {
  // The desktop page's tests one after another, then the phone's: two trainings at once would slow both.
  firstScreen(DESKTOP);
  typedWidth(DESKTOP);

  it('keeps the views in sight while a field deep in the folded form is edited (sticky, at desktop width)', async () => {
    const { page, errors } = await pageAt(DESKTOP);
    await page.evaluate(() => window.scrollTo(0, 0));
    // The model section is open from the test before; open the others.
    for (const section of ['run', 'data', 'optimizer', 'metrics']) {
      await page.locator(`gradflow-config-editor details[data-section="${section}"] > summary`).click();
    }
    const every = page.locator('gradflow-config-editor #field-metrics-every');
    await every.fill('40');
    await every.press('Tab');
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(DESKTOP.height);
    // The edit starts a new run; its views come back where they were, beside the form.
    await expect.poll(() => new URL(page.url()).searchParams.getAll('set')).toContain('metrics.every=40');
    for (const id of ['particle-view', 'function-view', 'play']) {
      await expect.poll(() => inViewport(page, id), { timeout: 30_000, message: `${id} in sight after scrolling to metrics.every` }).toBe(true);
    }
    await page.screenshot({ path: `${ARTIFACTS}/sticky-${sizeName(DESKTOP)}.png` });
    expect(errors).toEqual([]);
  });

  it('says in the header what is trained after a CSV upload', async () => {
    const { page, errors } = await pageAt(DESKTOP);
    expect(await testId(page, 'run-summary').textContent()).toMatch(/teacher/);
    const rows = Array.from({ length: 40 }, (_, i) => `${Math.cos(i).toFixed(4)},${Math.sin(2 * i).toFixed(4)},${(Math.cos(i) * Math.sin(2 * i)).toFixed(4)}`);
    await testId(page, 'csv-upload').setInputFiles({ name: 'points.csv', mimeType: 'text/csv', buffer: Buffer.from(`x0,x1,y\n${rows.join('\n')}\n`) });
    await expect.poll(() => testId(page, 'run-summary').textContent(), { timeout: 60_000 }).toMatch(/trained on points\.csv \(40 rows, 2 inputs\)/);
    expect(await testId(page, 'run-summary').textContent()).not.toMatch(/teacher/);
    expect(errors).toEqual([]);
    await closePageAt(DESKTOP);
  });

  linkErrors(DESKTOP);
  firstScreen(PHONE);
  typedWidth(PHONE);
  linkErrors(PHONE);
});
