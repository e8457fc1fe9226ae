/**
 * The browser half of `npm run bench`: a Vite server on 127.0.0.1 serving bench/browser/index.html
 * (cross-origin isolated, so TF.js wasm may use threads), headless Debian Chromium with WebGPU
 * (SwiftShader without a GPU) driven by Playwright, as tests/helpers/app-browser.ts does for the app.
 * Each size is one page.evaluate; the page keeps its state (autotune choice, throughputs) between them.
 */
import { chromium, type Page } from 'playwright';
import { createServer } from 'vite';
import { CHROMIUM_PATH, WEBGPU_CHROMIUM_ARGS } from '../../tests/helpers/chromium';
import type { InterleavedRow, InterleaveOptions } from '../interleave';
import type { StepSize } from '../training-step';
import type { RunSetBenchRow, RunSetBenchSpec } from '../run-set';
import { TINY_SIZES } from '../tiny-nets';
import { formatTinyLine } from '../tiny-net-rows';

export interface BrowserBench {
  info(): Promise<{ adapter: string; tfjs: string; wasm: string; userAgent: string; crossOriginIsolated: boolean }>;
  /** The matmul autotune, and what stepKernel 'auto' picks for a tiny net (settled before anything is timed). */
  tune(): Promise<{ winner: string; source: string; timesMs: Readonly<Record<string, number>>; shortlistMs?: Readonly<Record<string, number>>; autoStepKernel: string }>;
  runSize(size: StepSize, options: Omit<InterleaveOptions, 'previousMs' | 'alwaysRun'>, backends: readonly string[]): Promise<InterleavedRow[]>;
  /** bench/tiny-nets.ts in the page: GradFlow unfused, multi-step and 'auto' at one tiny size. */
  runTinyNet(size: StepSize, roundMs: number): Promise<InterleavedRow[]>;
  resetSizes(): Promise<void>;
  runSets(specs: readonly RunSetBenchSpec[], rounds: number): Promise<RunSetBenchRow[]>;
  close(): Promise<void>;
}

export async function startBrowserBench(log: (line: string) => void): Promise<BrowserBench> {
  const server = await createServer({
    configFile: false,
    root: process.cwd(),
    logLevel: 'warn',
    clearScreen: false,
    // Pre-bundled at start-up: a dependency discovered later would make Vite reload the page mid-run.
    optimizeDeps: { entries: ['bench/browser/index.html'], include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm'] },
    server: {
      host: '127.0.0.1', port: 4173 + Math.floor(Math.random() * 20000), strictPort: false, hmr: false,
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    },
  });
  await server.listen();
  const baseUrl = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: WEBGPU_CHROMIUM_ARGS, headless: true });
  const page: Page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') log(`  [page ${message.type()}] ${message.text()}`);
  });
  page.on('pageerror', (error) => log(`  [page error] ${error.message}`));
  page.setDefaultTimeout(0);
  await page.goto(`${baseUrl}/bench/browser/index.html`);
  await page.waitForFunction(() => 'gradflowBench' in window, undefined, { timeout: 180_000 });
  return {
    info: () => page.evaluate(() => window.gradflowBench.info()),
    tune: () => page.evaluate(() => window.gradflowBench.tune()),
    runSize: (size, options, backends) => page.evaluate(([s, o, b]) => window.gradflowBench.runSize(s, o, b), [size, options, backends] as const),
    runTinyNet: (size, roundMs) => page.evaluate(([s, r]) => window.gradflowBench.runTinyNet(s, r), [size, roundMs] as const),
    resetSizes: () => page.evaluate(() => window.gradflowBench.resetSizes()),
    runSets: (specs, rounds) => page.evaluate(([s, r]) => window.gradflowBench.runSets(s, r), [specs, rounds] as const),
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** The tiny nets in the page, size after size (bench.runTinyNet), a line each in `log`; returns every row. */
export async function browserTinyNets(bench: BrowserBench, roundMs: number, log: (line: string) => void): Promise<InterleavedRow[]> {
  log('-- tiny nets: steps/s, interleaved --');
  const rows: InterleavedRow[] = [];
  for (const size of TINY_SIZES) {
    const sizeRows = await bench.runTinyNet(size, roundMs);
    rows.push(...sizeRows);
    log(formatTinyLine(sizeRows));
  }
  return rows;
}
