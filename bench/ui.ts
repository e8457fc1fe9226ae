/**
 * npm run bench:ui: the app in headless Chromium at 10,000 and 100,000 neurons (d = 2): frames per
 * second of the particle view (drawn from the training buffers, no readback) and training steps per
 * second, measured together after a warm-up over a window of at least 15 s that holds 3 frames and 3
 * chunks of steps (90 s at most). Writes bench/results/ui.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { startAppBrowser } from '../tests/helpers/app-browser';

const WIDTHS = [10_000, 100_000];
const WARM_UP_MS = 8_000;
const WINDOW_MS = 15_000;
/**
 * The window grows (to this at most) until it holds 3 frames and 3 chunks of steps: at 100,000 neurons
 * on SwiftShader one chunk takes ~8 s, and a fixed 15 s window once caught none (0 fps, 0 steps/s).
 */
const MAX_WINDOW_MS = 90_000;
const MIN_FRAMES = 3;
const MIN_STEPS = 3 * 8;

export interface UiBenchRow {
  readonly neurons: number;
  /** 'app': both views drawing; 'particles only': the function view (m x G^2 work per frame) hidden. */
  readonly views: 'app' | 'particles only';
  readonly framesPerSecond: number;
  readonly stepsPerSecond: number;
  readonly stepsPerFrame: number;
  readonly adapter: string;
  /** Seconds the window lasted (the read-backs below are counted over it). */
  readonly seconds: number;
  /** Labels of the buffers the views mapped during the window (everything not the trainer's own). */
  readonly viewReadbacks: string[];
  /** The trainer's own maps in the window: loss staging every chunk, weights at each checkpoint (checkpointEvery). */
  readonly trainerReadbacks: number;
}

/** Runs in the page before the app: records the label of every buffer mapped (mapAsync) into window.gradflowMaps. */
function recordMaps(): void {
  const maps: string[] = [];
  (window as unknown as { gradflowMaps: string[] }).gradflowMaps = maps;
  const original = GPUBuffer.prototype.mapAsync;
  GPUBuffer.prototype.mapAsync = function (this: GPUBuffer, ...args: Parameters<GPUBuffer['mapAsync']>) {
    maps.push(this.label);
    return original.apply(this, args);
  };
}

export async function benchUi(log: (line: string) => void, widths = WIDTHS): Promise<UiBenchRow[]> {
  const app = await startAppBrowser();
  const rows: UiBenchRow[] = [];
  try {
    for (const width of widths) for (const views of ['app', 'particles only'] as const) {
      // A run far longer than the window (the config takes at most 10,000,000 steps: it keeps every step's loss).
      const { page, errors } = await app.open(`?preset=default&set=model.width=${width}&set=steps=1000000&set=metrics.every=1000000`, { initScript: recordMaps });
      const mapCount = () => page.evaluate(() => (window as unknown as { gradflowMaps: string[] }).gradflowMaps.length);
      const step = async () => Number(await page.locator('[data-testid="step"]').first().textContent());
      const frames = () => page.locator('gradflow-particle-view').first().evaluate((view) => (view as HTMLElement & { framesDrawn: number }).framesDrawn);
      const deadline = Date.now() + 120_000;
      while ((await step()) === 0 && Date.now() < deadline) await page.waitForTimeout(250);
      if ((await step()) === 0) {
        // Nothing to time: say why (a config the app refuses shows its banner) instead of waiting on views never drawn.
        const banner = await page.getByText('Nothing runs').first().textContent({ timeout: 1_000 }).catch(() => undefined);
        throw new Error(`bench:ui: the app took no step in 120 s at width ${width}${banner ? `: ${banner}` : ''}${errors.length ? `; console errors: ${errors.join('; ')}` : ''}`);
      }
      if (views === 'particles only') {
        // Hidden views skip their frames (IntersectionObserver): what the particles alone cost.
        await page.locator('gradflow-function-view').first().evaluate((view) => ((view as HTMLElement).style.display = 'none'));
      }
      await page.waitForTimeout(WARM_UP_MS);
      const [step0, frames0, maps0, t0] = [await step(), await frames(), await mapCount(), performance.now()];
      await page.waitForTimeout(WINDOW_MS);
      let [step1, frames1, t1] = [await step(), await frames(), performance.now()];
      while ((step1 - step0 < MIN_STEPS || frames1 - frames0 < MIN_FRAMES) && t1 - t0 < MAX_WINDOW_MS) {
        await page.waitForTimeout(2_500);
        [step1, frames1, t1] = [await step(), await frames(), performance.now()];
      }
      const mapped = await page.evaluate((from) => (window as unknown as { gradflowMaps: string[] }).gradflowMaps.slice(from), maps0);
      const ownedByTrainer = (label: string) => label.startsWith('two-layer-trainer/');
      const viewReadbacks = mapped.filter((label) => !ownedByTrainer(label));
      const trainerReadbacks = mapped.filter(ownedByTrainer).length;
      const seconds = (t1 - t0) / 1000;
      const adapter = (await page.locator('header .facts b').first().textContent()) ?? '';
      const row = { neurons: width, views, seconds, framesPerSecond: (frames1 - frames0) / seconds, stepsPerSecond: (step1 - step0) / seconds, stepsPerFrame: 8, adapter, viewReadbacks, trainerReadbacks };
      rows.push(row);
      log(`${String(width).padStart(7)} neurons  ${views.padEnd(14)}  ${row.framesPerSecond.toFixed(2).padStart(6)} fps  ${row.stepsPerSecond.toFixed(1).padStart(7)} steps/s  view read-backs ${viewReadbacks.length} (trainer's own: ${trainerReadbacks})${errors.length ? `  console errors: ${errors.join('; ')}` : ''}`);
      await page.close();
    }
  } finally {
    await app.close();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const log = (line: string) => console.log(line);
  log('GradFlow UI bench — headless Chromium, default preset (d = 2), particle view drawn from the GPU buffers');
  const rows = await benchUi(log);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/ui.json', `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
  log('wrote bench/results/ui.json');
  process.exit(0);
}
