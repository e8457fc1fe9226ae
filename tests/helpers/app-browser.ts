/**
 * The app in a real browser for end-to-end tests and the UI benchmark: a Vite dev server on
 * 127.0.0.1 (a secure context, which WebGPU needs) and Playwright driving Debian's Chromium. An e2e file takes
 * its browser, its pages and the usual reads of the page (the step counter, a test id, a download) from
 * `useAppBrowser` and the helpers below it. `startAppBrowser({ built: true })` serves the production build that
 * `npm start` serves (bin/app-server.js) instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type ConsoleMessage, type Locator, type Page } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { buildApp, serveApp } from '../../bin/app-server.js';
import { CHROMIUM_PATH, WEBGPU_CHROMIUM_ARGS } from './chromium';

export interface OpenOptions {
  readonly viewport?: { width: number; height: number };
  readonly initScript?: () => void;
}

/** A page of the app; its console errors and uncaught exceptions collect in `errors`. */
export interface OpenedApp {
  readonly page: Page;
  readonly errors: string[];
}

export interface AppBrowser {
  readonly baseUrl: string;
  readonly browser: Browser;
  /** A new page at `search` (e.g. '?preset=default'). */
  open(search?: string, options?: OpenOptions): Promise<OpenedApp>;
  close(): Promise<void>;
}

/** A server for the app: its address and how to stop it. */
interface AppServer {
  readonly url: string;
  close(): Promise<void>;
}

const randomPort = () => 4173 + Math.floor(Math.random() * 20000);

async function startDevServer(): Promise<AppServer> {
  const server: ViteDevServer = await createServer({
    configFile: false,
    root: process.cwd(),
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: randomPort(), strictPort: false, hmr: false },
  });
  await server.listen();
  return { url: server.resolvedUrls!.local[0]!, close: () => server.close() };
}

/** What `npm start` serves (bin/app-server.js), built into a folder of its own (a running `npm start` keeps its dist/), removed on close. */
async function startBuiltServer(): Promise<AppServer> {
  const outDir = mkdtempSync(join(tmpdir(), 'gradflow-app-build-'));
  await buildApp({ outDir });
  const server = await serveApp({ outDir, port: randomPort() });
  return {
    url: server.resolvedUrls!.local[0]!,
    async close() {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a server and the browser. `webgpu: false`: a browser without WebGPU. `built`: the production build that
 * `npm start` serves instead of the dev server's unbundled modules.
 */
export async function startAppBrowser(options: { webgpu?: boolean; built?: boolean } = {}): Promise<AppBrowser> {
  const server = options.built ? await startBuiltServer() : await startDevServer();
  const baseUrl = server.url.replace(/\/$/, '');
  const args = options.webgpu === false ? [...WEBGPU_CHROMIUM_ARGS.filter((arg) => arg !== '--enable-unsafe-webgpu'), '--disable-features=WebGPU'] : WEBGPU_CHROMIUM_ARGS;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args, headless: true });
  return {
    baseUrl,
    browser,
    async open(search = '', openOptions = {}) {
      const page = await browser.newPage({ viewport: openOptions.viewport ?? { width: 1400, height: 1000 }, acceptDownloads: true });
      const errors: string[] = [];
      page.on('console', (message: ConsoleMessage) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
      if (openOptions.initScript) await page.addInitScript(openOptions.initScript);
      await page.goto(`${baseUrl}/${search}`);
      return { page, errors };
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** How long an e2e test waits for the app's step counter: SwiftShader on a shared machine. */
export const STEP_TIMEOUT_MS = 90_000;

export interface AppFixture {
  /** The file's browser (started before its tests). */
  readonly app: AppBrowser;
  /** The app's address ('http://127.0.0.1:port'). */
  readonly baseUrl: string;
  /**
   * Opens the app at `search` on a page closed after the test (passed or failed, so no run of a failed test
   * slows the next); with `untilStep`, waits until the step counter shows at least that step.
   */
  open(search?: string, options?: OpenOptions & { untilStep?: number }): Promise<OpenedApp>;
}

/**
 * One app browser for an e2e file: started before its tests (and `artifacts`, a folder for screenshots, made),
 * closed after them; each test's pages are closed after it. Call it at the top of the file.
 */
export function useAppBrowser(options: { webgpu?: boolean; artifacts?: string } = {}): AppFixture {
  let app: AppBrowser | undefined;
  const opened: Page[] = [];
  beforeAll(async () => {
    if (options.artifacts) await mkdir(options.artifacts, { recursive: true });
    app = await startAppBrowser(options.webgpu === undefined ? {} : { webgpu: options.webgpu });
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((page) => page.close()));
  });
  afterAll(async () => {
    await app?.close();
  });
  const started = () => {
    if (!app) throw new Error('the app browser starts before the tests: call useAppBrowser() at the top of the test file, outside describe');
    return app;
  };
  return {
    get app() {
      return started();
    },
    get baseUrl() {
      return started().baseUrl;
    },
    async open(search = '', { untilStep, ...openOptions } = {}) {
      const opening = await started().open(search, openOptions);
      opened.push(opening.page);
      if (untilStep !== undefined) await waitForStep(opening.page, untilStep);
      return opening;
    },
  };
}

/** The first element of the page with this data-testid (inside the app's shadow root too). */
export const testId = (page: Page, id: string): Locator => page.locator(`[data-testid="${id}"]`).first();

/** The step the app's facts line shows. */
export async function stepOf(page: Page): Promise<number> {
  return Number(await testId(page, 'step').textContent());
}

/** Waits until the app shows at least `step`. */
export async function waitForStep(page: Page, step: number, timeoutMs = STEP_TIMEOUT_MS): Promise<void> {
  await expect.poll(() => stepOf(page), { timeout: timeoutMs, interval: 250 }).toBeGreaterThanOrEqual(step);
}

/** Clicks a download button and returns the file's text. */
export async function downloaded(page: Page, id: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), testId(page, id).click()]);
  return readFile((await file.path())!, 'utf8');
}
