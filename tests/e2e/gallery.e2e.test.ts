/**
 * The README's gallery, made by the e2e run so it stays current: each main preset opened in the app at
 * 1200x750, trained for a while (small enough for the software GPU), and its first viewport saved under
 * docs/gallery/. The test asserts that each preset trains in the page without console errors; the pictures
 * are for people.
 */
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppBrowser, type AppBrowser } from '../helpers/app-browser';

const GALLERY = 'docs/gallery';

/** Each main preset with the size changes that let SwiftShader get far enough in seconds. */
export const GALLERY_PRESETS: readonly { readonly preset: string; readonly set: readonly string[]; readonly steps: number }[] = [
  { preset: 'default', set: ['model.width=512', 'steps=300'], steps: 150 },
  { preset: 'mean-field-circle', set: ['model.width=512', 'steps=300'], steps: 150 },
  { preset: 'lazy-vs-rich', set: ['steps=200'], steps: 100 },
  { preset: 'sharpness-vs-lr', set: ['steps=200'], steps: 100 },
  { preset: 'four-phase', set: ['steps=600'], steps: 300 },
  { preset: 'xor-benign-overfitting', set: ['steps=400'], steps: 200 },
  // Landscapes: each particle one optimizer run, drawn by <gradflow-landscape-view> (the run sets' focused member).
  { preset: 'saddle-avoidance', set: ['model.spec.particleCount=1024', 'steps=1000', 'metrics.every=50'], steps: 300 },
  { preset: 'sgd-stability-diagram', set: ['model.spec.particleCount=256', 'steps=300'], steps: 60 },
];

let app: AppBrowser;

beforeAll(async () => {
  await mkdir(GALLERY, { recursive: true });
  app = await startAppBrowser();
});

afterAll(async () => {
  await app?.close();
});

describe('the gallery', () => {
  for (const { preset, set, steps } of GALLERY_PRESETS) {
    it(`${preset}: trains in the app and is pictured in ${GALLERY}/${preset}.png`, async () => {
      const search = `?preset=${preset}${set.map((value) => `&set=${encodeURIComponent(value)}`).join('')}`;
      const { page, errors } = await app.open(search, { viewport: { width: 1200, height: 750 } });
      const step = page.locator('[data-testid="step"]').first();
      await expect.poll(async () => Number(await step.textContent()), { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(steps);
      await page.screenshot({ path: `${GALLERY}/${preset}.png` });
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
