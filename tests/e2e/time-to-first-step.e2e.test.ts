/**
 * Time from page load to the first step shown, and where it goes (printed, not asserted: the software GPU and a
 * shared machine make any bound meaningless). Phases are read from the outside, polling the page every 20 ms:
 * the app element defined (scripts loaded and run), the adapter named in the facts line (WebGPU adapter and
 * device), the first step shown; the set-up is then split by the app's own User Timing spans (src/core/timing-spans.ts):
 * data and problem, the simulation (compute pipelines, kernel choice), and the first chunk up to its step shown.
 * A first visit (an empty profile: kernel choices from the shipped priors, or timed) and a returning one (the same
 * profile, reloaded: choices remembered in localStorage), each from `npm start`'s production build and from the
 * dev server, with the time each server takes to start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { startAppBrowser, type AppBrowser } from '../helpers/app-browser';
import { TIMING_SPAN_PREFIX } from '../../src/core/timing-spans';

interface Span {
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
}

interface Phases {
  readonly defined: number;
  readonly adapter: number;
  readonly firstStep: number;
  readonly spans: readonly Span[];
}

/** Phase times (ms from navigation) and the app's spans, once the first step is shown. */
function measure(page: Page, prefix: string): Promise<Phases> {
  return page.evaluate(async (spanPrefix) => {
    const now = () => performance.now();
    const until = async (done: () => boolean) => {
      while (!done()) await new Promise((resolve) => setTimeout(resolve, 20));
      return now();
    };
    const root = () => document.querySelector('gradflow-app')?.shadowRoot;
    const defined = await until(() => customElements.get('gradflow-app') !== undefined);
    const adapter = await until(() => !/^\s*(…|\.\.\.)?\s*$/.test(root()?.querySelector('.facts b')?.textContent ?? ''));
    const firstStep = await until(() => Number(root()?.querySelector('[data-testid="step"]')?.textContent ?? 0) > 0);
    const spans = performance
      .getEntriesByType('measure')
      .filter((entry) => entry.name.startsWith(spanPrefix) && entry.startTime < firstStep)
      .map((entry) => ({ name: entry.name.slice(spanPrefix.length), startMs: entry.startTime, endMs: entry.startTime + entry.duration }));
    return { defined, adapter, firstStep, spans };
  }, prefix);
}

/** Wall time covered by the union of `spans`, ms (concurrent compilations overlap). */
function coveredMs(spans: readonly Span[]): number {
  let total = 0;
  let reach = -Infinity;
  for (const { startMs, endMs } of [...spans].sort((a, b) => a.startMs - b.startMs)) {
    total += Math.max(0, endMs - Math.max(startMs, reach));
    reach = Math.max(reach, endMs);
  }
  return total;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function report(visit: string, phases: Phases): string {
  const { defined, adapter, firstStep, spans } = phases;
  const named = (name: string) => spans.filter((span) => span.name === name);
  const prefixed = (prefix: string) => spans.filter((span) => span.name.startsWith(prefix));
  const within = (list: readonly Span[], outer: readonly Span[]) => list.filter((s) => outer.some((o) => s.startMs >= o.startMs && s.endMs <= o.endMs));
  const wall = (list: readonly Span[]) => seconds(coveredMs(list));
  const simulation = named('set-up/simulation');
  const autotunes = prefixed('autotune/');
  const pipelines = prefixed('pipeline/');
  const forChoice = within(pipelines, autotunes);
  const forSimulation = within(pipelines, simulation).filter((p) => !forChoice.includes(p));
  const setUpEndMs = Math.max(adapter, ...simulation.map((span) => span.endMs));
  const afterSetUp = (list: readonly Span[]) => list.filter((span) => span.startMs >= setUpEndMs);
  const compiles = (list: readonly Span[]) => `${list.length} over ${wall(list)}`;
  return (
    `time to first step, ${visit}: ${seconds(firstStep)} from navigation ` +
    `(scripts ${seconds(defined)}, adapter and device +${seconds(adapter - defined)}, set-up and first chunk +${seconds(firstStep - adapter)})\n` +
    `  set-up: device ${wall(named('set-up/device'))}, data and problem ${wall(named('set-up/prepare'))}, simulation ${wall(simulation)} ` +
    `(kernel choice ${wall(autotunes)}, its compute pipelines ${compiles(forChoice)}; the trainer's compute pipelines ${compiles(forSimulation)}); ` +
    `first chunk to its step shown +${seconds(firstStep - setUpEndMs)}, beside it the views' compute pipelines ${compiles(afterSetUp(pipelines))} ` +
    `and render pipelines ${compiles(afterSetUp(prefixed('render-pipeline/')))}`
  );
}

const VIEWPORT = { width: 1440, height: 900 };

/** `npm start`'s production build, and the dev server (`npm run dev`, the e2e tests' server). */
const SERVERS = [
  { name: 'npm start (production build)', built: true },
  { name: 'dev server (unbundled modules)', built: false },
] as const;

describe('time to the first step', () => {
  let app: AppBrowser | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  for (const server of SERVERS) {
    it(`prints the time from page load to the first step shown, by phase, on a first and a returning visit (the default preset, 1440x900), from the ${server.name}`, async () => {
      const startedMs = performance.now();
      app = await startAppBrowser({ built: server.built });
      const readyMs = performance.now() - startedMs;
      // The server's first page load (the dev server transforms the modules on demand, then keeps them).
      const cold = await app.open('', { viewport: VIEWPORT });
      const coldDefinedMs = await cold.page.evaluate(async () => {
        while (customElements.get('gradflow-app') === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
        return performance.now();
      });
      await cold.page.close();
      console.log(`${server.name}: server and browser up in ${seconds(readyMs)}; the server's first page load ran its scripts in ${seconds(coldDefinedMs)}`);

      const { page, errors } = await app.open('', { viewport: VIEWPORT });
      const phases = await measure(page, TIMING_SPAN_PREFIX);
      console.log(report(`${server.name}, first visit (empty profile)`, phases));
      // A returning visitor: the same browser profile, its kernel choices remembered in localStorage.
      await page.reload();
      const again = await measure(page, TIMING_SPAN_PREFIX);
      console.log(report(`${server.name}, returning visit`, again));
      expect(phases.firstStep).toBeGreaterThan(0);
      expect(phases.spans.some((span) => span.name === 'set-up/simulation')).toBe(true);
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
