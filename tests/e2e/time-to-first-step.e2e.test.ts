/**
 * Time from page load to the first step shown, and where it goes (printed, not asserted: the software GPU and a
 * shared machine make any bound meaningless). Phases are read from the outside, polling the page every 20 ms:
 * the app element defined (scripts loaded and run), the adapter named in the facts line (WebGPU adapter and
 * device), the first step shown (data, shaders compiled, kernels chosen, the first chunk read back); a first visit
 * (kernel choices timed, then remembered in localStorage) and a returning one (the same profile, reloaded).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppBrowser, type AppBrowser } from '../helpers/app-browser';

let app: AppBrowser;

beforeAll(async () => {
  app = await startAppBrowser();
});

afterAll(async () => {
  await app?.close();
});

describe('time to the first step', () => {
  it('prints the time from page load to the first step shown, by phase, on a first and a returning visit (the default preset, 1440x900)', async () => {
    // A warm-up load compiles the app's modules in the dev server, as a user's second visit finds them cached.
    const warm = await app.open('', { viewport: { width: 1440, height: 900 } });
    await warm.page.locator('gradflow-app').waitFor();
    await warm.page.close();

    const { page, errors } = await app.open('', { viewport: { width: 1440, height: 900 } });
    const measure = () =>
      page.evaluate(async () => {
        const now = () => performance.now();
        const until = async (done: () => boolean) => {
          while (!done()) await new Promise((resolve) => setTimeout(resolve, 20));
          return now();
        };
        const root = () => document.querySelector('gradflow-app')?.shadowRoot;
        const defined = await until(() => customElements.get('gradflow-app') !== undefined);
        const adapter = await until(() => !/^\s*(…|\.\.\.)?\s*$/.test(root()?.querySelector('.facts b')?.textContent ?? ''));
        const firstStep = await until(() => Number(root()?.querySelector('[data-testid="step"]')?.textContent ?? 0) > 0);
        return { defined, adapter, firstStep };
      });
    const report = (visit: string, phases: { defined: number; adapter: number; firstStep: number }) =>
      `time to first step, ${visit}: ${(phases.firstStep / 1000).toFixed(2)} s from navigation ` +
      `(scripts ${(phases.defined / 1000).toFixed(2)} s, adapter and device +${((phases.adapter - phases.defined) / 1000).toFixed(2)} s, ` +
      `set-up and first chunk +${((phases.firstStep - phases.adapter) / 1000).toFixed(2)} s)`;
    const phases = await measure();
    console.log(report('first visit (kernel choices timed, then remembered)', phases));
    // A returning visitor: the same browser profile, its kernel choices remembered in localStorage.
    await page.reload();
    const again = await measure();
    console.log(report('returning visit', again));
    expect(phases.firstStep).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
